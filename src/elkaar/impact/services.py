"""Every change in impact: the ledger's assumptions, trainer settings, endorsements, milestones and certificates.

Pages, the API, the admin and the periodic job call these functions; each checks who may do it (impact/
permissions.py) and raises PermissionDenied or ValidationError (a dict per field) before it changes anything.
E-mails and recomputations are queued after the transaction commits.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from elkaar.accounts.models import User
from elkaar.catalogue.models import CourseTrainer, Programme
from elkaar.core.models import Topic
from elkaar.enrolment.models import Registration
from elkaar.impact import certificates, ledger
from elkaar.impact import permissions as rules
from elkaar.impact.models import (
    Certificate,
    CertificateKind,
    Endorsement,
    Milestone,
    PriceAssumption,
    SessionFact,
    SiteAssumption,
    TrainerSettings,
)
from elkaar.notifications import mail

logger = logging.getLogger(__name__)

MAX_RATE = Decimal("10000")  # euros per hour; more is a typing error
MAX_PREPARATION = Decimal("100")
MAX_SOURCE = 2000
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
MILESTONE_MAIL_WITHIN = timedelta(days=30)  # milestones reached longer ago are recorded without a thank-you
SESSION_MILESTONES = (1, 5, 10, 25, 50, 100)
PARTICIPANT_MILESTONES = (100, 250, 500, 1000, 2500)


# ==================================================================================================================
# Assumptions of the ledger
# ==================================================================================================================


def _require_admin(user: User) -> None:
    if not rules.can_manage_assumptions(user):
        raise PermissionDenied(_("Alleen beheerders passen de uitgangspunten aan."))


def _amount(value: Any, field: str, maximum: Decimal = MAX_RATE) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ".")) if value is not None else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError({field: _("Vul een bedrag of getal in, bijvoorbeeld 95,50.")})
    if amount < 0:
        raise ValidationError({field: _("Mag niet negatief zijn.")})
    if amount > maximum:
        raise ValidationError({field: _("Hoogstens %(max)s.") % {"max": maximum}})
    return amount.quantize(Decimal("0.01"))


def _day(value: Any, field: str = "valid_from") -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError({field: _("Vul een datum in.")})
    if not EARLIEST <= value <= LATEST:
        raise ValidationError({field: _("Kies een datum tussen 2000 en 2099.")})
    return value


def _source(value: Any) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({"source": _("Zeg waar de getallen vandaan komen, zodat iedereen ze kan nagaan.")})
    if "\x00" in text:
        raise ValidationError({"source": _("Tekst mag geen NUL-teken bevatten.")})
    if len(text) > MAX_SOURCE:
        raise ValidationError(
            {
                "source": ngettext("Hoogstens %(limit)s teken.", "Hoogstens %(limit)s tekens.", MAX_SOURCE)
                % {"limit": MAX_SOURCE}
            }
        )
    return text


def schedule_recompute(day: date) -> None:
    """Compute every fact from `day` on again, in the background, once the current transaction commits."""
    from elkaar.impact.tasks import recompute_from

    transaction.on_commit(lambda: recompute_from.enqueue(day.isoformat()))


def add_site_assumption(
    user: User,
    *,
    valid_from: date,
    external_price_per_hour: Any,
    internal_hourly_rate: Any,
    preparation_hours: Any,
    source: str,
) -> SiteAssumption:
    """Administrators add site-wide assumptions valid from a day (one row per day); sessions from that day on are
    computed again in the background. Earlier sessions keep theirs."""
    _require_admin(user)
    day = _day(valid_from)
    values = {
        "external_price_per_hour": _amount(external_price_per_hour, "external_price_per_hour"),
        "internal_hourly_rate": _amount(internal_hourly_rate, "internal_hourly_rate"),
        "preparation_hours": _amount(preparation_hours, "preparation_hours", MAX_PREPARATION),
    }
    text = _source(source)
    with transaction.atomic():
        if SiteAssumption.objects.filter(valid_from=day).exists():
            raise ValidationError({"valid_from": _("Er zijn al uitgangspunten vanaf deze datum.")})
        row = SiteAssumption.objects.create(created_by=user, valid_from=day, source=text, **values)
        schedule_recompute(row.valid_from)
    return row


def add_price_assumption(
    user: User,
    *,
    valid_from: date,
    external_price_per_hour: Any,
    source: str,
    programme: Programme | None = None,
    topic: Topic | None = None,
) -> PriceAssumption:
    """Administrators set the external price for one programme or one topic from a day on."""
    _require_admin(user)
    if (programme is None) == (topic is None):
        raise ValidationError({"subject": _("Kies een programma of een onderwerp (één van beide).")})
    day = _day(valid_from)
    price = _amount(external_price_per_hour, "external_price_per_hour")
    text = _source(source)
    with transaction.atomic():
        if PriceAssumption.objects.filter(programme=programme, topic=topic, valid_from=day).exists():
            raise ValidationError({"valid_from": _("Er is al een prijs vanaf deze datum voor dit onderwerp.")})
        row = PriceAssumption.objects.create(
            programme=programme,
            topic=topic,
            valid_from=day,
            external_price_per_hour=price,
            source=text,
            created_by=user,
        )
        schedule_recompute(row.valid_from)
    return row


def delete_assumption(user: User, row: SiteAssumption | PriceAssumption) -> None:
    """Administrators remove an assumption row (the sessions it applied to fall back on the rows before it). The
    last site-wide row stays: without it there is nothing to compute with."""
    _require_admin(user)
    with transaction.atomic():
        if isinstance(row, SiteAssumption) and SiteAssumption.objects.exclude(pk=row.pk).count() == 0:
            raise ValidationError(_("De laatste uitgangspunten voor de hele site kunnen niet weg."))
        day = row.valid_from
        row.delete()
        schedule_recompute(day)


def assumption_changed(user: User, row: SiteAssumption | PriceAssumption, previous_valid_from: date | None) -> None:
    """After an administrator edited a row in the admin: compute again from the earliest day it touched."""
    _require_admin(user)
    days = [row.valid_from] + ([previous_valid_from] if previous_valid_from else [])
    schedule_recompute(min(days))


# ==================================================================================================================
# Trainer settings and endorsements
# ==================================================================================================================


def save_trainer_settings(user: User, *, manager_email: str) -> TrainerSettings:
    """A trainer gives (or clears) the address of a manager who also gets the thank-you at milestones."""
    if not user.is_authenticated:
        raise PermissionDenied
    address = (manager_email or "").strip().lower()
    if address:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError({"manager_email": _("Vul een geldig e-mailadres in.")}) from None
        if address == user.email:
            raise ValidationError({"manager_email": _("Dit is je eigen adres; je krijgt het bericht al zelf.")})
    row, _created = TrainerSettings.objects.update_or_create(
        user=user, defaults={"manager_email": address, "updated_at": timezone.now()}
    )
    return row


def trainer_settings(user: User) -> TrainerSettings:
    return TrainerSettings.objects.filter(user=user).first() or TrainerSettings(user=user)


def endorsable_topics(user: User, trainer: User) -> list[Topic]:
    """Topics `user` may endorse `trainer` for: those of courses `trainer` teaches of which `user` attended a
    session (see ledger.attended_registrations). Empty for the trainer themselves."""
    if not user.is_authenticated or user.pk == trainer.pk:
        return []
    course_ids = list(CourseTrainer.objects.filter(user=trainer).values_list("course_id", flat=True))
    if not course_ids:
        return []
    attended = ledger.attended_registrations().filter(user=user, session__course_id__in=course_ids)
    courses = attended.values("session__course_id")
    return list(Topic.objects.filter(courses__in=courses).distinct().order_by("name"))


def endorse(user: User, trainer: User, topic: Topic) -> tuple[Endorsement, bool]:
    """Someone who attended a session of `trainer` vouches for their expertise in `topic` (a topic of such a course);
    once per topic: endorsing again returns the existing endorsement (created False)."""
    if not rules.can_endorse(user, trainer):
        raise PermissionDenied(_("Alleen wie een bijeenkomst van deze collega bijwoonde, kan een aanbeveling geven."))
    if topic.pk not in {t.pk for t in endorsable_topics(user, trainer)}:
        raise ValidationError({"topic": _("Kies een onderwerp van een cursus die je bij deze collega volgde.")})
    try:
        with transaction.atomic():
            return Endorsement.objects.create(trainer=trainer, endorser=user, topic=topic), True
    except IntegrityError:
        return Endorsement.objects.get(trainer=trainer, endorser=user, topic=topic), False


def withdraw_endorsement(user: User, trainer: User, topic: Topic) -> bool:
    """Take back one's own endorsement; True when there was one."""
    if not user.is_authenticated:
        raise PermissionDenied
    deleted, _rows = Endorsement.objects.filter(trainer=trainer, endorser=user, topic=topic).delete()
    return deleted > 0


