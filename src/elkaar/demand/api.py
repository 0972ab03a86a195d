"""API of knowledge demand: requests (ask, list, read, change, close), seconding ("ik ook"), comments, the matches
of a request, and the requests that match the caller. Handlers parse, check who is asking, call demand.services
(or demand.matching to read) and shape the answer.

Requests carry colleagues' names, so every endpoint needs a login (401 otherwise), also while the catalogue is
public. Who seconded a request is shown only to its requester, the trainers of its course and administrators.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from elkaar.accounts.models import User
from elkaar.api.auth import current_user
from elkaar.api.schemas import Id, InputSchema, PageParams, Text, absolute_url, local, omissible, paginate
from elkaar.core.models import Topic
from elkaar.core.permissions import can_edit_request, can_see_supporters
from elkaar.demand import matching, services
from elkaar.demand.models import ACTIVE_STATUSES, KnowledgeRequest, RequestComment

router = Router(tags=["Kennisvragen"])

StatusName = Literal["open", "offered", "scheduled", "fulfilled", "closed"]
AudienceName = Literal["me", "team", "group"]
TimingName = Literal["soon", "month", "quarter", "year", "any"]
FormatName = Literal["", "op locatie", "online", "hybride"]
CloseReasonName = Literal["answered_elsewhere", "not_needed", "duplicate", "other"]


# --- Schemas -------------------------------------------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    name: str
    organisation: str | None


class TopicRef(Schema):
    id: int
    name: str
    slug: str


class CourseRef(Schema):
    id: int
    title: str
    url: str


class RequestOut(Schema):
    id: int
    title: str
    description: str = Field(description="De vraag in gewone tekst.")
    requester: PersonRef
    audience: AudienceName = Field(description="`me`: voor mezelf; `team`: voor mijn team; `group`: een groep.")
    group_size: int = Field(description="Met hoeveel mensen (de vragensteller meegeteld).")
    timing: TimingName = Field(description="Wanneer ongeveer: `soon`, `month`, `quarter`, `year` of `any`.")
    format_preference: FormatName = Field(description="Gewenste vorm; leeg: geen voorkeur.")
    topics: list[TopicRef]
    status: StatusName = Field(description="`open` → `offered` → `scheduled` → `fulfilled`, of `closed`.")
    close_reason: CloseReasonName | Literal[""] = Field(description="Alleen bij `closed`.")
    close_note: str
    supporter_count: int = Field(description="Aantal collega's dat 'ik ook' zei.")
    seconded_by_me: bool = Field(description="Of jij 'ik ook' zei.")
    supporters: list[PersonRef] | None = Field(
        description="Wie 'ik ook' zei; alleen voor de vragensteller, de trainers van de cursus en beheerders."
    )
    course: CourseRef | None = Field(description="De cursus die de vraag beantwoordt, zodra die er is.")
    created_at: datetime
    url: str = Field(description="De vraag op de website.")


class RequestPage(Schema):
    items: list[RequestOut]
    count: int


class RequestIn(InputSchema):
    title: Text = Field(min_length=1, max_length=200, description="Wat wil je leren?")
    description: Text = Field(min_length=1, max_length=5000, description="De vraag in je eigen woorden.")
    audience: AudienceName = "me"
    group_size: int = Field(1, ge=1, le=10_000, description="Met hoeveel mensen; bij `me` altijd 1.")
    timing: TimingName = "any"
    format_preference: FormatName = ""
    topics: list[Id] = Field([], max_length=20, description="Ids van onderwerpen (zie /topics).")


class RequestPatch(InputSchema):
    title: Text = omissible(min_length=1, max_length=200)
    description: Text = omissible(min_length=1, max_length=5000)
    audience: AudienceName = omissible()
    group_size: int = omissible(ge=1, le=10_000)
    timing: TimingName = omissible()
    format_preference: FormatName = omissible()
    topics: list[Id] = omissible(max_length=20)


class CloseIn(InputSchema):
    reason: CloseReasonName
    note: Text = Field("", max_length=2000)


class RequestFilters(Schema):
    status: StatusName | None = Field(None, description="Alleen vragen met deze status; standaard alle actieve.")
    topic: str | None = Field(None, max_length=110, description="Slug van een onderwerp.")
    q: str | None = Field(None, max_length=200, description="Woorden in titel of toelichting.")
    mine: bool = Field(False, description="Alleen vragen die ik stelde.")


class CommentIn(InputSchema):
    body: Text = Field(min_length=1, max_length=3000)


class CommentOut(Schema):
    id: int
    author: PersonRef
    body: str
    created_at: datetime


class CommentPage(Schema):
    items: list[CommentOut]
    count: int


class SupportOut(Schema):
    request: int
    supporter_count: int
    seconded_by_me: bool


class SessionBrief(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    location: str
    places_left: int
    url: str


class CourseMatchOut(Schema):
    id: int
    title: str
    summary: str
    url: str
    strength: float = Field(description="Hoe goed de cursustekst de vraag dekt; vanaf 0,35 een duidelijke match.")
    strong: bool
    reason: str = Field(description="Waarom deze cursus past, in woorden.")
    next_sessions: list[SessionBrief]


class PersonMatchOut(Schema):
    id: int
    name: str
    job_title: str
    organisation: str | None
    url: str
    strength: float
    strong: bool
    reason: str = Field(description="Waarom deze collega past, in woorden.")
    courses: list[CourseRef] = Field(description="Passende cursussen die deze collega geeft.")


class MatchesOut(Schema):
    courses: list[CourseMatchOut]
    people: list[PersonMatchOut] = Field(description="Alleen collega's die vindbaar willen zijn als expert.")


class FitOut(Schema):
    request: RequestOut
    reason: str = Field(description="Waarom jij bij deze vraag past.")
    strength: float


class FitPage(Schema):
    items: list[FitOut]
    count: int


# --- Shaping -------------------------------------------------------------------------------------------------------


def _person(user: User) -> dict:
    return {
        "id": user.pk,
        "name": user.display_name,
        "organisation": user.organisation.name if user.organisation else None,
    }


def _course_ref(course) -> dict:
    return {"id": course.pk, "title": course.title, "url": absolute_url(course.get_absolute_url())}


def _requests() -> QuerySet[KnowledgeRequest]:
    return KnowledgeRequest.objects.select_related("requester__organisation", "course").prefetch_related("topics")


def _request_out(item: KnowledgeRequest, viewer: User) -> dict:
    supporters = None
    if can_see_supporters(viewer, item):
        supporters = [_person(s.user) for s in item.supports.select_related("user__organisation")]
    return {
        "id": item.pk,
        "title": item.title,
        "description": item.description,
        "requester": _person(item.requester),
        "audience": item.audience,
        "group_size": item.group_size,
        "timing": item.timing,
        "format_preference": item.format_preference,
        "topics": [{"id": t.pk, "name": t.name, "slug": t.slug} for t in item.topics.all()],
        "status": item.status,
        "close_reason": item.close_reason,
        "close_note": item.close_note,
        "supporter_count": item.supporter_count,
        "seconded_by_me": item.supports.filter(user=viewer).exists(),
        "supporters": supporters,
        "course": _course_ref(item.course) if item.course and item.course.is_published else None,
        "created_at": local(item.created_at),
        "url": absolute_url(item.get_absolute_url()),
    }


def _topics(ids: list[int]) -> list[Topic]:
    topics = list(Topic.objects.filter(pk__in=ids))
    if len(topics) != len(set(ids)):
        raise ValidationError({"topics": _("Onbekend onderwerp.")})
    return topics


def _get(id: int) -> KnowledgeRequest:
    return get_object_or_404(_requests(), pk=id)


# --- Requests ------------------------------------------------------------------------------------------------------


@router.get(
    "/knowledge-requests",
    response=RequestPage,
    auth=current_user,
    summary="Kennisvragen opvragen",
    description="De actieve kennisvragen (nieuwste eerst), te filteren op status, onderwerp en woorden.",
)
def list_knowledge_requests(request: HttpRequest, filters: Query[RequestFilters], paging: Query[PageParams]) -> dict:
    user = current_user(request)
    items = _requests()
    items = items.filter(status=filters.status) if filters.status else items.filter(status__in=ACTIVE_STATUSES)
    if filters.topic:
        items = items.filter(topics__slug=filters.topic)
    if filters.mine:
        items = items.filter(requester=user)
    if filters.q:
        for word in filters.q.split()[:8]:
            items = items.filter(Q(title__icontains=word) | Q(description__icontains=word))
    page, count = paginate(items.order_by("-created_at", "-pk"), paging)
    return {"items": [_request_out(item, user) for item in page], "count": count}


@router.post(
    "/knowledge-requests",
    response={201: RequestOut},
    auth=current_user,
    summary="Kennisvraag stellen",
    description="Stelt een kennisvraag namens jou. Collega's die passen, zien hem in hun wekelijkse overzicht.",
)
def create_knowledge_request(request: HttpRequest, payload: RequestIn, response: HttpResponse) -> Status[dict]:
    user = current_user(request)
    fields = payload.model_dump(exclude={"topics"})
    item = services.create_request(user, topics=_topics(payload.topics), **fields)
    response["Location"] = absolute_url(f"/api/v1/knowledge-requests/{item.pk}")
    return Status(201, _request_out(_get(item.pk), user))


@router.get(
    "/knowledge-requests/matching-me",
    response=FitPage,
    auth=current_user,
    summary="Kennisvragen die bij mij passen",
    description="Actieve vragen van anderen die passen bij jouw profiel en de cursussen die je geeft, best passend "
    "eerst (zoals de pagina 'Vragen die jij zou kunnen beantwoorden').",
)
def list_knowledge_requests_matching_me(request: HttpRequest, paging: Query[PageParams]) -> dict:
    user = current_user(request)
    fits = matching.requests_for_person(user, limit=100)
    start = (paging.page - 1) * paging.page_size
    chosen = fits[start : start + paging.page_size]
    return {
        "items": [
            {
                "request": _request_out(fit.request, user),
                "reason": fit.match.reason,
                "strength": round(fit.match.strength, 3),
            }
            for fit in chosen
        ],
        "count": len(fits),
    }


@router.get(
    "/knowledge-requests/{id}",
    response=RequestOut,
    auth=current_user,
    summary="Eén kennisvraag opvragen",
    description="Eén kennisvraag, ook als hij gesloten is. De namen van wie 'ik ook' zei (`supporters`) krijgen "
    "alleen de vragensteller, de trainers van de cursus die de vraag beantwoordt en beheerders; anderen krijgen "
    "`null` en zien alleen het aantal (`supporter_count`).",
)
def get_knowledge_request(request: HttpRequest, id: Id) -> dict:
    user = current_user(request)
    return _request_out(_get(id), user)


@router.patch(
    "/knowledge-requests/{id}",
    response=RequestOut,
    auth=current_user,
    summary="Kennisvraag wijzigen",
    description="Alleen de vragensteller (en beheerders), zolang de vraag actief is (anders 400).",
)
def update_knowledge_request(request: HttpRequest, id: Id, payload: RequestPatch) -> dict:
    user = current_user(request)
    item = _get(id)
    if not can_edit_request(user, item):
        raise PermissionDenied(_("Alleen wie de vraag stelde, mag hem wijzigen."))
    fields = payload.model_dump(exclude_unset=True)
    topic_ids = fields.pop("topics", None)
    services.update_request(user, item, topics=_topics(topic_ids) if topic_ids is not None else None, **fields)
    return _request_out(_get(id), user)


@router.post(
    "/knowledge-requests/{id}/close",
    response=RequestOut,
    auth=current_user,
    summary="Kennisvraag sluiten",
    description="De vragensteller (of een beheerder) sluit de vraag met een reden; wie 'ik ook' zei, krijgt "
    "bericht. Een gesloten vraag nog eens sluiten verandert niets.",
)
def close_knowledge_request(request: HttpRequest, id: Id, payload: CloseIn) -> dict:
    user = current_user(request)
    item = _get(id)
    if not can_edit_request(user, item):
        raise PermissionDenied(_("Alleen wie de vraag stelde, mag hem sluiten."))
    services.close_request(user, item, payload.reason, payload.note)
    return _request_out(_get(id), user)


# --- Seconding -----------------------------------------------------------------------------------------------------


@router.post(
    "/knowledge-requests/{id}/supporters",
    response={200: SupportOut, 201: SupportOut},
    auth=current_user,
    summary="'Ik ook' zeggen",
    description="Zet jou bij de belangstellenden; komt er een cursus, dan krijg je voorrang bij het aanmelden. "
    "201 de eerste keer, 200 als je al 'ik ook' zei. Niet bij je eigen of een gesloten vraag (400).",
)
def second_knowledge_request(request: HttpRequest, id: Id) -> Status[dict]:
    user = current_user(request)
    item = _get(id)
    _support, created = services.second_request(user, item)
    item.refresh_from_db(fields=["supporter_count"])
    body = {"request": item.pk, "supporter_count": item.supporter_count, "seconded_by_me": True}
    return Status(201 if created else 200, body)


@router.delete(
    "/knowledge-requests/{id}/supporters",
    response={204: None},
    auth=current_user,
    summary="'Ik ook' intrekken",
    description="Haalt jou weg bij de belangstellenden; als je er niet bij stond, verandert er niets.",
)
def withdraw_support(request: HttpRequest, id: Id) -> Status[None]:
    user = current_user(request)
    services.withdraw_support(user, _get(id))
    return Status(204, None)


# --- Comments ------------------------------------------------------------------------------------------------------


@router.get(
    "/knowledge-requests/{id}/comments",
    response=CommentPage,
    auth=current_user,
    summary="Reacties op een kennisvraag",
    description="De reacties van collega's op de vraag, oudste eerst, met naam en organisatie van wie reageerde; "
    "ook bij een gesloten vraag.",
)
def list_comments(request: HttpRequest, id: Id, paging: Query[PageParams]) -> dict:
    current_user(request)
    item = _get(id)
    comments = (
        RequestComment.objects.filter(request=item).select_related("author__organisation").order_by("created_at", "pk")
    )
    page, count = paginate(comments, paging)
    return {
        "items": [
            {"id": c.pk, "author": _person(c.author), "body": c.body, "created_at": local(c.created_at)} for c in page
        ],
        "count": count,
    }


@router.post(
    "/knowledge-requests/{id}/comments",
    response={201: CommentOut},
    auth=current_user,
    summary="Reageren op een kennisvraag",
    description="Plaatst een reactie; de vragensteller krijgt een e-mail. Niet bij een gesloten vraag (400).",
)
def create_comment(request: HttpRequest, id: Id, payload: CommentIn) -> Status[dict]:
    user = current_user(request)
    comment = services.add_comment(user, _get(id), payload.body)
    return Status(
        201,
        {"id": comment.pk, "author": _person(user), "body": comment.body, "created_at": local(comment.created_at)},
    )


# --- Matches -------------------------------------------------------------------------------------------------------


@router.get(
    "/knowledge-requests/{id}/matches",
    response=MatchesOut,
    auth=current_user,
    summary="Wat past bij een kennisvraag",
    description="Cursussen (met komende bijeenkomsten) en collega's die de vraag zouden kunnen beantwoorden, best "
    "passend eerst, elk met een reden in woorden. Alleen collega's die vindbaar willen zijn als expert.",
)
def get_matches(request: HttpRequest, id: Id) -> dict:
    current_user(request)
    item = _get(id)
    result = matching.match_request(item)
    return {
        "courses": [
            {
                **_course_ref(match.course),
                "summary": match.course.summary,
                "strength": round(match.strength, 3),
                "strong": match.strong,
                "reason": match.reason,
                "next_sessions": [
                    {
                        "id": session.pk,
                        "starts_at": local(session.starts_at),
                        "ends_at": local(session.ends_at),
                        "location": session.location,
                        "places_left": session.places_left,
                        "url": absolute_url(session.get_absolute_url()),
                    }
                    for session in match.next_sessions
                ],
            }
            for match in result.courses
        ],
        "people": [
            {
                "id": match.person.pk,
                "name": match.person.display_name,
                "job_title": match.person.job_title,
                "organisation": match.person.organisation.name if match.person.organisation else None,
                "url": absolute_url(match.person.get_absolute_url()),
                "strength": round(match.strength, 3),
                "strong": match.strong,
                "reason": match.reason,
                "courses": [_course_ref(course) for course in match.courses],
            }
            for match in result.people
        ],
    }
