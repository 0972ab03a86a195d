"""The savings ledger and the summary tables behind every figure of impact.

Per session that took place (not cancelled, ended):

    hours          = length of the session in hours (end − start)
    gross          = attendees × hours × external price per participant-hour
    participant    = attendees × hours × internal hourly rate
    trainer        = trainers × (preparation hours + hours) × internal hourly rate
    internal cost  = participant + trainer
    net            = gross − internal cost

Each amount is rounded to whole cents (half up). The assumptions are those valid on the day of the session: the
site-wide row with the latest `valid_from` on or before that day gives the internal rate, the preparation hours and
the default external price; a programme's price (latest on or before the day) replaces the default, else the lowest
price among the course's topics does. Every fact stores the values it used and the rows they came from.

Attendees: when the trainer took attendance (ticked anyone present or absent), the people ticked present; otherwise
everyone with a confirmed place, since most trainers never tick a list. Waiting-list places never count.

The facts are derived data: `refresh_sessions` computes the facts of some sessions again, `rebuild` all of them,
`refresh_due` (every round of `elkaar run-periodic`) what changed since the last round. See docs/impact.md.
"""

from __future__ import annotations

import bisect
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from elkaar.catalogue.models import Course, CourseTrainer, Session, SessionStatus
from elkaar.enrolment.models import Attendance, Registration, RegistrationStatus
from elkaar.feedback.models import Answer, QuestionKind, Survey, SurveyKind, SurveyStatus
from elkaar.impact.models import (
    Activity,
    ActivityKind,
    FlowFact,
    FlowMonth,
    LedgerState,
    MonthSummary,
    OrganisationMonth,
    PriceAssumption,
    PriceSource,
    SessionFact,
    SiteAssumption,
    StaleSession,
    TopicFlowMonth,
)

logger = logging.getLogger(__name__)

# Defaults of the first site-wide assumptions (migration 0002); the reasoning is in docs/impact.md.
DEFAULT_EXTERNAL_PRICE = Decimal("100.00")  # € 600 for an open-enrolment training day of 6 hours, per participant
DEFAULT_INTERNAL_RATE = Decimal("50.00")  # salary costs of an hour of a civil servant (scale 10-11)
DEFAULT_PREPARATION_HOURS = Decimal("2.00")  # per trainer per session
DEFAULT_VALID_FROM = date(2000, 1, 1)

CENT = Decimal("0.01")
BATCH = 2000  # sessions per transaction
LATE_END = timedelta(days=31)  # sessions never last longer: bounds the search for newly ended ones
SATISFACTION_KEY = "tevredenheid"  # 1-5 scale of the default evaluation
RECOMMEND_KEY = "aanbevelen"  # 0-10 scale of the default evaluation
PROMOTER_FROM = 9
PASSIVE_FROM = 7


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


# --- Assumptions -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """The assumptions one session is computed with."""

    external_price: Decimal
    internal_rate: Decimal
    preparation_hours: Decimal
    price_source: str
    site_id: int | None = None
    price_id: int | None = None


class _Dated:
    """Rows of one subject ordered by valid_from: `at(day)` finds the one in force."""

    def __init__(self) -> None:
        self.days: list[date] = []
        self.rows: list = []

    def add(self, day: date, row) -> None:
        index = bisect.bisect_right(self.days, day)
        self.days.insert(index, day)
        self.rows.insert(index, row)

    def at(self, day: date):
        index = bisect.bisect_right(self.days, day) - 1
        return self.rows[index] if index >= 0 else None


