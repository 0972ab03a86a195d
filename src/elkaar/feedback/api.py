"""API of feedback: reviews (with replies, reports and moderation), questions and answers, answering a survey by
its invitation token, and survey results. Handlers parse, check who asks, call feedback/services.py and shape the
answer; errors are problem+json through the handlers in api/api.py.

Participation stays private: a review's author is named only to the author, the course's trainers and
administrators; names of people who ask and answer only to logged-in callers. Survey results never name anyone in
an anonymous survey and appear only from SURVEY_MIN_RESPONSES answers per survey.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StrictFloat, StrictInt, StrictStr

from elkaar.accounts.models import User
from elkaar.api.auth import catalogue_reader, current_user
from elkaar.api.schemas import Id, InputSchema, PageParams, Text, absolute_url, local, omissible, paginate
from elkaar.catalogue.models import Course, Programme, Session
from elkaar.core.permissions import is_admin
from elkaar.feedback import permissions, reports, services
from elkaar.feedback.models import (
    CourseAnswer,
    CourseQuestion,
    Invitation,
    ReportDecision,
    Review,
    ReviewStatus,
    Survey,
)

router = Router()

REVIEWS = "Beoordelingen"
QUESTIONS = "Vragen"
SURVEYS = "Enquêtes"
Reader = User | AnonymousUser


# ---------------------------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------------------------


class CourseBrief(Schema):
    id: int
    title: str
    url: str


class PersonBrief(Schema):
    id: int
    name: str


class StarCountOut(Schema):
    stars: int
    count: int
    share: float = Field(description="Aandeel van alle zichtbare beoordelingen, 0 tot en met 1.")


class RatingOut(Schema):
    count: int = Field(description="Aantal zichtbare beoordelingen.")
    average: float | None = Field(description="Gemiddeld aantal sterren; `null` zonder beoordelingen.")
    distribution: list[StarCountOut] = Field(description="Per aantal sterren, 5 eerst.")


class ReviewOut(Schema):
    id: int
    course: CourseBrief
    rating: int = Field(description="1 tot en met 5 sterren.")
    text: str
    author: PersonBrief | None = Field(
        description="Alleen voor de schrijver, de trainers van de cursus en beheerders; deelname is niet openbaar."
    )
    mine: bool = Field(description="Of jij dit schreef.")
    status: Literal["visible", "hidden"] = Field(description="`hidden`: verborgen door een beheerder.")
    moderation_reason: str | None = Field(description="Reden van de beheerder; alleen voor de schrijver en beheerders.")
    reply: str = Field(description="Openbare reactie van de trainer; leeg als er geen is.")
    reply_by: PersonBrief | None
    replied_at: datetime | None
    created_at: datetime
    updated_at: datetime
    url: str


class ReviewPage(Schema):
    items: list[ReviewOut]
    count: int
    rating: RatingOut


class ReviewIn(InputSchema):
    rating: int = Field(ge=1, le=5, description="1 tot en met 5 sterren.")
    text: Text = Field(min_length=1, max_length=services.MAX_TEXT)


class ReviewPatch(InputSchema):
    rating: int = omissible(ge=1, le=5)
    text: Text = omissible(min_length=1, max_length=services.MAX_TEXT)


class ReplyIn(InputSchema):
    text: Text = Field(max_length=services.MAX_TEXT, description="Leeg verwijdert de reactie.")


class ReportIn(InputSchema):
    reason: Text = Field(min_length=1, max_length=2000, description="Waarom de beoordeling hier niet hoort.")


class ReportOut(Schema):
    id: int
    review: int
    created_at: datetime


class ModerationIn(InputSchema):
    decision: Literal["hide", "keep"] = Field(description="`hide` verbergt de beoordeling, `keep` laat hem staan.")
    reason: Text = Field(min_length=1, max_length=2000)


class ReportedReviewOut(Schema):
    review: ReviewOut
    open_reports: int
    reasons: list[str]


class ReportedReviewPage(Schema):
    items: list[ReportedReviewOut]
    count: int


class AnswerOut(Schema):
    id: int
    text: str
    author: PersonBrief | None = Field(description="Alleen voor ingelogde collega's.")
    by_trainer: bool = Field(description="Beantwoord door een trainer van de cursus.")
    best: bool = Field(description="Door de vrager gekozen als beste antwoord.")
    created_at: datetime


class QuestionOut(Schema):
    id: int
    course: CourseBrief
    text: str
    author: PersonBrief | None = Field(description="Alleen voor ingelogde collega's.")
    best_answer: int | None
    answers: list[AnswerOut] = Field(description="Het beste antwoord eerst, dan de oudste.")
    created_at: datetime
    url: str


class QuestionPage(Schema):
    items: list[QuestionOut]
    count: int


class QuestionFilters(Schema):
    answered: bool | None = Field(None, description="`true`: alleen beantwoorde vragen (de FAQ); `false`: open vragen.")


class TextIn(InputSchema):
    text: Text = Field(min_length=1, max_length=services.MAX_TEXT)


class QuestionIn(InputSchema):
    text: Text = Field(min_length=1, max_length=2000)


class BestAnswerIn(InputSchema):
    answer: Id | None = Field(description="Id van het beste antwoord; `null` haalt de keuze weg.")


class SurveyQuestionOut(Schema):
    id: int
    kind: Literal["scale", "single", "multiple", "number", "text"]
    text: str
    help_text: str
    required: bool
    choices: list[str] = Field(description="Bij `single` en `multiple`: de mogelijke antwoorden.")
    minimum: int | None = Field(description="Bij `scale`: de laagste waarde; bij `number`: de ondergrens.")
    maximum: int | None
    min_label: str
    max_label: str


class SurveyFormOut(Schema):
    title: str
    kind: Literal["evaluation", "followup", "programme"]
    intro: str
    anonymous: bool = Field(description="Antwoorden worden zonder naam bewaard.")
    course: CourseBrief | None
    session_starts_at: datetime | None
    programme: str | None
    closes_on: date | None
    open: bool = Field(description="Of de vragenlijst nog antwoorden aanneemt.")
    responded: bool = Field(description="Of met deze uitnodiging al is geantwoord (dat kan één keer).")
    questions: list[SurveyQuestionOut]


class InvitationOut(Schema):
    id: str = Field(description="Het geheime token van de uitnodiging.")
    title: str
    kind: Literal["evaluation", "followup", "programme"]
    closes_on: date | None
    url: str


class InvitationPage(Schema):
    items: list[InvitationOut]
    count: int


AnswerValue = StrictInt | StrictFloat | StrictStr | list[StrictStr] | None


class AnswerIn(InputSchema):
    question: Id
    value: AnswerValue = Field(
        description="`scale`: een geheel getal; `number`: een getal; `single`: een van de keuzes; `multiple`: "
        "een lijst van keuzes; `text`: tekst. `null` of leeg: niet beantwoord."
    )


class ResponseIn(InputSchema):
    answers: list[AnswerIn] = Field(max_length=100)


class ResponseCreated(Schema):
    responded: bool
    anonymous: bool


class OptionOut(Schema):
    label: str
    count: int
    share: float


class StatsOut(Schema):
    n: int
    mean: float
    spread: float | None = Field(description="Standaardafwijking (steekproef); `null` bij één antwoord.")
    median: float
    minimum: float
    maximum: float


class RecommendationOut(Schema):
    promoters: int
    passives: int
    detractors: int
    score: int = Field(description="Aanbevelingsscore (NPS), -100 tot en met 100.")


class TextAnswerOut(Schema):
    text: str
    name: str | None = Field(description="Alleen bij een enquête die niet anoniem is.")


class QuestionResultOut(Schema):
    key: str
    kind: Literal["scale", "single", "multiple", "number", "text"]
    text: str
    answered: int
    options: list[OptionOut]
    stats: StatsOut | None
    recommendation: RecommendationOut | None
    texts: list[TextAnswerOut] = Field(description="Open antwoorden, op alfabet.")


class ResultsOut(Schema):
    title: str
    kind: Literal["evaluation", "followup", "programme"]
    invited: int
    responded: int
    rate: float | None
    survey_count: int
    withheld_surveys: int = Field(description="Anonieme vragenlijsten met te weinig antwoorden om mee te tellen.")
    shown_responses: int = Field(description="Aantal ingevulde vragenlijsten achter de uitkomsten.")
    visible: bool = Field(description="`false`: nog te weinig antwoorden om uitkomsten te tonen.")
    anonymous: bool
    min_responses: int
    questions: list[QuestionResultOut]


class ResultFilters(Schema):
    kind: Literal["evaluation", "followup"] = Field(
        "evaluation", description="`evaluation`: na de bijeenkomst; `followup`: de vervolgvragen maanden later."
    )


# ---------------------------------------------------------------------------------------------------------------
# Shaping answers
# ---------------------------------------------------------------------------------------------------------------


def _course_brief(course: Course) -> dict:
    return {"id": course.pk, "title": course.title, "url": absolute_url(course.get_absolute_url())}


def _person(user: User | None) -> dict | None:
    return {"id": user.pk, "name": user.display_name} if user is not None else None


def _rating_out(summary: services.RatingSummary) -> dict:
    return {
        "count": summary.count,
        "average": summary.average,
        "distribution": [{"stars": row.stars, "count": row.count, "share": row.share} for row in summary.distribution],
    }


def _review_out(review: Review, reader: Reader) -> dict:
    own = reader.is_authenticated and reader.pk == review.author_id
    return {
        "id": review.pk,
        "course": _course_brief(review.course),
        "rating": review.rating,
        "text": review.text,
        "author": _person(review.author) if permissions.can_see_review_author(reader, review) else None,
        "mine": own,
        "status": review.status,
        "moderation_reason": review.moderation_reason if own or is_admin(reader) else None,
        "reply": review.reply,
        "reply_by": _person(review.reply_by) if review.reply else None,
        "replied_at": local(review.replied_at) if review.replied_at else None,
        "created_at": local(review.created_at),
        "updated_at": local(review.updated_at),
        "url": absolute_url(review.get_absolute_url()),
    }


def _question_out(question: CourseQuestion, reader: Reader) -> dict:
    names = permissions.can_see_names(reader)
    answers = sorted(
        question.answers.all(), key=lambda answer: (answer.pk != question.best_answer_id, answer.created_at, answer.pk)
    )
    return {
        "id": question.pk,
        "course": _course_brief(question.course),
        "text": question.text,
        "author": _person(question.author) if names else None,
        "best_answer": question.best_answer_id,
        "answers": [
            {
                "id": answer.pk,
                "text": answer.text,
                "author": _person(answer.author) if names else None,
                "by_trainer": answer.by_trainer,
                "best": answer.pk == question.best_answer_id,
                "created_at": local(answer.created_at),
            }
            for answer in answers
        ],
        "created_at": local(question.created_at),
        "url": absolute_url(question.get_absolute_url()),
    }


def _results_out(report: reports.Report) -> dict:
    return {
        "title": report.title,
        "kind": report.survey_kind,
        "invited": report.invited,
        "responded": report.responded,
        "rate": report.rate,
        "survey_count": report.survey_count,
        "withheld_surveys": report.withheld_surveys,
        "shown_responses": report.shown_responses,
        "visible": report.visible,
        "anonymous": report.anonymous,
        "min_responses": report.min_responses,
        "questions": [
            {
                "key": question.key,
                "kind": question.kind,
                "text": question.text,
                "answered": question.answered,
                "options": [vars(option) for option in question.options],
                "stats": vars(question.stats) if question.stats else None,
                "recommendation": vars(question.recommendation) if question.recommendation else None,
                "texts": [{"text": answer.text, "name": answer.name or None} for answer in question.texts],
            }
            for question in report.questions
        ],
    }


# ---------------------------------------------------------------------------------------------------------------
# Look-ups
# ---------------------------------------------------------------------------------------------------------------


def _visible_course(reader: Reader, course_id: int) -> Course:
    return get_object_or_404(Course.objects.visible_to(reader).select_related("programme"), pk=course_id)


def _reviews(reader: Reader) -> QuerySet[Review]:
    """Reviews `reader` may read: visible ones of courses they can see, their own, and (admins) all."""
    shown = Q(status=ReviewStatus.VISIBLE)
    if reader.is_authenticated:
        shown |= Q(author=reader)
    if is_admin(reader):
        shown = Q()
    return Review.objects.filter(shown, course__in=Course.objects.visible_to(reader)).select_related(
        "course", "author", "reply_by"
    )


def _questions(reader: Reader) -> QuerySet[CourseQuestion]:
    return (
        CourseQuestion.objects.filter(course__in=Course.objects.visible_to(reader))
        .select_related("course", "author")
        .prefetch_related("answers__author")
    )


def _invitation(token: str) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("survey__course", "survey__session", "survey__programme"), token=token
    )


def _created(response: HttpResponse, path: str) -> None:
    response["Location"] = absolute_url(f"/api/v1{path}")


# ---------------------------------------------------------------------------------------------------------------
# Reviews
# ---------------------------------------------------------------------------------------------------------------


@router.get(
    "/courses/{id}/reviews",
    response=ReviewPage,
    auth=catalogue_reader,
    tags=[REVIEWS],
    summary="Beoordelingen van een cursus",
    description="De zichtbare beoordelingen, de nieuwste eerst, met het gemiddelde en de verdeling van de sterren.",
)
def list_course_reviews(request: HttpRequest, id: Id, paging: Query[PageParams]) -> dict:
    course = _visible_course(request.user, id)
    reviews = _reviews(request.user).filter(course=course).order_by("-updated_at", "-pk")
    items, count = paginate(reviews, paging)
    return {
        "items": [_review_out(review, request.user) for review in items],
        "count": count,
        "rating": _rating_out(services.course_rating(course)),
    }


@router.post(
    "/courses/{id}/reviews",
    response={201: ReviewOut},
    auth=current_user,
    tags=[REVIEWS],
    summary="Cursus beoordelen",
    description="Alleen wie een bijeenkomst van de cursus volgde. Eén beoordeling per persoon per cursus; wie al "
    "een beoordeling heeft, krijgt 409 en wijzigt die met PATCH /reviews/{id}.",
)
def create_course_review(request: HttpRequest, id: Id, payload: ReviewIn, response: HttpResponse) -> Status[dict]:
    user = current_user(request)
    course = _visible_course(user, id)
    existing = Review.objects.filter(course=course, author=user).first()
    if existing is not None:
        raise HttpError(
            409, _("Je hebt deze cursus al beoordeeld (id %(id)s); wijzig die beoordeling.") % {"id": existing.pk}
        )
    review, _created_now = services.save_review(user, course, rating=payload.rating, text=payload.text)
    _created(response, f"/reviews/{review.pk}")
    return Status(201, _review_out(review, user))


@router.get(
    "/reviews/{id}",
    response=ReviewOut,
    auth=catalogue_reader,
    tags=[REVIEWS],
    summary="Eén beoordeling",
    description="Een zichtbare beoordeling; een verborgen beoordeling alleen voor de schrijver en beheerders.",
)
def get_review(request: HttpRequest, id: Id) -> dict:
    return _review_out(get_object_or_404(_reviews(request.user), pk=id), request.user)


@router.patch(
    "/reviews/{id}",
    response=ReviewOut,
    auth=current_user,
    tags=[REVIEWS],
    summary="Beoordeling wijzigen",
    description="Alleen de schrijver wijzigt sterren en tekst; wat je niet meestuurt, blijft.",
)
def update_review(request: HttpRequest, id: Id, payload: ReviewPatch) -> dict:
    user = current_user(request)
    review = get_object_or_404(_reviews(user), pk=id)
    if review.author_id != user.pk:
        raise PermissionDenied(_("Alleen de schrijver wijzigt een beoordeling."))
    changes = payload.model_dump(exclude_unset=True)
    review, _created_now = services.save_review(
        user,
        review.course,
        rating=changes.get("rating", review.rating),
        text=changes.get("text", review.text),
    )
    return _review_out(review, user)


@router.put(
    "/reviews/{id}/reply",
    response=ReviewOut,
    auth=current_user,
    tags=[REVIEWS],
    summary="Reageren als trainer",
    description="Een trainer van de cursus plaatst (of vervangt) een openbare reactie; een lege tekst verwijdert hem.",
)
def reply_to_review(request: HttpRequest, id: Id, payload: ReplyIn) -> dict:
    user = current_user(request)
    review = get_object_or_404(_reviews(user), pk=id)
    services.reply_to_review(user, review, payload.text)
    return _review_out(review, user)


@router.post(
    "/reviews/{id}/reports",
    response={201: ReportOut},
    auth=current_user,
    tags=[REVIEWS],
    summary="Beoordeling melden",
    description="Zet een beoordeling in de wachtrij van de beheerders. Een tweede melding van jou terwijl de "
    "eerste nog open staat, geeft de open melding terug.",
)
def report_review(request: HttpRequest, id: Id, payload: ReportIn, response: HttpResponse) -> Status[dict]:
    user = current_user(request)
    review = get_object_or_404(_reviews(user), pk=id)
    report, _new = services.report_review(user, review, payload.reason)
    return Status(201, {"id": report.pk, "review": review.pk, "created_at": local(report.created_at)})


@router.get(
    "/reported-reviews",
    response=ReportedReviewPage,
    auth=current_user,
    tags=[REVIEWS],
    summary="Gemelde beoordelingen",
    description="De moderatiewachtrij: beoordelingen met open meldingen, de langst wachtende eerst. Voor beheerders.",
)
def list_reported_reviews(request: HttpRequest, paging: Query[PageParams]) -> dict:
    user = current_user(request)
    if not permissions.can_moderate(user):
        raise PermissionDenied(_("Alleen beheerders beoordelen meldingen."))
    items, count = paginate(services.moderation_queue().select_related("reply_by"), paging)
    return {
        "items": [
            {
                "review": _review_out(review, user),
                "open_reports": review.open_reports,  # type: ignore[attr-defined]
                "reasons": list(review.reports.filter(resolved_at__isnull=True).values_list("reason", flat=True)),
            }
            for review in items
        ],
        "count": count,
    }


@router.post(
    "/reviews/{id}/moderation",
    response=ReviewOut,
    auth=current_user,
    tags=[REVIEWS],
    summary="Besluiten over een beoordeling",
    description="Een beheerder verbergt een beoordeling of laat hem staan, met een reden; open meldingen sluiten.",
)
def moderate_review(request: HttpRequest, id: Id, payload: ModerationIn) -> dict:
    user = current_user(request)
    if not permissions.can_moderate(user):
        raise PermissionDenied(_("Alleen beheerders beoordelen meldingen."))
    review = get_object_or_404(Review.objects.select_related("course", "author", "reply_by"), pk=id)
    decision = ReportDecision.HIDE if payload.decision == "hide" else ReportDecision.KEEP
    services.moderate_review(user, review, decision, payload.reason)
    return _review_out(review, user)


# ---------------------------------------------------------------------------------------------------------------
# Questions and answers
# ---------------------------------------------------------------------------------------------------------------


@router.get(
    "/courses/{id}/questions",
    response=QuestionPage,
    auth=catalogue_reader,
    tags=[QUESTIONS],
    summary="Vragen over een cursus",
    description="Vragen met hun antwoorden, de nieuwste eerst; `answered=true` geeft de FAQ.",
)
def list_course_questions(
    request: HttpRequest, id: Id, filters: Query[QuestionFilters], paging: Query[PageParams]
) -> dict:
    course = _visible_course(request.user, id)
    questions = _questions(request.user).filter(course=course)
    if filters.answered is True:
        questions = questions.filter(answers__isnull=False).distinct()
    elif filters.answered is False:
        questions = questions.filter(answers__isnull=True)
    items, count = paginate(questions.order_by("-created_at", "-pk"), paging)
    return {"items": [_question_out(question, request.user) for question in items], "count": count}


@router.post(
    "/courses/{id}/questions",
    response={201: QuestionOut},
    auth=current_user,
    tags=[QUESTIONS],
    summary="Vraag stellen over een cursus",
    description="Ook voordat je je aanmeldt. De trainers krijgen de vraag per e-mail.",
)
def create_course_question(request: HttpRequest, id: Id, payload: QuestionIn, response: HttpResponse) -> Status[dict]:
    user = current_user(request)
    course = _visible_course(user, id)
    question = services.ask_question(user, course, payload.text)
    _created(response, f"/course-questions/{question.pk}")
    return Status(201, _question_out(_questions(user).get(pk=question.pk), user))


@router.get(
    "/course-questions/{id}",
    response=QuestionOut,
    auth=catalogue_reader,
    tags=[QUESTIONS],
    summary="Eén vraag met de antwoorden",
    description="Het beste antwoord eerst, dan de antwoorden van oud naar nieuw.",
)
def get_question(request: HttpRequest, id: Id) -> dict:
    return _question_out(get_object_or_404(_questions(request.user), pk=id), request.user)


@router.post(
    "/course-questions/{id}/answers",
    response={201: QuestionOut},
    auth=current_user,
    tags=[QUESTIONS],
    summary="Vraag beantwoorden",
    description="Trainers en andere collega's antwoorden; de vrager krijgt het antwoord per e-mail.",
)
def create_question_answer(request: HttpRequest, id: Id, payload: TextIn, response: HttpResponse) -> Status[dict]:
    user = current_user(request)
    question = get_object_or_404(_questions(user), pk=id)
    services.answer_question(user, question, payload.text)
    _created(response, f"/course-questions/{question.pk}")
    return Status(201, _question_out(_questions(user).get(pk=question.pk), user))


@router.put(
    "/course-questions/{id}/best-answer",
    response=QuestionOut,
    auth=current_user,
    tags=[QUESTIONS],
    summary="Beste antwoord kiezen",
    description="Alleen wie de vraag stelde; `null` haalt de keuze weg.",
)
def choose_best_answer(request: HttpRequest, id: Id, payload: BestAnswerIn) -> dict:
    user = current_user(request)
    question = get_object_or_404(_questions(user), pk=id)
    answer = None
    if payload.answer is not None:
        answer = CourseAnswer.objects.filter(pk=payload.answer).first()
        if answer is None:
            raise ValidationError({"answer": _("Onbekend antwoord.")})
    services.choose_best_answer(user, question, answer)
    return _question_out(_questions(user).get(pk=question.pk), user)


# ---------------------------------------------------------------------------------------------------------------
# Surveys: answering by invitation token
# ---------------------------------------------------------------------------------------------------------------


@router.get(
    "/survey-invitations",
    response=InvitationPage,
    auth=current_user,
    tags=[SURVEYS],
    summary="Mijn open vragenlijsten",
    description="De vragenlijsten die jij nog kunt invullen, de nieuwste eerst.",
)
def list_survey_invitations(request: HttpRequest, paging: Query[PageParams]) -> dict:
    user = current_user(request)
    invitations = services.open_invitations(user)
    start = (paging.page - 1) * paging.page_size
    page = invitations[start : start + paging.page_size]
    return {
        "items": [
            {
                "id": invitation.token,
                "title": invitation.survey.display_title,
                "kind": invitation.survey.kind,
                "closes_on": invitation.survey.closes_on,
                "url": absolute_url(invitation.get_absolute_url()),
            }
            for invitation in page
        ],
        "count": len(invitations),
    }


@router.get(
    "/survey-invitations/{id}",
    response=SurveyFormOut,
    tags=[SURVEYS],
    summary="Vragenlijst van een uitnodiging",
    description="De vragen achter een uitnodiging. `id` is het geheime token uit de uitnodiging; inloggen is niet "
    "nodig, het token is de toegang.",
)
def get_survey_invitation(request: HttpRequest, id: str) -> dict:
    invitation = _invitation(id)
    survey = invitation.survey
    return {
        "title": survey.display_title,
        "kind": survey.kind,
        "intro": survey.intro,
        "anonymous": survey.anonymous,
        "course": _course_brief(survey.course) if survey.course else None,
        "session_starts_at": local(survey.session.starts_at) if survey.session else None,
        "programme": survey.programme.name if survey.programme else None,
        "closes_on": survey.closes_on,
        "open": survey.is_open,
        "responded": invitation.responded,
        "questions": [
            {
                "id": question.pk,
                "kind": question.kind,
                "text": question.display_text,
                "help_text": question.display_help,
                "required": question.required,
                "choices": question.choices,
                "minimum": question.minimum,
                "maximum": question.maximum,
                "min_label": question.display_min_label,
                "max_label": question.display_max_label,
            }
            for question in survey.questions.all()
        ],
    }


@router.post(
    "/survey-invitations/{id}/responses",
    response={201: ResponseCreated},
    tags=[SURVEYS],
    summary="Vragenlijst invullen",
    description="Antwoorden op de vragenlijst van een uitnodiging (`id` is het geheime token; inloggen is niet "
    "nodig). Eén keer per uitnodiging: daarna 409. Bij een anonieme vragenlijst worden de antwoorden zonder naam, "
    "uitnodiging of tijdstip bewaard. Fouten per vraag heten `q<vraag-id>` in `invalid-params`.",
)
def create_survey_response(request: HttpRequest, id: str, payload: ResponseIn) -> Status[dict]:
    invitation = _invitation(id)
    answers: dict[int, object] = {}
    for answer in payload.answers:
        if answer.question in answers:
            raise ValidationError({f"q{answer.question}": _("Deze vraag staat er twee keer in.")})
        answers[answer.question] = answer.value
    try:
        services.submit_response(invitation, answers)
    except services.AlreadyAnswered as error:
        raise HttpError(409, " ".join(error.messages)) from None
    except services.SurveyClosed as error:
        raise HttpError(409, " ".join(error.messages)) from None
    return Status(201, {"responded": True, "anonymous": invitation.survey.anonymous})


# ---------------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------------

RESULTS = (
    "Respons en per vraag: aantallen en aandelen, gemiddelde en spreiding, aanbevelingsscore en open antwoorden. "
    "Een anonieme vragenlijst telt pas mee vanaf het minimum aantal antwoorden (`min_responses`)."
)


@router.get(
    "/sessions/{id}/survey-results",
    response=ResultsOut,
    auth=current_user,
    tags=[SURVEYS],
    summary="Resultaten van een bijeenkomst",
    description=RESULTS + " Voor de trainers, de managers van het programma en beheerders.",
)
def get_session_survey_results(request: HttpRequest, id: Id, filters: Query[ResultFilters]) -> dict:
    user = current_user(request)
    session = get_object_or_404(Session.objects.select_related("course__programme"), pk=id)
    if not permissions.can_view_session_results(user, session):
        raise PermissionDenied(_("Deze resultaten zijn voor de trainers, de programmamanagers en beheerders."))
    surveys = reports.session_surveys(session, filters.kind)
    return _results_out(reports.build(surveys, title=session.course.title, kind=filters.kind))


@router.get(
    "/courses/{id}/survey-results",
    response=ResultsOut,
    auth=current_user,
    tags=[SURVEYS],
    summary="Resultaten van een cursus",
    description=RESULTS + " Over alle bijeenkomsten; voor de trainers, de managers van het programma en beheerders.",
)
def get_course_survey_results(request: HttpRequest, id: Id, filters: Query[ResultFilters]) -> dict:
    user = current_user(request)
    course = get_object_or_404(Course.objects.select_related("programme"), pk=id)
    if not permissions.can_view_course_results(user, course):
        raise PermissionDenied(_("Deze resultaten zijn voor de trainers, de programmamanagers en beheerders."))
    return _results_out(
        reports.build(reports.course_surveys(course, filters.kind), title=course.title, kind=filters.kind)
    )


@router.get(
    "/users/{id}/survey-results",
    response=ResultsOut,
    auth=current_user,
    tags=[SURVEYS],
    summary="Resultaten van een trainer",
    description=RESULTS + " Over alle cursussen die de collega geeft; voor de collega zelf en beheerders.",
)
def get_trainer_survey_results(request: HttpRequest, id: Id, filters: Query[ResultFilters]) -> dict:
    user = current_user(request)
    trainer = get_object_or_404(User, pk=id)
    if not permissions.can_view_trainer_results(user, trainer):
        raise PermissionDenied(_("Deze resultaten zijn voor de trainer zelf en beheerders."))
    surveys = reports.trainer_surveys(trainer, filters.kind)
    return _results_out(reports.build(surveys, title=trainer.display_name, kind=filters.kind))


@router.get(
    "/programmes/{id}/survey-results",
    response=ResultsOut,
    auth=current_user,
    tags=[SURVEYS],
    summary="Resultaten van een programma",
    description=RESULTS + " Over alle cursussen van het programma; voor de managers en beheerders.",
)
def get_programme_survey_results(request: HttpRequest, id: Id, filters: Query[ResultFilters]) -> dict:
    user = current_user(request)
    programme = get_object_or_404(Programme, pk=id)
    if not permissions.can_view_programme_results(user, programme):
        raise PermissionDenied(_("Deze resultaten zijn voor de managers van het programma en beheerders."))
    surveys = reports.programme_surveys(programme, filters.kind)
    return _results_out(reports.build(surveys, title=programme.name, kind=filters.kind))


@router.get(
    "/surveys/{id}/results",
    response=ResultsOut,
    auth=current_user,
    tags=[SURVEYS],
    summary="Resultaten van een enquête",
    description=RESULTS + " Van één enquête; die van een programma voor de managers en beheerders.",
)
def get_survey_results(request: HttpRequest, id: Id) -> dict:
    user = current_user(request)
    survey = get_object_or_404(Survey.objects.select_related("programme", "session__course"), pk=id, is_template=False)
    if not permissions.can_view_survey_results(user, survey):
        raise PermissionDenied(_("Deze resultaten zijn voor de managers van het programma en beheerders."))
    return _results_out(reports.build(reports.single_survey(survey), title=survey.display_title, kind=survey.kind))
