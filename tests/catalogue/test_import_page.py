"""The upload page for course files: programme managers and administrators only."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from elkaar.catalogue.models import Course

URL = "/cursussen/importeren/"


def upload(name: str = "cursussen.jsonl", *records: dict) -> SimpleUploadedFile:
    records = records or (course_record(),)
    content = "\n".join(json.dumps(record) for record in records).encode()
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def course_record(**changes) -> dict:
    base = {
        "external_id": "ext-1",
        "title": "Omgevingsplan lezen",
        "summary": "Wegwijs in het omgevingsplan van je gemeente.",
        "description": "We lezen samen een echt omgevingsplan.",
        "topics": ["Omgevingswet"],
        "organisation": "Gemeente Utrecht",
        "format": "op locatie",
        "duration_minutes": 120,
    }
    return {**base, **changes}


@pytest.mark.django_db
def test_import_page_anonymous_is_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["as_bob", "as_carol", "as_alice"])
def test_import_page_is_forbidden_for_participants_trainers_and_other_organisations(request, who, course):
    client = request.getfixturevalue(who)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload(), "dry_run": ""}).status_code == 403
    assert Course.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["as_pam", "as_admin"])
def test_import_page_shows_the_form_to_programme_managers_and_admins(request, who, programme):
    client = request.getfixturevalue(who)

    response = client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert '<input type="file" name="file" id="id_file"' in body
    assert 'id="id_dry_run" class="utrecht-checkbox utrecht-checkbox--html-input" checked' in body


@pytest.mark.django_db
def test_import_page_dry_run_reports_and_writes_nothing(as_pam, programme):
    response = as_pam.post(URL, {"file": upload(), "dry_run": "on"})

    assert response.status_code == 200
    assert Course.objects.count() == 0
    body = response.content.decode()
    assert "Proefimport: er is niets opgeslagen." in body
    assert "Omgevingsplan lezen" in body


@pytest.mark.django_db
def test_import_page_import_creates_courses_and_links_them(as_pam, programme, pam):
    response = as_pam.post(URL, {"file": upload()})

    course = Course.objects.get(external_id="ext-1")
    assert course.created_by == pam
    assert f'href="{course.get_absolute_url()}"' in response.content.decode()


@pytest.mark.django_db
def test_import_page_reports_errors_with_line_numbers_and_writes_nothing(as_admin):
    file = upload("c.jsonl", course_record(), course_record(external_id="ext-2", format="per duif"))

    response = as_admin.post(URL, {"file": file})

    body = response.content.decode()
    assert Course.objects.count() == 0
    assert '<th scope="row" class="utrecht-table__header-cell">2</th>' in body
    assert "format: Kies op locatie, online of hybride." in body
    assert "Er is niets opgeslagen" in body


@pytest.mark.django_db
def test_import_page_skip_invalid_saves_good_lines(as_admin):
    file = upload("c.jsonl", course_record(), course_record(external_id="ext-2", title=""))

    as_admin.post(URL, {"file": file, "skip_invalid": "on"})

    assert list(Course.objects.values_list("external_id", flat=True)) == ["ext-1"]


@pytest.mark.django_db
def test_import_page_default_organisation_is_used(as_admin, ministry):
    as_admin.post(URL, {"file": upload("c.jsonl", course_record(organisation="")), "organisation": ministry.pk})

    assert Course.objects.get(external_id="ext-1").organisation == ministry


@pytest.mark.django_db
def test_import_page_csv_upload(as_admin):
    content = (
        "external_id,title,summary,description,topics,organisation,format,duration_minutes\n"
        "c-1,Excel voor controllers,Draaitabellen zonder stress.,Met je eigen begroting.,Financiën,"
        "Gemeente Utrecht,online,90\n"
    ).encode()

    as_admin.post(URL, {"file": SimpleUploadedFile("export.csv", content)})

    assert Course.objects.get(external_id="c-1").title == "Excel voor controllers"


@pytest.mark.django_db
def test_import_page_wrong_file_type_is_a_form_error(as_admin):
    response = as_admin.post(URL, {"file": SimpleUploadedFile("cursussen.xlsx", b"PK\x03\x04")})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Kies een bestand dat eindigt op .csv of .jsonl." in body
    assert 'class="error-summary' in body


@pytest.mark.django_db
def test_import_page_without_file_is_a_form_error(as_admin):
    response = as_admin.post(URL, {"dry_run": "on"})

    assert response.status_code == 200
    assert 'href="#id_file"' in response.content.decode()