class AssumptionBook:
    """Every assumption row, loaded once, to look up what applies to a session."""

    def __init__(self) -> None:
        self.site = _Dated()
        self.programmes: dict[int, _Dated] = defaultdict(_Dated)
        self.topics: dict[int, _Dated] = defaultdict(_Dated)
        for row in SiteAssumption.objects.all():
            self.site.add(row.valid_from, row)
        for price in PriceAssumption.objects.all():
            if price.programme_id is not None:
                self.programmes[price.programme_id].add(price.valid_from, price)
            elif price.topic_id is not None:
                self.topics[price.topic_id].add(price.valid_from, price)

    def applied(self, day: date, programme_id: int | None, topic_ids: Iterable[int]) -> Applied:
        site = self.site.at(day) or (self.site.rows[0] if self.site.rows else None)
        if site is None:
            base = Applied(
                DEFAULT_EXTERNAL_PRICE, DEFAULT_INTERNAL_RATE, DEFAULT_PREPARATION_HOURS, PriceSource.DEFAULT
            )
        else:
            base = Applied(
                site.external_price_per_hour,
                site.internal_hourly_rate,
                site.preparation_hours,
                PriceSource.DEFAULT,
                site_id=site.pk,
            )
        price = None
        source = PriceSource.DEFAULT
        if programme_id is not None and programme_id in self.programmes:
            price = self.programmes[programme_id].at(day)
            source = PriceSource.PROGRAMME
        if price is None:
            candidates = [self.topics[t].at(day) for t in topic_ids if t in self.topics]
            candidates = [c for c in candidates if c is not None]
            if candidates:
                price = min(candidates, key=lambda row: (row.external_price_per_hour, row.pk))
                source = PriceSource.TOPIC
        if price is None:
            return base
        return Applied(
            price.external_price_per_hour,
            base.internal_rate,
            base.preparation_hours,
            source,
            site_id=base.site_id,
            price_id=price.pk,
        )


# --- Arithmetic ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerLine:
    gross: Decimal
    participant_cost: Decimal
    trainer_cost: Decimal

    @property
    def internal_cost(self) -> Decimal:
        return self.participant_cost + self.trainer_cost

    @property
    def net(self) -> Decimal:
        return self.gross - self.internal_cost


def participant_amount(attendees: int, minutes: int, rate: Decimal) -> Decimal:
    """attendees × hours × rate, in cents."""
    return money(Decimal(attendees * minutes) * rate / 60)


def ledger_line(attendees: int, minutes: int, trainers: int, applied: Applied) -> LedgerLine:
    """The ledger line of one session (see the module docstring for the formula)."""
    trainer_minutes = Decimal(trainers) * (applied.preparation_hours * 60 + minutes)
    return LedgerLine(
        gross=participant_amount(attendees, minutes, applied.external_price),
        participant_cost=participant_amount(attendees, minutes, applied.internal_rate),
        trainer_cost=money(trainer_minutes * applied.internal_rate / 60),
    )


# --- Who attended ----------------------------------------------------------------------------------------------------


def attended_registrations(now: datetime | None = None):
    """Registrations of people who attended a session that took place, by the rule in the module docstring."""
    from django.db.models import Exists, OuterRef

    now = now or timezone.now()
    taken = Registration.objects.filter(
        session=OuterRef("session"),
        status=RegistrationStatus.CONFIRMED,
        attendance__in=[Attendance.PRESENT, Attendance.ABSENT],
    )
    return Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED, session__status=SessionStatus.SCHEDULED, session__ends_at__lte=now
    ).filter(Q(attendance=Attendance.PRESENT) | (Q(attendance=Attendance.UNKNOWN) & ~Exists(taken)))


# --- Building the facts ----------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a refresh did."""

    sessions: int = 0  # facts written
    removed: int = 0  # facts of sessions that no longer count
    months: set[date] = field(default_factory=set)
    course_ids: set[int] = field(default_factory=set)

    def add(self, other: Outcome) -> None:
        self.sessions += other.sessions
        self.removed += other.removed
        self.months |= other.months
        self.course_ids |= other.course_ids


@dataclass
class Satisfaction:
    """Evaluation answers of one session that may be shown."""

    satisfaction_sum: Decimal = Decimal(0)
    satisfaction_count: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    responses: int = 0  # all responses, shown or not (to notice new ones)


