"""The priority window for the people who asked, telling other requesters about matching courses, and the weekly
digest to matching experts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from tests import factories
from tests.demand.conftest import WOO_TEXT, WOO_TITLE

from elkaar.catalogue import services as catalogue_services
from elkaar.demand import periodic, services
from elkaar.demand.models import CourseNotice, DigestDelivery, PriorityWindow
from elkaar.enrolment import services as enrolment
from elkaar.enrolment.models import RegistrationStatus


@pytest.fixture
def answered(seconded, woo_course, alice):
    """bob's request (seconded by carol), answered by alice's Woo course with a coming session, just published."""
    session = factories.SessionFactory(course=woo_course, capacity=10)
    services.link_course(alice, seconded, woo_course)
    return session


# --- Registering during the window ------------------------------------------------------------------------------------


def test_requester_registers_during_window(answered, bob):
    result = enrolment.register(bob, answered)

    assert result.registration.status == RegistrationStatus.CONFIRMED


def test_supporter_registers_during_window(answered, carol):
    result = enrolment.register(carol, answered)

    assert result.registration.status == RegistrationStatus.CONFIRMED


def test_others_cannot_register_during_window(answered, municipality):
    outsider = factories.UserFactory(organisation=municipality)

    with pytest.raises(enrolment.RegistrationClosed) as error:
        enrolment.register(outsider, answered)

    assert "voorrang" in " ".join(error.value.messages)
    assert answered.registrations.count() == 0


def test_trainer_is_not_held_by_window(answered, alice):
    enrolment.check_can_register(alice, answered)  # raises nothing


def test_everyone_registers_after_window(answered, municipality):
    PriorityWindow.objects.update(until=timezone.now() - timedelta(minutes=1))
    outsider = factories.UserFactory(organisation=municipality)

    result = enrolment.register(outsider, answered)

    assert result.registration.status == RegistrationStatus.CONFIRMED


def test_window_applies_to_later_sessions_too(answered, woo_course, municipality):
    later = factories.SessionFactory(course=woo_course, starts_at=timezone.now() + timedelta(days=30))
    outsider = factories.UserFactory(organisation=municipality)

    with pytest.raises(enrolment.RegistrationClosed):
        enrolment.register(outsider, later)


def test_courses_without_window_are_open_to_all(session, municipality):
    outsider = factories.UserFactory(organisation=municipality)

    result = enrolment.register(outsider, session)

    assert result.registration.status == RegistrationStatus.CONFIRMED


# --- Other requesters hear of a matching course -----------------------------------------------------------------------


@pytest.fixture
def carols_request(carol, other_courses):
    """carol asks about the Woo too, before any course exists."""
    return services.create_request(carol, title=WOO_TITLE, description=WOO_TEXT)


def _publish_woo_course(alice, topic) -> object:
    starts = timezone.now() + timedelta(days=10)
    return catalogue_services.create_course(
        alice,
        topics=[topic],
        title="Woo-verzoeken behandelen in de praktijk",
        summary="Woo-verzoeken binnen de wettelijke termijn afhandelen, van registratie tot besluit.",
        description="Je leert Woo-verzoeken registreren, beoordelen, lakken en op tijd beslissen.",
        first_session=catalogue_services.SessionData(
            starts_at=starts, ends_at=starts + timedelta(hours=1), location="A"
        ),
        publish=True,
    )


def test_requester_hears_at_once_when_matching_course_is_published(carols_request, alice, topic, carol, after_commit):
    mail.outbox.clear()

    course = after_commit(_publish_woo_course, alice, topic)

    assert CourseNotice.objects.filter(request=carols_request, course=course).count() == 1
    assert [message.to for message in mail.outbox] == [[carol.email]]
    assert course.title in mail.outbox[0].subject


def test_requester_is_told_once_per_course(carols_request, alice, topic, after_commit):
    course = after_commit(_publish_woo_course, alice, topic)
    mail.outbox.clear()

    told = services.notify_matching_requesters(course.pk)

    assert (told, mail.outbox) == (0, [])


def test_unrelated_course_tells_nobody(carols_request, alice, topic, after_commit):
    mail.outbox.clear()
    starts = timezone.now() + timedelta(days=10)

    after_commit(
        catalogue_services.create_course,
        alice,
        topics=[topic],
        title="Draaitabellen in Excel",
        summary="Gegevens samenvatten met draaitabellen.",
        description="Je maakt draaitabellen en grafieken in Excel.",
        first_session=catalogue_services.SessionData(
            starts_at=starts, ends_at=starts + timedelta(hours=1), location="A"
        ),
        publish=True,
    )

    assert mail.outbox == []


def test_others_hear_of_course_only_after_the_window(seconded, carol, alice, topic, municipality, after_commit):
    dave = factories.UserFactory(organisation=municipality, name="Dave")
    daves = services.create_request(dave, title=WOO_TITLE, description=WOO_TEXT)
    mail.outbox.clear()
    starts = timezone.now() + timedelta(days=10)

    course = after_commit(
        services.offer_course,
        alice,
        seconded,
        topics=[topic],
        title="Woo-verzoeken behandelen in de praktijk",
        summary="Woo-verzoeken binnen de wettelijke termijn afhandelen, van registratie tot besluit.",
        description="Je leert Woo-verzoeken registreren, beoordelen, lakken en op tijd beslissen.",
        first_session=catalogue_services.SessionData(
            starts_at=starts, ends_at=starts + timedelta(hours=1), location="A"
        ),
        publish=True,
    )
    during = {message.to[0] for message in mail.outbox}
    PriorityWindow.objects.update(until=timezone.now() - timedelta(minutes=1))
    mail.outbox.clear()
    handled = after_commit(services.end_priority_windows)
    again = after_commit(services.end_priority_windows)

    assert dave.email not in during
    assert (handled, again) == (1, 0)
    assert [message.to for message in mail.outbox] == [[dave.email]]
    assert CourseNotice.objects.filter(request=daves, course=course).exists()


# --- The weekly digest ------------------------------------------------------------------------------------------------


MONDAY_MORNING = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def fresh_request(bob, woo_course, other_courses):
    """bob's request of this week; alice (opted in, teaches the Woo course) matches it."""
    request = services.create_request(bob, title=WOO_TITLE, description=WOO_TEXT)
    request.created_at = MONDAY_MORNING - timedelta(days=2)
    request.save(update_fields=["created_at"])
    return request


