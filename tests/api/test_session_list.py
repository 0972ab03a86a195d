"""GET /sessions: the sessions of the published catalogue, per role, with their filters."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from elkaar.accounts.models import OrganisationKind
from elkaar.catalogue.models import CourseFormat, SessionStatus
from tests import factories
from tests.api.conftest import ROLES, invalid_names, problem

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def online_session(programme_course):
    return factories.SessionFactory(
        course=programme_course, location="", online_url="https://meet.example.org/jeugdzorg", capacity=10
    )


@pytest.fixture
def other_course(carol):
    """A published hybrid course of the ministry, on another topic."""
    return factories.CourseFactory(
        title="Effectief vergaderen",
        organisation=carol.organisation,
        trainers=[carol],
        topics=[factories.TopicFactory(name="Effectief werken")],
        format=CourseFormat.HYBRID,
    )


# --- per role ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_sessions_for_every_role_shows_published_courses_only(api_as, session, draft, role):
    factories.SessionFactory(course=draft)

    response = api_as(role).get("/sessions")

    assert ids(response) == [session.pk]
    assert response.json()["count"] == 1
    item = response.json()["items"][0]
    assert item["course"]["id"] == session.course_id
    assert (item["capacity"], item["places_left"], item["waiting_count"]) == (20, 20, 0)


@pytest.mark.parametrize(
    ("role", "sees_link"),
    [("anonymous", False), ("bob", False), ("carol", False), ("alice", True), ("pam", True), ("admin", True)],
)
def test_list_sessions_online_link_only_for_those_who_run_the_course(api_as, online_session, role, sees_link):
    response = api_as(role).get("/sessions")

    assert ids(response) == [online_session.pk]
    expected = "https://meet.example.org/jeugdzorg" if sees_link else None
    assert response.json()["items"][0]["online_url"] == expected


def test_list_sessions_link_of_one_course_is_not_shown_with_another(api_as, online_session, other_course):
    """carol runs her own course, not alice's: she sees only her own session's link."""
    own = factories.SessionFactory(course=other_course, online_url="https://meet.example.org/vergaderen")

    items = api_as("carol").get("/sessions").json()["items"]

    links = {item["id"]: item["online_url"] for item in items}
    assert links == {online_session.pk: None, own.pk: "https://meet.example.org/vergaderen"}


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("bob", 200), ("carol", 200)])
def test_list_sessions_of_closed_catalogue_needs_login(api_as, settings, session, role, status):
    settings.CATALOGUE_PUBLIC = False

    response = api_as(role).get("/sessions")

    assert response.status_code == status
    if status == 401:
        problem(response)


# --- order and paging -------------------------------------------------------------------------------------------


def test_list_sessions_earliest_first_and_paginated(anonymous, course):
    now = timezone.now()
    later = factories.SessionFactory(course=course, starts_at=now + timedelta(days=9))
    first = factories.SessionFactory(course=course, starts_at=now + timedelta(days=1))
    middle = factories.SessionFactory(course=course, starts_at=now + timedelta(days=5))

    page_one = anonymous.get("/sessions", {"page_size": 2})
    page_two = anonymous.get("/sessions", {"page": 2, "page_size": 2})

    assert ids(page_one) == [first.pk, middle.pk]
    assert ids(page_two) == [later.pk]
    assert page_two.json()["count"] == 3


# --- filters ----------------------------------------------------------------------------------------------------


def test_list_sessions_filters_on_course_topic_organisation_and_format(anonymous, session, other_course):
    theirs = factories.SessionFactory(course=other_course)
    topic_slug = other_course.topics.get().slug

    assert ids(anonymous.get("/sessions", {"course": other_course.pk})) == [theirs.pk]
    assert ids(anonymous.get("/sessions", {"topic": topic_slug})) == [theirs.pk]
    assert ids(anonymous.get("/sessions", {"organisation": session.course.organisation.slug})) == [session.pk]
    assert ids(anonymous.get("/sessions", {"format": "hybride"})) == [theirs.pk]


def test_list_sessions_topic_filter_lists_a_course_with_several_topics_once(anonymous, course, session, topic):
    course.topics.add(factories.TopicFactory(name="Informatiebeheer"))

    assert ids(anonymous.get("/sessions", {"topic": topic.slug})) == [session.pk]


def test_list_sessions_date_filters_are_days_in_amsterdam(anonymous, course):
    # 00:30 in Amsterdam on 2 March is still 1 March in UTC: the day counts in Europe/Amsterdam.
    early = factories.SessionFactory(course=course, starts_at=datetime(2030, 3, 2, 0, 30, tzinfo=AMSTERDAM))
    later = factories.SessionFactory(course=course, starts_at=datetime(2030, 3, 10, 9, 0, tzinfo=AMSTERDAM))

    assert ids(anonymous.get("/sessions", {"starts_after": "2030-03-02"})) == [early.pk, later.pk]
    assert ids(anonymous.get("/sessions", {"starts_after": "2030-03-03"})) == [later.pk]
    assert ids(anonymous.get("/sessions", {"starts_before": "2030-03-10"})) == [early.pk]
    assert ids(anonymous.get("/sessions", {"starts_after": "2030-03-02", "starts_before": "2030-03-02"})) == []


def test_list_sessions_places_keeps_scheduled_sessions_with_a_free_place(anonymous, course, session):
    factories.SessionFactory(course=course, capacity=5, confirmed_count=5, waiting_count=2)
    factories.SessionFactory(course=course, status=SessionStatus.CANCELLED, cancel_reason="Ziek")

    assert ids(anonymous.get("/sessions", {"places": "true"})) == [session.pk]
    assert len(ids(anonymous.get("/sessions"))) == 3


def test_list_sessions_upcoming_leaves_out_past_and_cancelled(anonymous, course, session):
    factories.SessionFactory(course=course, starts_at=timezone.now() - timedelta(days=7))
    factories.SessionFactory(course=course, status=SessionStatus.CANCELLED, cancel_reason="Ziek")

    assert ids(anonymous.get("/sessions", {"upcoming": "true"})) == [session.pk]


def test_list_sessions_organisation_of_another_kind_is_not_mixed_in(anonymous, session, other_course):
    """The ministry's slug lists the ministry's sessions, not the municipality's."""
    theirs = factories.SessionFactory(course=other_course)
    assert other_course.organisation.kind == OrganisationKind.MINISTRY

    assert ids(anonymous.get("/sessions", {"organisation": other_course.organisation.slug})) == [theirs.pk]


def test_list_sessions_unknown_course_or_slug_is_an_empty_list(anonymous, session):
    assert ids(anonymous.get("/sessions", {"course": 987654})) == []
    assert ids(anonymous.get("/sessions", {"topic": "bestaat-niet"})) == []


# --- bad input --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"starts_after": "volgende week"}, "starts_after"),
        ({"starts_before": "2030-02-30"}, "starts_before"),
        ({"starts_after": "1999-12-31"}, "starts_after"),
        ({"format": "per post"}, "format"),
        ({"places": "misschien"}, "places"),
        ({"upcoming": "soms"}, "upcoming"),
        ({"course": "0"}, "course"),
        ({"course": "een"}, "course"),
        ({"page_size": "101"}, "page_size"),
        ({"topic": "nul\x00teken"}, "topic"),
    ],
)
def test_list_sessions_bad_input_gives_400_problem(anonymous, params, field):
    response = anonymous.get("/sessions", params)

    assert response.status_code == 400
    assert invalid_names(response) == {field}