# ==================================================================================================================
# Milestones
# ==================================================================================================================


@dataclass(frozen=True)
class MilestoneSpec:
    kind: str
    measure: str  # "sessions" or "participants"
    threshold: int


MILESTONES = [MilestoneSpec(f"sessions-{n}", "sessions", n) for n in SESSION_MILESTONES] + [
    MilestoneSpec(f"participants-{n}", "participants", n) for n in PARTICIPANT_MILESTONES
]
MILESTONE_BY_KIND = {spec.kind: spec for spec in MILESTONES}


def milestone_label(kind: str) -> str:
    spec = MILESTONE_BY_KIND.get(kind)
    if spec is None:
        return kind
    if spec.measure == "sessions":
        if spec.threshold == 1:
            return _("Eerste bijeenkomst gegeven")
        return ngettext("%(count)s bijeenkomst gegeven", "%(count)s bijeenkomsten gegeven", spec.threshold) % {
            "count": spec.threshold
        }
    return ngettext("%(count)s deelnemer bereikt", "%(count)s deelnemers bereikt", spec.threshold) % {
        "count": spec.threshold
    }


def _reached(facts: list[tuple[datetime, int, int]]) -> dict[str, datetime]:
    """When each milestone was reached, from the trainer's sessions (ended_at, session id, attendees)."""
    reached: dict[str, datetime] = {}
    participants = 0
    for sessions, (ended_at, _session_id, attendees) in enumerate(sorted(facts), start=1):
        participants += attendees
        for spec in MILESTONES:
            value = sessions if spec.measure == "sessions" else participants
            if spec.kind not in reached and value >= spec.threshold:
                reached[spec.kind] = ended_at
    return reached


