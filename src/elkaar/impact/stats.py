"""The figures of the dashboards, the savings totals and a trainer's recognition, read from the summary tables with
GROUP BY queries: their cost grows with the number of sessions that took place, never with registrations or users.

Definitions (see docs/impact.md): a session counts when it took place; participants are attendances (someone who
attended two sessions counts twice); hours learned are attendees × session hours; an active colleague-trainer
taught a course with a session in the period; organisations involved taught or sent someone to such a session.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elkaar.accounts.models import Organisation, OrganisationKind, User
from elkaar.catalogue.models import Programme
from elkaar.impact.models import (
    Activity,
    ActivityKind,
    MonthSummary,
    OrganisationMonth,
    PriceAssumption,
    PriceSource,
    SessionFact,
    SiteAssumption,
)

T = TypeVar("T")
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
DEFAULT_MONTHS = 12
MAX_MONTHS = 12 * 20
ZERO = Decimal("0.00")


# --- Caching ---------------------------------------------------------------------------------------------------


def cached(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the cache for IMPACT_CACHE_SECONDS under the summary tables' version: every change of
    the tables (a refresh that wrote something, a rebuild) raises the version, so a cached figure is never stale."""
    seconds = settings.IMPACT_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    from elkaar.impact.models import LedgerState

    version = LedgerState.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    key = "impact:" + name + ":" + hashlib.sha256(repr((version, *parts)).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


# --- Periods -----------------------------------------------------------------------------------------------------


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """Whole months, from the first to the last, both included."""

    first: date
    last: date

    @classmethod
    def recent(cls, months: int = DEFAULT_MONTHS, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        last = today.replace(day=1)
        return cls(add_months(last, -(months - 1)), last)

    @property
    def end(self) -> date:
        """The first day after the period."""
        return add_months(self.last, 1)

    def months(self) -> list[date]:
        result, month = [], self.first
        while month <= self.last:
            result.append(month)
            month = add_months(month, 1)
        return result

    @property
    def first_text(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def last_text(self) -> str:
        return f"{self.last:%Y-%m}"


def parse_month(text: str) -> date | None:
    match = MONTH_PATTERN.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2099 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def parse_period(first: str | None, last: str | None, today: date | None = None) -> tuple[Period, dict[str, str]]:
    """The period asked for ("JJJJ-MM" texts, both optional), and an error per field that could not be read; a
    missing or wrong field falls back to the last twelve months."""
    default = Period.recent(today=today)
    errors: dict[str, str] = {}
    start = parse_month(first) if first else default.first
    end = parse_month(last) if last else default.last
    if first and start is None:
        errors["from"] = _("Vul een maand in als JJJJ-MM, bijvoorbeeld 2025-01.")
    if last and end is None:
        errors["to"] = _("Vul een maand in als JJJJ-MM, bijvoorbeeld 2025-12.")
    start = start or default.first
    end = end or default.last
    if start > end:
        errors["to"] = _("De laatste maand ligt voor de eerste.")
        start, end = default.first, default.last
    elif len(Period(start, end).months()) > MAX_MONTHS:
        errors["from"] = _("Kies hoogstens twintig jaar.")
        start = add_months(end, -(MAX_MONTHS - 1))
    return Period(start, end), errors


# --- Figures -----------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The dashboard's figures over one scope and period (or one month of it)."""

    month: date | None = None
    sessions: int = 0
    courses: int = 0
    participants: int = 0
    participant_minutes: int = 0
    trainers: int = 0
    organisations: int = 0
    cross_org: int = 0
    cross_kind: int = 0
    gross: Decimal = ZERO
    participant_cost: Decimal = ZERO
    trainer_cost: Decimal = ZERO
    net: Decimal = ZERO
    satisfaction_sum: Decimal = ZERO
    satisfaction_count: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.participant_minutes) / 60).quantize(Decimal("0.1"))

    @property
    def internal_cost(self) -> Decimal:
        return self.participant_cost + self.trainer_cost

    @property
    def cross_org_share(self) -> float | None:
        return self.cross_org / self.participants if self.participants else None

    @property
    def cross_kind_share(self) -> float | None:
        return self.cross_kind / self.participants if self.participants else None

    @property
    def satisfaction(self) -> float | None:
        """Mean of "how satisfied" (1-5) over the evaluations that may be shown."""
        return float(self.satisfaction_sum) / self.satisfaction_count if self.satisfaction_count else None

    @property
    def recommendation_answers(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def recommendation_score(self) -> int | None:
        """Net promoter score, −100 to 100: share of 9-10 minus share of 0-6."""
        total = self.recommendation_answers
        return round(100 * (self.promoters - self.detractors) / total) if total else None


SUMS = {
    "sessions": Sum("sessions"),
    "participants": Sum("participants"),
    "participant_minutes": Sum("participant_minutes"),
    "cross_org": Sum("cross_org"),
    "cross_kind": Sum("cross_kind"),
    "gross": Sum("gross"),
    "participant_cost": Sum("participant_cost"),
    "trainer_cost": Sum("trainer_cost"),
    "net": Sum("net"),
    "satisfaction_sum": Sum("satisfaction_sum"),
    "satisfaction_count": Sum("satisfaction_count"),
    "promoters": Sum("promoters"),
    "passives": Sum("passives"),
    "detractors": Sum("detractors"),
}  # additive figures, from MonthSummary
MONEY_FIELDS = {"gross", "participant_cost", "trainer_cost", "net", "satisfaction_sum"}
FACT_SUMS = {
    **{name: Sum(name) for name in SUMS},
    "sessions": Count("pk"),
    "courses": Count("course", distinct=True),
    "participants": Sum("attendees"),
    "cross_org": Sum("cross_org_attendees"),
    "cross_kind": Sum("cross_kind_attendees"),
}  # the same figures straight from SessionFact (for one trainer's sessions)


def facts(programme: Programme | None = None, period: Period | None = None) -> QuerySet[SessionFact]:
    """The sessions that took place (for the ledger lines); by day, so the (day, session) index serves the
    newest-first ledger."""
    queryset = SessionFact.objects.all()
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    if period is not None:
        queryset = queryset.filter(day__gte=period.first, day__lt=period.end)
    return queryset


def _in(queryset: QuerySet, programme: Programme | None, period: Period | None) -> QuerySet:
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    if period is not None:
        queryset = queryset.filter(month__gte=period.first, month__lt=period.end)
    return queryset


def _summaries(programme: Programme | None, period: Period | None) -> QuerySet[MonthSummary]:
    return _in(MonthSummary.objects.all(), programme, period)


def _organisations(programme: Programme | None, period: Period | None) -> QuerySet[OrganisationMonth]:
    return _in(OrganisationMonth.objects.all(), programme, period)


def _fill(figures: Figures, row: Mapping[str, Any]) -> Figures:
    for name in SUMS:
        value = row.get(name)
        if value is None:
            continue
        setattr(figures, name, cents(value) if name in MONEY_FIELDS else int(value))
    return figures


def _add(total: Figures, part: Figures) -> None:
    for name in SUMS:
        setattr(total, name, getattr(total, name) + getattr(part, name))


def cents(value: Any) -> Decimal:
    """A sum from the database as euros and cents (SQLite returns 450 where PostgreSQL returns 450.00)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _activity(kind: str, programme: Programme | None) -> QuerySet[Activity]:
    queryset = Activity.objects.filter(kind=kind)
    return queryset.filter(programme=programme) if programme is not None else queryset.filter(site=True)


def _active(kind: str, programme: Programme | None, period: Period) -> tuple[dict[date, int], dict[int, int], int]:
    """Distinct courses or trainers active per month, per year and over the whole period (from the month bits)."""
    per_month: dict[date, int] = {}
    per_year: dict[int, int] = {}
    masks: dict[int, int] = {}
    for month in period.months():
        masks[month.year] = masks.get(month.year, 0) | (1 << (month.month - 1))
    for year, mask in masks.items():
        months = [month for month in period.months() if month.year == year]
        bits = {f"b{m.month}": F("months").bitand(1 << (m.month - 1)) for m in months}
        counts = (
            _activity(kind, programme)
            .filter(year=year)
            .alias(period_bits=F("months").bitand(mask), **bits)
            .aggregate(
                year_total=Count("pk", filter=Q(period_bits__gt=0)),
                **{f"m{m.month}": Count("pk", filter=Q(**{f"b{m.month}__gt": 0})) for m in months},
            )
        )
        per_year[year] = counts["year_total"] or 0
        for month in months:
            per_month[month] = counts[f"m{month.month}"] or 0
    if len(masks) == 1:
        total = next(iter(per_year.values()))
    else:
        in_period = Case(
            *[When(year=year, then=F("months").bitand(mask)) for year, mask in masks.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
        total = (
            _activity(kind, programme)
            .filter(year__in=list(masks))
            .alias(in_period=in_period)
            .filter(in_period__gt=0)
            .aggregate(n=Count("object_id", distinct=True))["n"]
            or 0
        )
    return per_month, per_year, total


def _compute(programme: Programme | None, period: Period) -> tuple[Figures, list[Figures], list[Figures]]:
    """(total, per month, per year) over a scope and period, from the rollups."""
    months = {month: Figures(month=month) for month in period.months()}
    for row in _summaries(programme, period).values("month").annotate(**SUMS).order_by():
        if row["month"] in months:
            _fill(months[row["month"]], row)
    total = Figures()
    years: dict[int, Figures] = {}
    for month, figures_of_month in months.items():
        _add(total, figures_of_month)
        _add(years.setdefault(month.year, Figures(month=month.replace(month=1))), figures_of_month)
    for kind, name in ((ActivityKind.COURSE, "courses"), (ActivityKind.TRAINER, "trainers")):
        per_month, per_year, overall = _active(kind, programme, period)
        for month, count in per_month.items():
            setattr(months[month], name, count)
        for year, count in per_year.items():
            setattr(years[year], name, count)
        setattr(total, name, overall)
    organisations = _organisations(programme, period)
    for row in organisations.values("month").annotate(n=Count("organisation", distinct=True)).order_by():
        if row["month"] in months:
            months[row["month"]].organisations = row["n"]
    for year_row in (
        organisations.annotate(year=TruncYear("month"))
        .values("year")
        .annotate(n=Count("organisation", distinct=True))
        .order_by()
    ):
        year = _as_date(year_row["year"]).year
        if year in years:
            years[year].organisations = year_row["n"]
    total.organisations = organisations.values("organisation_id").distinct().order_by().count()
    active_years = [figures for figures in years.values() if figures.sessions]
    return total, list(months.values()), active_years


def figures(programme: Programme | None = None, period: Period | None = None) -> Figures:
    """The figures over the whole scope and period (default: the last twelve months)."""
    return _compute(programme, period or Period.recent())[0]


def trend(programme: Programme | None = None, period: Period | None = None) -> list[Figures]:
    """The figures per month of the period (months without sessions included, as zeros)."""
    return _compute(programme, period or Period.recent())[1]


def per_year(programme: Programme | None = None, period: Period | None = None) -> list[Figures]:
    """The figures per calendar year (distinct counts, such as courses and trainers, per year)."""
    return _compute(programme, period or Period.recent())[2]


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def dashboard(programme: Programme | None, period: Period) -> dict[str, Any]:
    """Everything a dashboard shows for a scope and period (cached): totals, months, years, assumptions."""

    def compute() -> dict[str, Any]:
        total, months, years = _compute(programme, period)
        return {
            "total": total,
            "months": months,
            "years": years,
            "assumptions": assumptions_used(programme, period),
        }

    return cached("dashboard", (programme.pk if programme else None, period), compute)


# --- Assumptions used --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssumptionUse:
    """An assumption row and how many of the sessions in a figure were computed with it."""

    reference: str
    label: str
    valid_from: date
    values: str
    source: str
    sessions: int


def assumptions_used(programme: Programme | None = None, period: Period | None = None) -> list[AssumptionUse]:
    """Every assumption row behind the figures of this scope and period, with the number of sessions using it."""
    site_counts: dict[int, int] = {}
    price_counts: dict[int, int] = {}
    for site_id, price_id, count in (
        _summaries(programme, period)
        .values_list("site_assumption_id", "price_assumption_id")
        .annotate(n=Sum("sessions"))
        .values_list("site_assumption_id", "price_assumption_id", "n")
        .order_by()
    ):
        if site_id is not None:
            site_counts[site_id] = site_counts.get(site_id, 0) + count
        if price_id is not None:
            price_counts[price_id] = price_counts.get(price_id, 0) + count
    uses = [
        site_use(row, site_counts[row.pk])
        for row in SiteAssumption.objects.filter(pk__in=list(site_counts)).order_by("valid_from")
    ]
    prices = PriceAssumption.objects.filter(pk__in=list(price_counts)).select_related("programme", "topic")
    uses += [price_use(price, price_counts[price.pk]) for price in prices.order_by("valid_from", "pk")]
    return uses


def site_use(row: SiteAssumption, sessions: int = 0) -> AssumptionUse:
    return AssumptionUse(
        reference=row.reference,
        label=_("Standaard, voor de hele site"),
        valid_from=row.valid_from,
        values=_(
            "externe prijs € %(price)s per deelnemersuur; intern uurtarief € %(rate)s; "
            "%(prep)s uur voorbereiding per trainer per bijeenkomst"
        )
        % {
            "price": euro(row.external_price_per_hour),
            "rate": euro(row.internal_hourly_rate),
            "prep": number(row.preparation_hours),
        },
        source=row.source,
        sessions=sessions,
    )


def price_use(price: PriceAssumption, sessions: int = 0) -> AssumptionUse:
    if price.programme_id is not None:
        label = _("Programma %(name)s") % {"name": price.programme}
    else:
        label = _("Onderwerp %(name)s") % {"name": price.topic}
    return AssumptionUse(
        reference=price.reference,
        label=label,
        valid_from=price.valid_from,
        values=_("externe prijs € %(price)s per deelnemersuur") % {"price": euro(price.external_price_per_hour)},
        source=price.source,
        sessions=sessions,
    )


def euro(value: Decimal | int | float) -> str:
    """An amount the Dutch way: 1.234,50."""
    amount = Decimal(value).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{'.'.join(groups)},{cents}"


def number(value: Decimal | int | float, digits: int = 1) -> str:
    text = f"{float(value):.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",")


# --- Totals per programme, organisation, kind and site ----------------------------------------------------------

DIMENSIONS = {
    "site": gettext_lazy("De hele site"),
    "programme": gettext_lazy("Programma"),
    "organisation": gettext_lazy("Organisatie"),
    "kind": gettext_lazy("Soort organisatie"),
}
BUCKETS = {"month": gettext_lazy("Per maand"), "year": gettext_lazy("Per jaar")}


@dataclass
class TotalRow:
    """Savings of one group in one month or year."""

    group: str
    bucket: date
    sessions: int = 0  # sessions given (the teaching side); for organisations and kinds: sessions they offered
    participants: int = 0  # attendances (the learning side)
    participant_minutes: int = 0
    gross: Decimal = ZERO
    participant_cost: Decimal = ZERO
    trainer_cost: Decimal = ZERO
    extra: dict = field(default_factory=dict)

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.participant_minutes) / 60).quantize(Decimal("0.1"))

    @property
    def internal_cost(self) -> Decimal:
        return self.participant_cost + self.trainer_cost

    @property
    def net(self) -> Decimal:
        return self.gross - self.internal_cost


def totals(
    by: str = "site", per: str = "year", programme: Programme | None = None, period: Period | None = None
) -> list[TotalRow]:
    """Savings per group (site, programme, organisation or kind of organisation) and month or year.

    Site and programme rows are the sessions' own ledger lines. For an organisation (or kind), the gross saving and
    the participants' hours belong to the organisation whose people learned, the trainers' hours to the
    organisation that offered the course, so the organisations together add up to the site (up to rounding cents).
    """
    if by not in DIMENSIONS or per not in BUCKETS:
        raise ValueError(f"unknown grouping {by}/{per}")
    rows: dict[tuple[str, date], TotalRow] = {}

    def bucket_of(month: date) -> date:
        return month.replace(month=1) if per == "year" else month

    def row_for(group: str, month: date) -> TotalRow:
        key = (group, bucket_of(month))
        if key not in rows:
            rows[key] = TotalRow(group=group, bucket=key[1])
        return rows[key]

    if by in ("site", "programme"):
        key = "programme" if by == "programme" else None
        names = dict(Programme.objects.values_list("pk", "name"))
        columns = ["month"] + (["programme"] if key else [])
        for data in (
            _summaries(programme, period)
            .values(*columns)
            .annotate(
                n=Sum("sessions"),
                people=Sum("participants"),
                minutes=Sum("participant_minutes"),
                gross_sum=Sum("gross"),
                participant_sum=Sum("participant_cost"),
                trainer_sum=Sum("trainer_cost"),
            )
        ):
            if key:
                group = names.get(data["programme"], "") if data["programme"] else _("Zonder programma")
            else:
                group = str(DIMENSIONS["site"])
            row = row_for(group, data["month"])
            row.sessions += data["n"]
            row.participants += data["people"] or 0
            row.participant_minutes += data["minutes"] or 0
            row.gross += cents(data["gross_sum"])
            row.participant_cost += cents(data["participant_sum"])
            row.trainer_cost += cents(data["trainer_sum"])
    else:
        labels: dict[Any, str]
        if by == "organisation":
            labels = dict(Organisation.objects.values_list("pk", "name"))
            key = "organisation_id"
        else:
            labels = {str(value): str(label) for value, label in OrganisationKind.choices}
            key = "kind"
        for data in (
            _organisations(programme, period)
            .values("month", key)
            .annotate(
                people=Sum("learned"),
                minutes=Sum("learned_minutes"),
                gross_sum=Sum("gross"),
                participant_sum=Sum("participant_cost"),
                n=Sum("sessions"),
                trainer_sum=Sum("trainer_cost"),
            )
            .order_by()
        ):
            row = row_for(labels.get(data[key], str(data[key])), data["month"])
            row.sessions += data["n"] or 0
            row.participants += data["people"] or 0
            row.participant_minutes += data["minutes"] or 0
            row.gross += cents(data["gross_sum"])
            row.participant_cost += cents(data["participant_sum"])
            row.trainer_cost += cents(data["trainer_sum"])
    return sorted(rows.values(), key=lambda row: (row.bucket, row.group.lower()))


# --- Recognition -------------------------------------------------------------------------------------------------


@dataclass
class Recognition:
    """What a colleague-trainer's profile shows."""

    sessions: int = 0
    participants: int = 0
    participant_minutes: int = 0
    courses: int = 0
    organisations: int = 0  # organisations whose people attended
    figures: Figures = field(default_factory=Figures)
    rating_average: float | None = None
    rating_count: int = 0
    endorsements: list[tuple[str, int]] = field(default_factory=list)  # (topic, count), most first
    endorsement_total: int = 0
    milestones: list = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.participant_minutes) / 60).quantize(Decimal("0.1"))

    @property
    def has_taught(self) -> bool:
        return self.sessions > 0


