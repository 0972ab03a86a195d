"""What learning from each other is worth: the savings ledger and its assumptions, the summary tables the dashboards
and the knowledge network read, and recognition for colleague-trainers (milestones, endorsements, certificates).

The summary tables (`SessionFact`, `FlowFact`, `FlowMonth`, `TopicFlowMonth`) are derived data: they are written
only by `elkaar.impact.ledger` from registrations, sessions and assumptions, and can be rebuilt at any moment
(`elkaar impact_rebuild`). Everything else changes through `elkaar.impact.services`.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elkaar.accounts.models import Organisation
from elkaar.catalogue.models import Course, Programme, Session
from elkaar.core.models import Topic
from elkaar.enrolment.models import Registration


def money_field() -> models.DecimalField:
    """Euros and cents, up to a trillion."""
    return models.DecimalField(max_digits=14, decimal_places=2)


def rate_field(verbose_name) -> models.DecimalField:
    """Euros per hour, never negative."""
    return models.DecimalField(
        verbose_name, max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )


# --- Assumptions ---------------------------------------------------------------------------------------------------


class SiteAssumption(models.Model):
    """The site-wide assumptions of the savings ledger, valid from a day until the next row's day.

    Changing an assumption means adding a row with a later `valid_from`: earlier sessions keep the assumptions
    of their own day, and every figure names the rows it used.
    """

    valid_from = models.DateField(_("geldig vanaf"), unique=True)  # applies to sessions on or after this day
    # What an external trainer costs per participant per hour (EUR)
    external_price_per_hour = rate_field(_("externe prijs per deelnemersuur (€)"))
    # What an hour of a colleague's time costs the employer (EUR)
    internal_hourly_rate = rate_field(_("intern uurtarief (€)"))
    preparation_hours = models.DecimalField(  # hours a trainer prepares for one session
        _("voorbereidingsuren per trainer per bijeenkomst"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    source = models.TextField(_("bron en onderbouwing"), max_length=2000)  # where the numbers come from
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("uitgangspunt voor de hele site")
        verbose_name_plural = _("uitgangspunten voor de hele site")

    def __str__(self) -> str:
        return str(_("Uitgangspunten vanaf %(day)s") % {"day": self.valid_from.strftime("%d-%m-%Y")})

    @property
    def reference(self) -> str:
        return f"S{self.pk}"


class PriceAssumption(models.Model):
    """An external price per participant-hour for one programme or one topic, valid from a day.

    A programme's price wins over a topic's; of several topic prices the lowest counts (we rather understate).
    """

    programme = models.ForeignKey(  # the programme whose sessions use this price (or empty, with a topic)
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("programma")
    )
    topic = models.ForeignKey(  # the topic whose courses use this price (or empty, with a programme)
        Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("onderwerp")
    )
    valid_from = models.DateField(_("geldig vanaf"))
    external_price_per_hour = rate_field(_("externe prijs per deelnemersuur (€)"))
    source = models.TextField(_("bron en onderbouwing"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-valid_from", "pk"]
        verbose_name = _("externe prijs voor een programma of onderwerp")
        verbose_name_plural = _("externe prijzen voor programma's en onderwerpen")
        constraints = [
            models.CheckConstraint(
                condition=(Q(programme__isnull=False) & Q(topic__isnull=True))
                | (Q(programme__isnull=True) & Q(topic__isnull=False)),
                name="price_for_programme_or_topic",
            ),
            models.UniqueConstraint(
                fields=["programme", "valid_from"],
                condition=Q(programme__isnull=False),
                name="one_programme_price_a_day",
            ),
            models.UniqueConstraint(
                fields=["topic", "valid_from"], condition=Q(topic__isnull=False), name="one_topic_price_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: € {self.external_price_per_hour} ({self.valid_from:%d-%m-%Y})"

    @property
    def subject(self) -> str:
        return str(self.programme or self.topic)

    @property
    def reference(self) -> str:
        return f"P{self.pk}"


class PriceSource(models.TextChoices):
    DEFAULT = "default", _("standaardprijs")
    PROGRAMME = "programme", _("prijs van het programma")
    TOPIC = "topic", _("prijs van het onderwerp")


# --- Summary tables (derived, rebuilt by the ledger) ----------------------------------------------------------------


class SessionFact(models.Model):
    """One session that took place (not cancelled, ended), with its figures and its ledger line."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, primary_key=True, related_name="impact_fact")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(  # the organisation that offers the course (the teaching side)
        Organisation, on_delete=models.CASCADE, related_name="+"
    )
    organisation_kind = models.CharField(max_length=30)  # its layer of government
    day = models.DateField()  # local day of the start
    month = models.DateField()  # first day of that month: the unit of every trend
    year = models.PositiveSmallIntegerField()  # its year
    month_bit = models.PositiveIntegerField()  # 1 << (month number − 1), for the Activity rollup
    ended_at = models.DateTimeField()  # order of milestones
    minutes = models.PositiveIntegerField()  # length of the session
    attendees = models.PositiveIntegerField()  # people who attended (see ledger.py for the rule)
    attendance_taken = models.BooleanField()  # the trainer ticked present or absent for someone
    participant_minutes = models.PositiveBigIntegerField()  # attendees × minutes: time spent learning
    cross_org_attendees = models.PositiveIntegerField()  # attendees from another organisation than the course's
    cross_kind_attendees = models.PositiveIntegerField()  # attendees from another kind (layer) of government
    trainers = models.PositiveIntegerField()  # colleague-trainers of the course
    # Assumptions applied (copied, so a figure always shows what it was computed with)
    site_assumption = models.ForeignKey(SiteAssumption, on_delete=models.SET_NULL, null=True, related_name="+")
    price_assumption = models.ForeignKey(PriceAssumption, on_delete=models.SET_NULL, null=True, related_name="+")
    price_source = models.CharField(max_length=10, choices=PriceSource.choices)
    external_price_per_hour = models.DecimalField(max_digits=10, decimal_places=2)
    internal_hourly_rate = models.DecimalField(max_digits=10, decimal_places=2)
    preparation_hours = models.DecimalField(max_digits=6, decimal_places=2)
    # The ledger line, in euros
    gross = money_field()  # attendees × hours × external price
    participant_cost = money_field()  # attendees × hours × internal rate
    trainer_cost = money_field()  # trainers × (preparation + hours) × internal rate
    internal_cost = money_field()  # participant_cost + trainer_cost
    net = money_field()  # gross − internal_cost
    # Evaluations (only surveys whose results may be shown: see feedback's anonymity threshold)
    satisfaction_sum = models.DecimalField(max_digits=12, decimal_places=2, default=0)  # "tevredenheid", 1-5
    satisfaction_count = models.PositiveIntegerField(default=0)
    promoters = models.PositiveIntegerField(default=0)  # "aanbevelen" 9-10
    passives = models.PositiveIntegerField(default=0)  # 7-8
    detractors = models.PositiveIntegerField(default=0)  # 0-6
    evaluation_responses = models.PositiveIntegerField(default=0)  # responses seen, to notice new ones
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["month"]),
            models.Index(fields=["programme", "month"]),
            models.Index(fields=["course"]),
            models.Index(fields=["organisation", "month"]),
            models.Index(fields=["day", "session"]),  # the ledger, newest first
            models.Index(fields=["programme", "day", "session"]),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.attendees} × {self.minutes} min"

    @property
    def hours(self) -> Decimal:
        return Decimal(self.minutes) / 60


