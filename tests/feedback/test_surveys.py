"""Evaluation surveys: sent once to every attendee, a reminder after three days, the follow-up months later,
answering by the invitation link, questionnaires adapted per programme, and programme surveys."""

from __future__ import annotations

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from elkaar.catalogue.models import SessionStatus
from elkaar.enrolment.models import Attendance, Registration, RegistrationStatus
from elkaar.feedback import periodic, services
from elkaar.feedback.models import Answer, Invitation, QuestionKind, Response, Survey, SurveyKind, SurveyStatus
from tests import factories
from tests.feedback.conftest import answers_for, attend, default_answers, ended_session

pytestmark = pytest.mark.django_db


def _mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


# --- Sending evaluations --------------------------------------------------------------------------------------


def test_send_evaluations_invites_every_attendee_once(past_session, colleagues, after_commit):
    attendees = colleagues(3)
    for person in attendees:
        attend(person, past_session)

    sent = after_commit(periodic.send_evaluations)

    survey = Survey.objects.get(session=past_session, kind=SurveyKind.EVALUATION)
    assert sent == 3
    assert sorted(Invitation.objects.filter(survey=survey).values_list("user_id", flat=True)) == sorted(
        person.pk for person in attendees
    )
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in attendees)
    assert all(
        invitation.get_absolute_url() in _mails_to(invitation.user.email)[0].body
        for invitation in survey.invitations.all()
    )


def test_send_evaluations_run_twice_sends_nothing_more(past_session, colleagues, after_commit):
    for person in colleagues(3):
        attend(person, past_session)
    after_commit(periodic.send_evaluations)

    sent_again = after_commit(periodic.send_evaluations)

    assert sent_again == 0
    assert Survey.objects.filter(session=past_session).count() == 1
    assert Invitation.objects.count() == 3
    assert len(mail.outbox) == 3


def test_send_evaluations_skips_absent_waiting_and_cancelled_registrations(past_session, colleagues, after_commit):
    present, absent, waiting, cancelled = colleagues(4)
    attend(present, past_session, attendance=Attendance.PRESENT)
    attend(absent, past_session, attendance=Attendance.ABSENT)
    Registration.objects.create(session=past_session, user=waiting, status=RegistrationStatus.WAITING, position=1)
    Registration.objects.create(session=past_session, user=cancelled, status=RegistrationStatus.CANCELLED)

    after_commit(periodic.send_evaluations)

    assert list(Invitation.objects.values_list("user_id", flat=True)) == [present.pk]


def test_send_evaluations_skips_cancelled_sessions_and_sessions_not_ended(course, colleagues, after_commit):
    cancelled = ended_session(course, status=SessionStatus.CANCELLED)
    just_ended = ended_session(course, days_ago=0.01)  # within the two hours trainers get to tick attendance
    coming = factories.SessionFactory(course=course)
    person = colleagues(1)[0]
    for session in (cancelled, just_ended, coming):
        attend(person, session)

    sent = after_commit(periodic.send_evaluations)

    assert sent == 0
    assert Invitation.objects.count() == 0


def test_send_evaluations_skips_sessions_ended_more_than_a_week_ago(course, colleagues, after_commit):
    attend(colleagues(1)[0], ended_session(course, days_ago=8))

    assert after_commit(periodic.send_evaluations) == 0


def test_evaluation_mail_is_in_the_attendees_language(past_session, colleagues, after_commit):
    person = colleagues(1)[0]
    person.preferred_language = "en"
    person.save()
    attend(person, past_session)

    after_commit(periodic.send_evaluations)

    with_link = mail.outbox[0].body
    assert Invitation.objects.get().get_absolute_url() in with_link


@pytest.mark.django_db(transaction=True)
def test_send_evaluations_from_simultaneous_workers_invites_each_attendee_once(course, colleagues):
    """Four workers run the job at the same moment on separate connections: one invitation and one e-mail each."""
    session = ended_session(course)
    attendees = colleagues(6)
    for person in attendees:
        attend(person, session)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            periodic.send_evaluations()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Survey.objects.filter(session=session, kind=SurveyKind.EVALUATION).count() == 1
    assert Invitation.objects.count() == 6
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in attendees)


