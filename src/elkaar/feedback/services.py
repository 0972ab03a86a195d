"""Every change to feedback: reviews and moderation, questions and answers, surveys and their answers.

Pages, the API, the periodic jobs and the tasks all call these functions; each checks who may do it (with
feedback/permissions.py) and raises PermissionDenied or ValidationError (a dict per field) before it changes
anything. E-mails are queued after the transaction commits (notifications.mail).

Anonymity (see models.py and docs/feedback.md): `submit_response` writes the answers without a person, marks the
invitation answered with a conditional update (so nobody answers twice), and touches every invitation of the survey
in the same transaction, so not even the database's own row versions single out the one invitation that changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from elkaar.accounts.models import User
from elkaar.catalogue.models import Course, Programme, Session, SessionStatus
from elkaar.core.permissions import manages_programme
from elkaar.feedback import permissions
from elkaar.feedback.models import (
    Answer,
    CourseAnswer,
    CourseQuestion,
    Invitation,
    QuestionKind,
    ReportDecision,
    Response,
    Review,
    ReviewReport,
    ReviewStatus,
    Survey,
    SurveyKind,
    SurveyQuestion,
    SurveyStatus,
)
from elkaar.feedback.questionnaires import DEFAULTS
from elkaar.notifications import mail
from elkaar.search import index

logger = logging.getLogger(__name__)

MAX_TEXT = 5000
MAX_QUESTIONS = 50
MAX_CHOICES = 20
MAX_SCALE_STEPS = 11  # 0-10 is the widest scale
REMIND_AGAIN_AFTER = timedelta(days=1)  # a programme manager's reminders reach one person at most once a day


class AlreadyAnswered(ValidationError):
    """This invitation has been used; an anonymous answer cannot be changed afterwards (nobody can find it)."""


class SurveyClosed(ValidationError):
    """The survey takes no (more) answers."""


def _text(value: str, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError({field: _("Tekst mag geen NUL-teken bevatten.")})
    if required and not value:
        raise ValidationError({field: _("Vul dit in.")})
    if len(value) > limit:
        raise ValidationError(
            {field: ngettext("Hoogstens %(limit)s teken.", "Hoogstens %(limit)s tekens.", limit) % {"limit": limit}}
        )
    return value


def _person_mail(person: User, template: str, context: dict) -> None:
    mail.send(person.email, template, {**context, "person": person}, person.preferred_language)


# ==================================================================================================================
# Reviews
# ==================================================================================================================


@dataclass(frozen=True)
class StarCount:
    stars: int
    count: int
    share: float  # 0..1 of all counted reviews


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None  # None without reviews
    distribution: list[StarCount]  # 5 stars first

    @property
    def average_text(self) -> str:
        return "" if self.average is None else f"{self.average:.1f}".replace(".", ",")


def rating_summary(reviews: QuerySet[Review]) -> RatingSummary:
    """Average and distribution of the visible reviews in `reviews`, in one query."""
    counts = reviews.filter(status=ReviewStatus.VISIBLE).aggregate(
        total=Count("pk"), **{f"s{stars}": Count("pk", filter=Q(rating=stars)) for stars in range(1, 6)}
    )
    total = counts["total"]
    average = sum(stars * counts[f"s{stars}"] for stars in range(1, 6)) / total if total else None
    return RatingSummary(
        count=total,
        average=average,
        distribution=[
            StarCount(stars, counts[f"s{stars}"], counts[f"s{stars}"] / total if total else 0.0)
            for stars in range(5, 0, -1)
        ],
    )


def course_rating(course: Course) -> RatingSummary:
    return rating_summary(Review.objects.filter(course=course))


def trainer_rating(trainer: User) -> RatingSummary:
    """Over the published courses the person teaches."""
    return rating_summary(
        Review.objects.filter(course__course_trainers__user=trainer, course__status="published").distinct()
    )


def _check_rating(rating: Any) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Kies 1 tot en met 5 sterren.")})
    return rating


def save_review(user: User, course: Course, *, rating: int, text: str) -> tuple[Review, bool]:
    """Write or edit `user`'s review of `course` (one per person per course); returns (review, created).

    Only people who attended a session of the course may (permissions.can_review). Editing keeps a review that an
    administrator hid hidden. The search index gets the new average in the same transaction.
    """
    if not permissions.can_review(user, course):
        raise PermissionDenied(_("Alleen wie een bijeenkomst van deze cursus volgde, kan hem beoordelen."))
    rating = _check_rating(rating)
    text = _text(text, "text")
    now = timezone.now()
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(course=course, author=user).first()
        created = review is None
        if review is None:
            try:
                with transaction.atomic():
                    review = Review.objects.create(course=course, author=user, rating=rating, text=text)
            except IntegrityError:  # a simultaneous first save by the same person: edit that one
                review = Review.objects.select_for_update().get(course=course, author=user)
                created = False
        if not created:
            review.rating, review.text, review.updated_at = rating, text, now
            review.save(update_fields=["rating", "text", "updated_at"])
        _rating_changed(course)
    return review, created


def reply_to_review(user: User, review: Review, text: str) -> Review:
    """A trainer of the course replies publicly (replacing an earlier reply); an empty text removes the reply."""
    if not permissions.can_reply_to_review(user, review):
        raise PermissionDenied(_("Alleen de trainers van de cursus kunnen reageren."))
    text = _text(text, "reply", required=False)
    review.reply = text
    review.reply_by = user if text else None
    review.replied_at = timezone.now() if text else None
    review.save(update_fields=["reply", "reply_by", "replied_at"])
    return review


def report_review(user: User, review: Review, reason: str) -> tuple[ReviewReport, bool]:
    """Put a review in the moderation queue; a second report by the same person while the first is open returns
    the open one (created False)."""
    if not permissions.can_report_review(user, review):
        raise PermissionDenied(_("Je kunt je eigen beoordeling niet melden."))
    reason = _text(reason, "reason", limit=2000)
    existing = ReviewReport.objects.filter(review=review, reporter=user, resolved_at__isnull=True).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return ReviewReport.objects.create(review=review, reporter=user, reason=reason), True
    except IntegrityError:
        return ReviewReport.objects.get(review=review, reporter=user, resolved_at__isnull=True), False


def moderation_queue() -> QuerySet[Review]:
    """Reviews with open reports, the longest waiting first, with `open_reports` counted."""
    return (
        Review.objects.filter(reports__resolved_at__isnull=True)
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .select_related("course", "author")
        .order_by("reports__created_at", "pk")
        .distinct()
    )


def moderate_review(user: User, review: Review, decision: str, reason: str) -> Review:
    """An administrator hides a review or keeps it (showing it again when it was hidden), with a reason; every
    open report of the review is closed with that decision."""
    if not permissions.can_moderate(user):
        raise PermissionDenied(_("Alleen beheerders beoordelen meldingen."))
    if decision not in ReportDecision.values:
        raise ValidationError({"decision": _("Kies verbergen of laten staan.")})
    reason = _text(reason, "reason", limit=2000)
    now = timezone.now()
    with transaction.atomic():
        review.status = ReviewStatus.HIDDEN if decision == ReportDecision.HIDE else ReviewStatus.VISIBLE
        review.moderation_reason, review.moderated_by, review.moderated_at = reason, user, now
        review.save(update_fields=["status", "moderation_reason", "moderated_by", "moderated_at"])
        ReviewReport.objects.filter(review=review, resolved_at__isnull=True).update(resolved_at=now, decision=decision)
        _rating_changed(review.course)
    return review


def _rating_changed(course: Course) -> None:
    """Give the search index the course's new average rating, in the same transaction as the change."""
    summary = course_rating(course)
    index.set_rating("course", course.pk, summary.average, summary.count)


