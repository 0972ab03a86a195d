"""Survey results per session, course, trainer, programme or programme survey.

A report combines the surveys in its scope: answers to questions with the same key (and type) are counted
together. Each question type summarises itself: counts and shares of every option, mean, spread and median of
scales and numbers, a recommendation score (NPS) for 0-10 scales, and the free-text answers, sorted by their text.

The anonymity threshold holds per survey: an anonymous survey with fewer than SURVEY_MIN_RESPONSES answers adds
nothing to any report (only to the response rate), so no report, however it is combined or compared over time,
shows the answers of fewer than that many people. Nothing here reads who answered what, because nothing records it.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from elkaar.accounts.models import User
from elkaar.catalogue.models import Course, Programme, Session
from elkaar.feedback.models import Answer, Invitation, QuestionKind, Response, Survey, SurveyKind, SurveyQuestion

PROMOTER_FROM = 9  # on a 0-10 scale: 9 and 10 promote, 7 and 8 are passive, 0 to 6 detract
PASSIVE_FROM = 7
NUMBER_BINS = 5
MAX_DISTINCT_NUMBERS = 10


@dataclass(frozen=True)
class OptionRow:
    label: str
    count: int
    share: float  # 0..1 of the people who answered the question


@dataclass(frozen=True)
class Stats:
    n: int
    mean: float
    spread: float | None  # sample standard deviation; None for a single answer
    median: float
    minimum: float
    maximum: float


@dataclass(frozen=True)
class Recommendation:
    promoters: int
    passives: int
    detractors: int
    score: int  # -100..100: percentage promoters minus percentage detractors

    @property
    def n(self) -> int:
        return self.promoters + self.passives + self.detractors


@dataclass(frozen=True)
class TextAnswer:
    text: str
    name: str = ""  # only in surveys that are not anonymous


@dataclass
class QuestionResult:
    key: str
    kind: str
    text: str
    minimum: int | None = None
    maximum: int | None = None
    min_label: str = ""
    max_label: str = ""
    answered: int = 0
    options: list[OptionRow] = field(default_factory=list)
    stats: Stats | None = None
    recommendation: Recommendation | None = None
    texts: list[TextAnswer] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(QuestionKind(self.kind).label)

    @property
    def chart_title(self) -> str:
        return self.text


@dataclass
class Report:
    title: str
    survey_kind: str
    invited: int = 0
    responded: int = 0
    survey_count: int = 0
    withheld_surveys: int = 0  # anonymous surveys below the threshold, left out of the results
    withheld_responses: int = 0
    shown_responses: int = 0
    anonymous: bool = True
    min_responses: int = 3
    questions: list[QuestionResult] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # one per response, sorted by content; for exports
    names: list[str] = field(default_factory=list)  # non-anonymous surveys: a name per row

    @property
    def rate(self) -> float | None:
        return self.responded / self.invited if self.invited else None

    @property
    def visible(self) -> bool:
        return self.shown_responses > 0

    @property
    def kind_label(self) -> str:
        return str(SurveyKind(self.survey_kind).label)


# --- Scopes -------------------------------------------------------------------------------------------------------


def session_surveys(session: Session, kind: str) -> QuerySet[Survey]:
    return Survey.objects.filter(session=session, kind=kind, is_template=False)


def course_surveys(course: Course, kind: str) -> QuerySet[Survey]:
    return Survey.objects.filter(course=course, kind=kind, is_template=False)


def trainer_surveys(trainer: User, kind: str) -> QuerySet[Survey]:
    return Survey.objects.filter(course__course_trainers__user=trainer, kind=kind, is_template=False).distinct()


def programme_surveys(programme: Programme, kind: str) -> QuerySet[Survey]:
    """The evaluations (or follow-ups) of the sessions of the programme's courses."""
    return Survey.objects.filter(course__programme=programme, kind=kind, is_template=False)


def single_survey(survey: Survey) -> QuerySet[Survey]:
    return Survey.objects.filter(pk=survey.pk, is_template=False)


# --- Building -----------------------------------------------------------------------------------------------------