def check_milestones(trainer_ids: Iterable[int], now: datetime | None = None, *, quiet: bool = False) -> int:
    """Record the milestones these trainers reached and thank them by e-mail, exactly once per milestone: the row
    is unique per trainer and kind, and only the process that inserted it sends. Milestones reached more than
    MILESTONE_MAIL_WITHIN ago (or all, with `quiet`, as after loading history) are recorded without e-mail.
    Returns the number of thank-yous queued."""
    now = now or timezone.now()
    ids = sorted(set(trainer_ids))
    sent = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        courses: dict[int, list[int]] = defaultdict(list)
        for user_id, course_id in CourseTrainer.objects.filter(user_id__in=chunk).values_list("user_id", "course_id"):
            courses[course_id].append(user_id)
        per_trainer: dict[int, list[tuple[datetime, int, int]]] = defaultdict(list)
        for course_id, ended_at, session_id, attendees in SessionFact.objects.filter(
            course_id__in=list(courses)
        ).values_list("course_id", "ended_at", "session_id", "attendees"):
            for user_id in courses[course_id]:
                per_trainer[user_id].append((ended_at, session_id, attendees))
        existing = set(Milestone.objects.filter(trainer_id__in=chunk).values_list("trainer_id", "kind"))
        silent: list[Milestone] = []
        loud: list[Milestone] = []
        for user_id, facts in per_trainer.items():
            for kind, reached_at in _reached(facts).items():
                if (user_id, kind) in existing:
                    continue
                milestone = Milestone(trainer_id=user_id, kind=kind, reached_at=reached_at, created_at=now)
                (silent if quiet or reached_at < now - MILESTONE_MAIL_WITHIN else loud).append(milestone)
        Milestone.objects.bulk_create(silent, ignore_conflicts=True, batch_size=2000)
        for milestone in loud:
            sent += _record_and_thank(milestone, now)
    return sent