def course_ratings(course_ids: Iterable[int]) -> dict[int, tuple[float, int]]:
    """(average, count) of the visible reviews per course, for courses that have any (for rebuilding an index)."""
    rows = (
        Review.objects.filter(course_id__in=list(course_ids), status=ReviewStatus.VISIBLE)
        .values("course_id")
        .annotate(total=Count("pk"), stars=Sum("rating"))
    )
    return {row["course_id"]: (row["stars"] / row["total"], row["total"]) for row in rows}


# ==================================================================================================================
# Questions and answers
# ==================================================================================================================


def ask_question(user: User, course: Course, text: str) -> CourseQuestion:
    """A logged-in colleague asks about a published course (also before registering); its trainers are e-mailed."""
    if not permissions.can_ask(user, course):
        raise PermissionDenied(_("Log in om een vraag te stellen over een gepubliceerde cursus."))
    text = _text(text, "text", limit=2000)
    with transaction.atomic():
        question = CourseQuestion.objects.create(course=course, author=user, text=text)
        for trainer in course.trainers.exclude(pk=user.pk):
            _person_mail(trainer, "question_asked", {"question": question, "course": course, "asker": user})
    return question


def answer_question(user: User, question: CourseQuestion, text: str) -> CourseAnswer:
    """A trainer or any other colleague answers; the asker is e-mailed (unless they answered themselves)."""
    if not permissions.can_answer(user, question):
        raise PermissionDenied(_("Log in om te antwoorden."))
    text = _text(text, "text")
    course = question.course
    with transaction.atomic():
        answer = CourseAnswer.objects.create(
            question=question, author=user, text=text, by_trainer=permissions.is_trainer_of(user, course)
        )
        if question.author_id != user.pk:
            _person_mail(
                question.author,
                "question_answered",
                {"question": question, "answer": answer, "course": course, "answerer": user},
            )
    return answer


