"""Who may call the API: personal tokens, session cookies with CSRF, and a closed catalogue."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from elkaar.accounts.models import ApiToken
from elkaar.catalogue.models import Course
from tests.api.conftest import Api, course_body, problem, with_token

pytestmark = pytest.mark.django_db

CSRF_SECRET = "k" * 32  # any 32 alphanumerics are a valid unmasked CSRF secret


def test_token_authenticates_write_without_csrf(alice, topic):
    api = with_token(alice)
    api.client = Client(enforce_csrf_checks=True)

    response = api.post("/courses", course_body(topic))

    assert response.status_code == 201
    assert response.json()["trainers"][0]["id"] == alice.pk


def test_token_records_last_use(alice):
    token, raw = ApiToken.issue(alice, "script")

    Api(Client(), {"Authorization": f"Bearer {raw}"}).get("/topics")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_sees_own_draft(alice, draft):
    response = with_token(alice).get(f"/courses/{draft.pk}")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "Bearer elk_onzin",
        "Bearer ",
        "Bearer",
        "Basic YWxpY2U6Z2VoZWlt",
        "Token elk_onzin",
        "elk_zonder_schema",
    ],
)
def test_bad_authorization_header_gives_401_even_on_public_reads(course, header):
    response = Api(Client(), {"Authorization": header}).get("/courses")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="elkaar"'
    assert response["API-Version"] == "1.0.0"
    problem(response)


def test_revoked_token_gives_401(alice, topic):
    token, raw = ApiToken.issue(alice, "oud")
    token.revoked_at = timezone.now()
    token.save()

    response = Api(Client(), {"Authorization": f"Bearer {raw}"}).post("/courses", course_body(topic))

    assert response.status_code == 401
    problem(response)
    assert not Course.objects.exists()


def test_token_of_inactive_user_gives_401(alice):
    _token, raw = ApiToken.issue(alice, "weg")
    alice.is_active = False
    alice.save()

    response = Api(Client(), {"Authorization": f"Bearer {raw}"}).get("/topics")

    assert response.status_code == 401


def test_scheme_is_case_insensitive(alice):
    _token, raw = ApiToken.issue(alice, "klein")

    response = Api(Client(), {"Authorization": f"bearer {raw}"}).get(f"/users/{alice.pk}")

    assert response.status_code == 200  # alice may always see her own profile


def test_session_cookie_write_without_csrf_token_gives_403(alice, topic):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = Api(client).post("/courses", course_body(topic))

    assert response.status_code == 403
    assert "CSRF" in problem(response)["detail"]
    assert not Course.objects.exists()


def test_session_cookie_patch_without_csrf_token_gives_403(alice, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = Api(client).patch(f"/courses/{course.pk}", {"title": "Nee"})

    assert response.status_code == 403
    course.refresh_from_db()
    assert course.title == "Woo-verzoeken behandelen"


def test_session_cookie_write_with_csrf_token_succeeds(alice, topic):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.cookies["csrftoken"] = CSRF_SECRET

    response = Api(client, {"X-CSRFToken": CSRF_SECRET}).post("/courses", course_body(topic))

    assert response.status_code == 201


def test_session_cookie_read_needs_no_csrf_token(alice, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = Api(client).get(f"/courses/{draft.pk}")

    assert response.status_code == 200


@pytest.mark.parametrize(
    "path", ["/courses", "/courses/{course}", "/courses/{course}/sessions", "/sessions/{session}", "/topics",
             "/organisations", "/organisations/{organisation}", "/users/{alice}"]
)  # fmt: skip
def test_closed_catalogue_anonymous_reads_give_401(settings, anonymous, course, session, alice, path):
    settings.CATALOGUE_PUBLIC = False
    ids = {"course": course.pk, "session": session.pk, "organisation": course.organisation_id, "alice": alice.pk}

    response = anonymous.get(path.format(**ids))

    assert response.status_code == 401
    problem(response)


def test_closed_catalogue_logged_in_reads(settings, api_as, course):
    settings.CATALOGUE_PUBLIC = False

    response = api_as("carol").get(f"/courses/{course.pk}")

    assert response.status_code == 200


def test_closed_catalogue_token_reads(settings, bob, course):
    settings.CATALOGUE_PUBLIC = False

    response = with_token(bob).get("/courses")

    assert response.json()["count"] == 1