def trainer_recognition(person: User) -> Recognition:
    """Sessions given, people reached, ratings, evaluation scores, endorsements and milestones of `person`."""
    from elkaar.feedback.services import trainer_rating
    from elkaar.impact.models import Endorsement, FlowFact

    course_ids = list(person.trainer_roles.values_list("course_id", flat=True))
    queryset = SessionFact.objects.filter(course_id__in=course_ids)
    result = Recognition()
    totals = queryset.aggregate(**FACT_SUMS)
    result.figures = _fill(Figures(), totals)
    result.figures.courses = totals["courses"] or 0
    result.sessions = result.figures.sessions
    result.participants = result.figures.participants
    result.participant_minutes = result.figures.participant_minutes
    result.courses = result.figures.courses
    result.organisations = (
        FlowFact.objects.filter(course_id__in=course_ids).values("target_id").distinct().count() if course_ids else 0
    )
    rating = trainer_rating(person)
    result.rating_average, result.rating_count = rating.average, rating.count
    endorsements = (
        Endorsement.objects.filter(trainer=person)
        .values("topic__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "topic__name")
    )
    result.endorsements = [(row["topic__name"], row["n"]) for row in endorsements]
    result.endorsement_total = sum(n for _t, n in result.endorsements)
    result.milestones = list(person.milestones.order_by("reached_at", "pk"))
    return result


def price_source_label(source: str) -> str:
    return str(PriceSource(source).label) if source in PriceSource.values else source