def build(surveys: QuerySet[Survey], *, title: str, kind: str) -> Report:
    """The report over `surveys` (all of one kind)."""
    minimum = settings.SURVEY_MIN_RESPONSES
    report = Report(title=title, survey_kind=kind, min_responses=minimum)
    survey_list = list(
        surveys.annotate(
            invited=Count("invitations", distinct=True),
            answered=Count("invitations", filter=Q(invitations__responded=True), distinct=True),
        ).order_by("-opened_at", "-pk")
    )
    response_counts = dict(
        Response.objects.filter(survey__in=[s.pk for s in survey_list])
        .values_list("survey")
        .annotate(n=Count("pk"))
        .values_list("survey", "n")
    )
    included: list[Survey] = []
    for survey in survey_list:
        report.survey_count += 1
        report.invited += survey.invited  # type: ignore[attr-defined]
        report.responded += survey.answered  # type: ignore[attr-defined]
        count = response_counts.get(survey.pk, 0)
        if survey.anonymous and count < minimum:
            if count:
                report.withheld_surveys += 1
                report.withheld_responses += count
            continue
        if count:
            included.append(survey)
            report.shown_responses += count
    report.anonymous = all(survey.anonymous for survey in included) if included else True
    if included:
        _summarise(report, included)
    return report


def _signature(question: SurveyQuestion) -> tuple:
    return (question.key, question.kind, question.minimum, question.maximum)


def _summarise(report: Report, surveys: list[Survey]) -> None:
    # Questions of every survey, grouped by signature; the newest survey's wording and order win.
    order = {survey.pk: index for index, survey in enumerate(surveys)}
    questions = sorted(
        SurveyQuestion.objects.filter(survey__in=surveys),
        key=lambda question: (order[question.survey_id], question.position, question.pk),
    )
    groups: dict[tuple, QuestionResult] = {}
    group_of: dict[int, tuple] = {}
    choices_of: dict[tuple, list[str]] = defaultdict(list)
    newest_positions: dict[tuple, tuple] = {}
    for question in questions:
        signature = _signature(question)
        group_of[question.pk] = signature
        if signature not in groups:
            groups[signature] = QuestionResult(
                key=question.key,
                kind=question.kind,
                text=question.display_text,
                minimum=question.minimum,
                maximum=question.maximum,
                min_label=question.display_min_label,
                max_label=question.display_max_label,
            )
            newest_positions[signature] = (order[question.survey_id], question.position, question.pk)
        for choice in question.choices:
            if choice not in choices_of[signature]:
                choices_of[signature].append(choice)
    labels = {q.pk: {choice: q.display_choice(choice) for choice in q.choices} for q in questions}
    values: dict[tuple, list[Any]] = defaultdict(list)
    by_response: dict[Any, dict[tuple, Any]] = defaultdict(dict)
    names: dict[Any, int] = {}  # response -> respondent, only in surveys that are not anonymous
    answers = Answer.objects.filter(response__survey__in=surveys).values_list(
        "response_id", "question_id", "number", "choices", "text", "response__respondent"
    )
    respondent_ids = set()
    for response_id, question_id, number, choices, text, respondent in answers:
        signature = group_of[question_id]
        kind = signature[1]
        if kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            value: Any = number
        elif kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            value = list(choices)
        else:
            value = text
        values[signature].append(value)
        by_response[response_id][signature] = _cell(value, labels[question_id], kind)
        if respondent is not None:
            respondent_ids.add(respondent)
            names[response_id] = respondent
    people = {user.pk: user.display_name for user in User.objects.filter(pk__in=respondent_ids)}
    text_names: dict[tuple, list[TextAnswer]] = defaultdict(list)
    for response_id, cells in by_response.items():
        for signature, cell in cells.items():
            if signature[1] == QuestionKind.TEXT and cell:
                text_names[signature].append(TextAnswer(cell, people.get(names.get(response_id, 0), "")))
    ordered = sorted(groups, key=lambda signature: newest_positions[signature][1:])
    for signature in ordered:
        result = groups[signature]
        choice_labels: dict[str, str] = {}
        for question in questions:
            if group_of[question.pk] == signature:
                for choice, label in labels[question.pk].items():
                    choice_labels.setdefault(choice, label)
        _summarise_question(result, values[signature], choices_of[signature], choice_labels)
        if result.kind == QuestionKind.TEXT:
            result.texts = sorted(text_names[signature], key=lambda item: (item.text.casefold(), item.name))
        report.questions.append(result)
    # One row per response for the exports, sorted by content: never in the order people answered.
    rows = []
    for response_id, cells in by_response.items():
        row = [cells.get(signature, "") for signature in ordered]
        name = people.get(names.get(response_id, 0), "") if not report.anonymous else ""
        rows.append((row, name))
    empty = len(set(_empty_responses(surveys)) - set(by_response))
    rows.extend(([""] * len(ordered), "") for _index in range(empty))
    rows.sort(key=lambda item: ([_sort_key(cell) for cell in item[0]], item[1]))
    report.rows = [row for row, _name in rows]
    report.names = [name for _row, name in rows] if not report.anonymous else []


