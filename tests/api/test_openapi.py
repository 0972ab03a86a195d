"""The OpenAPI document follows the Dutch API Design Rules; `python -m elkaar.api.lint` checks it with Spectral."""

from __future__ import annotations

import re
import shutil

import pytest
from django.test import Client

from elkaar.api import lint

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    ("get", "/organisations"): "listOrganisations",
    ("get", "/organisations/{id}"): "getOrganisation",
    ("get", "/topics"): "listTopics",
    ("get", "/topics/{id}"): "getTopic",
    ("get", "/courses"): "listCourses",
    ("post", "/courses"): "createCourse",
    ("get", "/courses/{id}"): "getCourse",
    ("patch", "/courses/{id}"): "updateCourse",
    ("get", "/courses/{id}/sessions"): "listCourseSessions",
    ("post", "/courses/{id}/sessions"): "createCourseSession",
    ("get", "/sessions"): "listSessions",
    ("get", "/sessions/{id}"): "getSession",
    ("patch", "/sessions/{id}"): "updateSession",
    ("get", "/users/{id}"): "getUser",
}


@pytest.fixture
def document() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict):
    """The catalogue's operations (other apps mount their own routers beside them)."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if (method, path) in ENDPOINTS:
                yield method, path, operation


def test_openapi_lists_every_endpoint_with_camel_case_operation_id(document):
    found = {(method, path): operation["operationId"] for method, path, operation in _operations(document)}
    every_id = [op["operationId"] for operations in document["paths"].values() for op in operations.values()]

    assert found == ENDPOINTS
    assert len(every_id) == len(set(every_id))
    assert all(re.fullmatch(r"[a-z]+([A-Z][a-z]+)*", operation_id) for operation_id in every_id)


def test_openapi_paths_are_kebab_case_without_trailing_slash(document):
    for path in document["paths"]:
        assert re.fullmatch(r"(/([a-z-]+|\{[a-z_]+\}))+", path), path


def test_openapi_info_has_contact_and_semver_and_server_ends_in_v1(document):
    assert document["openapi"].startswith("3.")
    assert set(document["info"]["contact"]) >= {"name", "url", "email"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", document["info"]["version"])
    assert [server["url"] for server in document["servers"]] == ["http://127.0.0.1:8000/api/v1"]


def test_openapi_contact_is_the_configured_address(settings):
    settings.CONTACT_EMAIL = "opleidingen@minbzk.nl"

    document = Client().get("/api/v1/openapi.json").json()

    assert document["info"]["contact"] == {
        "name": "elkaar",
        "url": "http://127.0.0.1:8000",
        "email": "opleidingen@minbzk.nl",
    }


def test_openapi_every_operation_of_every_app_has_a_summary_and_a_description(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary", "").strip(), (method, path)
            assert operation.get("description", "").strip(), (method, path)


def test_openapi_every_operation_documents_summary_version_header_and_problems(document):
    for method, path, operation in _operations(document):
        assert operation["summary"] and operation["description"] and operation["tags"], (method, path)
        successes = [code for code in operation["responses"] if code.startswith("2")]
        assert successes, (method, path)
        for code in successes:
            assert operation["responses"][code]["headers"]["API-Version"], (method, path)
        errors = {code for code in operation["responses"] if code[0] in "45"}
        assert {"400", "401"} <= errors
        assert ("404" in errors) == ("{id}" in path)
        assert ("403" in errors) == (method != "get")


def test_openapi_problem_responses_are_problem_json(document):
    for name, response in document["components"]["responses"].items():
        schema = response["content"]["application/problem+json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Problem"}, name
    problem_schema = document["components"]["schemas"]["Problem"]
    assert set(problem_schema["required"]) == {"status", "title", "detail"}


def test_openapi_security_reads_optional_writes_required(document, settings):
    for method, _path, operation in _operations(document):
        anonymous_allowed = {} in operation["security"]
        assert anonymous_allowed == (method == "get")
    assert set(document["components"]["securitySchemes"]) == {"bearerToken", "sessionCookie"}


def test_openapi_closed_catalogue_documents_reads_as_logged_in(settings):
    settings.CATALOGUE_PUBLIC = False

    document = Client().get("/api/v1/openapi.json").json()

    assert all({} not in op["security"] for _m, _p, op in _operations(document))


def test_openapi_has_no_unused_schemas(document):
    text = str({key: value for key, value in document.items() if key != "components"}) + str(
        {key: value for key, value in document["components"].items() if key != "schemas"}
    )
    text += str(document["components"]["schemas"])
    for name in document["components"]["schemas"]:
        assert f"#/components/schemas/{name}" in text, name


# --- the lint command -------------------------------------------------------------------------------------------

needs_spectral = pytest.mark.skipif(lint.find_spectral(None) is None, reason="Spectral is not installed (npm install)")
needs_ruleset = pytest.mark.skipif(not lint.RULESET.is_file(), reason=f"no ruleset at {lint.RULESET}")


def test_lint_skips_without_ruleset(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CI", raising=False)

    code = lint.main(["--ruleset", str(tmp_path / "missing.yml")])

    assert code == 0
    assert "skipped" in capsys.readouterr().out


def test_lint_skips_without_spectral(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CI", raising=False)
    ruleset = tmp_path / "rules.yml"
    ruleset.write_text("extends: spectral:oas\n")

    code = lint.main(["--ruleset", str(ruleset), "--spectral", str(tmp_path / "no-spectral")])

    assert code == 0
    assert "skipped" in capsys.readouterr().out


def test_lint_fails_without_spectral_in_ci(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CI", "true")
    ruleset = tmp_path / "rules.yml"
    ruleset.write_text("extends: spectral:oas\n")

    code = lint.main(["--ruleset", str(ruleset), "--spectral", str(tmp_path / "no-spectral")])

    assert code == 1
    assert "FAILED" in capsys.readouterr().err


@needs_spectral
def test_lint_fails_on_error_finding(tmp_path):
    ruleset = tmp_path / "rules.yml"
    ruleset.write_text(
        "rules:\n"
        "  must-have-terms:\n"
        "    severity: error\n"
        "    given: $.info\n"
        "    then: {field: termsOfService, function: truthy}\n"
    )

    assert lint.main(["--ruleset", str(ruleset)]) == 1


@needs_spectral
@needs_ruleset
def test_lint_passes_with_the_api_design_rules(capsys):
    code = lint.main([])

    assert code == 0, capsys.readouterr()


def test_lint_finds_spectral_in_node_modules_when_installed():
    installed = lint.LOCAL_SPECTRAL.exists() and shutil.which("node") is not None

    assert (lint.find_spectral(None) == str(lint.LOCAL_SPECTRAL)) == installed
