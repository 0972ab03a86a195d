"""Certificates: a participation certificate (deelnamebewijs) for attendees and a statement for trainers, as PDF,
each with a link that shows whether it is genuine.

A certificate is a stored record with a random code (120 bits, in the link) and its contents exactly as printed,
signed with an HMAC (Django's signing, keyed by SECRET_KEY) over the code and the canonical JSON of the contents.
The verification page shows the stored contents when the code exists, the signature matches and the certificate
is not revoked: a made-up code is unknown, a changed record fails the signature, and a PDF whose text was altered
differs from what the page shows.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from elkaar.accounts.models import User
from elkaar.enrolment.models import Registration
from elkaar.impact.models import Certificate, SessionFact

SALT = "elkaar.impact.certificate"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def sign(code: str, content: dict[str, Any]) -> str:
    return signing.Signer(salt=SALT, algorithm="sha256").signature(f"{code}:{canonical(content)}")


def is_genuine(certificate: Certificate | None) -> bool:
    """The record exists, is not revoked and its contents are exactly those that were signed."""
    if certificate is None or certificate.revoked_at is not None:
        return False
    if not isinstance(certificate.content, dict):
        return False
    return constant_time_compare(certificate.signature, sign(certificate.code, certificate.content))


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("impact:verify", args=[certificate.code])


def issue(holder: User, kind: str, content: dict[str, Any], registration: Registration | None = None) -> Certificate:
    """The certificate with these contents for `holder`, issued now unless it was issued before."""
    content_digest = digest(content)
    existing = Certificate.objects.filter(holder=holder, kind=kind, digest=content_digest, revoked_at__isnull=True)
    found = existing.first()
    if found is not None:
        return found
    certificate = Certificate(holder=holder, kind=kind, registration=registration, content=content)
    certificate.digest = content_digest
    certificate.signature = sign(certificate.code, content)
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:  # issued at the same moment by another request, or revoked before: use the live one
        live = existing.first()
        if live is None:
            raise
        return live
    return certificate


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def participation_content(registration: Registration) -> dict[str, Any]:
    """What a participation certificate says (texts in Dutch, as the certificate is printed in Dutch)."""
    session = registration.session
    course = session.course
    person = registration.user
    start, end = _local(session.starts_at), _local(session.ends_at)
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    trainers = [link.user.display_name for link in course.course_trainers.select_related("user").order_by("pk")]
    return {
        "kind": "participation",
        "holder": person.display_name,
        "holder_organisation": person.organisation.name if person.organisation else "",
        "course": course.title,
        "offered_by": course.organisation.name,
        "date": start.date().isoformat(),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "hours": _hours(minutes),
        "trainers": trainers,
        "topics": sorted(topic.name for topic in course.topics.all()),
        "session": session.pk,
    }


def trainer_content(user: User) -> dict[str, Any]:
    """What a trainer's statement says: per course the sessions that took place and the people reached."""
    course_ids = list(user.trainer_roles.values_list("course_id", flat=True))
    rows = (
        SessionFact.objects.filter(course_id__in=course_ids)
        .values("course_id", "course__title")
        .annotate(
            sessions=Count("pk"),
            participants=Sum("attendees"),
            minutes=Sum("minutes"),
            first=Min("day"),
            last=Max("day"),
        )
        .order_by("first", "course__title")
    )
    courses = [
        {
            "title": row["course__title"],
            "sessions": row["sessions"],
            "participants": row["participants"] or 0,
            "hours": _hours(row["minutes"] or 0),
            "from": row["first"].isoformat(),
            "until": row["last"].isoformat(),
        }
        for row in rows
    ]
    return {
        "kind": "trainer",
        "holder": user.display_name,
        "holder_organisation": user.organisation.name if user.organisation else "",
        "as_of": timezone.localdate().isoformat(),
        "sessions": sum(course["sessions"] for course in courses),
        "participants": sum(course["participants"] for course in courses),
        "courses": courses,
    }


# --- Describing a certificate (for the verification page and the PDF) --------------------------------------------