def test_run_periodic_command_sends_evaluations(past_session, colleagues):
    for person in colleagues(2):
        attend(person, past_session)
    out = StringIO()

    call_command("run-periodic", stdout=out)

    assert "evaluations=2" in out.getvalue()
    assert Invitation.objects.count() == 2


# --- Reminders ------------------------------------------------------------------------------------------------


def test_reminder_goes_after_three_days_to_non_respondents_once(evaluation, after_commit):
    survey, invitations = evaluation(3)
    services.submit_response(invitations[0], default_answers(survey))
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=3, minutes=1))
    mail.outbox.clear()

    sent = after_commit(periodic.send_reminders)
    sent_again = after_commit(periodic.send_reminders)

    assert (sent, sent_again) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(i.user.email for i in invitations[1:])
    assert "Herinnering" in mail.outbox[0].subject


def test_reminder_not_sent_before_three_days(evaluation, after_commit):
    evaluation(2)
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=2, hours=23))
    mail.outbox.clear()

    assert after_commit(periodic.send_reminders) == 0
    assert mail.outbox == []


# --- Follow-up ------------------------------------------------------------------------------------------------


def test_followup_is_sent_after_the_configured_days(course, colleagues, after_commit, settings):
    settings.EVALUATION_FOLLOWUP_DAYS = 60
    due = ended_session(course, days_ago=61)
    not_yet = ended_session(course, days_ago=50)
    person = colleagues(1)[0]
    attend(person, due)
    attend(person, not_yet)

    sent = after_commit(periodic.send_followups)

    survey = Survey.objects.get(kind=SurveyKind.FOLLOWUP, is_template=False)
    assert (sent, survey.session) == (1, due)
    assert next(question.key for question in survey.questions.all()) == "toegepast"
    assert "Heb je iets gedaan met" in mail.outbox[0].subject


def test_followup_defaults_to_75_days(course, colleagues, after_commit):
    person = colleagues(1)[0]
    attend(person, ended_session(course, days_ago=74))
    attend(person, ended_session(course, days_ago=76))

    assert after_commit(periodic.send_followups) == 1


# --- Answering ------------------------------------------------------------------------------------------------


def test_answer_page_works_without_login_and_stores_answers_without_person(client, evaluation):
    survey, invitations = evaluation(1)
    fields = {f"q{pk}": str(value) for pk, value in default_answers(survey).items()}

    response = client.post(reverse("feedback:answer", args=[invitations[0].token]), fields)

    assert response.status_code == 302
    invitations[0].refresh_from_db()
    assert invitations[0].responded is True
    response_row = Response.objects.get()
    assert response_row.respondent is None
    assert Answer.objects.filter(response=response_row).count() == 3
    thanks = client.get(reverse("feedback:answer", args=[invitations[0].token])).content.decode()
    assert "Dank je wel! Je antwoorden zijn ontvangen." in thanks


def test_answer_page_shows_every_question_with_labels(client, evaluation):
    survey, invitations = evaluation(1)

    page = client.get(reverse("feedback:answer", args=[invitations[0].token])).content.decode()

    for question in survey.questions.all():
        assert question.text in page
    assert "Zeer tevreden" in page
    assert "Deze vragenlijst is anoniem." in page


def test_answer_page_missing_required_answers_shows_errors_and_stores_nothing(client, evaluation):
    survey, invitations = evaluation(1)
    fields = {f"q{pk}": str(value) for pk, value in answers_for(survey, tevredenheid=4).items()}

    response = client.post(reverse("feedback:answer", args=[invitations[0].token]), fields)

    assert response.status_code == 400
    assert "Controleer wat je hebt ingevuld" in response.content.decode()
    assert Response.objects.count() == 0
    invitations[0].refresh_from_db()
    assert invitations[0].responded is False


def test_answer_page_out_of_range_value_is_refused(client, evaluation):
    survey, invitations = evaluation(1)
    answers = default_answers(survey, recommend=11)
    fields = {f"q{pk}": str(value) for pk, value in answers.items()}

    response = client.post(reverse("feedback:answer", args=[invitations[0].token]), fields)

    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_answer_twice_with_the_same_invitation_stores_one_response(client, evaluation):
    survey, invitations = evaluation(1)
    services.submit_response(invitations[0], default_answers(survey))

    with pytest.raises(services.AlreadyAnswered):
        services.submit_response(Invitation.objects.get(pk=invitations[0].pk), default_answers(survey, satisfaction=1))
    client.post(
        reverse("feedback:answer", args=[invitations[0].token]),
        {f"q{pk}": str(value) for pk, value in default_answers(survey).items()},
    )

    assert Response.objects.count() == 1