def choose_best_answer(user: User, question: CourseQuestion, answer: CourseAnswer | None) -> CourseQuestion:
    """The asker marks one answer as the best (None takes the mark away)."""
    if not permissions.can_choose_best_answer(user, question):
        raise PermissionDenied(_("Alleen wie de vraag stelde, kiest het beste antwoord."))
    if answer is not None and answer.question_id != question.pk:
        raise ValidationError({"answer": _("Dit antwoord hoort niet bij deze vraag.")})
    question.best_answer = answer
    question.save(update_fields=["best_answer"])
    return question


def course_faq(course: Course) -> list[CourseQuestion]:
    """Answered questions, each with `faq_answers` (the best answer first), the most recent question first."""
    questions = list(
        CourseQuestion.objects.filter(course=course, answers__isnull=False)
        .distinct()
        .select_related("author")
        .prefetch_related("answers__author")
        .order_by("-created_at", "-pk")
    )
    for question in questions:
        answers = list(question.answers.all())
        answers.sort(key=lambda answer: (answer.pk != question.best_answer_id, answer.created_at, answer.pk))
        question.faq_answers = answers  # type: ignore[attr-defined]
    return questions


# ==================================================================================================================
# Questionnaires: templates and editing
# ==================================================================================================================


def default_template(kind: str) -> Survey:
    """The site's default questionnaire of `kind` (evaluation or follow-up), made from questionnaires.py the
    first time it is needed."""
    if kind not in DEFAULTS:
        raise ValidationError({"kind": _("Onbekende soort vragenlijst.")})
    existing = Survey.objects.filter(kind=kind, is_template=True, programme__isnull=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            template = Survey.objects.create(kind=kind, is_template=True)
            with override("nl"):  # stored in the source language; shown translated (builtin)
                for position, spec in enumerate(DEFAULTS[kind], start=1):
                    SurveyQuestion.objects.create(
                        survey=template,
                        position=position,
                        key=spec.key,
                        kind=spec.kind,
                        text=str(spec.text),
                        help_text=str(spec.help_text),
                        required=spec.required,
                        choices=[str(choice) for choice in spec.choices],
                        minimum=spec.minimum,
                        maximum=spec.maximum,
                        min_label=str(spec.min_label),
                        max_label=str(spec.max_label),
                        builtin=True,
                    )
            return template
    except IntegrityError:  # made at the same moment by another process
        return Survey.objects.get(kind=kind, is_template=True, programme__isnull=True)


def template_for(kind: str, programme: Programme | None) -> Survey:
    """The questionnaire that applies: the programme's adaptation when it has one, else the site's default."""
    if programme is not None:
        adapted = Survey.objects.filter(kind=kind, is_template=True, programme=programme).first()
        if adapted is not None:
            return adapted
    return default_template(kind)


def _copy_questions(source: Survey, target: Survey) -> None:
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            survey=target,
            position=question.position,
            key=question.key,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            choices=list(question.choices),
            minimum=question.minimum,
            maximum=question.maximum,
            min_label=question.min_label,
            max_label=question.max_label,
            builtin=question.builtin,
        )
        for question in source.questions.all()
    )


def adapt_template(user: User, programme: Programme, kind: str) -> Survey:
    """The programme's own copy of the default questionnaire of `kind`, made on first use; its managers edit it
    and the programme's sessions get it from then on."""
    if not manages_programme(user, programme):
        raise PermissionDenied(_("Alleen de managers van het programma passen de vragenlijst aan."))
    default = default_template(kind)
    try:
        with transaction.atomic():
            template, created = Survey.objects.get_or_create(
                kind=kind, is_template=True, programme=programme, defaults={"created_by": user}
            )
            if created:
                _copy_questions(default, template)
    except IntegrityError:
        template = Survey.objects.get(kind=kind, is_template=True, programme=programme)
    return template