class FlowFact(models.Model):
    """Attendees of one session from one organisation: teaching from the course's organisation to theirs."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    month = models.DateField()
    source = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")  # teaching organisation
    source_kind = models.CharField(max_length=30)
    target = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")  # learning organisation
    target_kind = models.CharField(max_length=30)
    attendees = models.PositiveIntegerField()
    participant_minutes = models.PositiveBigIntegerField()  # attendees × minutes
    gross = money_field()  # this organisation's share of the gross saving
    participant_cost = money_field()  # its attendees' hours at the internal rate

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "target"], name="one_flow_per_session_and_target")]
        indexes = [models.Index(fields=["month"]), models.Index(fields=["course"])]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.source_id} → {self.target_id} ({self.attendees})"


class FlowMonth(models.Model):
    """FlowFact summed per month, programme and pair of organisations (the network and per-organisation totals)."""

    month = models.DateField()
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    source = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source_kind = models.CharField(max_length=30)
    target = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    target_kind = models.CharField(max_length=30)
    attendees = models.PositiveIntegerField()
    participant_minutes = models.PositiveBigIntegerField()
    sessions = models.PositiveIntegerField()
    gross = money_field()
    participant_cost = money_field()

    class Meta:
        indexes = [models.Index(fields=["month"]), models.Index(fields=["programme", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.source_id} → {self.target_id} ({self.attendees})"


class MonthSummary(models.Model):
    """SessionFact summed per month, programme and pair of assumption rows: every additive figure of the
    dashboards and the assumptions behind them, in a few rows per month."""

    month = models.DateField()
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    site_assumption = models.ForeignKey(SiteAssumption, on_delete=models.SET_NULL, null=True, related_name="+")
    price_assumption = models.ForeignKey(PriceAssumption, on_delete=models.SET_NULL, null=True, related_name="+")
    sessions = models.PositiveIntegerField()
    participants = models.PositiveBigIntegerField()
    participant_minutes = models.PositiveBigIntegerField()
    cross_org = models.PositiveBigIntegerField()
    cross_kind = models.PositiveBigIntegerField()
    gross = money_field()
    participant_cost = money_field()
    trainer_cost = money_field()
    net = money_field()
    satisfaction_sum = models.DecimalField(max_digits=14, decimal_places=2)
    satisfaction_count = models.PositiveBigIntegerField()
    promoters = models.PositiveBigIntegerField()
    passives = models.PositiveBigIntegerField()
    detractors = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month"]), models.Index(fields=["programme", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.programme_id}: {self.sessions}"


class ActivityKind(models.TextChoices):
    COURSE = "course", _("cursus")
    TRAINER = "trainer", _("trainer")


class Activity(models.Model):
    """In which months of a year a course had a session, or a trainer taught one, as bits (1 = January), so
    distinct courses and trainers per month, year or period are counted without a join or a DISTINCT sort.
    Rows with `site` count for the whole site; rows with a programme for that programme."""

    kind = models.CharField(max_length=10, choices=ActivityKind.choices)
    object_id = models.PositiveBigIntegerField()  # the course or the trainer (user)
    site = models.BooleanField()
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField()
    months = models.PositiveIntegerField()  # bit n−1 set: active in month n

    class Meta:
        indexes = [
            models.Index(fields=["kind", "site", "year"]),
            models.Index(fields=["kind", "programme", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.year}: {self.months:012b}"


class OrganisationMonth(models.Model):
    """Per month, programme and organisation: what it learned (attendances of its people, their share of the gross
    saving and their hours' cost) or what it offered (sessions, its trainers' cost). A row holds one side; sums
    over both give an organisation's ledger, and any row means the organisation was involved that month."""

    month = models.DateField()
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    learned = models.PositiveIntegerField()  # attendances of its people
    learned_minutes = models.PositiveBigIntegerField()
    gross = money_field()
    participant_cost = money_field()
    sessions = models.PositiveIntegerField()  # sessions of its courses that took place
    trainer_cost = money_field()

    class Meta:
        indexes = [models.Index(fields=["month"]), models.Index(fields=["programme", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.organisation_id}"


class TopicFlowMonth(models.Model):
    """FlowFact summed per month, topic and pair of organisations (the network filtered by topic)."""

    month = models.DateField()
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source_kind = models.CharField(max_length=30)
    target = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    target_kind = models.CharField(max_length=30)
    attendees = models.PositiveIntegerField()
    sessions = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["topic", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.topic_id}: {self.source_id} → {self.target_id} ({self.attendees})"


class StaleSession(models.Model):
    """A session whose figures must be computed again (attendance ticked, session or course changed)."""

    # A plain number, not a foreign key: marks are written while sessions are being deleted too.
    session_id = models.PositiveBigIntegerField(primary_key=True)
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.session_id)


class LedgerState(models.Model):
    """One row: until when the summary tables are up to date."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    ended_until = models.DateTimeField(null=True, blank=True)  # sessions that ended before this are counted
    rebuilt_at = models.DateTimeField(null=True, blank=True)  # last full rebuild
    version = models.PositiveBigIntegerField(default=0)  # raised on every change of the summary tables

    def __str__(self) -> str:
        return f"v{self.version}"

    @classmethod
    def current(cls) -> LedgerState:
        state, _created = cls.objects.get_or_create(pk=1)
        return state


# --- Recognition ---------------------------------------------------------------------------------------------------


class TrainerSettings(models.Model):
    """A colleague-trainer's choices about recognition."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="impact_settings")
    manager_email = models.EmailField(  # a manager who also gets the thank-you at milestones (optional)
        _("e-mailadres van je leidinggevende"), blank=True
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("instelling voor erkenning")
        verbose_name_plural = _("instellingen voor erkenning")

    def __str__(self) -> str:
        return str(self.user)


class Milestone(models.Model):
    """A milestone a colleague-trainer reached; the row exists once, so the thank-you goes out once."""

    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=40)  # e.g. "sessions-5", "participants-100" (see services.MILESTONES)
    reached_at = models.DateTimeField()  # end of the session that reached it
    created_at = models.DateTimeField(default=timezone.now)
    mailed_at = models.DateTimeField(null=True, blank=True)  # when the thank-you was queued; empty: recorded silently
    manager_mailed = models.BooleanField(default=False)  # a copy went to the manager address

    class Meta:
        ordering = ["reached_at", "pk"]
        verbose_name = _("mijlpaal")
        verbose_name_plural = _("mijlpalen")
        constraints = [models.UniqueConstraint(fields=["trainer", "kind"], name="milestone_once_per_trainer")]

    def __str__(self) -> str:
        return f"{self.trainer} – {self.kind}"


class Endorsement(models.Model):
    """Someone who attended a trainer's session vouches for the trainer's expertise in a topic."""

    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements")
    endorser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+", verbose_name=_("onderwerp"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("aanbeveling van expertise")
        verbose_name_plural = _("aanbevelingen van expertise")
        constraints = [
            models.UniqueConstraint(fields=["trainer", "endorser", "topic"], name="endorse_once_per_topic"),
            models.CheckConstraint(condition=~Q(trainer=models.F("endorser")), name="no_self_endorsement"),
        ]

    def __str__(self) -> str:
        return f"{self.endorser} → {self.trainer}: {self.topic}"


def new_code() -> str:
    return secrets.token_urlsafe(15)  # 20 characters, 120 random bits


class CertificateKind(models.TextChoices):
    PARTICIPATION = "participation", _("Deelnamebewijs")
    TRAINER = "trainer", _("Verklaring voor een trainer")


class Certificate(models.Model):
    """An issued certificate. Its contents are stored as issued and signed (HMAC with the site's secret key), so
    the verification page can show what was issued and notice any change to the stored record."""

    code = models.CharField(max_length=40, unique=True, default=new_code)  # random, in the verification link
    kind = models.CharField(max_length=20, choices=CertificateKind.choices)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    registration = models.ForeignKey(  # participation: the place at the session attended
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content = models.JSONField()  # what the certificate says, exactly as printed
    digest = models.CharField(max_length=64)  # sha256 of the canonical content: the same content is issued once
    signature = models.CharField(max_length=100)  # HMAC over the canonical content and the code
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)  # revoked certificates fail verification

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("bewijs")
        verbose_name_plural = _("bewijzen")
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "kind", "digest"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_once_per_content",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("impact:verify", args=[self.code])
