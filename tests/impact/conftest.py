"""Setup for the impact tests: sessions that took place at known moments, people who attended them, and running
what a service queued for after the commit (e-mails, the recompute task) as a real commit would."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from elkaar.enrolment.models import Attendance, Registration, RegistrationStatus
from elkaar.impact import ledger
from tests import factories

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in Europe/Amsterdam."""
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def held(course, starts_at: datetime | None = None, minutes: int = 90, **fields):
    """A session of `course` that took place (by default: a week ago), `minutes` long."""
    starts_at = starts_at or timezone.now() - timedelta(days=7)
    return factories.SessionFactory(
        course=course, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), **fields
    )


def attend(user, session, attendance: str = Attendance.UNKNOWN, status: str = RegistrationStatus.CONFIRMED):
    """A registration of `user` for `session` with the given status and ticked attendance."""
    return Registration.objects.create(
        session=session,
        user=user,
        status=status,
        position=1 if status == RegistrationStatus.WAITING else None,
        confirmed_at=session.starts_at - timedelta(days=3) if status == RegistrationStatus.CONFIRMED else None,
        attendance=attendance,
    )


def refresh(*sessions):
    """Compute the facts of these sessions (or all) again, as the periodic job would."""
    if sessions:
        return ledger.refresh_sessions([session.pk for session in sessions])
    return ledger.rebuild()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Call a service and run what it queued for after the commit."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def colleagues(municipality):
    """New people of the municipality: colleagues(3) -> three users."""

    def make(count: int, organisation=None) -> list:
        return [factories.UserFactory(organisation=organisation or municipality) for _ in range(count)]

    return make