def _dutch_date(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    from datetime import date

    from django.utils.formats import date_format

    return date_format(date(year, month, day), "j F Y")


def lines(certificate: Certificate) -> list[tuple[str, str]]:
    """(label, value) pairs of the certificate's contents, in the active language."""
    content = certificate.content
    if content.get("kind") == "participation":
        return [
            (_("Naam"), content["holder"]),
            (_("Organisatie"), content.get("holder_organisation", "")),
            (_("Cursus"), content["course"]),
            (_("Aangeboden door"), content["offered_by"]),
            (_("Datum"), _dutch_date(content["date"])),
            (_("Tijd"), f"{content['start']} – {content['end']}"),
            (_("Duur"), _("%(hours)s uur") % {"hours": content["hours"]}),
            (_("Gegeven door"), ", ".join(content.get("trainers", []))),
            (_("Onderwerpen"), ", ".join(content.get("topics", []))),
        ]
    result = [
        (_("Naam"), content["holder"]),
        (_("Organisatie"), content.get("holder_organisation", "")),
        (_("Stand op"), _dutch_date(content["as_of"])),
        (_("Bijeenkomsten gegeven"), str(content["sessions"])),
        (_("Deelnemers bereikt"), str(content["participants"])),
    ]
    for course in content.get("courses", []):
        result.append(
            (
                course["title"],
                _("%(sessions)s, %(participants)s, %(hours)s uur per keer opgeteld; %(first)s tot en met %(last)s")
                % {
                    "sessions": ngettext("%(count)s bijeenkomst", "%(count)s bijeenkomsten", course["sessions"])
                    % {"count": course["sessions"]},
                    "participants": ngettext("%(count)s deelnemer", "%(count)s deelnemers", course["participants"])
                    % {"count": course["participants"]},
                    "hours": course["hours"],
                    "first": _dutch_date(course["from"]),
                    "last": _dutch_date(course["until"]),
                },
            )
        )
    return result


def title(certificate: Certificate) -> str:
    if certificate.content.get("kind") == "participation":
        return _("Deelnamebewijs")
    return _("Verklaring: gegeven cursussen")


def intro(certificate: Certificate) -> str:
    content = certificate.content
    if content.get("kind") == "participation":
        return _(
            "%(name)s heeft deelgenomen aan de cursus %(course)s op elkaar, het platform waarop collega's bij "
            "de overheid elkaar gratis korte cursussen geven."
        ) % {
            "name": content["holder"],
            "course": content["course"],
        }
    return _(
        "%(name)s heeft als collega-trainer op elkaar de onderstaande cursussen gegeven aan collega's bij de overheid."
    ) % {"name": content["holder"]}


# --- PDF -------------------------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Text for the built-in PDF font when no Unicode font is installed: Latin-1, other characters approximated."""
    replacements = {
        "–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "€": "EUR", "…": "...",
        "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i", "Œ": "OE", "œ": "oe",
    }  # fmt: skip
    result = []
    for ch in text:
        ch = replacements.get(ch, ch)
        if all(ord(c) < 256 for c in ch):
            result.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256 and not unicodedata.combining(c))
        result.append(base or "?")
    return "".join(result)


class Document:
    """A small A4 document in fpdf2, with a Unicode font (DejaVu) when the system has one."""

    def __init__(self, heading: str) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_title(heading)
        self.pdf.set_creator(settings.SITE_NAME)
        self.pdf.set_lang("nl")
        self.pdf.set_auto_page_break(auto=True, margin=18)
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            self.pdf.add_font("body", "", str(regular))
            self.pdf.add_font("body", "B", str(bold))
            self.font, self.unicode = "body", True
        else:
            self.font, self.unicode = "helvetica", False
        self.pdf.add_page()
        self.pdf.set_margins(20, 20, 20)
        self.pdf.set_y(20)

    def text(self, value: str) -> str:
        return value if self.unicode else _plain(value)

    def heading(self, value: str, size: int = 20) -> None:
        self.pdf.set_font(self.font, "B", size)
        self.pdf.multi_cell(0, size * 0.5, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(4)

    def paragraph(self, value: str, size: int = 11) -> None:
        self.pdf.set_font(self.font, "", size)
        self.pdf.multi_cell(0, 6, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def pairs(self, rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            if not value:
                continue
            self.pdf.set_font(self.font, "B", 10)
            self.pdf.multi_cell(0, 5.5, self.text(label), new_x="LMARGIN", new_y="NEXT")
            self.pdf.set_font(self.font, "", 11)
            self.pdf.multi_cell(0, 6, self.text(value), new_x="LMARGIN", new_y="NEXT")
            self.pdf.ln(1.5)

    def table(self, header: list[str], rows: list[list[str]], widths: list[int]) -> None:
        self.pdf.set_font(self.font, "B", 9)
        for text, width in zip(header, widths, strict=True):
            self.pdf.cell(width, 6, self.text(text)[:60], border="B")
        self.pdf.ln()
        self.pdf.set_font(self.font, "", 9)
        for row in rows:
            for text, width in zip(row, widths, strict=True):
                self.pdf.cell(width, 5.5, self._fit(self.text(str(text)), width))
            self.pdf.ln()

    def _fit(self, text: str, width: float) -> str:
        while text and self.pdf.get_string_width(text) > width - 1:
            text = text[:-2] + "…" if self.unicode else text[:-4] + "..."
        return text

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def render_pdf(certificate: Certificate) -> bytes:
    """The certificate as a PDF, in Dutch (the language of the record), with its verification link."""
    with override("nl"):
        document = Document(title(certificate))
        document.pdf.set_font(document.font, "", 10)
        document.pdf.cell(0, 6, document.text(f"{settings.SITE_NAME} · {_('leren van collega’s')}"))
        document.pdf.ln(14)
        document.heading(title(certificate))
        document.paragraph(intro(certificate))
        document.pdf.ln(2)
        document.pairs(lines(certificate))
        document.pdf.ln(6)
        document.pdf.set_font(document.font, "B", 10)
        document.pdf.multi_cell(0, 5.5, document.text(_("Echt of niet?")), new_x="LMARGIN", new_y="NEXT")
        document.paragraph(
            _(
                "Controleer dit bewijs op %(url)s (code %(code)s). Daar staat precies wat elkaar heeft uitgegeven op "
                "%(date)s; wijkt dit document daarvan af, dan is het niet echt."
            )
            % {
                "url": verification_url(certificate),
                "code": certificate.code,
                "date": _dutch_date(timezone.localdate(certificate.issued_at).isoformat()),
            },
            size=9,
        )
        return document.output()
