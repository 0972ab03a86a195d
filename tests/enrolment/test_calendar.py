"""Calendar files: they parse with icalendar, keep one UID per session, carry Europe/Amsterdam times across the
changes to and from summer time, and put the online link only where it belongs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from elkaar.enrolment import calendar
from tests import factories

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _event(data: bytes):
    parsed = Calendar.from_ical(data)
    (event,) = parsed.walk("VEVENT")
    return parsed, event


@pytest.fixture
def online_session(course):
    return factories.SessionFactory(course=course, location="", online_url="https://meet.example/geheim")


def test_invitation_has_stable_uid_organiser_attendee_and_sequence(alice, bob, session):
    session.sequence = 3

    parsed, event = _event(calendar.invitation(session, bob, with_link=True))

    assert str(parsed["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"session-{session.pk}@127.0.0.1"
    assert int(event["SEQUENCE"]) == 3
    assert str(event["ORGANIZER"]) == "mailto:alice@utrecht.nl"
    assert event["ORGANIZER"].params["CN"] == "Alice de Trainer"
    assert str(event["ATTENDEE"]) == "mailto:bob@utrecht.nl"
    assert str(event["SUMMARY"]) == session.course.title
    assert str(event["LOCATION"]) == "Stadskantoor, zaal 3"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_cancellation_has_same_uid_and_status_cancelled(bob, session):
    session.sequence = 1

    parsed, event = _event(calendar.cancellation(session, bob))

    assert str(parsed["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == f"session-{session.pk}@127.0.0.1"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


@pytest.mark.parametrize(
    ("local_start", "offset_hours"),
    [
        (datetime(2030, 3, 30, 10, 0), 1),  # Saturday before summer time: CET
        (datetime(2030, 4, 1, 10, 0), 2),  # Monday after: CEST
        (datetime(2030, 10, 26, 10, 0), 2),  # Saturday before winter time: CEST
        (datetime(2030, 10, 28, 10, 0), 1),  # Monday after: CET
    ],
)
def test_times_are_local_amsterdam_times_on_both_sides_of_dst_change(course, local_start, offset_hours):
    starts_at = local_start.replace(tzinfo=AMSTERDAM)
    session = factories.SessionFactory(course=course, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))

    parsed, event = _event(calendar.build([calendar.Entry(session)]))

    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert (start.hour, start.minute) == (10, 0)
    assert (end.hour, end.minute) == (12, 0)
    assert start.utcoffset() == timedelta(hours=offset_hours)
    assert start.astimezone(UTC) == starts_at.astimezone(UTC)
    (timezone_component,) = parsed.walk("VTIMEZONE")
    assert str(timezone_component["TZID"]) == "Europe/Amsterdam"


def test_session_through_the_night_of_the_dst_change_keeps_its_real_length(course):
    # 31 March 2030: at 02:00 the clocks jump to 03:00. From 01:30 to 03:30 local is one hour of real time.
    starts_at = datetime(2030, 3, 31, 1, 30, tzinfo=AMSTERDAM)
    ends_at = datetime(2030, 3, 31, 3, 30, tzinfo=AMSTERDAM)
    session = factories.SessionFactory(course=course, starts_at=starts_at, ends_at=ends_at)

    parsed, event = _event(calendar.build([calendar.Entry(session)]))

    assert event["DTSTART"].to_ical() == b"20300331T013000"
    assert event["DTEND"].to_ical() == b"20300331T033000"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=2)  # wall clock
    assert event.decoded("DTEND").astimezone(UTC) - event.decoded("DTSTART").astimezone(UTC) == timedelta(hours=1)
    (timezone_component,) = parsed.walk("VTIMEZONE")
    daylight = [c for c in timezone_component.subcomponents if c.name == "DAYLIGHT"]
    assert any(c.decoded("TZOFFSETTO") == timedelta(hours=2) for c in daylight)


def test_online_link_only_with_link_allowed(bob, online_session):
    _parsed, with_link = _event(calendar.build([calendar.Entry(online_session, with_link=True)]))
    _parsed, without_link = _event(calendar.build([calendar.Entry(online_session, with_link=False)]))

    assert "https://meet.example/geheim" in str(with_link["LOCATION"])
    assert "https://meet.example/geheim" in str(with_link["DESCRIPTION"])
    assert "geheim" not in str(without_link["LOCATION"]) + str(without_link["DESCRIPTION"])


def test_feed_has_name_and_no_method(session):
    parsed = Calendar.from_ical(calendar.build([calendar.Entry(session)], name="elkaar: mijn bijeenkomsten"))

    assert "METHOD" not in parsed
    assert str(parsed["X-WR-CALNAME"]) == "elkaar: mijn bijeenkomsten"


def test_empty_feed_is_still_a_valid_calendar():
    parsed = Calendar.from_ical(calendar.build([], name="leeg"))

    assert parsed.walk("VEVENT") == []
