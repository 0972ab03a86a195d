"""A colleague's personal portfolio: what they learned (sessions attended) and taught (sessions given), with
endorsements, milestones and certificates, exportable as PDF, CSV and JSON for a performance talk or a job move.

Learned: every session the person attended by the ledger's rule (ledger.attended_registrations). Taught: every
session of a course they teach that took place, from the summary table (with its attendees).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elkaar.accounts.models import User
from elkaar.impact import certificates, ledger
from elkaar.impact.exports import safe
from elkaar.impact.models import Certificate, CertificateKind, Endorsement, SessionFact


@dataclass
class LearnedItem:
    registration_id: int
    day: date
    course_id: int
    course: str
    course_url: str
    offered_by: str
    minutes: int
    trainers: list[str]
    topics: list[str]
    certificate: Certificate | None = None

    @property
    def hours(self) -> str:
        return _hours(self.minutes)


@dataclass
class TaughtItem:
    session_id: int
    day: date
    course_id: int
    course: str
    course_url: str
    minutes: int
    attendees: int

    @property
    def hours(self) -> str:
        return _hours(self.minutes)


@dataclass
class Portfolio:
    person: User
    learned: list[LearnedItem] = field(default_factory=list)
    taught: list[TaughtItem] = field(default_factory=list)
    endorsements: list[tuple[str, int]] = field(default_factory=list)
    milestones: list = field(default_factory=list)
    statements: list[Certificate] = field(default_factory=list)

    @property
    def learned_minutes(self) -> int:
        return sum(item.minutes for item in self.learned)

    @property
    def taught_minutes(self) -> int:
        return sum(item.minutes for item in self.taught)

    @property
    def people_reached(self) -> int:
        return sum(item.attendees for item in self.taught)

    @property
    def learned_hours(self) -> str:
        return _hours(self.learned_minutes)

    @property
    def taught_hours(self) -> str:
        return _hours(self.taught_minutes)


def _hours(minutes: int) -> str:
    return f"{Decimal(minutes) / 60:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def build(person: User) -> Portfolio:
    """Everything the portfolio shows, newest first, in a fixed number of queries."""
    from elkaar.impact.services import milestone_label

    result = Portfolio(person=person)
    registrations = (
        ledger.attended_registrations()
        .filter(user=person)
        .select_related("session__course__organisation")
        .prefetch_related("session__course__topics", "session__course__course_trainers__user")
        .order_by("-session__starts_at", "-pk")
    )
    issued = {
        certificate.registration_id: certificate
        for certificate in Certificate.objects.filter(
            holder=person, kind=CertificateKind.PARTICIPATION, revoked_at__isnull=True
        ).order_by("issued_at")
    }
    for registration in registrations:
        session = registration.session
        course = session.course
        result.learned.append(
            LearnedItem(
                registration_id=registration.pk,
                day=timezone.localdate(session.starts_at),
                course_id=course.pk,
                course=course.title,
                course_url=course.get_absolute_url(),
                offered_by=course.organisation.name,
                minutes=int((session.ends_at - session.starts_at).total_seconds() // 60),
                trainers=[link.user.display_name for link in course.course_trainers.all()],
                topics=sorted(topic.name for topic in course.topics.all()),
                certificate=issued.get(registration.pk),
            )
        )
    course_ids = list(person.trainer_roles.values_list("course_id", flat=True))
    for fact in (
        SessionFact.objects.filter(course_id__in=course_ids).select_related("course").order_by("-day", "-session_id")
    ):
        result.taught.append(
            TaughtItem(
                session_id=fact.session_id,
                day=fact.day,
                course_id=fact.course_id,
                course=fact.course.title,
                course_url=fact.course.get_absolute_url(),
                minutes=fact.minutes,
                attendees=fact.attendees,
            )
        )
    result.endorsements = [
        (row["topic__name"], row["n"])
        for row in Endorsement.objects.filter(trainer=person)
        .values("topic__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "topic__name")
    ]
    result.milestones = [(milestone, milestone_label(milestone.kind)) for milestone in person.milestones.all()]
    result.statements = list(
        Certificate.objects.filter(holder=person, kind=CertificateKind.TRAINER, revoked_at__isnull=True)[:5]
    )
    return result


# --- Exports -------------------------------------------------------------------------------------------------------


def as_data(portfolio: Portfolio) -> dict[str, Any]:
    """The portfolio as plain data (the JSON export)."""
    person = portfolio.person
    return {
        "name": person.display_name,
        "email": person.email,
        "organisation": person.organisation.name if person.organisation else None,
        "job_title": person.job_title,
        "exported_at": timezone.localtime().isoformat(),
        "learned": [
            {
                "date": item.day.isoformat(),
                "course": item.course,
                "url": settings.SITE_URL + item.course_url,
                "offered_by": item.offered_by,
                "hours": round(item.minutes / 60, 2),
                "trainers": item.trainers,
                "topics": item.topics,
                "certificate": certificates.verification_url(item.certificate) if item.certificate else None,
            }
            for item in portfolio.learned
        ],
        "taught": [
            {
                "date": item.day.isoformat(),
                "course": item.course,
                "url": settings.SITE_URL + item.course_url,
                "hours": round(item.minutes / 60, 2),
                "participants": item.attendees,
            }
            for item in portfolio.taught
        ],
        "totals": {
            "sessions_attended": len(portfolio.learned),
            "hours_learned": round(portfolio.learned_minutes / 60, 2),
            "sessions_given": len(portfolio.taught),
            "hours_taught": round(portfolio.taught_minutes / 60, 2),
            "people_reached": portfolio.people_reached,
        },
        "endorsements": [{"topic": topic, "count": count} for topic, count in portfolio.endorsements],
        "milestones": [
            {"milestone": label, "reached_at": timezone.localtime(milestone.reached_at).date().isoformat()}
            for milestone, label in portfolio.milestones
        ],
    }


def as_json(portfolio: Portfolio) -> str:
    return json.dumps(as_data(portfolio), ensure_ascii=False, indent=2)


def as_csv(portfolio: Portfolio) -> str:
    """One row per session: learned or taught."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Soort"), _("Datum"), _("Cursus"), _("Aangeboden door"), _("Uren"), _("Deelnemers"), _("Trainers")]
    )
    for item in portfolio.learned:
        writer.writerow(
            [
                _("Geleerd"),
                item.day.isoformat(),
                safe(item.course),
                safe(item.offered_by),
                round(item.minutes / 60, 2),
                "",
                safe(", ".join(item.trainers)),
            ]
        )
    for given in portfolio.taught:
        writer.writerow(
            [
                _("Gegeven"),
                given.day.isoformat(),
                safe(given.course),
                "",
                round(given.minutes / 60, 2),
                given.attendees,
                "",
            ]
        )
    return buffer.getvalue()