def _satisfaction(session_ids: list[int]) -> dict[int, Satisfaction]:
    """Per session: the evaluation answers that may be shown (feedback's anonymity threshold holds per survey)."""
    minimum = settings.SURVEY_MIN_RESPONSES
    surveys = (
        Survey.objects.filter(session_id__in=session_ids, kind=SurveyKind.EVALUATION, is_template=False)
        .annotate(n=Count("responses"))
        .values_list("pk", "session_id", "anonymous", "n")
    )
    result: dict[int, Satisfaction] = {}
    shown: list[int] = []
    for survey_id, session_id, anonymous, count in surveys:
        entry = result.setdefault(session_id, Satisfaction())
        entry.responses += count
        if count and (not anonymous or count >= minimum):
            shown.append(survey_id)
    if not shown:
        return result
    rows = (
        Answer.objects.filter(response__survey_id__in=shown, question__kind=QuestionKind.SCALE, number__isnull=False)
        .filter(
            Q(question__key=SATISFACTION_KEY, question__minimum=1, question__maximum=5)
            | Q(question__key=RECOMMEND_KEY, question__minimum=0, question__maximum=10)
        )
        .values("response__survey__session_id", "question__key")
        .annotate(
            total=Sum("number"),
            n=Count("pk"),
            high=Count("pk", filter=Q(number__gte=PROMOTER_FROM)),
            middle=Count("pk", filter=Q(number__gte=PASSIVE_FROM, number__lt=PROMOTER_FROM)),
        )
    )
    for row in rows:
        entry = result.setdefault(row["response__survey__session_id"], Satisfaction())
        if row["question__key"] == SATISFACTION_KEY:
            entry.satisfaction_sum = Decimal(row["total"] or 0)
            entry.satisfaction_count = row["n"]
        else:
            entry.promoters = row["high"]
            entry.passives = row["middle"]
            entry.detractors = row["n"] - row["high"] - row["middle"]
    return result


