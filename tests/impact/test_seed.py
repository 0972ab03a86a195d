"""`elkaar seed --registrations`: places spread over sessions, counts kept consistent, attendance ticked for
sessions that ended, and the impact figures computed from the result."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Q

from elkaar.catalogue.models import Session
from elkaar.enrolment.models import Registration
from elkaar.impact import services
from elkaar.impact.models import Milestone, SessionFact

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed", users=80, courses=30, registrations=900, weeks_back=20, batch_size=200, seed=7)


def test_seed_creates_the_registrations_asked_for(seeded):
    assert Registration.objects.count() == 900


def test_seed_keeps_session_counts_equal_to_the_rows_and_within_capacity(seeded):
    sessions = Session.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
        last_position=Max("registrations__position"),
    )
    for session in sessions:
        assert (session.confirmed_count, session.waiting_count) == (session.confirmed, session.waiting)
        assert session.confirmed_count <= session.capacity
        assert (session.last_position or 0) == session.waiting


def test_seed_gives_one_place_per_person_per_session(seeded):
    duplicates = Registration.objects.active().values("session", "user").annotate(n=Count("pk")).filter(n__gt=1).count()
    assert duplicates == 0


def test_seed_ticks_attendance_only_for_sessions_that_ended(seeded):
    from django.utils import timezone

    ticked = Registration.objects.exclude(attendance="unknown")
    assert ticked.exists()
    assert not ticked.filter(session__ends_at__gt=timezone.now()).exists()
    assert not ticked.exclude(status="confirmed").exists()


def test_impact_rebuild_after_seeding_counts_every_session_that_took_place(seeded):
    from django.utils import timezone

    services.rebuild(quiet=True)

    took_place = Session.objects.filter(status="scheduled", ends_at__lte=timezone.now()).count()
    assert SessionFact.objects.count() == took_place > 0
    assert Milestone.objects.filter(mailed_at__isnull=False).count() == 0
