"""Feedback's jobs that run by the clock, in every round of `elkaar run-periodic` (registered in apps.py):

- evaluations: every attendee of a session that ended (from two hours after the end, so trainers can tick
  attendance first, until a week later) is invited to its evaluation;
- follow-ups: EVALUATION_FOLLOWUP_DAYS after a session, its attendees are asked whether they applied what they
  learned (sessions whose day came in the last two weeks, so a round that was missed is caught up);
- reminders: SURVEY_REMINDER_DAYS after an evaluation or follow-up invitation, one reminder to those who have not
  answered.

Each is idempotent: invitations are unique per survey and person and only their inserter e-mails; a reminder is
recorded by a conditional update before it is queued. Running twice, or two workers at once, sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from elkaar.catalogue.models import Session, SessionStatus
from elkaar.feedback import permissions, services
from elkaar.feedback.models import Invitation, SurveyKind

EVALUATION_AFTER = timedelta(hours=2)  # as the thank-you of enrolment: attendance can be ticked first
EVALUATION_WITHIN = timedelta(days=7)  # sessions that ended longer ago get no evaluation any more
FOLLOWUP_WITHIN = timedelta(days=14)


def _due(kind: str, start: datetime, end: datetime, now: datetime) -> list[Session]:
    """Sessions that ended between `start` and `end` with an attendee not yet invited to their survey of `kind`
    (one query when there is nothing to do, which is almost every round)."""
    invited = Invitation.objects.filter(
        survey__session=OuterRef("session_id"), survey__kind=kind, user=OuterRef("user_id")
    )
    waiting = permissions.attended(now).filter(session=OuterRef("pk"), user__is_active=True).filter(~Exists(invited))
    return list(
        Session.objects.filter(status=SessionStatus.SCHEDULED, ends_at__gt=start, ends_at__lte=end)
        .filter(Exists(waiting))
        .select_related("course__programme")
        .order_by("ends_at", "pk")
    )


def send_evaluations(now: datetime | None = None) -> int:
    """Invite the attendees of recently ended sessions to their evaluation; returns the invitations sent."""
    now = now or timezone.now()
    sessions = _due(SurveyKind.EVALUATION, now - EVALUATION_WITHIN, now - EVALUATION_AFTER, now)
    return sum(services.invite_attendees(session, SurveyKind.EVALUATION, now) for session in sessions)


def send_followups(now: datetime | None = None) -> int:
    """Invite the attendees of sessions that ended EVALUATION_FOLLOWUP_DAYS ago to the follow-up."""
    now = now or timezone.now()
    due = now - timedelta(days=settings.EVALUATION_FOLLOWUP_DAYS)
    sessions = _due(SurveyKind.FOLLOWUP, due - FOLLOWUP_WITHIN, due, now)
    return sum(services.invite_attendees(session, SurveyKind.FOLLOWUP, now) for session in sessions)


def send_reminders(now: datetime | None = None) -> int:
    return services.send_due_evaluation_reminders(now)


def register_jobs() -> None:
    from elkaar.enrolment import periodic as runner

    runner.register("evaluations", send_evaluations)
    runner.register("followups", send_followups)
    runner.register("survey_reminders", send_reminders)
