from datetime import timedelta

import pytest
from django.utils import timezone

from elkaar.catalogue import services
from elkaar.catalogue.models import CourseStatus
from elkaar.search import engine
from elkaar.search.backends import PUBLIC
from elkaar.search.models import Synonym
from tests import factories

pytestmark = pytest.mark.django_db


def titles(results) -> list[str]:
    return [hit.title for hit in results.items]


def test_search_finds_course_by_inflected_word(make_course):
    make_course("Cursussen schrijven voor beginners")
    make_course("Excel voor gevorderden")

    results = engine.search("cursus")

    assert titles(results) == ["Cursussen schrijven voor beginners"]


def test_search_ignores_accents(make_course):
    make_course("Coördinatie van zorg")

    assert titles(engine.search("coordinatie")) == ["Coördinatie van zorg"]


def test_search_finds_compound_from_its_parts(make_course):
    make_course("Projectleiding in de praktijk")

    assert titles(engine.search("leiding geven aan projecten")) == ["Projectleiding in de praktijk"]


def test_search_finds_parts_from_compound(make_course):
    make_course("Zorg voor de jeugd in je gemeente")

    assert titles(engine.search("jeugdzorg")) == ["Zorg voor de jeugd in je gemeente"]


def test_search_expands_seeded_synonyms(make_course):
    make_course("De Wet open overheid voor beginners")
    make_course("Privacy op de werkvloer")

    assert titles(engine.search("wob")) == ["De Wet open overheid voor beginners"]
    assert titles(engine.search("AVG")) == ["Privacy op de werkvloer"]


def test_search_uses_synonym_added_by_administrator(make_course):
    make_course("Tijdmanagement voor drukke collega's")
    assert titles(engine.search("agendabeheer")) == []

    Synonym.objects.create(terms="tijdmanagement, agendabeheer")

    assert titles(engine.search("agendabeheer")) == ["Tijdmanagement voor drukke collega's"]


def test_search_corrects_typo_and_says_so(make_course):
    make_course("Projectmanagement voor beginners")
    make_course("De Omgevingswet in een uur")

    results = engine.search("projectmangement")
    assert titles(results) == ["Projectmanagement voor beginners"]
    assert results.did_you_mean == "projectmanagement"
    assert titles(engine.search("omgevingwet")) == ["De Omgevingswet in een uur"]


def test_search_does_not_correct_known_words(make_course):
    make_course("Excel voor gevorderden")

    assert engine.search("excel").did_you_mean == ""


def test_search_ranks_title_match_above_description_match(make_course):
    make_course("Vergaderen met beleid", description="Over begrotingen gaat het hier niet.")
    make_course("Begroting lezen", description="Cijfers zonder stress.")

    assert titles(engine.search("begroting")) == ["Begroting lezen", "Vergaderen met beleid"]


def test_search_ranks_course_with_coming_places_above_past_only(make_course):
    past = make_course("Excel in de praktijk")
    coming = make_course("Excel in de praktijk ")
    factories.SessionFactory(course=past, starts_at=timezone.now() - timedelta(days=30))
    factories.SessionFactory(course=coming, starts_at=timezone.now() + timedelta(days=30))

    results = engine.search("excel praktijk")

    assert [hit.object_id for hit in results.items] == [coming.pk, past.pk]


def test_search_ranks_full_course_below_one_with_places(make_course):
    full = make_course("Excel basis")
    open_course = make_course("Excel basis ")
    factories.SessionFactory(course=full, capacity=10, confirmed_count=10)
    factories.SessionFactory(course=open_course, capacity=10, confirmed_count=3)

    assert [hit.object_id for hit in engine.search("excel").items] == [open_course.pk, full.pk]


def test_search_breaks_ties_by_soonest_session(make_course):
    later = make_course("Excel basis")
    sooner = make_course("Excel basis ")
    factories.SessionFactory(course=later, starts_at=timezone.now() + timedelta(days=40))
    factories.SessionFactory(course=sooner, starts_at=timezone.now() + timedelta(days=4))

    assert [hit.object_id for hit in engine.search("excel").items] == [sooner.pk, later.pk]


def test_search_ranks_archived_course_last_for_its_trainer(make_course, alice):
    archived = make_course("Excel basis", trainers=[alice], organisation=alice.organisation)
    current = make_course("Excel basis ")
    services.archive_course(alice, archived)

    assert [hit.object_id for hit in engine.search("excel", user=alice).items] == [current.pk, archived.pk]


def test_search_hides_unpublished_courses_from_others(make_course, alice, carol):
    draft = make_course("Geheime Excel-cursus", status=CourseStatus.DRAFT, trainers=[alice])

    assert titles(engine.search("excel")) == []
    assert titles(engine.search("excel", user=carol)) == []
    assert [hit.object_id for hit in engine.search("excel", user=alice).items] == [draft.pk]


