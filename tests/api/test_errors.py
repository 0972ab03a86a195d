"""Every error of the API is RFC 9457 problem+json with the API-Version header, never a 500 or an HTML page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from elkaar.api.api import _invalid_params
from tests.api.conftest import problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/courses/", "/api/v1/courses/1/extra", "/api/v1/"])
def test_unknown_path_gives_404_problem(settings, path):
    settings.DEBUG = False

    response = Client().get(path)

    assert response.status_code == 404
    problem(response)
    assert response["API-Version"] == "1.0.0"


def test_unknown_path_gives_404_problem_with_debug_on(settings):
    settings.DEBUG = True

    response = Client().get("/api/v1/nope")

    assert response.status_code == 404
    problem(response)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/api/v1/courses/1", "GET, PATCH"),
        ("put", "/api/v1/courses", "GET, POST"),
        ("post", "/api/v1/topics", "GET"),
        ("patch", "/api/v1/organisations/1", "GET"),
    ],
)
def test_wrong_method_gives_405_problem_with_allow(method, path, allowed):
    response = getattr(Client(), method)(path)

    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == set(allowed.split(", "))
    assert response["Allow"] in problem(response)["detail"]
    assert response["API-Version"] == "1.0.0"


def test_validation_problem_lists_invalid_params_in_dutch(course):
    response = Client().get("/api/v1/courses", {"page_size": "1000", "format": "per post"})

    body = problem(response)
    assert body["type"] == "about:blank"
    assert body["title"] == "Bad Request"
    assert sorted(body["invalid-params"], key=lambda p: p["name"]) == [
        {"name": "format", "reason": "Kies uit: 'op locatie', 'online' or 'hybride'."},
        {"name": "page_size", "reason": "Mag hoogstens 100 zijn."},
    ]


def test_success_carries_api_version_header(course):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"


@pytest.mark.parametrize(
    ("language", "length", "reason"),
    [
        ("nl", 1, "Moet minstens 1 teken lang zijn."),
        ("nl", 3, "Moet minstens 3 tekens lang zijn."),
        ("en", 1, "Must be at least 1 character long."),
        ("en", 3, "Must be at least 3 characters long."),
    ],
)
def test_counted_reasons_take_the_singular_or_plural_of_their_number(language, length, reason):
    error = {"type": "string_too_short", "loc": ("body", "title"), "ctx": {"min_length": length}}

    with translation.override(language):
        assert _invalid_params([error]) == [{"name": "title", "reason": reason}]