def test_answer_after_closing_day_is_refused(evaluation):
    survey, invitations = evaluation(1)
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - timedelta(days=1))

    with pytest.raises(services.SurveyClosed):
        services.submit_response(Invitation.objects.get(pk=invitations[0].pk), default_answers(survey))

    assert Response.objects.count() == 0


def test_answer_page_with_unknown_token_is_not_found(client, db):
    assert client.get(reverse("feedback:answer", args=["onbekend-token"])).status_code == 404


def test_check_answers_normalises_each_type(programme, pam):
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Alles"))
    scale = services.add_question(pam, survey, services.QuestionData(kind="scale", text="Schaal", minimum=1, maximum=5))
    single = services.add_question(pam, survey, services.QuestionData(kind="single", text="Een", choices=["A", "B"]))
    multiple = services.add_question(
        pam, survey, services.QuestionData(kind="multiple", text="Meer", choices=["X", "Y", "Z"])
    )
    number = services.add_question(pam, survey, services.QuestionData(kind="number", text="Uren", minimum=0))
    text = services.add_question(pam, survey, services.QuestionData(kind="text", text="Tekst", required=False))

    cleaned = services.check_answers(
        survey, {scale.pk: "3", single.pk: "B", multiple.pk: ["Z", "X"], number.pk: "2,5", text.pk: "  hoi "}
    )

    assert [cleaned[q.pk] for q in (scale, single, multiple, number, text)] == [3, ["B"], ["X", "Z"], 2.5, "hoi"]


@pytest.mark.parametrize(
    ("kind", "value"),
    [("scale", 6), ("scale", True), ("single", "C"), ("multiple", ["A", "Q"]), ("number", "veel"), ("number", -1)],
)
def test_check_answers_refuses_wrong_values(programme, pam, kind, value):
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Fout"))
    data = services.QuestionData(kind=kind, text="Vraag", choices=["A", "B"], minimum=0 if kind == "number" else 1)
    if kind == "scale":
        data.maximum = 5
    question = services.add_question(pam, survey, data)

    with pytest.raises(ValidationError) as error:
        services.check_answers(survey, {question.pk: value})

    assert set(error.value.message_dict) == {f"q{question.pk}"}


# --- Questionnaires per programme -----------------------------------------------------------------------------


def test_default_evaluation_has_the_six_dutch_questions(db):
    template = services.default_template(SurveyKind.EVALUATION)

    assert [(q.key, q.kind, q.required) for q in template.questions.all()] == [
        ("tevredenheid", QuestionKind.SCALE, True),
        ("bruikbaarheid", QuestionKind.SCALE, True),
        ("geleerd", QuestionKind.TEXT, False),
        ("aanbevelen", QuestionKind.SCALE, True),
        ("verbeteren", QuestionKind.TEXT, False),
        ("volgend-onderwerp", QuestionKind.TEXT, False),
    ]
    assert template.questions.get(key="aanbevelen").scale_values == list(range(11))


def test_adapted_programme_questionnaire_is_used_for_its_sessions(pam, programme, programme_course, course, colleagues):
    template = services.adapt_template(pam, programme, SurveyKind.EVALUATION)
    services.add_question(
        pam, template, services.QuestionData(kind="single", text="Werk je in de jeugdzorg?", choices=["Ja", "Nee"])
    )
    in_programme, elsewhere = ended_session(programme_course), ended_session(course)
    person = colleagues(1)[0]
    attend(person, in_programme)
    attend(person, elsewhere)

    periodic.send_evaluations()

    adapted = Survey.objects.get(session=in_programme)
    default = Survey.objects.get(session=elsewhere)
    assert adapted.questions.count() == 7
    assert adapted.questions.last().text == "Werk je in de jeugdzorg?"
    assert default.questions.count() == 6