def _record_and_thank(milestone: Milestone, now: datetime) -> int:
    """Insert the milestone; only if this call inserted it, queue the thank-you (and the manager's copy)."""
    try:
        with transaction.atomic():
            milestone.save(force_insert=True)
    except IntegrityError:  # someone else recorded it (and thanked) first
        return 0
    trainer = User.objects.select_related("organisation").get(pk=milestone.trainer_id)
    if not trainer.is_active:
        return 0
    context = _milestone_context(trainer, milestone)
    mail.send(trainer.email, "milestone_reached", context, trainer.preferred_language)
    manager = trainer_settings(trainer).manager_email
    if manager:
        mail.send(manager, "milestone_manager", context, settings.LANGUAGE_CODE)
    Milestone.objects.filter(pk=milestone.pk).update(mailed_at=now, manager_mailed=bool(manager))
    return 1


def _milestone_context(trainer: User, milestone: Milestone) -> dict:
    from elkaar.impact.stats import trainer_recognition

    recognition = trainer_recognition(trainer)
    with override(trainer.preferred_language):
        label_trainer = milestone_label(milestone.kind)
    with override(settings.LANGUAGE_CODE):
        label_manager = milestone_label(milestone.kind)
    return {
        "person": trainer,
        "trainer": trainer,
        "milestone": milestone,
        "label": label_trainer,
        "label_manager": label_manager,
        "sessions": recognition.sessions,
        "participants": recognition.participants,
        "organisations": recognition.organisations,
        "profile_url": settings.SITE_URL + trainer.get_absolute_url(),
    }


# ==================================================================================================================
# The periodic job
# ==================================================================================================================


def refresh(now: datetime | None = None) -> int:
    """One round: bring the summary tables up to date (ledger.refresh_due) and thank the trainers of the sessions
    that changed for milestones they reached. Returns the number of sessions computed."""
    outcome = ledger.refresh_due(now)
    if outcome.course_ids:
        trainers = CourseTrainer.objects.filter(course_id__in=list(outcome.course_ids)).values_list(
            "user_id", flat=True
        )
        check_milestones(set(trainers), now)
    return outcome.sessions


def rebuild(now: datetime | None = None, *, quiet: bool = False, progress=None) -> ledger.Outcome:
    """Compute every fact and rollup again and record every trainer's milestones (`quiet`: without e-mail)."""
    outcome = ledger.rebuild(now, progress=progress)
    trainers = CourseTrainer.objects.values_list("user_id", flat=True).distinct()
    check_milestones(set(trainers), now, quiet=quiet)
    return outcome


# ==================================================================================================================
# Certificates
# ==================================================================================================================


def attended_registration(user: User, registration: Registration) -> bool:
    return ledger.attended_registrations().filter(pk=registration.pk, user=user).exists()


def issue_participation_certificate(user: User, registration: Registration) -> Certificate:
    """A participation certificate (deelnamebewijs) for a session the user attended; the same content is issued
    once, so downloading again gives the same certificate and verification code."""
    if registration.user_id != user.pk or not attended_registration(user, registration):
        raise PermissionDenied(_("Een deelnamebewijs is er alleen voor een bijeenkomst die je bijwoonde."))
    content = certificates.participation_content(registration)
    return certificates.issue(user, CertificateKind.PARTICIPATION, content, registration=registration)


def issue_trainer_statement(user: User) -> Certificate:
    """A statement of what the user taught (sessions that took place, people reached), as of today."""
    content = certificates.trainer_content(user)
    if not content["courses"]:
        raise PermissionDenied(_("Een verklaring is er voor wie een bijeenkomst gaf die heeft plaatsgevonden."))
    return certificates.issue(user, CertificateKind.TRAINER, content)


def revoke_certificate(user: User, certificate: Certificate) -> Certificate:
    """Administrators revoke a certificate issued in error; its verification then fails."""
    if not rules.can_manage_assumptions(user):
        raise PermissionDenied
    Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    certificate.refresh_from_db()
    return certificate