def _reached(portfolio: Portfolio) -> str:
    people = portfolio.people_reached
    return ngettext("%(count)s deelnemer bereikt", "%(count)s deelnemers bereikt", people) % {"count": people}


def as_pdf(portfolio: Portfolio) -> bytes:
    """The portfolio as a printable PDF, in the active language."""
    person = portfolio.person
    document = certificates.Document(_("Portfolio van %(name)s") % {"name": person.display_name})
    document.heading(_("Portfolio van %(name)s") % {"name": person.display_name}, size=18)
    facts = [
        (_("Organisatie"), person.organisation.name if person.organisation else ""),
        (_("Functie"), person.job_title),
        (_("Stand op"), timezone.localdate().strftime("%d-%m-%Y")),
    ]
    document.pairs(facts)
    document.heading(_("Wat ik leerde"), size=13)
    if portfolio.learned:
        document.paragraph(
            ngettext(
                "%(count)s bijeenkomst, samen %(hours)s uur.",
                "%(count)s bijeenkomsten, samen %(hours)s uur.",
                len(portfolio.learned),
            )
            % {"count": len(portfolio.learned), "hours": portfolio.learned_hours}
        )
        document.table(
            [_("Datum"), _("Cursus"), _("Aangeboden door"), _("Uren")],
            [[item.day.strftime("%d-%m-%Y"), item.course, item.offered_by, item.hours] for item in portfolio.learned],
            [24, 82, 50, 14],
        )
    else:
        document.paragraph(_("Nog geen bijeenkomsten bijgewoond."))
    document.pdf.ln(4)
    document.heading(_("Wat ik gaf"), size=13)
    if portfolio.taught:
        document.paragraph(
            ngettext(
                "%(count)s bijeenkomst, samen %(hours)s uur, %(reached)s.",
                "%(count)s bijeenkomsten, samen %(hours)s uur, %(reached)s.",
                len(portfolio.taught),
            )
            % {"count": len(portfolio.taught), "hours": portfolio.taught_hours, "reached": _reached(portfolio)}
        )
        document.table(
            [_("Datum"), _("Cursus"), _("Uren"), _("Deelnemers")],
            [
                [item.day.strftime("%d-%m-%Y"), item.course, item.hours, str(item.attendees)]
                for item in portfolio.taught
            ],
            [24, 110, 14, 22],
        )
    else:
        document.paragraph(_("Nog geen bijeenkomsten gegeven."))
    if portfolio.endorsements:
        document.pdf.ln(4)
        document.heading(_("Aanbevolen door deelnemers voor"), size=13)
        document.paragraph(
            ", ".join(_("%(topic)s (%(count)s)") % {"topic": t, "count": n} for t, n in portfolio.endorsements)
        )
    if portfolio.milestones:
        document.pdf.ln(2)
        document.heading(_("Mijlpalen"), size=13)
        document.paragraph(
            "; ".join(
                f"{label} ({timezone.localtime(milestone.reached_at):%d-%m-%Y})"
                for milestone, label in portfolio.milestones
            )
        )
    return document.output()
