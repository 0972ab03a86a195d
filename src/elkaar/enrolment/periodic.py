"""Jobs that run by the clock: reminders, thank-yous, and free places the waiting list has not been given yet.

`elkaar run-periodic` runs them once (`--loop`: every minute). Each job records what it sent on the registration
(`reminder_sent_at`, `thank_you_sent_at`, `offered_at`) with a conditional update that must touch exactly one
row before the e-mail is queued, so running twice, or two workers at once, never sends anything twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F
from django.utils import timezone

from elkaar.catalogue.models import Session, SessionStatus
from elkaar.enrolment import services
from elkaar.enrolment.models import Attendance, Registration
from elkaar.notifications import mail

logger = logging.getLogger(__name__)

THANK_YOU_AFTER = timedelta(hours=2)  # after the end, so trainers can tick attendance first
THANK_YOU_WITHIN = timedelta(days=7)  # sessions that ended longer ago get no thank-you any more


@dataclass
class Report:
    reminders: int = 0
    thank_yous: int = 0
    promoted: int = 0
    offered: int = 0
    busy: list[int] = field(default_factory=list)  # sessions skipped because they were locked; next run retries
    extra: dict[str, int] = field(default_factory=dict)  # what each registered job of another app did
    failed: list[str] = field(default_factory=list)  # registered jobs that raised; the next round tries again

    @property
    def total(self) -> int:
        done = self.reminders + self.thank_yous + self.promoted + self.offered + len(self.busy)
        return done + sum(self.extra.values()) + len(self.failed)

    def __str__(self) -> str:
        text = (
            f"reminders={self.reminders} thank_yous={self.thank_yous} promoted={self.promoted} "
            f"offered={self.offered} busy={len(self.busy)}"
        ) + "".join(f" {name}={count}" for name, count in self.extra.items())
        return text + (f" failed={','.join(self.failed)}" if self.failed else "")


# Jobs of other apps (feedback's evaluations, ...), registered from their AppConfig.ready(): each takes `now` and
# returns how many things it did, and runs in every round after the jobs above.
_registered: dict[str, Callable[[datetime | None], int]] = {}


def register(name: str, job: Callable[[datetime | None], int]) -> None:
    """Run `job(now)` in every round of `elkaar run-periodic`; registering a name again replaces the job."""
    _registered[name] = job


def _mark_once(registration: Registration, field_name: str, now: datetime) -> bool:
    """Record that something went out; True only for the one caller whose update touched the row."""
    updated = Registration.objects.filter(pk=registration.pk, **{f"{field_name}__isnull": True}).update(
        **{field_name: now}
    )
    return updated == 1


def send_reminders(now: datetime | None = None) -> int:
    """Remind people with a place REMINDER_HOURS_BEFORE hours before the start, once. People who got their place
    within that period already have the details in their confirmation and get no reminder."""
    now = now or timezone.now()
    period = timedelta(hours=settings.REMINDER_HOURS_BEFORE)
    period_start = ExpressionWrapper(F("session__starts_at") - period, output_field=DateTimeField())
    due = (
        Registration.objects.confirmed()
        .filter(
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + period,
            reminder_sent_at__isnull=True,
            confirmed_at__lt=period_start,
        )
        .select_related("user", "session__course")
    )
    sent = 0
    for registration in due:
        with transaction.atomic():
            if not _mark_once(registration, "reminder_sent_at", now):
                continue
            person, session = registration.user, registration.session
            mail.send(
                person.email,
                "reminder_session",
                {"registration": registration, "session": session, "course": session.course, "person": person},
                person.preferred_language,
            )
            sent += 1
    return sent


def send_thank_yous(now: datetime | None = None) -> int:
    """Thank people who had a place (and were not ticked absent) from two hours after the end, once, with a link
    to the course page (where feedback goes)."""
    now = now or timezone.now()
    due = (
        Registration.objects.confirmed()
        .exclude(attendance=Attendance.ABSENT)
        .filter(
            session__status=SessionStatus.SCHEDULED,
            session__ends_at__lte=now - THANK_YOU_AFTER,
            session__ends_at__gt=now - THANK_YOU_WITHIN,
            thank_you_sent_at__isnull=True,
        )
        .select_related("user", "session__course")
    )
    sent = 0
    for registration in due:
        with transaction.atomic():
            if not _mark_once(registration, "thank_you_sent_at", now):
                continue
            person, session = registration.user, registration.session
            mail.send(
                person.email,
                "thank_you_session",
                {"registration": registration, "session": session, "course": session.course, "person": person},
                person.preferred_language,
            )
            sent += 1
    return sent


def fill_waiting_lists(report: Report, now: datetime | None = None) -> None:
    """Sessions with free places and people waiting: before the claim window the first in line get them (a safety
    net behind the task queued at the moment a place freed up); inside it, people never offered a place yet (for
    example those held by the no-show rule, when the window opens) get the offer."""
    now = now or timezone.now()
    sessions = Session.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gt=now, waiting_count__gt=0, confirmed_count__lt=F("capacity")
    ).values_list("pk", flat=True)
    for session_id in sessions:
        try:
            changed = services.fill_free_places(session_id, announce=False)
        except services.SessionBusy:
            report.busy.append(session_id)
            continue
        for registration in changed:
            if registration.is_confirmed:
                report.promoted += 1
            else:
                report.offered += 1


def run(now: datetime | None = None) -> Report:
    """Every periodic job once."""
    report = Report()
    fill_waiting_lists(report, now)
    report.reminders = send_reminders(now)
    report.thank_yous = send_thank_yous(now)
    for name, job in _registered.items():
        try:
            report.extra[name] = job(now)
        except Exception:  # one app's failing job must not stop the others (nor the next round)
            logger.exception("periodic job %s failed; the next round tries again", name)
            report.failed.append(name)
    return report
