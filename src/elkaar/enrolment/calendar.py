"""Calendar files (RFC 5545) for sessions: invitations and cancellations by e-mail, downloads and feeds.

Every session has one stable UID (`session-<id>@<host>`), so an update (higher SEQUENCE) or a cancellation
replaces the event people already have. Times carry TZID=Europe/Amsterdam with its VTIMEZONE. The online link
goes only into files for people with a confirmed place and for the trainers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from elkaar.accounts.models import User
from elkaar.catalogue.models import Session

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass
class Entry:
    """One session as it appears in one person's calendar."""

    session: Session
    with_link: bool = False  # the online link may be shown (confirmed place, or a trainer)
    cancelled: bool = False  # shown as cancelled (STATUS:CANCELLED)
    attendee: User | None = None  # the person the invitation is for (METHOD:REQUEST)


def uid(session: Session) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "elkaar"
    return f"session-{session.pk}@{host}"


def _organizer(session: Session) -> vCalAddress | None:
    role = session.course.course_trainers.select_related("user").first()
    if role is None:
        return None
    trainer = role.user
    address = vCalAddress(f"mailto:{trainer.email}")
    address.params["cn"] = trainer.display_name
    return address


def _event(entry: Entry) -> Event:
    session, course = entry.session, entry.session.course
    page = f"{settings.SITE_URL}{course.get_absolute_url()}"
    event = Event()
    event.add("uid", uid(session))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at.astimezone(AMSTERDAM))
    event.add("dtend", session.ends_at.astimezone(AMSTERDAM))
    event.add("summary", course.title)
    event.add("sequence", session.sequence)
    event.add("url", page)
    lines = [course.summary, "", _("Meer over deze cursus: %(url)s") % {"url": page}]
    place = session.location
    if session.online_url:
        if entry.with_link:
            lines.append(_("Online deelnemen: %(url)s") % {"url": session.online_url})
            place = f"{place} / {session.online_url}" if place else session.online_url
        elif not place:
            place = _("Online (de link staat op de site zodra je een plaats hebt)")
    if entry.cancelled or session.is_cancelled:
        event.add("status", "CANCELLED")
        if session.cancel_reason:
            lines.insert(0, _("Geannuleerd: %(reason)s") % {"reason": session.cancel_reason})
    else:
        event.add("status", "CONFIRMED")
    if place:
        event.add("location", place)
    event.add("description", "\n".join(lines))
    organizer = _organizer(session)
    if organizer is not None:
        event.add("organizer", organizer)
    if entry.attendee is not None:
        attendee = vCalAddress(f"mailto:{entry.attendee.email}")
        attendee.params.update(
            {"cn": entry.attendee.display_name, "role": "REQ-PARTICIPANT", "rsvp": "FALSE", "partstat": "ACCEPTED"}
        )
        if entry.cancelled:
            attendee.params["partstat"] = "DECLINED"
        event.add("attendee", attendee)
    return event


def build(entries: Iterable[Entry], *, method: str | None = None, name: str = "", language: str = "nl") -> bytes:
    """A VCALENDAR with one VEVENT per entry (texts in `language`), with METHOD when it goes by e-mail."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//{settings.SITE_NAME} {language}//NL")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Amsterdam")
        calendar.add("x-published-ttl", "PT1H")
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    days: list[date] = []
    with translation.override(language):
        for entry in entries:
            calendar.add_component(_event(entry))
            days.append(timezone.localtime(entry.session.starts_at, AMSTERDAM).date())
    if days:
        calendar.add_missing_timezones(
            first_date=date(min(days).year - 1, 1, 1), last_date=date(max(days).year + 2, 1, 1)
        )
    return calendar.to_ical()


def invitation(session: Session, person: User, *, with_link: bool) -> bytes:
    """METHOD:REQUEST for one person: new, or replacing an earlier version (higher SEQUENCE)."""
    return build(
        [Entry(session, with_link=with_link, attendee=person)], method="REQUEST", language=person.preferred_language
    )


def cancellation(session: Session, person: User) -> bytes:
    """METHOD:CANCEL for one person: the session was cancelled, or they are no longer coming."""
    return build([Entry(session, cancelled=True, attendee=person)], method="CANCEL", language=person.preferred_language)


def attachment(data: bytes, method: str) -> tuple[str, bytes, str]:
    """An e-mail attachment; the method parameter lets mail programs treat it as an invitation or cancellation."""
    return ("elkaar.ics", data, f"text/calendar; charset=utf-8; method={method}")
