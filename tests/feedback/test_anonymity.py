"""The anonymity guarantees: no table, page, export or API answer links an anonymous answer to a person, and
results of an anonymous survey appear only from SURVEY_MIN_RESPONSES answers (per survey)."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from elkaar.feedback import periodic, reports, services
from elkaar.feedback.models import Answer, Invitation, Response, SurveyKind
from tests.feedback.conftest import attend, default_answers, ended_session

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _everything_a_trainer_can_read(alice, survey) -> list[str]:
    """The report page, both exports (all sheets) and the API results, as text."""
    client = Client()
    client.force_login(alice)
    session = survey.session
    page = client.get(reverse("feedback:report_session", args=[session.pk])).content.decode()
    course_page = client.get(reverse("feedback:report_course", args=[session.course.pk])).content.decode()
    csv_text = client.get(reverse("feedback:report_session_csv", args=[session.pk])).content.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(client.get(reverse("feedback:report_session_xlsx", args=[session.pk])).content))
    cells = "\n".join(
        str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
    )
    api = client.get(f"/api/v1/sessions/{session.pk}/survey-results").content.decode()
    return [page, course_page, csv_text, cells, api]


# --- The tables -----------------------------------------------------------------------------------------------


def test_answer_tables_have_no_person_invitation_or_moment():
    for model in (Response, Answer):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField), field
            if field.is_relation and field.many_to_one:
                assert field.related_model is not Invitation, field
        assert isinstance(model._meta.pk, models.UUIDField)  # random keys: row order says nothing
    relations_to_people = [
        field.name
        for field in Response._meta.get_fields()
        if field.is_relation and field.related_model.__name__ == "User"
    ]
    assert relations_to_people == ["respondent"]  # only for surveys that are not anonymous
    assert [field.name for field in Answer._meta.get_fields() if field.is_relation] == ["response", "question"]


def test_invitation_records_that_someone_answered_but_not_when():
    moments = {field.name for field in Invitation._meta.get_fields() if isinstance(field, models.DateTimeField)}

    assert moments == {"sent_at", "reminded_at"}
    assert not any(
        field.is_relation and field.related_model in (Response, Answer) for field in Invitation._meta.get_fields()
    )


def test_anonymous_answers_are_stored_without_respondent(evaluation):
    survey, invitations = evaluation(3)

    for invitation in invitations:
        services.submit_response(invitation, default_answers(survey))

    assert list(Response.objects.values_list("respondent", flat=True)) == [None, None, None]
    assert Invitation.objects.filter(responded=True).count() == 3


# --- Reminders are forgotten on answering ---------------------------------------------------------------------


def _reminded_evaluation(evaluation, count: int):
    """An evaluation whose `count` attendees were all sent the one reminder."""
    survey, invitations = evaluation(count)
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=4))
    assert periodic.send_reminders() == count
    return survey, invitations


def _reminders(invitations) -> list[tuple]:
    return [
        (row.reminded_at is not None, row.reminder_count)
        for row in Invitation.objects.filter(pk__in=[i.pk for i in invitations]).order_by("pk")
    ]


def test_answering_forgets_who_was_reminded(evaluation):
    """A reminded attendee who answers last would otherwise be the likely author of the last stored answers."""
    survey, invitations = _reminded_evaluation(evaluation, 3)

    services.submit_response(invitations[1], default_answers(survey))

    assert _reminders(invitations) == [(True, 1), (False, 0), (True, 1)]
    assert (invitations[1].reminded_at, invitations[1].reminder_count) == (None, 0)


@pytest.mark.parametrize("channel", ["page", "api"])
def test_answering_by_page_or_api_forgets_the_reminders(client, evaluation, channel):
    survey, invitations = _reminded_evaluation(evaluation, 2)
    token = invitations[0].token

    if channel == "page":
        fields = {f"q{pk}": str(value) for pk, value in default_answers(survey).items()}
        response = client.post(reverse("feedback:answer", args=[token]), fields)
    else:
        body = {"answers": [{"question": pk, "value": value} for pk, value in default_answers(survey).items()]}
        response = client.post(f"/api/v1/survey-invitations/{token}/responses", body, content_type="application/json")

    assert response.status_code in (201, 302)
    assert _reminders(invitations) == [(False, 0), (True, 1)]


def test_a_refused_answer_keeps_the_reminders(evaluation):
    _survey, invitations = _reminded_evaluation(evaluation, 1)

    with pytest.raises(ValidationError):
        services.submit_response(invitations[0], {})

    assert _reminders(invitations) == [(True, 1)]


def test_who_answered_after_a_reminder_is_never_reminded_again(evaluation, after_commit):
    survey, invitations = _reminded_evaluation(evaluation, 2)
    services.submit_response(invitations[0], default_answers(survey))
    mail.outbox.clear()

    assert after_commit(periodic.send_reminders) == 0
    assert mail.outbox == []


def test_programme_reminders_skip_who_answered_after_being_reminded(
    pam, programme, programme_course, colleagues, after_commit
):
    people = colleagues(2)
    session = ended_session(programme_course)
    for person in people:
        attend(person, session)
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Herinneren"))
    question = services.add_question(pam, survey, services.QuestionData(kind="text", text="Vraag"))
    services.open_programme_survey(pam, survey)
    services.invite_programme_audience(survey)
    services.send_reminders(survey, timezone.now() - timedelta(days=2))
    answered = Invitation.objects.get(user=people[0])
    services.submit_response(answered, {question.pk: "Ja"})
    mail.outbox.clear()

    sent = after_commit(services.send_reminders, survey)

    assert sent == 1
    assert [message.to for message in mail.outbox] == [[people[1].email]]
    assert _reminders([answered]) == [(False, 0)]


def test_responses_and_answers_are_not_in_the_admin():
    assert not admin.site.is_registered(Response)
    assert not admin.site.is_registered(Answer)


# --- Pages, exports and the API -------------------------------------------------------------------------------


def test_nothing_a_trainer_reads_names_respondents_or_carries_ids_or_moments(alice, evaluation):
    survey, invitations = evaluation(3)
    for number, invitation in enumerate(invitations):
        services.submit_response(invitation, default_answers(survey, geleerd=f"Geleerd nummer {number}"))

    texts = _everything_a_trainer_can_read(alice, survey)

    assert all("Geleerd nummer 2" in text for text in texts)  # the results are really there
    for text in texts:
        for invitation in invitations:
            assert invitation.user.display_name not in text
            assert invitation.user.email not in text
            assert invitation.token not in text
        for response_id in Response.objects.values_list("pk", flat=True):
            assert str(response_id) not in text and response_id.hex not in text
    for export in texts[2:]:
        assert UUID.search(export) is None
        assert ISO_MOMENT.search(export) is None


def _read_report(reader, route: str, arg, api: str) -> list[str]:
    """One report as `reader` reads it: the page, both exports (all sheets) and the API results, as text."""
    client = Client()
    client.force_login(reader)
    page = client.get(reverse(route, args=[arg]))
    csv_export = client.get(reverse(f"{route}_csv", args=[arg]))
    xlsx_export = client.get(reverse(f"{route}_xlsx", args=[arg]))
    results = client.get(api)
    assert [answer.status_code for answer in (page, csv_export, xlsx_export, results)] == [200] * 4
    workbook = load_workbook(io.BytesIO(xlsx_export.content))
    cells = "\n".join(
        str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
    )
    return [page.content.decode(), csv_export.content.decode("utf-8-sig"), cells, results.content.decode()]


def _keys(value) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


PERSONAL_KEYS = {"id", "user", "user_id", "respondent", "invitation", "token", "email", "created_at", "answered_at"}


@pytest.fixture
def answered_programme(pam, programme, programme_course, colleagues):
    """Three attendees of a session of alice's programme course answered its evaluation, and three former
    participants answered an anonymous programme survey; returns (respondents' invitations, programme survey)."""
    session = ended_session(programme_course)
    for person in colleagues(3):
        attend(person, session)
    services.invite_attendees(session, SurveyKind.EVALUATION)
    evaluation = session.surveys.get(kind=SurveyKind.EVALUATION)
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Terugblik op het jaar"))
    text = services.add_question(pam, survey, services.QuestionData(kind="text", text="Wat bracht het je?"))
    scale = services.add_question(
        pam, survey, services.QuestionData(kind="scale", text="Hoe nuttig?", minimum=1, maximum=5)
    )
    services.open_programme_survey(pam, survey)
    services.invite_programme_audience(survey)
    invitations = list(Invitation.objects.filter(survey__in=[evaluation, survey]).select_related("user"))
    for number, invitation in enumerate(invitations):
        if invitation.survey_id == evaluation.pk:
            answers = default_answers(evaluation, geleerd=f"Geleerd nummer {number}")
        else:
            answers = {text.pk: f"Programma-antwoord {number}", scale.pk: 4}
        services.submit_response(invitation, answers)
    return invitations, survey


@pytest.mark.parametrize("report", ["trainer", "programme", "survey"])
@pytest.mark.parametrize("reader_role", ["own", "admin"])
def test_trainer_programme_and_survey_reports_name_no_respondent_and_carry_no_ids_or_moments(
    request, alice, pam, programme, answered_programme, report, reader_role
):
    invitations, survey = answered_programme
    route, arg, api, reader, shown = {
        "trainer": (
            "feedback:report_trainer",
            alice.pk,
            f"/api/v1/users/{alice.pk}/survey-results",
            alice,
            "Geleerd nummer",
        ),
        "programme": (
            "feedback:report_programme",
            programme.slug,
            f"/api/v1/programmes/{programme.pk}/survey-results",
            pam,
            "Geleerd nummer",
        ),
        "survey": (
            "feedback:report_survey",
            survey.pk,
            f"/api/v1/surveys/{survey.pk}/results",
            pam,
            "Programma-antwoord",
        ),
    }[report]
    if reader_role == "admin":
        reader = request.getfixturevalue("admin_user")

    texts = _read_report(reader, route, arg, api)

    assert all(shown in text for text in texts)  # the results are really there
    for text in texts:
        for invitation in invitations:
            assert invitation.user.display_name not in text
            assert invitation.user.email not in text
            assert invitation.token not in text
            assert invitation.user.get_absolute_url() not in text
        for response_id in Response.objects.values_list("pk", flat=True):
            assert str(response_id) not in text and response_id.hex not in text
    for export in texts[1:]:
        assert UUID.search(export) is None
        assert ISO_MOMENT.search(export) is None
    assert not _keys(json.loads(texts[3])) & PERSONAL_KEYS


def test_export_rows_follow_the_answers_not_the_order_of_answering(as_alice, evaluation):
    survey, invitations = evaluation(4)
    for invitation, satisfaction in zip(invitations, [5, 1, 4, 2], strict=True):
        services.submit_response(invitation, default_answers(survey, satisfaction))

    workbook = load_workbook(
        io.BytesIO(as_alice.get(reverse("feedback:report_session_xlsx", args=[survey.session.pk])).content)
    )

    assert [row[0] for row in workbook["Antwoorden"].iter_rows(min_row=2, values_only=True)] == [1, 2, 4, 5]


def test_free_text_is_listed_in_text_order_not_answering_order(alice, evaluation):
    survey, invitations = evaluation(3)
    for invitation, text in zip(invitations, ["Zeker", "Anders", "Misschien"], strict=True):
        services.submit_response(invitation, default_answers(survey, verbeteren=text))

    report = reports.build(reports.session_surveys(survey.session, SurveyKind.EVALUATION), title="t", kind="evaluation")

    improve = next(question for question in report.questions if question.key == "verbeteren")
    assert [answer.text for answer in improve.texts] == ["Anders", "Misschien", "Zeker"]


def test_answer_page_of_an_invitation_never_shows_the_answers_again(client, evaluation):
    survey, invitations = evaluation(1)
    services.submit_response(invitations[0], default_answers(survey, geleerd="Mijn geheime antwoord"))

    page = client.get(reverse("feedback:answer", args=[invitations[0].token])).content.decode()

    assert "Mijn geheime antwoord" not in page


def test_api_invitation_shows_whether_answered_but_not_what(client, evaluation):
    survey, invitations = evaluation(1)
    services.submit_response(invitations[0], default_answers(survey, geleerd="Mijn geheime antwoord"))

    body = client.get(f"/api/v1/survey-invitations/{invitations[0].token}").content.decode()

    assert '"responded": true' in body
    assert "Mijn geheime antwoord" not in body


# --- The threshold --------------------------------------------------------------------------------------------


def test_results_below_the_threshold_are_withheld_everywhere(alice, evaluation):
    survey, invitations = evaluation(3)
    for invitation in invitations[:2]:
        services.submit_response(invitation, default_answers(survey, geleerd="Te herkenbaar antwoord"))

    texts = _everything_a_trainer_can_read(alice, survey)

    for text in texts:
        assert "Te herkenbaar antwoord" not in text
    assert "Nog geen uitkomsten" in texts[0]
    assert '"visible": false' in texts[4] and '"questions": []' in texts[4]
    assert '"responded": 2' in texts[4]  # the response rate is not an answer: it stays visible


def test_results_appear_at_the_threshold(alice, evaluation):
    survey, invitations = evaluation(3)
    for invitation in invitations:
        services.submit_response(invitation, default_answers(survey, geleerd="Nu wel zichtbaar"))

    assert all("Nu wel zichtbaar" in text for text in _everything_a_trainer_can_read(alice, survey))


def test_threshold_is_configurable(alice, evaluation, settings):
    settings.SURVEY_MIN_RESPONSES = 5
    survey, invitations = evaluation(4)
    for invitation in invitations:
        services.submit_response(invitation, default_answers(survey))

    report = reports.build(reports.session_surveys(survey.session, SurveyKind.EVALUATION), title="t", kind="evaluation")

    assert (report.visible, report.min_responses, report.questions) == (False, 5, [])


def test_a_session_below_the_threshold_adds_nothing_to_course_results(alice, course, colleagues):
    """Otherwise comparing the course report before and after would reveal the few answers of that session."""
    enough, few = ended_session(course, days_ago=2), ended_session(course, days_ago=1)
    for session, count, text in ((enough, 3, "Van de grote groep"), (few, 2, "Van het kleine groepje")):
        for person in colleagues(count):
            attend(person, session)
        services.invite_attendees(session, SurveyKind.EVALUATION)
        for invitation in Invitation.objects.filter(survey__session=session):
            services.submit_response(invitation, default_answers(invitation.survey, geleerd=text))

    report = reports.build(reports.course_surveys(course, SurveyKind.EVALUATION), title="t", kind="evaluation")

    learned = next(question for question in report.questions if question.key == "geleerd")
    assert (report.responded, report.shown_responses, report.withheld_surveys) == (5, 3, 1)
    assert {answer.text for answer in learned.texts} == {"Van de grote groep"}


def test_named_programme_survey_shows_names_and_has_no_threshold(pam, programme, programme_course, colleagues):
    person = colleagues(1)[0]
    attend(person, ended_session(programme_course))
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Met naam", anonymous=False))
    question = services.add_question(pam, survey, services.QuestionData(kind="text", text="Mag ik je bellen?"))
    services.open_programme_survey(pam, survey)
    services.invite_programme_audience(survey)

    services.submit_response(Invitation.objects.get(user=person), {question.pk: "Ja, graag."})

    report = reports.build(reports.single_survey(survey), title="t", kind="programme")
    assert Response.objects.get().respondent == person
    assert [(answer.name, answer.text) for answer in report.questions[0].texts] == [(person.display_name, "Ja, graag.")]


# --- The database's own bookkeeping (PostgreSQL) ---------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_row_versions_do_not_single_out_the_invitation_that_answered(course, colleagues):
    """PostgreSQL stamps every row with the transaction that last wrote it (xmin). Answering touches every
    invitation of the survey in the answer's transaction, so the response's stamp matches all of them, not one."""
    if connection.vendor != "postgresql":
        pytest.skip("xmin exists on PostgreSQL only (DATABASE_URL=postgres://...)")
    session = ended_session(course)
    for person in colleagues(4):
        attend(person, session)
    services.invite_attendees(session, SurveyKind.EVALUATION)
    invitation = Invitation.objects.filter(survey__session=session).order_by("pk")[1]

    services.submit_response(invitation, default_answers(invitation.survey))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT xmin::text FROM feedback_invitation WHERE survey_id = %s", [invitation.survey_id]
        )
        invitation_stamps = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT xmin::text FROM feedback_response")
        response_stamps = [row[0] for row in cursor.fetchall()]
    assert invitation_stamps == response_stamps