def reset_template(user: User, template: Survey) -> None:
    """Drop a programme's adaptation: its sessions get the site's default questionnaire again."""
    if not template.is_template or template.programme is None or not permissions.can_edit_survey(user, template):
        raise PermissionDenied(_("Je mag deze vragenlijst niet terugzetten."))
    template.delete()


@dataclass
class QuestionData:
    kind: str
    text: str
    help_text: str = ""
    required: bool = True
    choices: list[str] | None = None
    minimum: int | None = None
    maximum: int | None = None
    min_label: str = ""
    max_label: str = ""


def _check_question(data: QuestionData) -> dict[str, Any]:
    """The fields of a question, checked and normalised; a ValidationError names every wrong field."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    if data.kind not in QuestionKind.values:
        errors["kind"] = _("Kies een soort vraag.")
    for name, limit, required in (("text", 500, True), ("help_text", 500, False)):
        try:
            fields[name] = _text(getattr(data, name), name, required=required, limit=limit)
        except ValidationError as error:
            errors[name] = " ".join(error.messages)
    for name in ("min_label", "max_label"):
        try:
            fields[name] = _text(getattr(data, name), name, required=False, limit=100)
        except ValidationError as error:
            errors[name] = " ".join(error.messages)
    fields["required"] = bool(data.required)
    fields["choices"], fields["minimum"], fields["maximum"] = [], None, None
    if data.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        choices = []
        for choice in data.choices or []:
            choice = (choice or "").strip()
            if choice and choice not in choices:
                choices.append(choice)
        if len(choices) < 2:
            errors["choices"] = _("Geef minstens twee keuzes, elk op een eigen regel.")
        elif len(choices) > MAX_CHOICES or any(len(choice) > 200 or "\x00" in choice for choice in choices):
            errors["choices"] = ngettext(
                "Hoogstens %(count)s keuze van hoogstens 200 tekens.",
                "Hoogstens %(count)s keuzes van elk hoogstens 200 tekens.",
                MAX_CHOICES,
            ) % {"count": MAX_CHOICES}
        fields["choices"] = choices
    if data.kind == QuestionKind.SCALE:
        if data.minimum is None or data.maximum is None:
            errors["minimum"] = _("Geef de laagste en de hoogste waarde van de schaal.")
        elif not 0 <= data.minimum < data.maximum or data.maximum - data.minimum + 1 > MAX_SCALE_STEPS:
            errors["minimum"] = _("Een schaal loopt van 0 of hoger tot hoogstens 10 stappen verder, bijvoorbeeld 1-5.")
        fields["minimum"], fields["maximum"] = data.minimum, data.maximum
    if data.kind == QuestionKind.NUMBER:
        bound = 10**9
        for name in ("minimum", "maximum"):
            value = getattr(data, name)
            if value is not None and not -bound <= value <= bound:
                errors[name] = _("Kies een getal tussen -1.000.000.000 en 1.000.000.000.")
        if data.minimum is not None and data.maximum is not None and data.minimum > data.maximum:
            errors["maximum"] = _("De hoogste waarde moet minstens de laagste zijn.")
        fields["minimum"], fields["maximum"] = data.minimum, data.maximum
    if data.kind != QuestionKind.SCALE:
        fields["min_label"], fields["max_label"] = "", ""
    if errors:
        raise ValidationError(errors)
    fields["kind"] = data.kind
    return fields


def _require_editable(user: User, survey: Survey) -> None:
    if not permissions.can_edit_survey(user, survey):
        raise PermissionDenied(_("Je mag deze vragenlijst niet wijzigen."))
    if not survey.is_editable:
        raise ValidationError(_("Deze vragenlijst is al verstuurd; de vragen liggen vast."))


def _lock_editable(user: User, survey_id: int) -> Survey:
    """The survey row, locked for the rest of the transaction, after checking it may still be changed: sending
    takes the same lock, so no question changes while (or after) a survey goes out."""
    survey = Survey.objects.select_for_update(of=("self",)).select_related("programme").get(pk=survey_id)
    _require_editable(user, survey)
    return survey


def _new_key(survey: Survey, text: str) -> str:
    base = slugify(text)[:50] or "vraag"
    taken = set(survey.questions.values_list("key", flat=True))
    key, number = base, 2
    while key in taken:
        key = f"{base}-{number}"
        number += 1
    return key


def add_question(user: User, survey: Survey, data: QuestionData) -> SurveyQuestion:
    """Add a question at the end of a template or a draft programme survey."""
    _require_editable(user, survey)
    fields = _check_question(data)
    with transaction.atomic():
        locked = _lock_editable(user, survey.pk)
        if locked.questions.count() >= MAX_QUESTIONS:
            raise ValidationError(
                ngettext(
                    "Een vragenlijst heeft hoogstens %(count)s vraag.",
                    "Een vragenlijst heeft hoogstens %(count)s vragen.",
                    MAX_QUESTIONS,
                )
                % {"count": MAX_QUESTIONS}
            )
        last = locked.questions.order_by("-position").values_list("position", flat=True).first() or 0
        return SurveyQuestion.objects.create(
            survey=locked, position=last + 1, key=_new_key(locked, fields["text"]), **fields
        )


def update_question(user: User, question: SurveyQuestion, data: QuestionData) -> SurveyQuestion:
    """Change a question; its key stays, so its answers keep combining with earlier surveys' answers to it."""
    fields = _check_question(data)
    with transaction.atomic():
        _lock_editable(user, question.survey_id)
        for name, value in fields.items():
            setattr(question, name, value)
        question.builtin = False  # the words are the manager's now, shown as written
        question.save()
    return question