def _compute(sessions: list[dict], book: AssumptionBook) -> tuple[list[dict], list[dict]]:
    """The rows of SessionFact and FlowFact (as dicts of field values) for sessions that took place."""
    if not sessions:
        return [], []
    session_ids = [row["pk"] for row in sessions]
    course_ids = {row["course_id"] for row in sessions}
    topics: dict[int, list[int]] = defaultdict(list)
    for course_id, topic_id in Course.topics.through.objects.filter(course_id__in=course_ids).values_list(
        "course_id", "topic_id"
    ):
        topics[course_id].append(topic_id)
    trainers = dict(
        CourseTrainer.objects.filter(course_id__in=course_ids)
        .values_list("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    groups: dict[int, list[tuple[int | None, str | None, int, int, int]]] = defaultdict(list)
    counts = (
        Registration.objects.filter(session_id__in=session_ids, status=RegistrationStatus.CONFIRMED)
        .values("session_id", "user__organisation_id", "user__organisation__kind")
        .annotate(
            total=Count("pk"),
            present=Count("pk", filter=Q(attendance=Attendance.PRESENT)),
            absent=Count("pk", filter=Q(attendance=Attendance.ABSENT)),
        )
    )
    for count in counts:
        groups[count["session_id"]].append(
            (
                count["user__organisation_id"],
                count["user__organisation__kind"],
                count["total"],
                count["present"],
                count["absent"],
            )
        )
    satisfaction = _satisfaction(session_ids)
    now = timezone.now()
    facts: list[dict] = []
    flows: list[dict] = []
    for row in sessions:
        day = timezone.localdate(row["starts_at"])
        month = first_of_month(day)
        minutes = max(int((row["ends_at"] - row["starts_at"]).total_seconds() // 60), 0)
        by_org = groups.get(row["pk"], [])
        taken = any(present or absent for _o, _k, _t, present, absent in by_org)
        per_org = [(org, kind, present if taken else total - absent) for org, kind, total, present, absent in by_org]
        attendees = sum(count for _o, _k, count in per_org)
        source, source_kind = row["course__organisation_id"], row["course__organisation__kind"]
        applied = book.applied(day, row["course__programme_id"], topics.get(row["course_id"], []))
        trainer_count = trainers.get(row["course_id"], 0)
        line = ledger_line(attendees, minutes, trainer_count, applied)
        extra = satisfaction.get(row["pk"]) or Satisfaction()
        facts.append(
            dict(
                session_id=row["pk"],
                course_id=row["course_id"],
                programme_id=row["course__programme_id"],
                organisation_id=source,
                organisation_kind=source_kind,
                day=day,
                month=month,
                year=month.year,
                month_bit=1 << (month.month - 1),
                ended_at=row["ends_at"],
                minutes=minutes,
                attendees=attendees,
                attendance_taken=taken,
                participant_minutes=attendees * minutes,
                cross_org_attendees=sum(c for org, _k, c in per_org if org is not None and org != source),
                cross_kind_attendees=sum(c for org, kind, c in per_org if org is not None and kind != source_kind),
                trainers=trainer_count,
                site_assumption_id=applied.site_id,
                price_assumption_id=applied.price_id,
                price_source=applied.price_source,
                external_price_per_hour=applied.external_price,
                internal_hourly_rate=applied.internal_rate,
                preparation_hours=applied.preparation_hours,
                gross=line.gross,
                participant_cost=line.participant_cost,
                trainer_cost=line.trainer_cost,
                internal_cost=line.internal_cost,
                net=line.net,
                satisfaction_sum=extra.satisfaction_sum,
                satisfaction_count=extra.satisfaction_count,
                promoters=extra.promoters,
                passives=extra.passives,
                detractors=extra.detractors,
                evaluation_responses=extra.responses,
                refreshed_at=now,
            )
        )
        for org, kind, people in per_org:
            if org is None or people <= 0:
                continue
            flows.append(
                dict(
                    session_id=row["pk"],
                    course_id=row["course_id"],
                    programme_id=row["course__programme_id"],
                    month=month,
                    source_id=source,
                    source_kind=source_kind,
                    target_id=org,
                    target_kind=kind or "",
                    attendees=people,
                    participant_minutes=people * minutes,
                    gross=participant_amount(people, minutes, applied.external_price),
                    participant_cost=participant_amount(people, minutes, applied.internal_rate),
                )
            )
    return facts, flows


SESSION_FIELDS = (
    "pk",
    "course_id",
    "starts_at",
    "ends_at",
    "course__programme_id",
    "course__organisation_id",
    "course__organisation__kind",
)


def _write(session_filter: Q, fact_filter: Q, book: AssumptionBook, now: datetime) -> Outcome:
    """Replace the facts of the sessions matching `session_filter` (`fact_filter`: the same sessions, as a
    condition on the facts), in one transaction."""
    outcome = Outcome()
    with transaction.atomic():
        LedgerState.objects.select_for_update().filter(pk=1).first()  # one writer of the facts at a time
        old = SessionFact.objects.filter(fact_filter)
        outcome.months |= set(old.values_list("month", flat=True).distinct())
        outcome.course_ids |= set(old.values_list("course_id", flat=True).distinct())
        outcome.removed = old.count()
        FlowFact.objects.filter(fact_filter).delete()
        old.delete()
        rows = list(
            Session.objects.filter(session_filter, status=SessionStatus.SCHEDULED, ends_at__lte=now)
            .values(*SESSION_FIELDS)
            .order_by("pk")
        )
        facts, flows = _compute(rows, book)
        _insert(SessionFact, facts)
        _insert(FlowFact, flows)
        outcome.sessions = len(facts)
        outcome.removed = max(outcome.removed - len(facts), 0)
        outcome.months |= {fact["month"] for fact in facts}
        outcome.course_ids |= {fact["course_id"] for fact in facts}
    return outcome


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def rebuild_rollups(months: Iterable[date]) -> None:
    """Sum the facts of these months again into the monthly rollups (FlowMonth, TopicFlowMonth,
    OrganisationMonth), inside the database: INSERT ... SELECT ... GROUP BY, one month per transaction."""
    flow, fact = _table(FlowFact), _table(SessionFact)
    topics = connection.ops.quote_name(Course.topics.through._meta.db_table)
    # Table names come from the models, the month is a parameter: nothing from outside is formatted into the SQL.
    statements = [
        f"""INSERT INTO {_table(FlowMonth)} (month, programme_id, source_id, source_kind, target_id, target_kind,
                attendees, participant_minutes, sessions, gross, participant_cost)
            SELECT month, programme_id, source_id, source_kind, target_id, target_kind, SUM(attendees),
                SUM(participant_minutes), COUNT(*), SUM(gross), SUM(participant_cost)
            FROM {flow} WHERE month = %s
            GROUP BY month, programme_id, source_id, source_kind, target_id, target_kind""",  # noqa: S608
        f"""INSERT INTO {_table(TopicFlowMonth)} (month, topic_id, source_id, source_kind, target_id, target_kind,
                attendees, sessions)
            SELECT f.month, t.topic_id, f.source_id, f.source_kind, f.target_id, f.target_kind, SUM(f.attendees),
                COUNT(*)
            FROM {flow} f INNER JOIN {topics} t ON t.course_id = f.course_id WHERE f.month = %s
            GROUP BY f.month, t.topic_id, f.source_id, f.source_kind, f.target_id, f.target_kind""",  # noqa: S608
        f"""INSERT INTO {_table(MonthSummary)} (month, programme_id, site_assumption_id, price_assumption_id,
                sessions, participants, participant_minutes, cross_org, cross_kind, gross, participant_cost,
                trainer_cost, net, satisfaction_sum, satisfaction_count, promoters, passives, detractors)
            SELECT month, programme_id, site_assumption_id, price_assumption_id, COUNT(*), SUM(attendees),
                SUM(participant_minutes), SUM(cross_org_attendees), SUM(cross_kind_attendees), SUM(gross),
                SUM(participant_cost), SUM(trainer_cost), SUM(net), SUM(satisfaction_sum), SUM(satisfaction_count),
                SUM(promoters), SUM(passives), SUM(detractors)
            FROM {fact} WHERE month = %s
            GROUP BY month, programme_id, site_assumption_id, price_assumption_id""",  # noqa: S608
        f"""INSERT INTO {_table(OrganisationMonth)} (month, programme_id, organisation_id, kind, learned,
                learned_minutes, gross, participant_cost, sessions, trainer_cost)
            SELECT month, programme_id, target_id, target_kind, SUM(attendees), SUM(participant_minutes),
                SUM(gross), SUM(participant_cost), 0, 0
            FROM {flow} WHERE month = %s
            GROUP BY month, programme_id, target_id, target_kind""",  # noqa: S608
        f"""INSERT INTO {_table(OrganisationMonth)} (month, programme_id, organisation_id, kind, learned,
                learned_minutes, gross, participant_cost, sessions, trainer_cost)
            SELECT month, programme_id, organisation_id, organisation_kind, 0, 0, 0, 0, COUNT(*), SUM(trainer_cost)
            FROM {fact} WHERE month = %s
            GROUP BY month, programme_id, organisation_id, organisation_kind""",  # noqa: S608
    ]
    for month in sorted(set(months)):
        with transaction.atomic():
            LedgerState.objects.select_for_update().filter(pk=1).first()
            for model in (FlowMonth, TopicFlowMonth, OrganisationMonth, MonthSummary):
                model.objects.filter(month=month).delete()
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement, [month])
    rebuild_activity({month.year for month in months})


def rebuild_activity(years: Iterable[int]) -> None:
    """Compute the Activity bits of these years again from the facts (SUM of distinct month bits is their OR)."""
    fact, trainers, activity = _table(SessionFact), _table(CourseTrainer), _table(Activity)
    course, trainer = ActivityKind.COURSE.value, ActivityKind.TRAINER.value
    # Table names come from the models, the rest are parameters.
    statements: list[tuple[str, list[Any]]] = [
        (
            f"""INSERT INTO {activity} (kind, object_id, site, programme_id, year, months)
                SELECT %s, course_id, %s, NULL, year, SUM(DISTINCT month_bit)
                FROM {fact} WHERE year = %s GROUP BY course_id, year""",  # noqa: S608
            [course, True],
        ),
        (
            f"""INSERT INTO {activity} (kind, object_id, site, programme_id, year, months)
                SELECT %s, course_id, %s, programme_id, year, SUM(DISTINCT month_bit)
                FROM {fact} WHERE year = %s AND programme_id IS NOT NULL
                GROUP BY course_id, programme_id, year""",  # noqa: S608
            [course, False],
        ),
        (
            f"""INSERT INTO {activity} (kind, object_id, site, programme_id, year, months)
                SELECT %s, t.user_id, %s, NULL, f.year, SUM(DISTINCT f.month_bit)
                FROM {fact} f INNER JOIN {trainers} t ON t.course_id = f.course_id WHERE f.year = %s
                GROUP BY t.user_id, f.year""",  # noqa: S608
            [trainer, True],
        ),
        (
            f"""INSERT INTO {activity} (kind, object_id, site, programme_id, year, months)
                SELECT %s, t.user_id, %s, f.programme_id, f.year, SUM(DISTINCT f.month_bit)
                FROM {fact} f INNER JOIN {trainers} t ON t.course_id = f.course_id
                WHERE f.year = %s AND f.programme_id IS NOT NULL
                GROUP BY t.user_id, f.programme_id, f.year""",  # noqa: S608
            [trainer, False],
        ),
    ]
    for year in sorted(set(years)):
        with transaction.atomic():
            LedgerState.objects.select_for_update().filter(pk=1).first()
            Activity.objects.filter(year=year).delete()
            with connection.cursor() as cursor:
                for statement, params in statements:
                    cursor.execute(statement, [*params, year])


def _insert(model, rows: list[dict]) -> None:
    """Write many new rows (dicts of field values): COPY on PostgreSQL (ten times faster than INSERT for facts
    in bulk), else bulk_create."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        return
    names = list(rows[0])
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in names)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(  # type: ignore[attr-defined]
            f"COPY {_table(model)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in names])


def _bump(**changes) -> None:
    with transaction.atomic():
        state = LedgerState.objects.select_for_update().filter(pk=1).first() or LedgerState.current()
        for name, value in changes.items():
            setattr(state, name, value)
        state.version += 1
        state.save()


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def refresh_sessions(session_ids: Iterable[int], now: datetime | None = None) -> Outcome:
    """Compute the facts of these sessions again: written for those that took place, removed for the others
    (cancelled, not ended yet, deleted). Rollups of every month touched are summed again."""
    now = now or timezone.now()
    LedgerState.current()
    ids = sorted(set(session_ids))
    outcome = Outcome()
    if not ids:
        return outcome
    book = AssumptionBook()
    for chunk in _chunks(ids, BATCH):
        outcome.add(_write(Q(pk__in=chunk), Q(session_id__in=chunk), book, now))
    rebuild_rollups(outcome.months)
    _bump()
    return outcome


def refresh_from(day: date, now: datetime | None = None) -> Outcome:
    """Compute every fact from `day` on again (after an assumption valid from that day changed)."""
    ids = list(SessionFact.objects.filter(day__gte=day).values_list("session_id", flat=True))
    return refresh_sessions(ids, now)


def rebuild(now: datetime | None = None, progress=None) -> Outcome:
    """Compute every fact again, in batches of session ids, and every rollup."""
    now = now or timezone.now()
    LedgerState.current()
    book = AssumptionBook()
    outcome = Outcome()
    top = Session.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    low = 0
    while low <= top:
        high = low + BATCH
        outcome.add(_write(Q(pk__gte=low, pk__lt=high), Q(session_id__gte=low, session_id__lt=high), book, now))
        if progress is not None:
            progress(min(high, top + 1), top + 1)
        low = high
    # Facts left from sessions that no longer exist are deleted with them (cascade); months may have emptied.
    months = set(SessionFact.objects.values_list("month", flat=True).distinct())
    stale_months: set[date] = set()
    for rollup in (FlowMonth, TopicFlowMonth, OrganisationMonth, MonthSummary):
        stale_months |= set(rollup.objects.values_list("month", flat=True).distinct()) - months
    rebuild_rollups(months | stale_months)
    stale_years = set(Activity.objects.values_list("year", flat=True).distinct()) - {m.year for m in months}
    rebuild_activity(stale_years)
    StaleSession.objects.filter(marked_at__lte=now).delete()
    _bump(ended_until=now, rebuilt_at=now)
    return outcome


def _changed_evaluations(since: datetime) -> set[int]:
    """Sessions whose evaluation got answers since their facts were computed.

    Only evaluations that could take answers since the last round (`since`) are counted: an evaluation stays
    open for good but takes answers only until its `closes_on` (SURVEY_OPEN_DAYS after it was sent), so the
    count no longer grows with every evaluation ever sent. One whose last day was the day of the last round may
    have been answered after that round, so it is counted once more.
    """
    counts = dict(
        Survey.objects.filter(
            kind=SurveyKind.EVALUATION, is_template=False, session__isnull=False, status=SurveyStatus.OPEN
        )
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=timezone.localdate(since)))
        .annotate(n=Count("responses"))
        .values_list("session_id", "n")
    )
    if not counts:
        return set()
    seen = dict(
        SessionFact.objects.filter(session_id__in=list(counts)).values_list("session_id", "evaluation_responses")
    )
    return {session_id for session_id, n in counts.items() if session_id in seen and seen[session_id] != n}


def refresh_due(now: datetime | None = None) -> Outcome:
    """What changed since the last round: sessions that ended, sessions marked stale (attendance ticked, session
    or course changed), sessions whose evaluation got answers. The first round ever rebuilds everything."""
    now = now or timezone.now()
    state = LedgerState.current()
    if state.ended_until is None:
        return rebuild(now)
    since = state.ended_until
    ended = set(
        Session.objects.filter(
            status=SessionStatus.SCHEDULED,
            starts_at__gt=since - LATE_END,
            starts_at__lte=now,
            ends_at__gt=since,
            ends_at__lte=now,
        ).values_list("pk", flat=True)
    )
    marks = list(StaleSession.objects.filter(marked_at__lte=now).values_list("session_id", "marked_at"))
    ids = ended | {session_id for session_id, _at in marks} | _changed_evaluations(since)
    outcome = refresh_sessions(ids, now) if ids else Outcome()  # raises the version when it wrote anything
    _clear_marks(marks)
    LedgerState.objects.filter(pk=1).update(ended_until=max(now, since))
    return outcome


def _clear_marks(marks: list[tuple[int, datetime]]) -> None:
    """Remove the marks this round handled; a mark renewed meanwhile (a later change) stays for the next round."""
    for start in range(0, len(marks), 500):
        condition = Q(pk__in=[])
        for session_id, marked_at in marks[start : start + 500]:
            condition |= Q(session_id=session_id, marked_at=marked_at)
        StaleSession.objects.filter(condition).delete()


def mark_stale(session_ids: Iterable[int]) -> None:
    """Have the next round compute these sessions again (in the caller's transaction)."""
    now = timezone.now()
    StaleSession.objects.bulk_create(
        [StaleSession(session_id=pk, marked_at=now) for pk in sorted(set(session_ids))],
        update_conflicts=True,
        update_fields=["marked_at"],
        unique_fields=["session_id"],
    )