def test_changing_a_template_does_not_change_sent_surveys(pam, programme, programme_course, colleagues):
    template = services.adapt_template(pam, programme, SurveyKind.EVALUATION)
    session = ended_session(programme_course)
    attend(colleagues(1)[0], session)
    periodic.send_evaluations()

    services.remove_question(pam, template.questions.get(key="geleerd"))

    assert Survey.objects.get(session=session).questions.filter(key="geleerd").exists()


@pytest.mark.parametrize("who", ["as_alice", "as_bob", "as_carol"])
def test_adapting_a_programme_questionnaire_is_for_its_managers(request, who, programme):
    client = request.getfixturevalue(who)

    response = client.post(reverse("feedback:template_adapt", args=[programme.slug, "evaluation"]))

    assert response.status_code == 403
    assert Survey.objects.filter(programme=programme).count() == 0


def test_manager_adapts_questionnaire_through_pages(as_pam, programme):
    response = as_pam.post(reverse("feedback:template_adapt", args=[programme.slug, "evaluation"]))
    template = Survey.objects.get(programme=programme, is_template=True)
    added = as_pam.post(
        reverse("feedback:question_add", args=[template.pk]),
        {"question-kind": "multiple", "question-text": "Welke onderdelen?", "question-required": "on"}
        | {"question-choices": "Theorie\nOefeningen\nCasus"},
    )
    moved = as_pam.post(
        reverse("feedback:question_move", args=[template.pk, template.questions.last().pk]), {"direction": "up"}
    )

    assert (response.status_code, added.status_code, moved.status_code) == (302, 302, 302)
    assert [q.key for q in template.questions.all()][-2:] == ["welke-onderdelen", "volgend-onderwerp"]
    assert template.questions.get(key="welke-onderdelen").choices == ["Theorie", "Oefeningen", "Casus"]


def test_question_form_errors_are_shown(as_pam, pam, programme):
    template = services.adapt_template(pam, programme, SurveyKind.EVALUATION)

    response = as_pam.post(
        reverse("feedback:question_add", args=[template.pk]), {"question-kind": "single", "question-text": "Kies"}
    )

    assert response.status_code == 200
    assert "Geef minstens twee keuzes" in response.content.decode()


def test_admin_edits_default_questionnaire_others_cannot(as_admin, client, carol):
    response = as_admin.get(reverse("feedback:default_template", args=["evaluation"]))
    client.force_login(carol)

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 403
    assert client.get(reverse("feedback:default_template", args=["evaluation"])).status_code == 403


# --- Programme surveys ----------------------------------------------------------------------------------------


@pytest.fixture
def former_participants(programme_course, colleagues):
    """Three people who attended a session of the programme (one of them last year) and one who only waited."""
    recent, older = ended_session(programme_course, days_ago=20), ended_session(programme_course, days_ago=400)
    first, second, third, waiting = colleagues(4)
    attend(first, recent)
    attend(second, recent)
    attend(third, older)
    Registration.objects.create(session=recent, user=waiting, status=RegistrationStatus.WAITING, position=1)
    return [first, second, third]


def test_programme_survey_goes_to_former_participants_of_the_period(pam, programme, former_participants, after_commit):
    start = timezone.localdate() - timedelta(days=100)
    survey = services.create_programme_survey(
        pam, programme, services.SurveyData(title="Een jaar later", audience_from=start)
    )
    services.add_question(pam, survey, services.QuestionData(kind="text", text="Wat bracht het je?"))

    count = after_commit(services.open_programme_survey, pam, survey)

    assert count == 2
    assert sorted(Invitation.objects.values_list("user_id", flat=True)) == sorted(p.pk for p in former_participants[:2])
    assert len(mail.outbox) == 2
    assert "Enquête: Een jaar later" in mail.outbox[0].subject


def test_programme_survey_for_chosen_courses_only(pam, programme, former_participants, programme_course, alice, topic):
    other = factories.CourseFactory(
        organisation=alice.organisation, trainers=[alice], topics=[topic], programme=programme
    )
    attend(factories.UserFactory(), ended_session(other))
    survey = services.create_programme_survey(
        pam, programme, services.SurveyData(title="Alleen jeugdzorg", courses=[programme_course])
    )

    assert list(services.programme_audience(survey)) == sorted(former_participants, key=lambda person: person.pk)