def remove_question(user: User, question: SurveyQuestion) -> None:
    with transaction.atomic():
        _lock_editable(user, question.survey_id)
        question.delete()


def move_question(user: User, question: SurveyQuestion, up: bool) -> None:
    """Swap a question with the one above (or below) it."""
    with transaction.atomic():
        survey = _lock_editable(user, question.survey_id)
        questions = list(survey.questions.order_by("position", "pk"))
        index = next(i for i, item in enumerate(questions) if item.pk == question.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(questions):
            questions[index], questions[other] = questions[other], questions[index]
        for position, item in enumerate(questions, start=1):
            if item.position != position:
                SurveyQuestion.objects.filter(pk=item.pk).update(position=position)


# ==================================================================================================================
# Programme surveys
# ==================================================================================================================


@dataclass
class SurveyData:
    title: str
    intro: str = ""
    anonymous: bool = True
    courses: list[Course] | None = None  # only former participants of these (None or empty: all of the programme)
    audience_from: date | None = None
    audience_until: date | None = None
    closes_on: date | None = None


def _check_survey(programme: Programme, data: SurveyData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    try:
        fields["title"] = _text(data.title, "title", limit=200)
    except ValidationError as error:
        errors["title"] = " ".join(error.messages)
    try:
        fields["intro"] = _text(data.intro, "intro", required=False)
    except ValidationError as error:
        errors["intro"] = " ".join(error.messages)
    courses = list(data.courses or [])
    if any(course.programme_id != programme.pk for course in courses):
        errors["courses"] = _("Kies alleen cursussen van dit programma.")
    if data.audience_from and data.audience_until and data.audience_from > data.audience_until:
        errors["audience_until"] = _("Het einde van de periode ligt voor het begin.")
    if data.closes_on and data.closes_on < timezone.localdate():
        errors["closes_on"] = _("Kies een datum vanaf vandaag.")
    if errors:
        raise ValidationError(errors)
    fields.update(
        anonymous=bool(data.anonymous),
        audience_from=data.audience_from,
        audience_until=data.audience_until,
        closes_on=data.closes_on,
    )
    fields["courses"] = courses
    return fields


def create_programme_survey(
    user: User, programme: Programme, data: SurveyData, *, copy_from: Survey | None = None
) -> Survey:
    """A programme manager starts a survey (draft) for former participants of the programme, optionally with the
    questions of another questionnaire (for instance the programme's follow-up questionnaire)."""
    if not manages_programme(user, programme):
        raise PermissionDenied(_("Alleen de managers van het programma maken enquêtes voor het programma."))
    fields = _check_survey(programme, data)
    courses = fields.pop("courses")
    with transaction.atomic():
        survey = Survey.objects.create(kind=SurveyKind.PROGRAMME, programme=programme, created_by=user, **fields)
        survey.audience_courses.set(courses)
        if copy_from is not None:
            _copy_questions(copy_from, survey)
    return survey


def update_programme_survey(user: User, survey: Survey, data: SurveyData) -> Survey:
    """Change a draft programme survey's title, introduction, anonymity and audience."""
    _require_editable(user, survey)
    if survey.is_template or survey.programme is None:
        raise PermissionDenied(_("Je mag deze vragenlijst niet wijzigen."))
    fields = _check_survey(survey.programme, data)
    courses = fields.pop("courses")
    with transaction.atomic():
        _lock_editable(user, survey.pk)
        for name, value in fields.items():
            setattr(survey, name, value)
        survey.save()
        survey.audience_courses.set(courses)
    return survey


def delete_programme_survey(user: User, survey: Survey) -> None:
    """A draft that was never sent may be thrown away."""
    with transaction.atomic():
        locked = _lock_editable(user, survey.pk)
        if locked.is_template:
            raise PermissionDenied(_("Je mag deze vragenlijst niet verwijderen."))
        locked.delete()


def programme_audience(survey: Survey) -> QuerySet[User]:
    """Former participants a programme survey goes to: people who attended a session of the programme's courses
    (or of the chosen ones) that ended in the chosen period."""
    registrations = permissions.attended().filter(
        session__course__programme=survey.programme, session__ends_at__lte=timezone.now()
    )
    courses = list(survey.audience_courses.values_list("pk", flat=True)) if survey.pk else []
    if courses:
        registrations = registrations.filter(session__course__in=courses)
    if survey.audience_from:
        registrations = registrations.filter(session__ends_at__date__gte=survey.audience_from)
    if survey.audience_until:
        registrations = registrations.filter(session__ends_at__date__lte=survey.audience_until)
    return User.objects.filter(pk__in=registrations.values("user_id"), is_active=True).order_by("pk")


def open_programme_survey(user: User, survey: Survey) -> int:
    """Send a draft programme survey: it opens and every former participant in its audience is invited (by the
    task queue, after commit). Returns how many people it goes to."""
    _require_editable(user, survey)
    if survey.kind != SurveyKind.PROGRAMME or survey.is_template:
        raise PermissionDenied(_("Alleen enquêtes van een programma worden zo verstuurd."))
    if not survey.questions.exists():
        raise ValidationError(_("Voeg eerst minstens één vraag toe."))
    count = programme_audience(survey).count()
    if count == 0:
        raise ValidationError(_("Er zijn (nog) geen oud-deelnemers die aan deze keuzes voldoen."))
    from elkaar.feedback.tasks import invite_programme_audience_task

    with transaction.atomic():
        updated = Survey.objects.filter(pk=survey.pk, status=SurveyStatus.DRAFT).update(
            status=SurveyStatus.OPEN, opened_at=timezone.now()
        )
        if updated != 1:
            raise ValidationError(_("Deze enquête is al verstuurd."))
        survey_id = survey.pk
        transaction.on_commit(lambda: invite_programme_audience_task.enqueue(survey_id))
    survey.refresh_from_db()
    return count


def invite_programme_audience(survey: Survey, now: datetime | None = None) -> int:
    """Invite everyone in an open programme survey's audience who has no invitation yet (idempotent)."""
    if survey.status != SurveyStatus.OPEN:
        return 0
    return _invite(survey, programme_audience(survey), now or timezone.now(), "survey_invitation")


def remind_non_respondents(user: User, survey: Survey) -> int:
    """A programme manager reminds everyone who has not answered (at most once a day per person), without
    learning who that is; the reminders go out from the task queue. Returns how many will be reminded."""
    if survey.kind != SurveyKind.PROGRAMME or not permissions.can_edit_survey(user, survey):
        raise PermissionDenied(_("Alleen de managers van het programma sturen herinneringen."))
    if not survey.is_open:
        raise ValidationError(_("Deze enquête neemt geen antwoorden meer aan."))
    count = _due_for_reminder(survey, timezone.now()).count()
    if count:
        from elkaar.feedback.tasks import remind_non_respondents_task

        survey_id = survey.pk
        transaction.on_commit(lambda: remind_non_respondents_task.enqueue(survey_id))
    return count


def _due_for_reminder(survey: Survey, now: datetime) -> QuerySet[Invitation]:
    return Invitation.objects.filter(survey=survey, responded=False).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_AGAIN_AFTER)
    )