def test_search_shows_unpublished_courses_to_admin(make_course, admin_user):
    make_course("Geheime Excel-cursus", status=CourseStatus.DRAFT)

    assert titles(engine.search("excel", user=admin_user)) == ["Geheime Excel-cursus"]


def test_search_counts_facets(make_course, woo):
    other = factories.TopicFactory(name="Archiveren")
    make_course("Woo en archief", topics=[woo, other])
    make_course("Woo-verzoeken behandelen", topics=[woo])

    results = engine.search("woo")

    topic = next(group for group in results.facets if group.name == "topic")
    assert [(value.label, value.count) for value in topic.values] == [("Wet open overheid", 2), ("Archiveren", 1)]


def test_search_filters_on_facet_and_keeps_other_values_countable(make_course, woo):
    other = factories.TopicFactory(name="Archiveren")
    make_course("Woo en archief", topics=[other])
    make_course("Woo-verzoeken behandelen", topics=[woo])

    results = engine.search("woo", filters={"topic": [other.slug]})

    assert titles(results) == ["Woo en archief"]
    topic = next(group for group in results.facets if group.name == "topic")
    assert {(value.value, value.count, value.selected) for value in topic.values} == {
        (other.slug, 1, True),
        (woo.slug, 1, False),
    }


def test_search_filters_on_period_and_places(make_course):
    soon = make_course("Excel basis")
    later = make_course("Excel gevorderd")
    full = make_course("Excel expert")
    factories.SessionFactory(course=soon, starts_at=timezone.now() + timedelta(days=3))
    factories.SessionFactory(course=later, starts_at=timezone.now() + timedelta(days=60))
    factories.SessionFactory(course=full, starts_at=timezone.now() + timedelta(days=2), capacity=5, confirmed_count=5)

    assert set(titles(engine.search("excel", filters={"period": ["week"]}))) == {"Excel basis", "Excel expert"}
    assert set(titles(engine.search("excel", filters={"places": ["yes"]}))) == {"Excel basis", "Excel gevorderd"}


def test_search_ignores_unknown_filters_and_sorts(make_course):
    make_course("Excel basis")

    results = engine.search("excel", filters={"bogus": ["x"]}, sort="bogus")

    assert (titles(results), results.filters, results.sort) == (["Excel basis"], {}, "relevance")


def test_search_sorts_by_soonest_session(make_course):
    later = make_course("Excel basis voor iedereen")
    sooner = make_course("Excel")
    factories.SessionFactory(course=later, starts_at=timezone.now() + timedelta(days=9))
    factories.SessionFactory(course=sooner, starts_at=timezone.now() + timedelta(days=2))

    assert [hit.object_id for hit in engine.search("excel", sort="soonest").items] == [sooner.pk, later.pk]


def test_search_sorts_by_newest(make_course):
    old = make_course("Excel", published_at=timezone.now() - timedelta(days=100))
    new = make_course("Excel basis voor iedereen", published_at=timezone.now())

    assert [hit.object_id for hit in engine.search("excel", sort="newest").items] == [new.pk, old.pk]


def test_search_sort_by_rating_falls_back_to_relevance_then_uses_rating(make_course):
    from elkaar.search import index

    weak = make_course("Praktijkdag", description="Ook iets over Excel.")
    strong = make_course("Excel basis")
    assert [hit.object_id for hit in engine.search("excel", sort="rating").items] == [strong.pk, weak.pk]

    index.set_rating("course", weak.pk, 4.8, 12)

    assert [hit.object_id for hit in engine.search("excel", sort="rating").items] == [weak.pk, strong.pk]


def test_search_pages_results(make_course):
    for number in range(25):
        make_course(f"Excel les {number}")

    first = engine.search("excel", page_size=10)
    third = engine.search("excel", page=3, page_size=10)

    assert (first.count, len(first.items), len(third.items), first.pages) == (25, 10, 5, 3)


def test_a_word_in_more_documents_than_the_engine_ranks_finds_the_newest(make_course, monkeypatch):
    """Beyond the engine's rank limit a query is cut to its newest matches; PostgreSQL finds them through
    recency buckets, growing its window of buckets until it holds enough (tiny buckets here: 2, 16, ... ids)."""
    from elkaar.search import filtering
    from elkaar.search.backends import backend, postgres

    monkeypatch.setattr(filtering, "RECENT_BUCKET", 2)
    monkeypatch.setattr(postgres, "WINDOW_MARGIN", 0.1)
    monkeypatch.setattr(postgres, "WINDOW_MINIMUM", 1)
    monkeypatch.setattr(type(backend()), "rank_limit", 0)
    monkeypatch.setattr(engine, "CANDIDATES", 3)
    matching, matching_online = [], []
    for number in range(12):  # oldest first; every third course is about something else
        format = "online" if number % 2 else "op locatie"
        course = make_course(f"Vergaderen deel {number}" if number % 3 else "Begroting", format=format)
        if number % 3:
            matching.append(course.pk)
            if format == "online":
                matching_online.append(course.pk)

    found = {hit.object_id for hit in engine.search("vergaderen").items}
    found_online = {hit.object_id for hit in engine.search("vergaderen", filters={"format": ["online"]}).items}

    assert (found, found_online) == (set(matching[-3:]), set(matching_online[-3:]))


