"""The import of courses from another catalogue: the importer and the `elkaar import-courses` command."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from elkaar.accounts.models import Organisation, OrganisationKind
from elkaar.catalogue.importer import import_courses
from elkaar.catalogue.models import Course, CourseStatus, TrainerInvitation
from elkaar.core.models import Topic

CSV_GOOD = (
    "external_id,title,summary,description,topics,organisation,format,duration_minutes,language,level\n"
    'woo-1,Woo-verzoeken in de praktijk,Zo handel je een verzoek binnen de termijn af.,"Wat je leert:\n'
    "\n"
    "- de termijnen\n"
    '- lakken",Wet open overheid (Woo);Informatiebeheer,Gemeente Utrecht,op locatie,120,nl,basis\n'
    "agile-2,Scrum voor beleidsteams,Werken in sprints buiten de IT.,Een middag oefenen met een echt "
    "beleidsvraagstuk.,Agile werken|Projectmanagement,Provincie Gelderland,online,90,nl,\n"
)


def jsonl(*records: dict) -> bytes:
    return "\n".join(json.dumps(record, ensure_ascii=False) for record in records).encode() + b"\n"


def record(**changes) -> dict:
    base = {
        "external_id": "data-1",
        "title": "Data-analyse met Python",
        "summary": "Van spreadsheet naar script.",
        "description": "We werken met open data van het CBS.",
        "topics": ["Data-analyse"],
        "organisation": "Gemeente Utrecht",
        "format": "online",
        "duration_minutes": 180,
        "language": "nl",
    }
    return {**base, **changes}


def run(tmp_path, name: str, content: bytes | str, *args: str) -> tuple[str, str]:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    out, err = io.StringIO(), io.StringIO()
    call_command("import-courses", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(tmp_path, name: str, content: bytes | str, *args: str) -> tuple[CommandError, str]:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import-courses", str(path), *args, stdout=io.StringIO(), stderr=err)
    return raised.value, err.getvalue()


@pytest.mark.django_db
def test_import_csv_creates_courses_topics_and_organisations(tmp_path, admin_user, municipality):
    out, _err = run(tmp_path, "cursussen.csv", CSV_GOOD)

    woo = Course.objects.get(external_id="woo-1")
    agile = Course.objects.get(external_id="agile-2")
    assert (woo.title, woo.organisation, woo.format, woo.duration_minutes) == (
        "Woo-verzoeken in de praktijk",
        municipality,
        "op locatie",
        120,
    )
    assert "- lakken" in woo.description
    assert sorted(woo.topics.values_list("name", flat=True)) == ["Informatiebeheer", "Wet open overheid (Woo)"]
    assert sorted(agile.topics.values_list("name", flat=True)) == ["Agile werken", "Projectmanagement"]
    assert agile.organisation.kind == OrganisationKind.OTHER
    assert woo.status == CourseStatus.PUBLISHED
    assert woo.published_at is not None
    assert "2 nieuwe cursussen" in out


@pytest.mark.django_db
def test_import_jsonl_creates_course_without_trainers_owned_by_importer(tmp_path, admin_user):
    run(tmp_path, "cursussen.jsonl", jsonl(record(level="gevorderd", status="draft")))

    course = Course.objects.get(external_id="data-1")
    assert course.created_by == admin_user
    assert list(course.trainers.all()) == []
    assert (course.level, course.status, course.published_at) == ("gevorderd", CourseStatus.DRAFT, None)


@pytest.mark.django_db
def test_import_same_external_id_again_updates_the_course(tmp_path, admin_user):
    run(tmp_path, "eerste.jsonl", jsonl(record()))
    course = Course.objects.get(external_id="data-1")

    out, _err = run(
        tmp_path, "tweede.jsonl", jsonl(record(title="Data-analyse met Python en pandas", duration_minutes=240))
    )

    course.refresh_from_db()
    assert Course.objects.filter(external_id="data-1").count() == 1
    assert (course.title, course.duration_minutes) == ("Data-analyse met Python en pandas", 240)
    assert course.slug == "data-analyse-met-python"  # the URL stays
    assert "1 bijgewerkt" in out


@pytest.mark.django_db
def test_import_same_external_id_in_other_organisation_is_another_course(tmp_path, admin_user):
    run(tmp_path, "cursussen.jsonl", jsonl(record(), record(organisation="Provincie Utrecht")))

    assert Course.objects.filter(external_id="data-1").count() == 2


@pytest.mark.django_db
def test_import_existing_trainer_is_added_and_unknown_address_invited(
    tmp_path, admin_user, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(tmp_path, "cursussen.jsonl", jsonl(record(trainers=["Alice@Utrecht.nl", "nieuw@utrecht.nl"])))

    course = Course.objects.get(external_id="data-1")
    assert list(course.trainers.all()) == [alice]
    invitation = TrainerInvitation.objects.get(course=course)
    assert invitation.email == "nieuw@utrecht.nl"
    assert [message.to for message in mailoutbox] == [["nieuw@utrecht.nl"]]


@pytest.mark.django_db
def test_import_again_does_not_invite_twice(tmp_path, admin_user, mailoutbox, django_capture_on_commit_callbacks):
    content = jsonl(record(trainers="nieuw@utrecht.nl"))
    with django_capture_on_commit_callbacks(execute=True):
        run(tmp_path, "a.jsonl", content)
        run(tmp_path, "b.jsonl", content)

    assert TrainerInvitation.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_import_broken_lines_are_reported_with_line_numbers_and_nothing_is_written(tmp_path, admin_user):
    content = (
        jsonl(
            record(external_id="goed-1"),
            record(external_id="fout-2", title="", duration_minutes="anderhalf uur"),
            record(external_id="goed-3"),
        )
        + b"{niet af\n"
        + jsonl(record(external_id="fout-5", format="per post"))
    )

    error, err = run_failing(tmp_path, "cursussen.jsonl", content)

    assert error.returncode == 1
    assert Course.objects.count() == 0
    lines = err.splitlines()
    assert "regel 2: title: Dit veld is verplicht." in lines
    assert any(line.startswith("regel 2: duration_minutes:") for line in lines)
    assert any(line.startswith("regel 4: Geen geldige JSON") for line in lines)
    assert "regel 5: format: Kies op locatie, online of hybride." in lines
    assert not any(line.startswith(("regel 1:", "regel 3:")) for line in lines)


@pytest.mark.django_db
def test_import_csv_line_numbers_count_physical_lines(tmp_path, admin_user):
    header, *rows = CSV_GOOD.splitlines(keepends=True)
    broken = "kapot-3,,Samenvatting,Tekst,Woo,Gemeente Utrecht,online,60,nl,\n"

    _error, err = run_failing(tmp_path, "cursussen.csv", "".join([header, *rows, broken]))

    # the first record spans lines 2-5 (a description over four lines), the second is line 6
    assert err.splitlines() == ["regel 7: title: Dit veld is verplicht."]


@pytest.mark.django_db
def test_import_dry_run_writes_nothing_and_reports_what_it_would_do(tmp_path, admin_user):
    out, _err = run(tmp_path, "cursussen.csv", CSV_GOOD, "--dry-run")

    assert Course.objects.count() == 0
    assert Organisation.objects.filter(name="Provincie Gelderland").exists() is False
    assert Topic.objects.filter(name="Agile werken").exists() is False
    assert "Proefimport" in out
    assert "2 nieuwe cursussen" in out


@pytest.mark.django_db
def test_import_dry_run_with_errors_exits_with_1(tmp_path, admin_user):
    error, err = run_failing(tmp_path, "c.jsonl", jsonl(record(summary="")), "--dry-run")

    assert error.returncode == 1
    assert err.splitlines() == ["regel 1: summary: Dit veld is verplicht."]


@pytest.mark.django_db
def test_import_skip_invalid_writes_the_good_lines(tmp_path, admin_user):
    content = jsonl(record(external_id="goed-1"), record(external_id="fout-2", topics=[]), record(external_id="goed-3"))

    error, err = run_failing(tmp_path, "cursussen.jsonl", content, "--skip-invalid")

    assert error.returncode == 2
    assert sorted(Course.objects.values_list("external_id", flat=True)) == ["goed-1", "goed-3"]
    assert err.splitlines() == ["regel 2: topics: Dit veld is verplicht."]


@pytest.mark.django_db
def test_import_duplicate_external_id_in_one_file_is_an_error(tmp_path, admin_user):
    _error, err = run_failing(tmp_path, "c.jsonl", jsonl(record(), record(title="Nog een keer")))

    assert err.splitlines() == ["regel 2: external_id data-1 van Gemeente Utrecht staat ook al op regel 1."]


@pytest.mark.django_db
def test_import_semicolon_csv_from_a_spreadsheet(tmp_path, admin_user):
    content = (
        "external_id;title;summary;description;topics;organisation;format;duration_minutes;trainers\r\n"
        "x-1;Begrijpelijk schrijven;Schrijf op B1-niveau.;Oefenen met je eigen brieven.;"
        "Begrijpelijk schrijven|Communicatie;Gemeente Utrecht;Op locatie;90;\r\n"
    )

    run(tmp_path, "export.csv", content.encode("utf-8-sig"))

    course = Course.objects.get(external_id="x-1")
    assert sorted(course.topics.values_list("name", flat=True)) == ["Begrijpelijk schrijven", "Communicatie"]
    assert course.format == "op locatie"


@pytest.mark.django_db
def test_import_csv_with_unknown_or_missing_columns_is_refused(tmp_path, admin_user):
    _error, err = run_failing(tmp_path, "c.csv", "external_id,titel\nx,Iets\n")

    assert err.splitlines()[0].startswith("regel 1: Onbekende kolommen: titel.")
    assert "Deze kolommen ontbreken: title, summary" in err


@pytest.mark.django_db
def test_import_file_that_is_not_utf8_is_refused_with_its_line(tmp_path, admin_user):
    content = CSV_GOOD.encode() + "x-9,Cursus,Één regel,Tekst,Woo,Gemeente Utrecht,online,60,nl,\n".encode("latin-1")

    _error, err = run_failing(tmp_path, "c.csv", content)

    assert err.splitlines() == ["regel 7: Het bestand is geen UTF-8-tekst (vanaf deze regel)."]
    assert Course.objects.count() == 0


@pytest.mark.django_db
def test_import_default_organisation_fills_empty_organisation(tmp_path, admin_user, ministry):
    run(tmp_path, "c.jsonl", jsonl(record(organisation="")), "--organisation", "ministerie van bzk")

    assert Course.objects.get(external_id="data-1").organisation == ministry


@pytest.mark.django_db
def test_import_without_organisation_or_default_is_an_error(tmp_path, admin_user):
    _error, err = run_failing(tmp_path, "c.jsonl", jsonl(record(organisation=None)))

    assert err.splitlines() == [
        "regel 1: organisation: Dit veld is verplicht (er is geen standaardorganisatie gekozen)."
    ]


@pytest.mark.django_db
def test_import_as_participant_is_refused(tmp_path, bob):
    error, _err = run_failing(tmp_path, "c.jsonl", jsonl(record()), "--as", bob.email)

    assert "programmamanagers en beheerders" in str(error)
    assert Course.objects.count() == 0


@pytest.mark.django_db
def test_import_without_any_administrator_asks_for_one(tmp_path, bob):
    error, _err = run_failing(tmp_path, "c.jsonl", jsonl(record()))

    assert "--as" in str(error)


@pytest.mark.django_db
def test_import_format_option_overrides_the_extension(tmp_path, admin_user):
    run(tmp_path, "export.txt", jsonl(record()), "--format", "jsonl")

    assert Course.objects.filter(external_id="data-1").exists()


@pytest.mark.django_db
def test_importer_programme_manager_cannot_update_a_course_of_someone_else(pam, admin_user, course, programme):
    course.external_id = "data-1"
    course.save()

    report = import_courses(
        io.BytesIO(jsonl(record(organisation=course.organisation.name, title="Overgenomen"))), "jsonl", pam
    )

    course.refresh_from_db()
    assert course.title == "Woo-verzoeken behandelen"
    assert [(error.line, error.messages) for error in report.errors] == [
        (1, ["Je mag deze bestaande cursus niet bijwerken."])
    ]


@pytest.mark.django_db
def test_importer_programme_manager_updates_what_she_imported(pam, programme):
    import_courses(io.BytesIO(jsonl(record())), "jsonl", pam)

    report = import_courses(io.BytesIO(jsonl(record(title="Nieuwe titel"))), "jsonl", pam)

    assert report.ok
    assert report.written
    assert Course.objects.get(external_id="data-1").title == "Nieuwe titel"


@pytest.mark.django_db
def test_importer_trainer_of_the_course_is_not_a_programme_manager(alice, course):
    with pytest.raises(PermissionDenied):
        import_courses(io.BytesIO(jsonl(record())), "jsonl", alice)


@pytest.mark.django_db
def test_importer_report_counts_and_ids(admin_user):
    report = import_courses(io.BytesIO(jsonl(record(), record(external_id="data-2"))), "jsonl", admin_user)

    assert (report.lines, len(report.created), len(report.updated), report.errors) == (2, 2, 0, [])
    assert [entry.course_id for entry in report.created] == list(
        Course.objects.order_by("pk").values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_importer_dry_run_report_has_no_course_ids(admin_user):
    report = import_courses(io.BytesIO(jsonl(record())), "jsonl", admin_user, dry_run=True)

    assert report.written is False
    assert [entry.course_id for entry in report.created] == [None]


@pytest.mark.django_db
def test_importer_list_or_object_where_text_is_expected_is_an_error(admin_user):
    report = import_courses(io.BytesIO(jsonl(record(title=["a", "b"]))), "jsonl", admin_user)

    assert [(error.line, error.messages) for error in report.errors] == [
        (1, ["title: Verwacht tekst, geen lijst of object."])
    ]


@pytest.mark.django_db
def test_importer_too_long_title_is_a_field_error(admin_user):
    report = import_courses(io.BytesIO(jsonl(record(title="x" * 201))), "jsonl", admin_user)

    assert report.errors[0].messages[0].startswith("title: ")
    assert Course.objects.count() == 0


@pytest.mark.django_db
def test_importer_bad_trainer_address_is_an_error(admin_user):
    report = import_courses(io.BytesIO(jsonl(record(trainers=["geen-adres"]))), "jsonl", admin_user)

    assert report.errors[0].messages == ["trainers: geen-adres is geen geldig e-mailadres."]


@pytest.mark.django_db
def test_importer_reuses_topics_and_organisations_ignoring_case(admin_user, municipality, topic):
    import_courses(
        io.BytesIO(jsonl(record(organisation="gemeente utrecht", topics=["wet open overheid"]))), "jsonl", admin_user
    )

    course = Course.objects.get(external_id="data-1")
    assert course.organisation == municipality
    assert list(course.topics.all()) == [topic]
    assert Organisation.objects.count() == 2  # municipality and the admin's ministry


@pytest.mark.django_db
def test_importer_keeps_level_and_status_when_left_empty_on_update(admin_user):
    import_courses(io.BytesIO(jsonl(record(level="gevorderd", status="archived"))), "jsonl", admin_user)

    import_courses(io.BytesIO(jsonl(record(title="Bijgewerkt"))), "jsonl", admin_user)

    course = Course.objects.get(external_id="data-1")
    assert (course.title, course.level, course.status) == ("Bijgewerkt", "gevorderd", CourseStatus.ARCHIVED)