def send_reminders(survey: Survey, now: datetime | None = None) -> int:
    """Remind the people of `survey` who have not answered and were not reminded in the last day; each reminder
    is recorded with a conditional update first, so two workers never send one twice."""
    now = now or timezone.now()
    if not survey.is_open:
        return 0
    sent = 0
    for invitation in _due_for_reminder(survey, now).select_related("user"):
        sent += _remind(invitation, now, Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_AGAIN_AFTER))
    return sent


def _remind(invitation: Invitation, now: datetime, condition: Q) -> int:
    with transaction.atomic():
        updated = Invitation.objects.filter(condition, pk=invitation.pk, responded=False).update(
            reminded_at=now, reminder_count=F("reminder_count") + 1
        )
        if updated != 1:
            return 0
        _person_mail(invitation.user, "survey_reminder", _invitation_context(invitation))
    return 1


def close_survey(user: User, survey: Survey) -> Survey:
    """Stop taking answers for a programme survey."""
    if survey.kind != SurveyKind.PROGRAMME or not permissions.can_edit_survey(user, survey):
        raise PermissionDenied(_("Alleen de managers van het programma sluiten de enquête."))
    Survey.objects.filter(pk=survey.pk, status=SurveyStatus.OPEN).update(status=SurveyStatus.CLOSED)
    survey.refresh_from_db()
    return survey