def _empty_responses(surveys: list[Survey]) -> list:
    """Responses that skipped every (optional) question still count as a row."""
    return list(Response.objects.filter(survey__in=surveys, answers__isnull=True).values_list("pk", flat=True))


def _sort_key(cell: Any) -> tuple:
    if isinstance(cell, int | float | Decimal):
        return (0, float(cell), "")
    return (1, 0.0, str(cell).casefold())


def _cell(value: Any, labels: dict[str, str], kind: str) -> Any:
    if kind == QuestionKind.SCALE:
        return int(value) if value is not None else ""
    if kind == QuestionKind.NUMBER:
        return float(value) if value is not None else ""
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return "; ".join(labels.get(choice, choice) for choice in value)
    return value or ""


def _summarise_question(result: QuestionResult, values: list[Any], choices: list[str], labels: dict) -> None:
    kind = result.kind
    if kind == QuestionKind.TEXT:
        result.answered = sum(1 for value in values if value)
        return
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        result.answered = len(values)
        counts = Counter(choice for value in values for choice in value)
        result.options = [
            OptionRow(labels.get(choice, choice), counts[choice], _share(counts[choice], result.answered))
            for choice in choices
        ]
        return
    numbers = [float(value) for value in values if value is not None]
    result.answered = len(numbers)
    if not numbers:
        return
    result.stats = Stats(
        n=len(numbers),
        mean=statistics.fmean(numbers),
        spread=statistics.stdev(numbers) if len(numbers) > 1 else None,
        median=statistics.median(numbers),
        minimum=min(numbers),
        maximum=max(numbers),
    )
    if kind == QuestionKind.SCALE and result.minimum is not None and result.maximum is not None:
        counts = Counter(int(number) for number in numbers)
        steps = range(result.minimum, result.maximum + 1)
        result.options = [
            OptionRow(_scale_label(result, step), counts[step], _share(counts[step], len(numbers))) for step in steps
        ]
        if result.minimum == 0 and result.maximum == 10:
            promoters = sum(1 for number in numbers if number >= PROMOTER_FROM)
            detractors = sum(1 for number in numbers if number < PASSIVE_FROM)
            passives = len(numbers) - promoters - detractors
            score = round(100 * (promoters - detractors) / len(numbers))
            result.recommendation = Recommendation(promoters, passives, detractors, score)
        return
    result.options = _number_bins(numbers)


def _scale_label(result: QuestionResult, step: int) -> str:
    if step == result.minimum and result.min_label:
        return f"{step} ({result.min_label})"
    if step == result.maximum and result.max_label:
        return f"{step} ({result.max_label})"
    return str(step)


def _number_bins(numbers: list[float]) -> list[OptionRow]:
    """Each value when there are few different ones, else five equal ranges."""
    total = len(numbers)
    distinct = sorted(set(numbers))
    if len(distinct) <= MAX_DISTINCT_NUMBERS:
        counts = Counter(numbers)
        return [OptionRow(_number_text(value), counts[value], _share(counts[value], total)) for value in distinct]
    low, high = distinct[0], distinct[-1]
    width = (high - low) / NUMBER_BINS
    rows = []
    for index in range(NUMBER_BINS):
        start = low + index * width
        end = high if index == NUMBER_BINS - 1 else start + width
        last = index == NUMBER_BINS - 1
        count = sum(1 for number in numbers if start <= number < end or (last and number == end))
        label = _("%(start)s tot %(end)s") % {"start": _number_text(start), "end": _number_text(end)}
        if last:
            label = _("%(start)s tot en met %(end)s") % {"start": _number_text(start), "end": _number_text(end)}
        rows.append(OptionRow(label, count, _share(count, total)))
    return rows


def _number_text(value: float) -> str:
    from django.utils.formats import number_format

    return number_format(value, 0 if float(value).is_integer() else 2)


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def invitation_counts(survey: Survey) -> tuple[int, int]:
    """(invited, answered) of one survey: what a programme manager follows, without names."""
    counts = Invitation.objects.filter(survey=survey).aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(responded=True))
    )
    return counts["invited"], counts["answered"]
