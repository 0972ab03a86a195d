"""What the API tests share: a client per role, tokens, and checks on problem+json answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from elkaar.accounts.models import ApiToken
from elkaar.catalogue.models import CourseStatus
from tests import factories

API = "/api/v1"
ROLES = ["anonymous", "bob", "alice", "carol", "pam", "admin"]


def problem(response) -> dict:
    """The problem+json body of an error answer, after checking it is one (RFC 9457)."""
    assert response["Content-Type"] == "application/problem+json", response.content
    body = response.json()
    assert body["status"] == response.status_code
    assert body["title"]
    assert body["detail"]
    return body


def invalid_names(response) -> set[str]:
    return {param["name"] for param in problem(response)["invalid-params"]}


class Api:
    """A test client that speaks JSON to /api/v1, as one person (or nobody)."""

    def __init__(self, client: Client, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers or {}

    def get(self, path: str, params: Any = None):
        return self.client.get(API + path, params or {}, headers=self.headers)

    def post(self, path: str, body: Any = None, raw: str | bytes | None = None):
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(API + path, data, content_type="application/json", headers=self.headers)

    def patch(self, path: str, body: Any = None, raw: str | bytes | None = None):
        data = raw if raw is not None else json.dumps(body)
        return self.client.patch(API + path, data, content_type="application/json", headers=self.headers)


def as_user(user) -> Api:
    client = Client()
    if user is not None:
        client.force_login(user)
    return Api(client)


def with_token(user) -> Api:
    _token, raw = ApiToken.issue(user, "tests")
    return Api(Client(), {"Authorization": f"Bearer {raw}"})


@pytest.fixture
def people(alice, bob, carol, pam, admin_user) -> dict:
    return {"anonymous": None, "bob": bob, "alice": alice, "carol": carol, "pam": pam, "admin": admin_user}


@pytest.fixture
def api_as(people):
    """api_as("alice") is an Api logged in (by session cookie) as alice; "anonymous" is nobody."""
    return lambda role: as_user(people[role])


@pytest.fixture
def anonymous() -> Api:
    return Api(Client())


@pytest.fixture
def programme_course(alice, topic, programme):
    """A published course taught by alice in pam's programme."""
    return factories.CourseFactory(
        title="Jeugdzorg voor beginners",
        organisation=alice.organisation,
        trainers=[alice],
        topics=[topic],
        programme=programme,
    )


@pytest.fixture
def draft(alice, topic, programme):
    """alice's draft in pam's programme: visible to alice, pam and admin only."""
    return factories.CourseFactory(
        title="Concept over Wmo",
        organisation=alice.organisation,
        trainers=[alice],
        topics=[topic],
        programme=programme,
        status=CourseStatus.DRAFT,
        published_at=None,
    )


def course_body(topic, **overrides) -> dict:
    body = {
        "title": "Werken met de Omgevingswet",
        "summary": "In anderhalf uur de kern van de Omgevingswet.",
        "description": "## Wat je leert\n\nDe **kern** van de wet.",
        "topics": [topic.pk],
    }
    body.update(overrides)
    return body
