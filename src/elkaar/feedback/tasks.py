"""Background work of feedback, run by the task worker (`elkaar db_worker`); queued after commit."""

from __future__ import annotations

from django_tasks import task

from elkaar.feedback import services
from elkaar.feedback.models import Survey


@task()
def invite_programme_audience_task(survey_id: int) -> int:
    """Invite the former participants of a programme survey that was just sent (idempotent)."""
    survey = Survey.objects.filter(pk=survey_id).select_related("programme").first()
    return services.invite_programme_audience(survey) if survey else 0


@task()
def remind_non_respondents_task(survey_id: int) -> int:
    """Remind those who have not answered a programme survey (at most once a day per person)."""
    survey = Survey.objects.filter(pk=survey_id).select_related("programme").first()
    return services.send_reminders(survey) if survey else 0
