"""The jobs that run by the clock (`elkaar run-periodic`): each sends once, whatever how often it runs."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from elkaar.catalogue.models import Session, SessionStatus
from elkaar.enrolment import periodic, services
from elkaar.enrolment.models import Attendance, Registration, RegistrationStatus
from tests import factories


def _confirmed(session: Session, user, *, confirmed_days_before: int = 10, **fields) -> Registration:
    return Registration.objects.create(
        session=session,
        user=user,
        status=RegistrationStatus.CONFIRMED,
        confirmed_at=session.starts_at - timedelta(days=confirmed_days_before),
        **fields,
    )


def _session_starting_in(course, delta: timedelta, **fields) -> Session:
    starts_at = timezone.now() + delta
    return factories.SessionFactory(
        course=course, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), **fields
    )


def test_reminder_goes_once_within_reminder_period(bob, course, after_commit):
    session = _session_starting_in(course, timedelta(hours=40))
    registration = _confirmed(session, bob)

    first = after_commit(periodic.send_reminders)
    second = after_commit(periodic.send_reminders)

    assert (first, second) == (1, 0)
    (message,) = mail.outbox
    assert message.to == ["bob@utrecht.nl"]
    assert "Herinnering" in message.subject
    assert f"/aanmelding/{registration.token}/afmelden/" in message.body


def test_reminder_not_yet_before_reminder_period(bob, course, after_commit):
    session = _session_starting_in(course, timedelta(hours=50))
    _confirmed(session, bob)

    assert after_commit(periodic.send_reminders) == 0


def test_reminder_period_follows_setting(settings, bob, course, after_commit):
    settings.REMINDER_HOURS_BEFORE = 72
    session = _session_starting_in(course, timedelta(hours=50))
    _confirmed(session, bob)

    assert after_commit(periodic.send_reminders) == 1


def test_reminder_skips_waiting_cancelled_sessions_and_late_registrations(colleagues, course, after_commit):
    waiting_person, late_person, cancelled_person = colleagues(3)
    session = _session_starting_in(course, timedelta(hours=20))
    Registration.objects.create(session=session, user=waiting_person, status=RegistrationStatus.WAITING, position=1)
    _confirmed(session, late_person, confirmed_days_before=0)  # registered within the period: has the details
    cancelled = _session_starting_in(course, timedelta(hours=20), status=SessionStatus.CANCELLED)
    _confirmed(cancelled, cancelled_person)

    assert after_commit(periodic.send_reminders) == 0


def test_thank_you_goes_once_after_session_but_not_to_no_shows(colleagues, course, after_commit):
    came, absent, unknown = colleagues(3)
    session = _session_starting_in(course, timedelta(hours=-4))
    _confirmed(session, came, attendance=Attendance.PRESENT)
    _confirmed(session, absent, attendance=Attendance.ABSENT)
    _confirmed(session, unknown)

    first = after_commit(periodic.send_thank_yous)
    second = after_commit(periodic.send_thank_yous)

    assert (first, second) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([came.email, unknown.email])
    assert course.get_absolute_url() in mail.outbox[0].body


def test_thank_you_waits_two_hours_after_the_end(bob, course, after_commit):
    session = _session_starting_in(course, timedelta(minutes=-90))  # ended 30 minutes ago
    _confirmed(session, bob)

    assert after_commit(periodic.send_thank_yous) == 0


def test_thank_you_not_for_sessions_long_past(bob, course, after_commit):
    session = _session_starting_in(course, timedelta(days=-30))
    _confirmed(session, bob)

    assert after_commit(periodic.send_thank_yous) == 0


def test_fill_waiting_lists_promotes_when_a_task_was_lost(colleagues, small_session, after_commit):
    people = colleagues(3)
    registrations = [services.register(p, small_session).registration for p in people]
    services.cancel_registration(registrations[0])  # its queued task never ran (no commit here)
    report = periodic.Report()

    after_commit(periodic.fill_waiting_lists, report)

    assert report.promoted == 1
    assert Registration.objects.get(pk=registrations[2].pk).status == RegistrationStatus.CONFIRMED


def test_claim_window_opening_offers_free_place_once_to_held_people(settings, bob, course, colleagues, after_commit):
    settings.NO_SHOW_RULE = 1
    past = _session_starting_in(course, timedelta(days=-20))
    _confirmed(past, bob, attendance=Attendance.ABSENT)
    session = _session_starting_in(course, timedelta(hours=30), capacity=2)
    (first,) = colleagues(1)
    after_commit(services.register, first, session)
    held = after_commit(services.register, bob, session).registration  # held: one place left is full demand
    assert held.held
    mail.outbox.clear()
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() + timedelta(hours=20))  # window opens

    first_round, second_round = periodic.Report(), periodic.Report()
    after_commit(periodic.fill_waiting_lists, first_round)
    after_commit(periodic.fill_waiting_lists, second_round)

    assert (first_round.offered, second_round.offered) == (1, 0)
    (offer,) = mail.outbox
    assert offer.to == ["bob@utrecht.nl"]
    assert f"/aanmelding/{held.token}/claimen/" in offer.body
    assert after_commit(services.claim_place, held) is True


def test_run_periodic_command_twice_sends_nothing_twice(bob, course, django_capture_on_commit_callbacks):
    _confirmed(_session_starting_in(course, timedelta(hours=30)), bob)
    _confirmed(_session_starting_in(course, timedelta(hours=-3)), bob)
    first, second = StringIO(), StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run-periodic", stdout=first)
        call_command("run-periodic", stdout=second)

    assert "reminders=1 thank_yous=1" in first.getvalue()
    assert "reminders=0 thank_yous=0" in second.getvalue()
    ours = [m.subject for m in mail.outbox if "Herinnering" in m.subject or "Bedankt" in m.subject]
    assert len(ours) == 2
