"""Surveys in the admin: once sent, a survey's status (and anonymity) can no longer be changed there, so it never
goes back to draft, where its questions, and with them the answers given, could be changed or removed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from elkaar.feedback import services
from elkaar.feedback.models import Answer, Response, Survey, SurveyStatus
from tests.feedback.conftest import default_answers

pytestmark = pytest.mark.django_db


def _change_url(survey: Survey) -> str:
    return reverse("admin:feedback_survey_change", args=[survey.pk])


def _post_data(survey: Survey, **fields) -> dict:
    """What the change form sends: the editable fields and the questions inline's management form."""
    questions = list(survey.questions.order_by("position", "pk"))
    data = {
        "title": survey.title,
        "intro": survey.intro,
        "closes_on": survey.closes_on.isoformat() if survey.closes_on else "",
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for index, question in enumerate(questions):
        data[f"questions-{index}-id"] = str(question.pk)
        data[f"questions-{index}-survey"] = str(survey.pk)
    return data | fields


@pytest.fixture
def answered(evaluation):
    survey, invitations = evaluation(3)
    for invitation in invitations:
        services.submit_response(invitation, default_answers(survey, geleerd="Veel"))
    return survey


def test_sent_survey_cannot_be_set_back_to_draft_in_the_admin(as_admin, answered):
    answers_before = Answer.objects.filter(response__survey=answered).count()

    response = as_admin.post(
        _change_url(answered), _post_data(answered, title="Nieuwe titel", status=SurveyStatus.DRAFT, anonymous="")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    answered.refresh_from_db()
    assert answered.title == "Nieuwe titel"  # the form was saved ...
    assert (answered.status, answered.anonymous, answered.is_editable) == (
        SurveyStatus.OPEN,
        True,
        False,
    )  # ... not this
    assert Response.objects.filter(survey=answered).count() == 3
    assert Answer.objects.filter(response__survey=answered).count() == answers_before


@pytest.mark.parametrize("status", [SurveyStatus.OPEN, SurveyStatus.CLOSED])
def test_status_of_a_sent_or_closed_survey_is_shown_not_editable(as_admin, answered, status):
    Survey.objects.filter(pk=answered.pk).update(status=status)

    content = as_admin.get(_change_url(answered)).content.decode()

    assert 'name="status"' not in content
    assert 'name="anonymous"' not in content
    assert 'name="questions-0-text"' not in content  # the questions are read-only too


def test_status_of_a_draft_survey_stays_editable(as_admin, pam, programme):
    draft = services.create_programme_survey(pam, programme, services.SurveyData(title="Concept"))

    content = as_admin.get(_change_url(draft)).content.decode()

    assert 'name="status"' in content


@pytest.mark.parametrize("who", ["as_pam", "as_alice"])
def test_survey_admin_is_for_administrators_only(request, who, answered):
    response = request.getfixturevalue(who).get(_change_url(answered))

    assert response.status_code == 302 and "/login/" in response["Location"]