# ==================================================================================================================
# Evaluations of sessions
# ==================================================================================================================


def session_survey(session: Session, kind: str, now: datetime | None = None) -> Survey:
    """The evaluation (or follow-up) survey of a session, made once with the questions of the template that
    applies; the unique constraint on (session, kind) keeps it one, however many workers ask at once."""
    existing = Survey.objects.filter(session=session, kind=kind).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    course = session.course
    template = template_for(kind, course.programme)
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                kind=kind,
                session=session,
                course=course,
                status=SurveyStatus.OPEN,
                opened_at=now,
                closes_on=timezone.localdate(now) + timedelta(days=settings.SURVEY_OPEN_DAYS),
            )
            _copy_questions(template, survey)
            return survey
    except IntegrityError:
        return Survey.objects.get(session=session, kind=kind)


def session_attendees(session: Session, now: datetime | None = None) -> QuerySet[User]:
    registrations = permissions.attended(now).filter(session=session)
    return User.objects.filter(pk__in=registrations.values("user_id"), is_active=True).order_by("pk")


def invite_attendees(session: Session, kind: str, now: datetime | None = None) -> int:
    """Invite every attendee of an ended session to its evaluation (or follow-up), exactly once per person:
    an invitation row is unique per survey and person, and only the process that inserted it sends the e-mail."""
    now = now or timezone.now()
    if session.status == SessionStatus.CANCELLED or session.ends_at > now:
        return 0
    survey = session_survey(session, kind, now)
    if not survey.is_open:
        return 0
    template = "evaluation_followup" if kind == SurveyKind.FOLLOWUP else "evaluation_invitation"
    return _invite(survey, session_attendees(session, now), now, template)


def _invite(survey: Survey, people: Iterable[User], now: datetime, template: str) -> int:
    invited = set(survey.invitations.values_list("user_id", flat=True))
    sent = 0
    for person in people:
        if person.pk in invited:
            continue
        with transaction.atomic():
            invitation, created = Invitation.objects.get_or_create(
                survey=survey, user=person, defaults={"sent_at": now}
            )
            if created:
                _person_mail(person, template, _invitation_context(invitation))
                sent += 1
    return sent


def _invitation_context(invitation: Invitation) -> dict:
    survey = invitation.survey
    return {
        "invitation": invitation,
        "survey": survey,
        "course": survey.course,
        "session": survey.session,
        "programme": survey.programme,
        "anonymous": survey.anonymous,
        "closes_on": survey.closes_on,
    }


def send_due_evaluation_reminders(now: datetime | None = None) -> int:
    """One reminder, SURVEY_REMINDER_DAYS after the invitation, to those who have not answered an evaluation or
    follow-up that is still open."""
    now = now or timezone.now()
    due = Invitation.objects.filter(
        survey__kind__in=[SurveyKind.EVALUATION, SurveyKind.FOLLOWUP],
        survey__status=SurveyStatus.OPEN,
        responded=False,
        reminder_count=0,
        sent_at__lte=now - timedelta(days=settings.SURVEY_REMINDER_DAYS),
    ).filter(Q(survey__closes_on__isnull=True) | Q(survey__closes_on__gte=timezone.localdate(now)))
    sent = 0
    for invitation in due.select_related("user", "survey__course", "survey__session"):
        sent += _remind(invitation, now, Q(reminder_count=0))
    return sent


# ==================================================================================================================
# Answering
# ==================================================================================================================