def test_search_without_words_lists_everything(make_course):
    make_course("Excel basis")
    make_course("Woo basis")

    results = engine.search("")

    assert (results.count, sorted(titles(results))) == (2, ["Excel basis", "Woo basis"])


def test_search_without_words_counts_more_than_it_lists(make_course, monkeypatch, admin_user, alice):
    monkeypatch.setattr(engine, "CANDIDATES", 2)
    for title in ("Excel basis", "Woo basis", "Woo verdieping"):
        make_course(title, format="online" if title.startswith("Woo") else "op locatie")
    make_course("Concept over Excel", status=CourseStatus.DRAFT, trainers=[alice])

    counts = [
        engine.search("").count,
        engine.search("", user=admin_user).count,
        engine.search("", user=alice).count,
        engine.search("", filters={"format": ["online"]}).count,
    ]

    assert counts == [3, 4, 4, 2]


def test_search_highlights_matches_and_escapes_text(make_course):
    make_course("<script>alert(1)</script> Excel", description="Leer <b>Excel</b> en draaitabellen.")

    hit = engine.search("excel").items[0]

    assert str(hit.title_html) == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Excel</mark>"
    assert "<mark>Excel</mark>" in str(hit.snippet_html)
    assert "<b>" not in str(hit.snippet_html)


def test_search_people_finds_only_findable_experts(db):
    findable = factories.UserFactory(
        name="Sanne Expert", findable_as_expert=True, expertise_keywords="crisiscommunicatie, webcare"
    )
    factories.UserFactory(name="Piet Verborgen", findable_as_expert=False, expertise_keywords="crisiscommunicatie")

    results = engine.search("crisiscommunicatie", "person")

    assert [hit.object_id for hit in results.items] == [findable.pk]


def test_search_people_finds_trainer_by_course_taught(make_course):
    trainer = factories.UserFactory(name="Mo Trainer", findable_as_expert=True)
    make_course("Draaitabellen in Excel", trainers=[trainer])

    assert [hit.object_id for hit in engine.search("draaitabel", "person").items] == [trainer.pk]


def test_related_finds_courses_for_a_long_request(make_course):
    make_course("Woo-verzoeken behandelen", description="Termijnen halen en goed lakken.")
    make_course("Excel basis")
    text = (
        "Er komen bij ons steeds meer Woo-verzoeken binnen. De termijnen lopen uit en we weten niet zeker wat "
        "we mogen lakken. Wie denkt met ons mee? " * 3
    )

    hits = engine.related(text, "course")

    assert [hit.title for hit in hits] == ["Woo-verzoeken behandelen"]
    assert hits[0].score > 0


def test_suggest_completes_last_word(make_course):
    make_course("Projectmanagement", description="Projecten en projectleiders.")

    assert engine.suggest("excel proj") == ["excel projecten", "excel projectleiders", "excel projectmanagement"]
    assert engine.suggest("") == []


def test_retrieve_takes_narrow_tiers_first_when_matches_exceed_the_limit(make_course):
    from elkaar.search.models import Document, Term

    for number in range(6):
        make_course(f"Excel les {number}", description="Over draaitabellen.")
    best = make_course("Draaitabellen in Excel")
    concepts = engine.parse("excel draaitabellen", "course").concepts
    tokens = {token for concept in concepts for token in concept.tokens}
    frequency = {
        token: (count, head)
        for token, count, head in Term.objects.filter(token__in=tokens).values_list(
            "token", "document_count", "head_count"
        )
    }

    ids, complete = engine._retrieve("course", concepts, frequency, PUBLIC, limit=3)

    assert (len(ids), complete) == (3, False)
    assert Document.objects.get(pk=ids[0]).object_id == best.pk


def test_search_estimates_count_beyond_the_candidates(make_course, monkeypatch):
    for number in range(8):
        make_course(f"Excel les {number}")
    monkeypatch.setattr(engine, "CANDIDATES", 5)

    results = engine.search("excel")

    assert (results.count, results.count_exact, len(results.items)) == (8, False, 5)


def test_search_filters_in_the_database_when_matches_exceed_the_candidates(make_course, woo, monkeypatch):
    for number in range(6):
        make_course(f"Excel les {number}")
    soon = make_course("Excel snel", topics=[woo])
    factories.SessionFactory(course=soon, starts_at=timezone.now() + timedelta(days=2))
    monkeypatch.setattr(engine, "CANDIDATES", 3)

    by_topic = engine.search("excel", filters={"topic": [woo.slug]})
    by_period = engine.search("excel", filters={"period": ["week"], "places": ["yes"]})

    assert [hit.object_id for hit in by_topic.items] == [soon.pk]
    assert [hit.object_id for hit in by_period.items] == [soon.pk]