def test_programme_survey_with_course_of_another_programme_is_refused(pam, programme, course):
    with pytest.raises(ValidationError) as error:
        services.create_programme_survey(pam, programme, services.SurveyData(title="X", courses=[course]))

    assert set(error.value.message_dict) == {"courses"}


def test_programme_survey_cannot_be_sent_twice_or_edited_after_sending(pam, programme, former_participants):
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Eén keer"))
    question = services.add_question(pam, survey, services.QuestionData(kind="text", text="Vraag"))
    services.open_programme_survey(pam, survey)

    with pytest.raises(ValidationError):
        services.open_programme_survey(pam, survey)
    with pytest.raises(ValidationError):
        services.remove_question(pam, question)


def test_remind_non_respondents_reaches_only_those_who_did_not_answer(
    pam, programme, former_participants, after_commit
):
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Herinneren"))
    services.add_question(pam, survey, services.QuestionData(kind="scale", text="Hoe nuttig?", minimum=1, maximum=5))
    after_commit(services.open_programme_survey, pam, survey)
    answered = Invitation.objects.get(user=former_participants[0])
    services.submit_response(answered, {survey.questions.get().pk: 4})
    mail.outbox.clear()

    count = after_commit(services.remind_non_respondents, pam, survey)
    again = after_commit(services.remind_non_respondents, pam, survey)

    assert (count, again) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in former_participants[1:])


def test_survey_page_shows_response_rate_without_names(as_pam, pam, programme, former_participants, after_commit):
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Respons"))
    services.add_question(pam, survey, services.QuestionData(kind="text", text="Vraag"))
    after_commit(services.open_programme_survey, pam, survey)
    services.submit_response(Invitation.objects.get(user=former_participants[0]), {survey.questions.get().pk: "Ja"})

    page = as_pam.get(survey.get_absolute_url()).content.decode()

    assert "1 van de 3 uitgenodigde collega's heeft geantwoord" in page
    assert "33%" in page
    for person in former_participants:
        assert person.display_name not in page
        assert person.email not in page


