"""Facet filters as index tokens: the engine finds filtered candidates through its full-text index, computed facets
(period, places) are a superset checked exactly, and stale tokens of started sessions are refreshed."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from elkaar.catalogue.models import Session
from elkaar.search import engine, filtering, periodic
from elkaar.search.models import Document
from tests import factories

pytestmark = pytest.mark.django_db


def ids(results) -> list[int]:
    return [hit.object_id for hit in results.items]


def test_weeks_between_crosses_the_year():
    start = datetime(2026, 12, 27, 15, 0, tzinfo=UTC)  # a Sunday: ISO week 52 of 2026

    assert filtering.weeks_between(start, start + timedelta(days=10)) == ["2026w52", "2026w53", "2027w01"]


def test_filter_tokens_are_plain_tokens_that_differ_per_value():
    first, second = filtering.token("topic", "woo"), filtering.token("topic", "avg")

    assert (first.isalnum(), first.islower(), first != second, filtering.token("topic", "woo") == first) == (
        True,
        True,
        True,
        True,
    )


def test_document_holds_a_token_for_every_facet_value_and_coming_week(make_course, woo):
    course = make_course("Excel snel", topics=[woo], format="online")
    starts_at = timezone.now() + timedelta(days=9)
    factories.SessionFactory(course=course, starts_at=starts_at)

    tokens = set(Document.objects.get(doc_type="course", object_id=course.pk).filter_tokens.split())

    expected = {
        filtering.token("topic", woo.slug),
        filtering.token("format", "online"),
        filtering.token("session", "coming"),
        filtering.token("week", filtering.week_value(starts_at)),
    }
    assert expected <= tokens


def test_filtered_search_beyond_the_candidates_checks_places_exactly(make_course, monkeypatch):
    for number in range(6):
        make_course(f"Excel les {number}")
    full = make_course("Excel vol")
    factories.SessionFactory(course=full, starts_at=timezone.now() + timedelta(days=3), capacity=4, confirmed_count=4)
    open_course = make_course("Excel open")
    factories.SessionFactory(course=open_course, starts_at=timezone.now() + timedelta(days=40))
    monkeypatch.setattr(engine, "CANDIDATES", 3)

    results = engine.search("excel", filters={"places": ["yes"]})

    assert ids(results) == [open_course.pk]


def test_filtered_search_beyond_the_candidates_checks_the_period_exactly(make_course, monkeypatch):
    for number in range(6):
        make_course(f"Excel les {number}")
    later = make_course("Excel later")
    factories.SessionFactory(course=later, starts_at=timezone.now() + timedelta(days=20))
    soon = make_course("Excel straks")
    factories.SessionFactory(course=soon, starts_at=timezone.now() + timedelta(days=2))
    monkeypatch.setattr(engine, "CANDIDATES", 3)

    by_week = engine.search("excel", filters={"period": ["week"]})
    by_month = engine.search("excel", filters={"period": ["month"]})

    assert (ids(by_week), set(ids(by_month))) == ([soon.pk], {soon.pk, later.pk})


def test_browsing_with_a_filter_beyond_the_candidates(make_course, woo, monkeypatch):
    for number in range(6):
        make_course(f"Excel les {number}")
    tagged = [make_course(f"Woo {number}", topics=[woo]) for number in range(2)]
    monkeypatch.setattr(engine, "CANDIDATES", 3)

    results = engine.search("", filters={"topic": [woo.slug]})

    assert (set(ids(results)), results.count) == ({course.pk for course in tagged}, 2)


def test_a_filter_value_no_document_has_finds_nothing(make_course, monkeypatch):
    for number in range(6):
        make_course(f"Excel les {number}")
    monkeypatch.setattr(engine, "CANDIDATES", 3)

    results = engine.search("excel", filters={"topic": ["bestaat-niet"]})

    assert (ids(results), results.count) == ([], 0)


def test_started_sessions_refresh_the_course_tokens(make_course):
    course = make_course("Excel gisteren")
    session = factories.SessionFactory(course=course, starts_at=timezone.now() + timedelta(hours=1))
    coming = filtering.token("session", "coming")
    assert coming in Document.objects.get(doc_type="course", object_id=course.pk).filter_tokens
    # Time passes: the session started an hour ago, after the course was last indexed.
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(starts_at=now - timedelta(hours=1))
    Document.objects.filter(doc_type="course", object_id=course.pk).update(indexed_at=now - timedelta(hours=2))

    refreshed = periodic.refresh_started_sessions(now)

    document = Document.objects.get(doc_type="course", object_id=course.pk)
    assert (refreshed, coming in document.filter_tokens) == (1, False)
    assert periodic.refresh_started_sessions(now) == 0  # the document is newer than the start now
