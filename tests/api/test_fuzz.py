"""Arbitrary bodies and query strings never make the API answer 500: always a 2xx or a 4xx problem+json."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elkaar.accounts.models import ApiToken
from tests.api.conftest import problem

pytestmark = pytest.mark.django_db

COURSE_FIELDS = [
    "title", "summary", "description", "topics", "format", "language", "level", "duration_minutes", "group_size",
    "audience", "audience_kinds", "prerequisites", "what_to_bring", "programme", "external_id", "organisation",
    "first_session", "publish", "status",
]  # fmt: skip
SESSION_FIELDS = ["starts_at", "ends_at", "capacity", "location", "online_url"]
QUERY_NAMES = [
    "page", "page_size", "topic", "format", "organisation", "organisation_kind", "programme", "status",
    "external_id", "starts_after", "starts_before", "q", "kind",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text()
    | st.sampled_from(["", "\x00", "\ud800", "online", "published", "archived", "nl", "gemeente", "1", "-1"])
    | st.datetimes().map(lambda d: d.isoformat())
    | st.dates().map(lambda d: d.isoformat())
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)
sessions = st.fixed_dictionaries({}, optional={name: json_values for name in SESSION_FIELDS})
course_bodies = st.fixed_dictionaries(
    {},
    optional={name: (sessions if name == "first_session" else json_values) for name in COURSE_FIELDS},
)
bodies = course_bodies | json_values
query_values = st.text() | st.integers().map(str) | st.dates().map(lambda d: d.isoformat())
queries = st.lists(st.tuples(st.sampled_from(QUERY_NAMES) | st.text(max_size=10), query_values), max_size=6)

fuzz = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check(response) -> None:
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        problem(response)


@pytest.fixture
def token_client(alice) -> Client:
    _token, raw = ApiToken.issue(alice, "fuzz")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@fuzz
@given(body=bodies)
def test_create_course_any_json_body_never_500(token_client, topic, programme, body):
    if isinstance(body, dict) and "topics" not in body:
        body["topics"] = [topic.pk]  # let more bodies get past the first check

    response = token_client.post("/api/v1/courses", json.dumps(body), content_type="application/json")

    _check(response)


@fuzz
@given(raw=st.binary(max_size=200))
def test_create_course_any_bytes_never_500(token_client, raw):
    response = token_client.post("/api/v1/courses", raw, content_type="application/json")

    _check(response)


@fuzz
@given(body=bodies)
def test_update_course_any_json_body_never_500(token_client, course, body):
    response = token_client.patch(f"/api/v1/courses/{course.pk}", json.dumps(body), content_type="application/json")

    _check(response)


@fuzz
@given(body=sessions | json_values)
def test_sessions_any_json_body_never_500(token_client, course, session, body):
    created = token_client.post(
        f"/api/v1/courses/{course.pk}/sessions", json.dumps(body), content_type="application/json"
    )
    changed = token_client.patch(f"/api/v1/sessions/{session.pk}", json.dumps(body), content_type="application/json")

    _check(created)
    _check(changed)


@fuzz
@given(query=queries)
def test_list_courses_any_query_never_500(client, course, session, query):
    response = client.get("/api/v1/courses?" + urlencode(query))

    _check(response)


@fuzz
@given(query=queries)
def test_list_organisations_any_query_never_500(client, course, query):
    response = client.get("/api/v1/organisations?" + urlencode(query))

    _check(response)


@fuzz
@given(segment=st.text(min_size=1, max_size=30))
def test_any_id_in_path_never_500(client, course, segment):
    from urllib.parse import quote

    for template in ("/api/v1/courses/{}", "/api/v1/sessions/{}", "/api/v1/users/{}", "/api/v1/organisations/{}"):
        response = client.get(template.format(quote(segment, safe="")))
        _check(response)