def test_manager_creates_and_sends_survey_through_pages(
    as_pam, programme, former_participants, django_capture_on_commit_callbacks
):
    created = as_pam.post(
        reverse("feedback:survey_new", args=[programme.slug]),
        {"title": "Wat bracht het programma?", "intro": "Vijf minuten.", "anonymous": "on", "start_with": "followup"},
    )
    survey = Survey.objects.get(kind=SurveyKind.PROGRAMME)
    confirm = as_pam.get(reverse("feedback:survey_send", args=[survey.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        sent = as_pam.post(reverse("feedback:survey_send", args=[survey.pk]))
    closed = as_pam.post(reverse("feedback:survey_close", args=[survey.pk]))

    assert created.status_code == 302
    assert survey.questions.count() == 4  # started from the follow-up questions
    assert "3 oud-deelnemers" in confirm.content.decode()
    assert sent.status_code == 302
    assert [str(notice) for notice in get_messages(sent.wsgi_request)] == [
        "De enquête is verstuurd naar 3 oud-deelnemers."
    ]
    assert len(mail.outbox) == 3
    survey.refresh_from_db()
    assert (closed.status_code, survey.status) == (302, SurveyStatus.CLOSED)


@pytest.mark.parametrize("who", ["as_alice", "as_bob", "as_carol"])
def test_programme_survey_pages_are_for_managers(request, who, pam, programme):
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Alleen voor pam"))
    client = request.getfixturevalue(who)

    pages = [
        client.get(reverse("feedback:programme_surveys", args=[programme.slug])),
        client.get(reverse("feedback:survey_new", args=[programme.slug])),
        client.get(survey.get_absolute_url()),
        client.post(reverse("feedback:survey_send", args=[survey.pk])),
        client.post(reverse("feedback:survey_remind", args=[survey.pk])),
    ]

    assert [page.status_code for page in pages] == [403] * 5


def test_programme_survey_pages_redirect_anonymous_to_login(client, pam, programme):
    response = client.get(reverse("feedback:programme_surveys", args=[programme.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_create_programme_survey_by_non_manager_is_refused(carol, programme):
    with pytest.raises(PermissionDenied):
        services.create_programme_survey(carol, programme, services.SurveyData(title="Nee"))


def test_mine_page_lists_open_evaluations_and_reports(client, evaluation, alice):
    survey, invitations = evaluation(1)
    client.force_login(invitations[0].user)

    page = client.get(reverse("accounts:mine")).content.decode()
    client.force_login(alice)
    trainer_page = client.get(reverse("accounts:mine")).content.decode()

    assert reverse("feedback:answer", args=[invitations[0].token]) in page
    assert reverse("feedback:report_course", args=[survey.course.pk]) in trainer_page
    assert reverse("feedback:report_trainer", args=[alice.pk]) in trainer_page


def test_manager_edits_a_draft_survey_and_its_questions_through_pages(as_pam, pam, programme, programme_course):
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Concept"))
    question = services.add_question(pam, survey, services.QuestionData(kind="text", text="Oude vraag"))

    form = as_pam.get(reverse("feedback:survey_edit", args=[survey.pk]))
    edited = as_pam.post(
        reverse("feedback:survey_edit", args=[survey.pk]),
        {"title": "Nieuwe titel", "intro": "", "courses": [str(programme_course.pk)], "closes_on": "2099-01-31"},
    )
    question_form = as_pam.get(reverse("feedback:question_edit", args=[survey.pk, question.pk]))
    changed = as_pam.post(
        reverse("feedback:question_edit", args=[survey.pk, question.pk]),
        {"question-kind": "scale", "question-text": "Nieuwe vraag", "question-minimum": "1", "question-maximum": "4"},
    )

    survey.refresh_from_db()
    question.refresh_from_db()
    assert [form.status_code, edited.status_code, question_form.status_code, changed.status_code] == [
        200,
        302,
        200,
        302,
    ]
    assert (survey.title, survey.anonymous, list(survey.audience_courses.all())) == (
        "Nieuwe titel",
        False,  # the box was not ticked
        [programme_course],
    )
    assert (question.kind, question.text, question.maximum, question.key) == ("scale", "Nieuwe vraag", 4, "oude-vraag")


def test_manager_removes_question_and_deletes_draft_through_pages(as_pam, pam, programme):
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Weg ermee"))
    question = services.add_question(pam, survey, services.QuestionData(kind="text", text="Vraag"))

    removed = as_pam.post(reverse("feedback:question_remove", args=[survey.pk, question.pk]))
    deleted = as_pam.post(reverse("feedback:survey_delete", args=[survey.pk]))

    assert (removed.status_code, deleted.status_code) == (302, 302)
    assert Survey.objects.filter(kind=SurveyKind.PROGRAMME).count() == 0


def test_manager_resets_programme_questionnaire_to_the_default(as_pam, pam, programme):
    template = services.adapt_template(pam, programme, SurveyKind.EVALUATION)

    response = as_pam.post(reverse("feedback:template_reset", args=[template.pk]))

    assert response.status_code == 302
    assert services.template_for(SurveyKind.EVALUATION, programme).programme is None


def test_sent_survey_questions_cannot_be_changed_through_pages(as_pam, pam, programme, programme_course, colleagues):
    attend(colleagues(1)[0], ended_session(programme_course))
    survey = services.create_programme_survey(pam, programme, services.SurveyData(title="Verstuurd"))
    question = services.add_question(pam, survey, services.QuestionData(kind="text", text="Vraag"))
    services.open_programme_survey(pam, survey)

    as_pam.post(reverse("feedback:question_remove", args=[survey.pk, question.pk]))
    edit = as_pam.get(reverse("feedback:survey_edit", args=[survey.pk]))

    assert survey.questions.count() == 1
    assert edit.status_code == 403


def test_send_evaluations_with_nothing_to_do_is_one_query(past_session, colleagues, django_assert_num_queries):
    for person in colleagues(3):
        attend(person, past_session)
    periodic.send_evaluations()

    with django_assert_num_queries(1):
        assert periodic.send_evaluations() == 0


def test_send_evaluations_invites_someone_ticked_present_later(past_session, colleagues, after_commit):
    first, late = colleagues(2)
    attend(first, past_session)
    after_commit(periodic.send_evaluations)
    attend(late, past_session, attendance=Attendance.PRESENT)

    assert after_commit(periodic.send_evaluations) == 1
    assert sorted(Invitation.objects.values_list("user_id", flat=True)) == sorted([first.pk, late.pk])