def test_digest_goes_to_matching_expert_once_a_week(fresh_request, alice, after_commit):
    mail.outbox.clear()

    sent = after_commit(services.send_weekly_digests, MONDAY_MORNING)
    again = after_commit(services.send_weekly_digests, MONDAY_MORNING + timedelta(hours=3))

    assert (sent, again) == (1, 0)
    assert [message.to for message in mail.outbox] == [[alice.email]]
    assert WOO_TITLE in mail.outbox[0].body
    assert DigestDelivery.objects.get().week == "2026-W49"


def test_digest_respects_opt_out(fresh_request, alice, after_commit):
    services.set_digest_opt_out(alice, True)
    mail.outbox.clear()

    sent = after_commit(services.send_weekly_digests, MONDAY_MORNING)

    assert (sent, mail.outbox) == (0, [])


def test_digest_skips_experts_who_are_not_findable(fresh_request, alice, after_commit):
    alice.findable_as_expert = False
    alice.save()
    mail.outbox.clear()

    sent = after_commit(services.send_weekly_digests, MONDAY_MORNING)

    assert (sent, mail.outbox) == (0, [])


def test_digest_leaves_out_old_requests(fresh_request, after_commit):
    fresh_request.created_at = MONDAY_MORNING - timedelta(days=10)
    fresh_request.save(update_fields=["created_at"])
    mail.outbox.clear()

    sent = after_commit(services.send_weekly_digests, MONDAY_MORNING)

    assert sent == 0


def test_digest_waits_for_its_weekday_and_hour(fresh_request, settings):
    settings.DEMAND_DIGEST_WEEKDAY, settings.DEMAND_DIGEST_HOUR = 0, 8

    assert periodic.send_digest_if_due(MONDAY_MORNING - timedelta(hours=2)) == 0
    assert periodic.digest_due(MONDAY_MORNING)


def test_run_periodic_runs_demand_jobs(answered, after_commit):
    PriorityWindow.objects.update(until=timezone.now() - timedelta(minutes=1))
    from io import StringIO

    out = StringIO()
    after_commit(call_command, "run-periodic", stdout=out)

    assert "request_windows=1" in out.getvalue()
    assert PriorityWindow.objects.get().ended_notified_at is not None
