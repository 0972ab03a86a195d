"""GET/POST /courses/{id}/sessions and GET/PATCH /sessions/{id}, per role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from elkaar.catalogue.models import Session
from tests import factories
from tests.api.conftest import ROLES, invalid_names, problem

pytestmark = pytest.mark.django_db

NEW_SESSION = {"starts_at": "2030-05-06T13:30:00+02:00", "location": "Provinciehuis, zaal 2", "capacity": 8}


@pytest.fixture
def online_session(programme_course):
    return factories.SessionFactory(
        course=programme_course, location="", online_url="https://meet.example.org/jeugdzorg", capacity=10
    )


# --- list -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_list_course_sessions_for_every_role(api_as, course, session, role):
    response = api_as(role).get(f"/courses/{course.pk}/sessions")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    item = response.json()["items"][0]
    assert item["id"] == session.pk
    assert item["course"]["id"] == course.pk
    assert item["places_left"] == 20


def test_list_course_sessions_upcoming_filter_and_order(anonymous, course, session):
    past = factories.SessionFactory(course=course, starts_at=timezone.now() - timedelta(days=7))
    cancelled = factories.SessionFactory(
        course=course, starts_at=timezone.now() + timedelta(days=2), status="cancelled", cancel_reason="Ziek"
    )

    everything = anonymous.get(f"/courses/{course.pk}/sessions").json()
    upcoming = anonymous.get(f"/courses/{course.pk}/sessions", {"upcoming": "true"}).json()

    assert [item["id"] for item in everything["items"]] == [past.pk, cancelled.pk, session.pk]
    assert everything["items"][1]["status"] == "cancelled"
    assert everything["items"][1]["cancel_reason"] == "Ziek"
    assert [item["id"] for item in upcoming["items"]] == [session.pk]


@pytest.mark.parametrize(("role", "status"), [("anonymous", 404), ("bob", 404), ("alice", 200), ("pam", 200)])
def test_list_course_sessions_of_draft_only_for_editors(api_as, draft, role, status):
    factories.SessionFactory(course=draft)

    response = api_as(role).get(f"/courses/{draft.pk}/sessions")

    assert response.status_code == status


def test_list_course_sessions_bad_paging_gives_400(anonymous, course):
    response = anonymous.get(f"/courses/{course.pk}/sessions", {"page_size": "1000", "upcoming": "misschien"})

    assert response.status_code == 400
    assert invalid_names(response) == {"page_size", "upcoming"}


# --- create -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("bob", 403), ("carol", 403), ("alice", 201), ("pam", 201), ("admin", 201)],
)
def test_create_course_session_only_by_editors(api_as, programme_course, role, status):
    response = api_as(role).post(f"/courses/{programme_course.pk}/sessions", NEW_SESSION)

    assert response.status_code == status
    assert Session.objects.filter(course=programme_course).count() == (1 if status == 201 else 0)
    if status != 201:
        problem(response)


def test_create_course_session_defaults_from_course(api_as, course):
    response = api_as("alice").post(f"/courses/{course.pk}/sessions", {"starts_at": "2030-01-07T09:00"})

    assert response.status_code == 201
    body = response.json()
    assert body["starts_at"] == "2030-01-07T09:00:00+01:00"
    assert body["ends_at"] == "2030-01-07T10:30:00+01:00"  # the course lasts 90 minutes
    assert body["capacity"] == 15  # the course's group size
    assert response["Location"] == f"http://127.0.0.1:8000/api/v1/sessions/{body['id']}"


def test_create_course_session_keeps_given_offset(api_as, course):
    body = api_as("alice").post(f"/courses/{course.pk}/sessions", NEW_SESSION).json()

    assert body["starts_at"] == "2030-05-06T13:30:00+02:00"
    assert body["location"] == "Provinciehuis, zaal 2"
    assert body["places_left"] == 8


@pytest.mark.parametrize(("role", "status"), [("bob", 404), ("carol", 404)])
def test_create_course_session_for_invisible_draft_gives_404(api_as, draft, role, status):
    response = api_as(role).post(f"/courses/{draft.pk}/sessions", NEW_SESSION)

    assert response.status_code == status


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "starts_at"),
        ({"starts_at": "volgende week"}, "starts_at"),
        ({"starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T10:00"}, "ends_at"),
        ({"starts_at": "2030-01-01T10:00", "capacity": -1}, "capacity"),
        ({"starts_at": "2030-01-01T10:00", "capacity": 10**12}, "capacity"),
        ({"starts_at": "2030-01-01T10:00", "online_url": "javascript:alert(1)"}, "online_url"),
        ({"starts_at": "2030-01-01T10:00", "location": "x" * 301}, "location"),
        ({"starts_at": "2030-01-01T10:00", "room": "3"}, "room"),
    ],
)
def test_create_course_session_bad_input_gives_400(api_as, course, body, field):
    response = api_as("alice").post(f"/courses/{course.pk}/sessions", body)

    assert response.status_code == 400
    assert field in invalid_names(response)
    assert not Session.objects.exists()


def test_create_course_session_unknown_course_gives_404(api_as):
    response = api_as("alice").post("/courses/987654/sessions", NEW_SESSION)

    assert response.status_code == 404
    problem(response)


# --- detail -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_link"),
    [("anonymous", False), ("bob", False), ("carol", False), ("alice", True), ("pam", True), ("admin", True)],
)
def test_get_session_online_link_only_for_those_who_run_the_course(api_as, online_session, role, sees_link):
    response = api_as(role).get(f"/sessions/{online_session.pk}")

    assert response.status_code == 200
    expected = "https://meet.example.org/jeugdzorg" if sees_link else None
    assert response.json()["online_url"] == expected


def test_get_session_shows_places_left_and_waiting_count(anonymous, session):
    session.confirmed_count = 20
    session.waiting_count = 3
    session.save()

    body = anonymous.get(f"/sessions/{session.pk}").json()

    assert body["places_left"] == 0
    assert body["capacity"] == 20
    assert body["waiting_count"] == 3
    assert body["url"] == f"http://127.0.0.1:8000/bijeenkomsten/{session.pk}/"


@pytest.mark.parametrize(("role", "status"), [("anonymous", 404), ("carol", 404), ("alice", 200), ("admin", 200)])
def test_get_session_of_draft_only_for_editors(api_as, draft, role, status):
    session = factories.SessionFactory(course=draft)

    response = api_as(role).get(f"/sessions/{session.pk}")

    assert response.status_code == status


def test_get_session_unknown_gives_404(anonymous):
    response = anonymous.get("/sessions/987654")

    assert response.status_code == 404
    problem(response)


# --- update -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("bob", 403), ("carol", 403), ("alice", 200), ("pam", 200), ("admin", 200)],
)
def test_update_session_only_by_editors(api_as, online_session, role, status):
    response = api_as(role).patch(f"/sessions/{online_session.pk}", {"capacity": 12})

    assert response.status_code == status
    online_session.refresh_from_db()
    assert online_session.capacity == (12 if status == 200 else 10)


def test_update_session_moving_start_keeps_duration_and_raises_sequence(api_as, course):
    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=3)
    session = factories.SessionFactory(course=course, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))

    response = api_as("alice").patch(f"/sessions/{session.pk}", {"starts_at": "2030-06-01T09:00"})

    assert response.status_code == 200
    assert response.json()["starts_at"] == "2030-06-01T09:00:00+02:00"
    assert response.json()["ends_at"] == "2030-06-01T11:00:00+02:00"
    session.refresh_from_db()
    assert session.sequence == 1


def test_update_session_capacity_only_keeps_time_and_sequence(api_as, session):
    starts_at = session.starts_at

    response = api_as("alice").patch(f"/sessions/{session.pk}", {"capacity": 30})

    assert response.status_code == 200
    session.refresh_from_db()
    assert (session.capacity, session.starts_at, session.sequence) == (30, starts_at, 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ends_at": "2000-01-01T00:00"}, "ends_at"),
        ({"capacity": None}, "capacity"),
        ({"capacity": 0}, "capacity"),
        ({"starts_at": None}, "starts_at"),
        ({"location": 7}, "location"),
        ({"status": "cancelled"}, "status"),
    ],
)
def test_update_session_bad_input_gives_400(api_as, session, body, field):
    response = api_as("alice").patch(f"/sessions/{session.pk}", body)

    assert response.status_code == 400
    assert field in invalid_names(response)


def test_update_session_cancelled_gives_400(api_as, session):
    session.status = "cancelled"
    session.save()

    response = api_as("alice").patch(f"/sessions/{session.pk}", {"capacity": 30})

    assert response.status_code == 400
    problem(response)
