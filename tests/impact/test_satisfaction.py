"""Satisfaction and recommendation figures of impact, from the evaluation answers, against hand-computed values: on
the programme dashboard, the trainer's recognition (profile and API) and the statistics API; feedback's threshold
(an anonymous survey's answers count only from SURVEY_MIN_RESPONSES answers) holds here too; and the periodic round
picks up new answers only from evaluations that can still take them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from elkaar.feedback import services as feedback
from elkaar.feedback.models import Invitation, Survey, SurveyKind
from elkaar.impact import ledger
from elkaar.impact.models import SessionFact
from tests import factories
from tests.api.conftest import as_user
from tests.feedback.conftest import default_answers
from tests.impact.conftest import at, attend, held, refresh

pytestmark = pytest.mark.django_db

MAY = "van=2025-05&tot=2025-05"

# Five answers: satisfaction 5, 4, 4, 3, 2 -> 18 / 5 = 3.6. Recommendation 10, 9, 9 (promoters), 7 (passive),
# 2 (detractor) -> 100 × (3 − 1) / 5 = 40.
COUNTED = [(5, 10), (4, 9), (4, 9), (3, 7), (2, 2)]
# Two answers to another session: below the threshold of 3, so they count nowhere. Were they counted, the
# satisfaction would be 20 / 7 = 2.9 and the recommendation score 100 × (3 − 3) / 7 = 0.
TOO_FEW = [(1, 0), (1, 0)]


@pytest.fixture
def programme_course(alice, topic, programme):
    return factories.CourseFactory(
        title="Jeugdzorg voor beginners", organisation=alice.organisation, trainers=[alice], topics=[topic],
        programme=programme,
    )  # fmt: skip


def evaluated(course, day: int, answers: list[tuple[int, int]], colleagues) -> None:
    """A session of `course` on `day` May 2025 whose attendees answered its evaluation with (satisfaction,
    recommendation) pairs, one per attendee."""
    session = held(course, starts_at=at(2025, 5, day))
    for person in colleagues(len(answers)):
        attend(person, session)
    feedback.invite_attendees(session, SurveyKind.EVALUATION)
    invitations = Invitation.objects.filter(survey__session=session).select_related("survey").order_by("pk")
    for invitation, (satisfaction, recommend) in zip(invitations, answers, strict=True):
        feedback.submit_response(invitation, default_answers(invitation.survey, satisfaction, recommend))


@pytest.fixture
def answered(programme_course, colleagues):
    evaluated(programme_course, 12, COUNTED, colleagues)
    evaluated(programme_course, 20, TOO_FEW, colleagues)
    refresh()


@pytest.fixture
def too_few_answers(programme_course, colleagues):
    evaluated(programme_course, 20, TOO_FEW, colleagues)
    refresh()


def _programme_page(client, programme) -> tuple[object, str]:
    response = client.get(reverse("impact:programme", args=[programme.slug]) + f"?{MAY}")
    assert response.status_code == 200
    return response.context["total"], response.content.decode()


# --- Programme dashboard ----------------------------------------------------------------------------------------


def test_programme_dashboard_shows_hand_computed_satisfaction_and_recommendation(as_pam, programme, answered):
    total, content = _programme_page(as_pam, programme)

    assert (total.satisfaction, total.satisfaction_count, total.recommendation_score) == (3.6, 5, 40)
    assert (total.promoters, total.passives, total.detractors) == (3, 1, 1)
    assert '3,6 <span class="impact-figures__note">(5 antwoorden)</span>' in content
    assert "Aanbevelingsscore (−100 tot 100)</dt><dd>40</dd>" in content


def test_programme_dashboard_shows_no_satisfaction_below_the_threshold(as_pam, programme, too_few_answers):
    total, content = _programme_page(as_pam, programme)

    assert total.sessions == 1 and total.participants == 2  # the session itself counts
    assert (total.satisfaction, total.satisfaction_count, total.recommendation_score) == (None, 0, None)
    assert "Tevredenheid (1 tot 5)</dt><dd>–</dd>" in content
    assert "Aanbevelingsscore (−100 tot 100)</dt><dd>–</dd>" in content


# --- Recognition ------------------------------------------------------------------------------------------------


def test_profile_shows_the_trainers_hand_computed_evaluation_scores(as_bob, alice, answered):
    content = as_bob.get(reverse("accounts:profile", args=[alice.pk])).content.decode()

    assert "3,6 van 5 (5 antwoorden)" in content
    assert "Aanbevelingsscore in evaluaties</dt><dd>40</dd>" in content


def test_profile_shows_no_evaluation_scores_below_the_threshold(as_bob, alice, too_few_answers):
    content = as_bob.get(reverse("accounts:profile", args=[alice.pk])).content.decode()

    assert 'id="erkenning"' in content  # the trainer's figures are there, the scores are not
    assert "Tevredenheid in evaluaties" not in content
    assert "Aanbevelingsscore in evaluaties" not in content


# --- API --------------------------------------------------------------------------------------------------------


def _scores(body: dict) -> tuple:
    return body["satisfaction"], body["satisfaction_answers"], body["recommendation_score"]


def test_recognition_api_has_the_hand_computed_scores(alice, answered):
    body = as_user(None).get(f"/users/{alice.pk}/recognition").json()

    assert _scores(body) == (3.6, 5, 40)


def test_statistics_api_of_the_programme_has_the_hand_computed_scores(pam, programme, answered):
    response = as_user(pam).get("/impact/statistics", {"from": "2025-05", "to": "2025-05", "programme": programme.slug})

    assert response.status_code == 200
    assert _scores(response.json()["total"]) == (3.6, 5, 40)


def test_apis_have_no_scores_below_the_threshold(alice, pam, programme, too_few_answers):
    recognition = as_user(None).get(f"/users/{alice.pk}/recognition").json()
    statistics = as_user(pam).get("/impact/statistics", {"from": "2025-05", "to": "2025-05"}).json()

    assert _scores(recognition) == (None, 0, None)
    assert _scores(statistics["total"]) == (None, 0, None)
    assert statistics["total"]["participants"] == 2


def test_threshold_setting_applies_to_impact_too(alice, programme_course, colleagues, settings):
    settings.SURVEY_MIN_RESPONSES = 6
    evaluated(programme_course, 12, COUNTED, colleagues)
    refresh()

    assert _scores(as_user(None).get(f"/users/{alice.pk}/recognition").json()) == (None, 0, None)


# --- The periodic round picks up new answers while an evaluation can take them ---------------------------------


def _answered_after_the_facts(course, colleagues, count: int = 3):
    """A session whose facts were computed (by the first round) before its attendees answered its evaluation."""
    session = held(course, starts_at=at(2025, 5, 12))
    for person in colleagues(count):
        attend(person, session)
    ledger.refresh_due()  # the first round computes everything, answers not there yet
    feedback.invite_attendees(session, SurveyKind.EVALUATION)
    survey = session.surveys.get(kind=SurveyKind.EVALUATION)
    return session, survey


def _answer_all(survey) -> None:
    for invitation in Invitation.objects.filter(survey=survey).select_related("survey"):
        feedback.submit_response(invitation, default_answers(survey, 4, 9))


def _fact(session) -> tuple[int, int]:
    fact = SessionFact.objects.get(session=session)
    return fact.evaluation_responses, fact.satisfaction_count


def test_next_round_counts_answers_given_since_the_last_one(programme_course, colleagues):
    session, survey = _answered_after_the_facts(programme_course, colleagues)
    assert _fact(session) == (0, 0)
    _answer_all(survey)

    ledger.refresh_due()

    assert _fact(session) == (3, 3)


def test_answers_on_the_last_day_of_the_window_are_counted_the_day_after(programme_course, colleagues):
    session, survey = _answered_after_the_facts(programme_course, colleagues)
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate())
    survey.refresh_from_db()
    _answer_all(survey)  # after the round of today, still within the window

    ledger.refresh_due(timezone.now() + timedelta(days=1))

    assert _fact(session) == (3, 3)


def test_evaluations_whose_window_ended_before_the_last_round_are_not_scanned(programme_course, colleagues):
    """Evaluations stay open for good; once their last day lies before the last round they take no answers, and
    the round leaves them alone. (The stale fact below cannot happen for real: it shows the survey is skipped.)"""
    session, survey = _answered_after_the_facts(programme_course, colleagues)
    _answer_all(survey)
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - timedelta(days=1))

    ledger.refresh_due()

    assert _fact(session) == (0, 0)