def _clean_value(question: SurveyQuestion, value: Any) -> Any:
    """One answer in its stored form, or ValueError with the message for the person."""
    kind = question.kind
    if kind == QuestionKind.SCALE:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value not in question.scale_values:
            raise ValueError(
                _("Kies een waarde van %(low)s tot en met %(high)s.")
                % {"low": question.minimum, "high": question.maximum}
            )
        return Decimal(value)
    if kind == QuestionKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            raise ValueError(_("Vul een getal in."))
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Vul een getal in.")) from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 10:
            raise ValueError(_("Vul een getal in."))
        if question.minimum is not None and number < question.minimum:
            raise ValueError(_("Vul minstens %(low)s in.") % {"low": question.minimum})
        if question.maximum is not None and number > question.maximum:
            raise ValueError(_("Vul hoogstens %(high)s in.") % {"high": question.maximum})
        return number.quantize(Decimal("0.01"))
    if kind == QuestionKind.SINGLE:
        if not isinstance(value, str) or value not in question.choices:
            raise ValueError(_("Kies een van de mogelijkheden."))
        return [value]
    if kind == QuestionKind.MULTIPLE:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple) or any(
            not isinstance(item, str) or item not in question.choices for item in values
        ):
            raise ValueError(_("Kies uit de mogelijkheden."))
        return [choice for choice in question.choices if choice in values]
    if not isinstance(value, str):
        raise ValueError(_("Vul tekst in."))
    value = value.strip()
    if "\x00" in value or len(value) > MAX_TEXT:
        raise ValueError(
            ngettext(
                "Hoogstens %(limit)s teken, zonder NUL-teken.",
                "Hoogstens %(limit)s tekens, zonder NUL-teken.",
                MAX_TEXT,
            )
            % {"limit": MAX_TEXT}
        )
    return value


def _is_empty(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, list | tuple) and not value)
    )


def check_answers(survey: Survey, raw: Mapping[int, Any]) -> dict[int, Any]:
    """The answers by question id, checked against the survey's questions; a ValidationError names each wrong one
    as `q<question id>`."""
    questions = {question.pk: question for question in survey.questions.all()}
    errors: dict[str, str] = {}
    unknown = sorted(set(raw) - set(questions))
    if unknown:
        errors["answers"] = _("Onbekende vraag: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
    cleaned: dict[int, Any] = {}
    for pk, question in questions.items():
        value = raw.get(pk)
        if _is_empty(value):
            if question.required:
                errors[f"q{pk}"] = _("Deze vraag is verplicht.")
            continue
        try:
            cleaned[pk] = _clean_value(question, value)
        except ValueError as error:
            errors[f"q{pk}"] = str(error)
    if errors:
        raise ValidationError(errors)
    return cleaned


def submit_response(invitation: Invitation, raw: Mapping[int, Any]) -> None:
    """Store one person's answers to the survey of `invitation`, once.

    The answers are written without the person (for anonymous surveys), without the invitation and without a
    moment. The invitation is marked answered by a conditional update that must touch exactly one row, in the
    same transaction, so a second submission (or two at once) fails with AlreadyAnswered and stores nothing. That
    update also forgets the invitation's reminders: who was reminded when, next to the order in which answers
    arrive, would hint at whose answer came last. Then every invitation of the survey is touched, so no row
    version points at the one that changed.
    """
    survey = invitation.survey
    if not survey.is_open:
        raise SurveyClosed(_("Deze vragenlijst neemt geen antwoorden meer aan."))
    if invitation.responded:
        raise AlreadyAnswered(_("Je hebt deze vragenlijst al ingevuld. Dank je wel!"))
    answers = check_answers(survey, raw)
    questions = {question.pk: question for question in survey.questions.all()}
    with transaction.atomic():
        claimed = Invitation.objects.filter(pk=invitation.pk, responded=False).update(
            responded=True, reminded_at=None, reminder_count=0
        )
        if claimed != 1:
            raise AlreadyAnswered(_("Je hebt deze vragenlijst al ingevuld. Dank je wel!"))
        response = Response.objects.create(survey=survey, respondent=None if survey.anonymous else invitation.user)
        Answer.objects.bulk_create(_answer(response, questions[pk], value) for pk, value in answers.items())
        Invitation.objects.filter(survey=survey).update(responded=F("responded"))
    invitation.responded, invitation.reminded_at, invitation.reminder_count = True, None, 0


def _answer(response: Response, question: SurveyQuestion, value: Any) -> Answer:
    if question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        return Answer(response=response, question=question, number=value)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return Answer(response=response, question=question, choices=value)
    return Answer(response=response, question=question, text=value)


def open_invitations(user: User) -> list[Invitation]:
    """The surveys `user` is asked to fill in and still can, the newest first."""
    today = timezone.localdate()
    return list(
        Invitation.objects.filter(user=user, responded=False, survey__status=SurveyStatus.OPEN)
        .filter(Q(survey__closes_on__isnull=True) | Q(survey__closes_on__gte=today))
        .select_related("survey__course", "survey__session", "survey__programme")
        .order_by("-sent_at", "-pk")
    )
