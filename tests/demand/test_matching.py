"""Matching a request with courses and colleagues: ranking, reasons in words, privacy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from tests import factories
from tests.demand.conftest import WOO_TEXT, WOO_TITLE

from elkaar.demand import matching, services
from elkaar.search.analysis import Alternative, Concept
from elkaar.search.ranking import CorpusStats, DocumentText


def test_request_matches_the_course_that_answers_it_first(woo_request, woo_course):
    result = matching.match_request(woo_request)

    assert [match.course for match in result.courses][:1] == [woo_course]
    assert result.courses[0].strong


def test_unrelated_courses_are_not_shown(woo_request, other_courses):
    result = matching.match_request(woo_request)

    assert not {match.course.pk for match in result.courses} & {course.pk for course in other_courses}


def test_course_reason_names_words_and_next_session(woo_request, woo_course):
    starts = timezone.now() + timedelta(days=20)
    factories.SessionFactory(course=woo_course, starts_at=starts, capacity=12)

    match = matching.match_request(woo_request).courses[0]

    assert "woo-verzoek" in match.reason
    assert f"volgende bijeenkomst {timezone.localtime(starts):%d-%m-%Y}, nog 12 plaatsen" in match.reason
    assert [session.starts_at for session in match.next_sessions] == [starts]


def test_expert_is_suggested_with_reason(woo_request, alice):
    result = matching.match_request(woo_request)

    assert [match.person for match in result.people] == [alice]
    assert result.people[0].reason == "Geeft 1 cursus over Wet open overheid; expertise: Woo-verzoeken, lakken"


def test_colleague_who_did_not_opt_in_is_not_suggested(woo_request, alice, woo_course):
    alice.findable_as_expert = False
    alice.save()

    result = matching.match_request(woo_request)

    assert result.people == []
    assert [match.course for match in result.courses][:1] == [woo_course]


def test_expert_without_course_is_found_by_profile(bob, other_courses, municipality):
    expert = factories.UserFactory(
        organisation=municipality,
        name="Sanne Crisis",
        findable_as_expert=True,
        bio="Ik draai mee in de piketpool crisiscommunicatie en schrijf bij calamiteiten de eerste berichten.",
        expertise_keywords="crisiscommunicatie, webcare",
    )
    request = services.create_request(
        bob, title="Crisiscommunicatie tijdens een storm", description="Wie heeft ervaring met crisiscommunicatie?"
    )

    result = matching.match_request(request)

    assert [match.person for match in result.people] == [expert]
    assert result.people[0].reason == "Expertise: crisiscommunicatie"


def test_requester_is_never_suggested_to_themselves(alice, woo_course, other_courses):
    request = services.create_request(alice, title=WOO_TITLE, description=WOO_TEXT)

    result = matching.match_request(request)

    assert alice not in [match.person for match in result.people]


@pytest.mark.skipif(not apps.is_installed("elkaar.feedback"), reason="the feedback app brings reviews")
def test_reviews_show_in_reasons(woo_request, woo_course, municipality):
    review = apps.get_model("feedback", "Review")
    for rating in (5, 4):
        review.objects.create(course=woo_course, author=factories.UserFactory(organisation=municipality), rating=rating)

    result = matching.match_request(woo_request)

    assert "gemiddeld 4,5" in result.people[0].reason
    assert "gemiddeld 4,5 uit 2 beoordelingen" in result.courses[0].reason


def test_requests_for_person_lists_what_expert_could_answer(woo_request, alice):
    fits = matching.requests_for_person(alice)

    assert [fit.request for fit in fits] == [woo_request]
    assert "Woo-verzoeken" in fits[0].match.reason


def test_requests_for_person_works_without_opt_in(woo_request, alice):
    alice.findable_as_expert = False
    alice.save()

    fits = matching.requests_for_person(alice)

    assert [fit.request for fit in fits] == [woo_request]


def test_requests_for_person_leaves_out_own_and_unrelated(woo_request, bob, carol):
    assert matching.requests_for_person(bob) == []
    assert matching.requests_for_person(carol) == []


def test_requests_for_person_leaves_out_closed_requests(woo_request, alice, bob):
    services.close_request(bob, woo_request, "not_needed")

    assert matching.requests_for_person(alice) == []


def test_find_experts_by_a_few_words(woo_course, alice, other_courses):
    found = matching.find_experts("lakken van woo-documenten")

    assert [match.person for match in found] == [alice]


def test_find_experts_with_empty_text_finds_nobody(woo_course):
    assert matching.find_experts("   ") == []


def test_strange_request_text_matches_without_error(bob, woo_course):
    request = services.create_request(bob, title='" AND OR NOT ( * NEAR 😀', description="(((" + "a" * 4990)

    result = matching.match_request(request)

    assert result.courses == [] and result.people == []


def test_word_weight_prefers_specific_words():
    assert matching.word_weight("helpen") < matching.word_weight("woo-verzoeken")
    assert matching.word_weight("dpia") == 1.0


def _document(key: int, body: str) -> DocumentText:
    return DocumentText(key=key, title="", keywords="", body=body)


def test_course_is_ranked_without_the_words_its_own_trainer_lent():
    # "lakken" came into the query only through the profile of trainer 7: their course may not win on it.
    query = matching.Query(
        concepts=[Concept("woo", [Alternative(("woo",), 1.0, "exact")])],
        expansion={"lakken": 1.0},
        expansion_without={7: {}},
    )
    documents = {1: _document(1, "lakken"), 2: _document(2, "lakken")}
    stats = CorpusStats(doc_count=10, average_lengths=(1.0, 1.0, 1.0), document_frequency={"lakken": 2, "woo": 2})
    full = {1: 5.0, 2: 5.0}

    ranking = matching._without_own_trainer(query, full, documents, stats, {1: [7], 2: [8]})

    assert ranking == {1: 0.0, 2: 5.0}


def test_neighbours_lend_their_scores_to_similar_courses_only():
    documents = {
        1: _document(1, "woo verzoek termijn"),
        2: _document(2, "woo verzoek lakken"),
        3: _document(3, "excel draaitabel"),
    }

    neighbours = matching._neighbour_scores({1: 10.0, 2: 4.0, 3: 1.0}, documents)

    assert neighbours[1] == pytest.approx(4.0) and neighbours[2] == pytest.approx(10.0)
    assert 3 not in neighbours  # nothing like it among the best: no support
