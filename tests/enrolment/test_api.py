"""The registrations API per role: register, mine, cancel; participants and attendance for trainers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from elkaar.accounts.models import ApiToken
from elkaar.catalogue.models import Audience, SessionStatus
from elkaar.enrolment import services
from elkaar.enrolment.models import Attendance, Registration, RegistrationStatus
from tests import factories

PROBLEM = "application/problem+json"


def _bearer(user) -> dict:
    _token, raw = ApiToken.issue(user, "tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _register(client, session, user):
    return client.post(f"/api/v1/sessions/{session.pk}/registrations", **_bearer(user))


@pytest.fixture
def registered(bob, small_session, after_commit) -> Registration:
    return after_commit(services.register, bob, small_session).registration


# --- POST /sessions/{id}/registrations ------------------------------------------------------------------------------


def test_register_gives_201_confirmed_with_location(client, bob, small_session):
    response = _register(client, small_session, bob)

    body = response.json()
    registration = Registration.objects.get(user=bob)
    assert response.status_code == 201
    assert response["Location"] == f"http://127.0.0.1:8000/api/v1/registrations/{registration.pk}"
    assert response["API-Version"]
    assert body["status"] == "confirmed"
    assert body["position"] is None
    assert body["session"]["id"] == small_session.pk
    assert body["online_url"] == "https://meet.example/woo"


def test_register_full_session_gives_201_waiting_with_position(client, bob, colleagues, small_session, after_commit):
    [after_commit(services.register, p, small_session) for p in colleagues(2)]

    response = _register(client, small_session, bob)

    assert response.status_code == 201
    assert response.json()["status"] == "waiting"
    assert response.json()["position"] == 1
    assert response.json()["online_url"] is None


def test_register_twice_gives_200_with_existing_registration(client, bob, registered, small_session):
    response = _register(client, small_session, bob)

    assert response.status_code == 200
    assert response.json()["id"] == registered.pk
    assert Registration.objects.filter(user=bob).count() == 1


def test_register_anonymous_gives_401_problem(client, small_session):
    response = client.post(f"/api/v1/sessions/{small_session.pk}/registrations")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_register_by_session_cookie_without_csrf_is_refused(bob, small_session):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(bob)

    response = csrf_client.post(f"/api/v1/sessions/{small_session.pk}/registrations")

    assert response.status_code == 403
    assert Registration.objects.count() == 0


def test_register_outside_audience_gives_403_with_reason(client, carol, course, small_session):
    course.audience = Audience.OWN
    course.save()

    response = _register(client, small_session, carol)

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert "Deze cursus is bedoeld voor" in response.json()["detail"]


def test_register_cancelled_session_gives_409(client, bob, small_session):
    small_session.status = SessionStatus.CANCELLED
    small_session.save()

    response = _register(client, small_session, bob)

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM


def test_register_unknown_session_gives_404(client, bob):
    response = client.post("/api/v1/sessions/999999/registrations", **_bearer(bob))

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_register_bad_id_gives_400_problem(client, bob):
    response = client.post("/api/v1/sessions/abc/registrations", **_bearer(bob))

    assert response.status_code in (400, 404)
    assert response["Content-Type"] == PROBLEM


def test_register_session_of_draft_course_gives_404(client, carol, course, small_session):
    course.status = "draft"
    course.save()

    assert _register(client, small_session, carol).status_code == 404


# --- GET /registrations, GET /registrations/{id} --------------------------------------------------------------------


def test_list_registrations_shows_only_mine(client, bob, carol, registered, small_session, after_commit):
    after_commit(services.register, carol, small_session)

    response = client.get("/api/v1/registrations", **_bearer(bob))

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [item["id"] for item in response.json()["items"]] == [registered.pk]


def test_list_registrations_filters_by_status(client, bob, registered, course, colleagues, after_commit):
    full = factories.SessionFactory(course=course, capacity=1)
    after_commit(services.register, colleagues(1)[0], full)
    after_commit(services.register, bob, full)

    response = client.get("/api/v1/registrations?status=waiting", **_bearer(bob))

    assert [(item["status"], item["position"]) for item in response.json()["items"]] == [("waiting", 1)]


def test_list_registrations_bad_filter_gives_400(client, bob):
    response = client.get("/api/v1/registrations?status=maybe", **_bearer(bob))

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


def test_list_registrations_anonymous_gives_401(client, db):
    assert client.get("/api/v1/registrations").status_code == 401


def test_get_registration_of_someone_else_gives_404(client, carol, registered):
    assert client.get(f"/api/v1/registrations/{registered.pk}", **_bearer(carol)).status_code == 404


# --- DELETE /registrations/{id} -------------------------------------------------------------------------------------


def test_cancel_own_registration_gives_204_and_frees_place(client, bob, registered, small_session):
    response = client.delete(f"/api/v1/registrations/{registered.pk}", **_bearer(bob))

    assert response.status_code == 204
    assert Registration.objects.get(pk=registered.pk).status == RegistrationStatus.CANCELLED
    small_session.refresh_from_db()
    assert small_session.confirmed_count == 0


def test_cancel_twice_gives_204(client, bob, registered):
    client.delete(f"/api/v1/registrations/{registered.pk}", **_bearer(bob))

    assert client.delete(f"/api/v1/registrations/{registered.pk}", **_bearer(bob)).status_code == 204


@pytest.mark.parametrize("who", ["carol", "alice", "admin_user"])
def test_cancel_someone_elses_registration_gives_404(request, client, who, registered):
    user = request.getfixturevalue(who)

    response = client.delete(f"/api/v1/registrations/{registered.pk}", **_bearer(user))

    assert response.status_code == 404
    assert Registration.objects.get(pk=registered.pk).status == RegistrationStatus.CONFIRMED


def test_cancel_after_start_gives_409(client, bob, registered, small_session):
    type(small_session).objects.filter(pk=small_session.pk).update(starts_at=timezone.now() - timedelta(minutes=1))

    response = client.delete(f"/api/v1/registrations/{registered.pk}", **_bearer(bob))

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM


# --- GET /sessions/{id}/participants ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("admin_user", 200), ("bob", 403), ("carol", 403)])
def test_participants_per_role(request, client, who, status, registered, small_session):
    user = request.getfixturevalue(who)

    response = client.get(f"/api/v1/sessions/{small_session.pk}/participants", **_bearer(user))

    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["count"] == 1
        assert body["items"][0]["name"] == "Bob Deelnemer"
        assert body["items"][0]["organisation"]["name"] == "Gemeente Utrecht"
        assert (body["capacity"], body["confirmed_count"], body["waiting_count"]) == (2, 1, 0)
    else:
        assert response["Content-Type"] == PROBLEM


def test_participants_for_programme_manager(client, pam, programme, course, registered, small_session):
    course.programme = programme
    course.save()

    assert client.get(f"/api/v1/sessions/{small_session.pk}/participants", **_bearer(pam)).status_code == 200


def test_participants_lists_confirmed_then_waiting_in_order(client, alice, colleagues, small_session, after_commit):
    people = colleagues(4)
    [after_commit(services.register, p, small_session) for p in people]

    items = client.get(f"/api/v1/sessions/{small_session.pk}/participants", **_bearer(alice)).json()["items"]

    assert [(i["status"], i["position"]) for i in items] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waiting", 1),
        ("waiting", 2),
    ]


def test_participants_anonymous_gives_401(client, small_session):
    assert client.get(f"/api/v1/sessions/{small_session.pk}/participants").status_code == 401


# --- PATCH /registrations/{id}/attendance ---------------------------------------------------------------------------


@pytest.fixture
def attended(bob, course) -> Registration:
    session = factories.SessionFactory(course=course, starts_at=timezone.now() - timedelta(minutes=30))
    return Registration.objects.create(session=session, user=bob, status=RegistrationStatus.CONFIRMED)


def test_attendance_by_trainer_is_kept(client, alice, attended):
    response = client.patch(
        f"/api/v1/registrations/{attended.pk}/attendance",
        {"attendance": "absent"},
        content_type="application/json",
        **_bearer(alice),
    )

    assert response.status_code == 200
    assert response.json()["attendance"] == "absent"
    assert Registration.objects.get(pk=attended.pk).attendance == Attendance.ABSENT


def test_attendance_by_the_participant_gives_403(client, bob, attended):
    response = client.patch(
        f"/api/v1/registrations/{attended.pk}/attendance",
        {"attendance": "present"},
        content_type="application/json",
        **_bearer(bob),
    )

    assert response.status_code == 403
    assert Registration.objects.get(pk=attended.pk).attendance == Attendance.UNKNOWN


def test_attendance_by_other_organisation_gives_404(client, carol, attended):
    response = client.patch(
        f"/api/v1/registrations/{attended.pk}/attendance",
        {"attendance": "present"},
        content_type="application/json",
        **_bearer(carol),
    )

    assert response.status_code == 404


@pytest.mark.parametrize("payload", [{"attendance": "maybe"}, {}, {"attendance": "present", "extra": 1}])
def test_attendance_bad_input_gives_400_problem(client, alice, attended, payload):
    response = client.patch(
        f"/api/v1/registrations/{attended.pk}/attendance", payload, content_type="application/json", **_bearer(alice)
    )

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM


def test_attendance_long_before_the_session_gives_400(client, alice, registered):
    response = client.patch(
        f"/api/v1/registrations/{registered.pk}/attendance",
        {"attendance": "present"},
        content_type="application/json",
        **_bearer(alice),
    )

    assert response.status_code == 400
    assert "vanaf een uur voor het begin" in response.json()["detail"]


def test_session_detail_shows_counters_kept_by_enrolment(client, colleagues, small_session, after_commit):
    [after_commit(services.register, p, small_session) for p in colleagues(3)]

    body = client.get(f"/api/v1/sessions/{small_session.pk}").json()

    assert (body["places_left"], body["waiting_count"]) == (0, 1)


def test_openapi_documents_the_registration_paths(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert {"post"} <= set(paths["/sessions/{id}/registrations"])
    assert {"get"} <= set(paths["/registrations"])
    assert {"get", "delete"} <= set(paths["/registrations/{id}"])
    assert {"get"} <= set(paths["/sessions/{id}/participants"])
    assert {"patch"} <= set(paths["/registrations/{id}/attendance"])
    assert "503" in paths["/sessions/{id}/registrations"]["post"]["responses"]
