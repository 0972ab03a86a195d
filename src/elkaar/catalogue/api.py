"""API of the catalogue: topics, courses, their sessions, and the public profiles of the colleagues who teach.

Handlers parse, ask core/permissions.py, call catalogue/services.py and shape the answer. Reading follows the
pages: the published catalogue is public (unless CATALOGUE_PUBLIC is off); a course that is not published
exists only for those who may edit it, everyone else gets a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from elkaar.accounts.models import Organisation, OrganisationKind, User
from elkaar.api.auth import catalogue_reader, current_user
from elkaar.api.schemas import (
    Day,
    Id,
    InputSchema,
    Moment,
    PageParams,
    Text,
    absolute_url,
    local,
    omissible,
    paginate,
    start_of_day,
)
from elkaar.catalogue import services
from elkaar.catalogue.models import (
    Audience,
    Course,
    CourseFormat,
    CourseLevel,
    CourseStatus,
    CourseTrainer,
    Programme,
    Session,
    SessionStatus,
)
from elkaar.core.models import Topic
from elkaar.core.permissions import (
    can_approve_course,
    can_edit_course,
    can_see_expertise,
    can_view_profile,
    is_admin,
)
from elkaar.core.text import render_markdown

router = Router()

NEXT_SESSIONS = 5  # coming sessions shown with each course
Reader = User | AnonymousUser


# ---------------------------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------------------------


Language = Literal["nl", "en"]


class TopicRef(Schema):
    id: int
    name: str
    slug: str


class TopicOut(TopicRef):
    name_en: str = Field(description="Engelse naam; leeg als die er (nog) niet is.")
    description: str
    course_count: int = Field(description="Aantal gepubliceerde cursussen over dit onderwerp.")


class TopicPage(Schema):
    items: list[TopicOut]
    count: int


class OrganisationRef(Schema):
    id: int
    name: str
    slug: str
    kind: OrganisationKind


class ProgrammeRef(Schema):
    id: int
    name: str
    slug: str
    url: str = Field(description="Adres van de programmapagina op de website.")


class TrainerRef(Schema):
    id: int = Field(description="Id van de collega; zie /users/{id}.")
    name: str


class SessionSummary(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    location: str
    places_left: int
    status: SessionStatus
    url: str = Field(description="Adres van de bijeenkomst op de website.")


class CourseOut(Schema):
    id: int
    external_id: str | None = Field(description="Id in de catalogus waaruit de cursus is overgenomen.")
    title: str
    slug: str
    summary: str
    description: str = Field(description="Omschrijving in Markdown, zoals de trainer die schreef.")
    description_html: str = Field(description="De omschrijving als veilige (opgeschoonde) HTML.")
    topics: list[TopicRef]
    organisation: OrganisationRef
    trainers: list[TrainerRef]
    format: CourseFormat
    language: Language
    level: CourseLevel
    duration_minutes: int
    group_size: int = Field(description="Standaard aantal plaatsen per bijeenkomst.")
    audience: Audience
    audience_kinds: list[OrganisationKind] = Field(
        description="Bij doelgroep `kinds`: de soorten organisaties die mogen deelnemen."
    )
    prerequisites: str
    what_to_bring: str
    status: CourseStatus
    programme: ProgrammeRef | None
    url: str = Field(description="Adres van de cursuspagina op de website.")
    published_at: datetime | None
    updated_at: datetime
    next_sessions: list[SessionSummary] = Field(description=f"De eerstvolgende (hoogstens {NEXT_SESSIONS}).")


class CoursePage(Schema):
    items: list[CourseOut]
    count: int = Field(description="Aantal cursussen dat aan de filters voldoet, over alle pagina's.")


class CourseRef(Schema):
    id: int
    title: str
    summary: str
    url: str


class SessionOut(Schema):
    id: int
    course: CourseRef
    starts_at: datetime
    ends_at: datetime
    location: str
    online_url: str | None = Field(description="Link voor online deelname; alleen voor wie de cursus beheert.")
    capacity: int
    places_left: int
    waiting_count: int = Field(description="Aantal mensen op de wachtlijst.")
    status: SessionStatus
    cancel_reason: str
    url: str


class SessionPage(Schema):
    items: list[SessionOut]
    count: int


class Expertise(Schema):
    topics: list[TopicRef]
    keywords: list[str]


class UserOut(Schema):
    id: int
    name: str
    job_title: str
    organisation: OrganisationRef | None
    bio: str
    courses: list[CourseRef] = Field(description="Gepubliceerde cursussen die deze collega geeft.")
    expertise: Expertise | None = Field(description="Alleen als de collega vindbaar wil zijn als expert.")
    url: str


class SessionIn(InputSchema):
    starts_at: Moment = Field(description="Begin, ISO 8601; zonder tijdzone geldt Europe/Amsterdam.")
    ends_at: Moment | None = Field(None, description="Einde; standaard het begin plus de duur van de cursus.")
    capacity: int | None = Field(None, ge=1, le=10_000, description="Plaatsen; standaard de groepsgrootte.")
    location: Text = Field("", max_length=300, description="Adres en zaal, bij een bijeenkomst op locatie.")
    online_url: Text = Field("", max_length=200, description="Link voor online deelname.")


class SessionPatch(InputSchema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"description": "Alleen de meegestuurde velden veranderen."},
    )

    starts_at: Moment = omissible(description="Zonder `ends_at` schuift het einde mee; de duur blijft gelijk.")
    ends_at: Moment = omissible()
    capacity: int = omissible(ge=1, le=10_000)
    location: Text = omissible(max_length=300)
    online_url: Text = omissible(max_length=200)


class CourseIn(InputSchema):
    title: Text = Field(min_length=1, max_length=200)
    summary: Text = Field(min_length=1, max_length=300, description="Eén zin.")
    description: Text = Field(min_length=1, max_length=50_000, description="Markdown.")
    topics: list[Id] = Field(min_length=1, max_length=20, description="Ids van onderwerpen (zie /topics).")
    format: CourseFormat = omissible(
        description="Standaard: volgt uit de eerste bijeenkomst (locatie, link of beide), anders online."
    )
    language: Language = "nl"
    level: CourseLevel = CourseLevel.BASIC
    duration_minutes: int = omissible(
        ge=1, le=24 * 60, description="Duur van één bijeenkomst; standaard die van de eerste bijeenkomst, anders 90."
    )
    group_size: int = Field(15, ge=1, le=10_000, description="Standaard aantal plaatsen per bijeenkomst.")
    audience: Audience = Audience.ALL
    audience_kinds: list[OrganisationKind] = Field([], max_length=10)
    prerequisites: Text = Field("", max_length=10_000)
    what_to_bring: Text = Field("", max_length=10_000)
    programme: Id | None = Field(None, description="Id van het programma waar de cursus bij hoort.")
    external_id: Text | None = Field(None, min_length=1, max_length=100)
    organisation: Id | None = Field(None, description="Alleen voor beheerders; standaard je eigen organisatie.")
    first_session: SessionIn | None = None
    publish: bool = Field(False, description="Meteen publiceren (of ter goedkeuring aanbieden).")


class CoursePatch(InputSchema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "description": "Alleen de meegestuurde velden veranderen. `status: published` publiceert de cursus "
            "(of biedt hem ter goedkeuring aan), `status: archived` archiveert hem."
        },
    )

    title: Text = omissible(min_length=1, max_length=200)
    summary: Text = omissible(min_length=1, max_length=300)
    description: Text = omissible(min_length=1, max_length=50_000)
    topics: list[Id] = omissible(min_length=1, max_length=20)
    format: CourseFormat = omissible()
    language: Language = omissible()
    level: CourseLevel = omissible()
    duration_minutes: int = omissible(ge=1, le=24 * 60)
    group_size: int = omissible(ge=1, le=10_000)
    audience: Audience = omissible()
    audience_kinds: list[OrganisationKind] = omissible(max_length=10)
    prerequisites: Text = omissible(max_length=10_000)
    what_to_bring: Text = omissible(max_length=10_000)
    programme: Id | None = Field(None, description="`null` haalt de cursus uit het programma.")
    external_id: Text | None = Field(None, min_length=1, max_length=100, description="`null` wist de externe id.")
    status: CourseStatus = omissible()


class CourseFilters(Schema):
    topic: Text = omissible(max_length=110, description="Slug van een onderwerp.")
    format: CourseFormat = omissible()
    organisation: Text = omissible(max_length=210, description="Slug van de aanbiedende organisatie.")
    organisation_kind: OrganisationKind = omissible(description="Soort van de aanbiedende organisatie.")
    programme: Text = omissible(max_length=210, description="Slug van een programma.")
    status: CourseStatus = omissible(
        description="Standaard alleen gepubliceerde cursussen. Andere statussen tonen alleen de cursussen "
        "die je zelf mag bewerken.",
    )
    external_id: Text = omissible(max_length=100)
    starts_after: Day = omissible(
        description="Met een komende bijeenkomst op of na deze datum (JJJJ-MM-DD, Europe/Amsterdam)."
    )
    starts_before: Day = omissible(description="Met een komende bijeenkomst vóór deze datum.")


class TopicFilters(Schema):
    q: Text = omissible(max_length=100, description="Deel van de naam.")


class SessionFilters(Schema):
    upcoming: bool = Field(False, description="Alleen komende, niet-geannuleerde bijeenkomsten.")


class SessionListFilters(SessionFilters):
    course: Id = omissible(description="Id van een cursus.")
    topic: Text = omissible(max_length=110, description="Slug van een onderwerp van de cursus.")
    organisation: Text = omissible(max_length=210, description="Slug van de organisatie die de cursus aanbiedt.")
    format: CourseFormat = omissible(description="Vorm van de cursus.")
    starts_after: Day = omissible(description="Begint op of na deze datum (JJJJ-MM-DD, Europe/Amsterdam).")
    starts_before: Day = omissible(description="Begint vóór deze datum.")
    places: bool = Field(False, description="Alleen geplande bijeenkomsten met nog een vrije plaats.")


# ---------------------------------------------------------------------------------------------------------------
# Shaping answers
# ---------------------------------------------------------------------------------------------------------------


def _topic_ref(topic: Topic) -> dict:
    return {"id": topic.pk, "name": topic.name, "slug": topic.slug}


def _organisation_ref(organisation: Organisation) -> dict:
    return {"id": organisation.pk, "name": organisation.name, "slug": organisation.slug, "kind": organisation.kind}


def _programme_ref(programme: Programme) -> dict:
    url = absolute_url(programme.get_absolute_url())
    return {"id": programme.pk, "name": programme.name, "slug": programme.slug, "url": url}


def _session_summary(session: Session) -> dict:
    return {
        "id": session.pk,
        "starts_at": local(session.starts_at),
        "ends_at": local(session.ends_at),
        "location": session.location,
        "places_left": session.places_left,
        "status": session.status,
        "url": absolute_url(session.get_absolute_url()),
    }


def _course_ref(course: Course) -> dict:
    return {
        "id": course.pk,
        "title": course.title,
        "summary": course.summary,
        "url": absolute_url(course.get_absolute_url()),
    }


def _course_out(course: Course) -> dict:
    """A course fetched through _courses(), so its relations are already loaded."""
    programme = course.programme
    return {
        **_course_ref(course),
        "external_id": course.external_id,
        "slug": course.slug,
        "description": course.description,
        "description_html": str(render_markdown(course.description)),
        "topics": [_topic_ref(topic) for topic in course.topics.all()],
        "organisation": _organisation_ref(course.organisation),
        "trainers": [{"id": ct.user.pk, "name": ct.user.display_name} for ct in course.course_trainers.all()],
        "format": course.format,
        "language": course.language,
        "level": course.level,
        "duration_minutes": course.duration_minutes,
        "group_size": course.group_size,
        "audience": course.audience,
        "audience_kinds": course.audience_kinds,
        "prerequisites": course.prerequisites,
        "what_to_bring": course.what_to_bring,
        "status": course.status,
        "programme": _programme_ref(programme) if programme else None,
        "published_at": local(course.published_at) if course.published_at else None,
        "updated_at": local(course.updated_at),
        "next_sessions": [_session_summary(s) for s in course.next_sessions],  # type: ignore[attr-defined]
    }


def _session_out(session: Session, runs_course: bool) -> dict:
    """`runs_course`: the reader may edit the course, and so sees the link for online participation."""
    return {
        **_session_summary(session),
        "course": _course_ref(session.course),
        "online_url": session.online_url if runs_course else None,
        "capacity": session.capacity,
        "waiting_count": session.waiting_count,
        "cancel_reason": session.cancel_reason,
    }


# ---------------------------------------------------------------------------------------------------------------
# Look-ups
# ---------------------------------------------------------------------------------------------------------------


def _courses(reader: Reader) -> QuerySet[Course]:
    """The courses `reader` may see, with everything _course_out needs loaded in a fixed number of queries."""
    coming = Session.objects.upcoming()[:NEXT_SESSIONS]
    return (
        Course.objects.visible_to(reader)
        .select_related("organisation", "programme")
        .prefetch_related(
            "topics",
            Prefetch("course_trainers", queryset=CourseTrainer.objects.select_related("user")),
            Prefetch("sessions", queryset=coming, to_attr="next_sessions"),
        )
        .order_by("title", "pk")
    )


def _visible_course(reader: Reader, course_id: int) -> Course:
    return get_object_or_404(Course.objects.visible_to(reader).select_related("programme"), pk=course_id)


def _visible_session(reader: Reader, session_id: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("course", "course__programme"), pk=session_id)
    if not Course.objects.visible_to(reader).filter(pk=session.course_id).exists():
        raise Http404
    return session


def _courses_run_by(reader: Reader, course_ids: set[int]) -> set[int]:
    """Which of `course_ids` the reader may edit (see can_edit_course), in one query for a whole page."""
    if not reader.is_authenticated:
        return set()
    if is_admin(reader):
        return course_ids
    run = Course.objects.filter(pk__in=course_ids).filter(Q(trainers=reader) | Q(programme__managers=reader))
    return set(run.values_list("pk", flat=True))


def _topics(ids: list[int], field: str = "topics") -> list[Topic]:
    topics = list(Topic.objects.filter(pk__in=set(ids)))
    missing = sorted(set(ids) - {topic.pk for topic in topics})
    if missing:
        raise ValidationError({field: _("Onbekend onderwerp: %(ids)s.") % {"ids": ", ".join(map(str, missing))}})
    return topics


def _programme(programme_id: int | None) -> Programme | None:
    if programme_id is None:
        return None
    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None:
        raise ValidationError({"programme": _("Onbekend programma.")})
    return programme


def _created(response: HttpResponse, url_name: str, pk: int) -> None:
    response["Location"] = absolute_url(reverse(url_name, kwargs={"id": pk}))


# ---------------------------------------------------------------------------------------------------------------
# Topics
# ---------------------------------------------------------------------------------------------------------------


def _topics_with_counts() -> QuerySet[Topic]:
    return Topic.objects.annotate(
        course_count=Count("courses", filter=Q(courses__status=CourseStatus.PUBLISHED), distinct=True)
    ).order_by("name", "pk")


@router.get(
    "/topics",
    response=TopicPage,
    auth=catalogue_reader,
    tags=["Onderwerpen"],
    summary="Onderwerpen opvragen",
    description="De onderwerpen waarin cursussen zijn ingedeeld, op naam; `q` zoekt op een deel van de naam.",
)
def list_topics(request: HttpRequest, filters: Query[TopicFilters], paging: Query[PageParams]) -> dict:
    topics = _topics_with_counts()
    if filters.q:
        topics = topics.filter(name__icontains=filters.q.strip())
    items, count = paginate(topics, paging)
    return {"items": items, "count": count}


@router.get(
    "/topics/{id}",
    response=TopicOut,
    auth=catalogue_reader,
    tags=["Onderwerpen"],
    summary="Eén onderwerp opvragen",
    description="Naam, Engelse naam en omschrijving van een onderwerp, met het aantal gepubliceerde cursussen.",
)
def get_topic(request: HttpRequest, id: Id) -> Topic:
    return get_object_or_404(_topics_with_counts(), pk=id)


# ---------------------------------------------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------------------------------------------


@router.get(
    "/courses",
    response=CoursePage,
    auth=catalogue_reader,
    tags=["Cursussen"],
    summary="Cursussen zoeken",
    description="Gepubliceerde cursussen op titel, te filteren op onderwerp, vorm, organisatie, programma, "
    "externe id en de data van komende bijeenkomsten.",
)
def list_courses(request: HttpRequest, filters: Query[CourseFilters], paging: Query[PageParams]) -> dict:
    reader: Reader = request.user
    courses = _courses(reader).filter(status=filters.status or CourseStatus.PUBLISHED)
    if filters.topic:
        courses = courses.filter(topics__slug=filters.topic)
    if filters.format:
        courses = courses.filter(format=filters.format)
    if filters.organisation:
        courses = courses.filter(organisation__slug=filters.organisation)
    if filters.organisation_kind:
        courses = courses.filter(organisation__kind=filters.organisation_kind)
    if filters.programme:
        courses = courses.filter(programme__slug=filters.programme)
    if filters.external_id:
        courses = courses.filter(external_id=filters.external_id)
    if filters.starts_after or filters.starts_before:
        sessions = Session.objects.upcoming()
        if filters.starts_after:
            sessions = sessions.filter(starts_at__gte=start_of_day(filters.starts_after))
        if filters.starts_before:
            sessions = sessions.filter(starts_at__lt=start_of_day(filters.starts_before))
        courses = courses.filter(pk__in=sessions.values("course_id"))
    items, count = paginate(courses, paging)
    return {"items": [_course_out(course) for course in items], "count": count}


@router.post(
    "/courses",
    response={201: CourseOut},
    auth=current_user,
    tags=["Cursussen"],
    summary="Cursus aanbieden",
    description="Maakt een cursus met jou als trainer, als concept of (met `publish`) meteen gepubliceerd; "
    "optioneel met de eerste bijeenkomst.",
)
def create_course(request: HttpRequest, payload: CourseIn, response: HttpResponse) -> Status[dict]:
    user = current_user(request)
    organisation = None
    if payload.organisation is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation).first()
        if organisation is None:
            raise ValidationError({"organisation": _("Onbekende organisatie.")})
        if organisation.pk != user.organisation_id and not is_admin(user):
            raise PermissionDenied(_("Alleen beheerders bieden cursussen aan namens een andere organisatie."))
    # Fields left out take the defaults of create_course (format and duration may follow from the first session).
    fields = payload.model_dump(
        exclude_unset=True, exclude={"topics", "programme", "organisation", "first_session", "publish"}
    )
    first = payload.first_session
    course = services.create_course(
        user,
        topics=_topics(payload.topics),
        programme=_programme(payload.programme),
        organisation=organisation,
        first_session=services.SessionData(**first.model_dump()) if first else None,
        publish=payload.publish,
        **fields,
    )
    _created(response, "api:get_course", course.pk)
    return Status(201, _course_out(_courses(user).get(pk=course.pk)))


@router.get(
    "/courses/{id}",
    response=CourseOut,
    auth=catalogue_reader,
    tags=["Cursussen"],
    summary="Eén cursus opvragen",
    description="Alles over een cursus, met de eerstvolgende bijeenkomsten. Een cursus die niet gepubliceerd is, "
    "bestaat alleen voor wie hem mag bewerken.",
)
def get_course(request: HttpRequest, id: Id) -> dict:
    return _course_out(get_object_or_404(_courses(request.user), pk=id))


@router.patch(
    "/courses/{id}",
    response=CourseOut,
    auth=current_user,
    tags=["Cursussen"],
    summary="Cursus wijzigen, publiceren of archiveren",
    description="Alleen de velden die je meestuurt veranderen. Voor trainers van de cursus, managers van het "
    "programma en beheerders. `status: published` publiceert (of biedt ter goedkeuring aan), "
    "`status: archived` archiveert.",
)
def update_course(request: HttpRequest, id: Id, payload: CoursePatch) -> dict:
    user = current_user(request)
    course = _visible_course(user, id)
    changes = payload.model_dump(exclude_unset=True)
    status = changes.pop("status", None)
    topics = _topics(changes.pop("topics")) if "topics" in changes else None
    if "programme" in changes:
        changes["programme"] = _programme(changes["programme"])
    if not can_edit_course(user, course):
        raise PermissionDenied(_("Je mag deze cursus niet wijzigen."))
    with transaction.atomic():  # the fields and the status change together, or not at all
        if changes or topics is not None:
            services.update_course(user, course, topics=topics, **changes)
        if status is not None and status != course.status:
            _change_status(user, course, status)
    return _course_out(_courses(user).get(pk=course.pk))


def _change_status(user: User, course: Course, status: str) -> None:
    if status == CourseStatus.PUBLISHED:
        if course.status == CourseStatus.PENDING and can_approve_course(user, course):
            services.approve_course(user, course)
        elif course.status == CourseStatus.PENDING:
            raise ValidationError({"status": _("Deze cursus wacht al op goedkeuring door de programmamanager.")})
        else:
            services.publish_course(user, course)
    elif status == CourseStatus.ARCHIVED:
        services.archive_course(user, course)
    else:
        raise ValidationError({"status": _("Kies 'published' om te publiceren of 'archived' om te archiveren.")})


# ---------------------------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------------------------


@router.get(
    "/courses/{id}/sessions",
    response=SessionPage,
    auth=catalogue_reader,
    tags=["Bijeenkomsten"],
    summary="Bijeenkomsten van een cursus opvragen",
    description="Alle bijeenkomsten van een cursus, de vroegste eerst, met het aantal vrije plaatsen.",
)
def list_course_sessions(
    request: HttpRequest,
    id: Id,
    filters: Query[SessionFilters],
    paging: Query[PageParams],
) -> dict:
    course = _visible_course(request.user, id)
    sessions = course.sessions.select_related("course").order_by("starts_at", "pk")
    if filters.upcoming:
        sessions = sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gte=timezone.now())
    items, count = paginate(sessions, paging)
    runs_course = can_edit_course(request.user, course)
    return {"items": [_session_out(session, runs_course) for session in items], "count": count}


@router.get(
    "/sessions",
    response=SessionPage,
    auth=catalogue_reader,
    tags=["Bijeenkomsten"],
    summary="Bijeenkomsten zoeken",
    description="Bijeenkomsten van gepubliceerde cursussen, de vroegste eerst, te filteren op cursus, onderwerp, "
    "organisatie, vorm, datum, vrije plaatsen en komend. De link voor online deelname zien alleen wie de cursus "
    "beheren.",
)
def list_sessions(request: HttpRequest, filters: Query[SessionListFilters], paging: Query[PageParams]) -> dict:
    reader: Reader = request.user
    sessions = _filter_sessions(Session.objects.filter(course__status=CourseStatus.PUBLISHED), filters)
    items, count = paginate(sessions.select_related("course").order_by("starts_at", "pk"), paging)
    run = _courses_run_by(reader, {session.course_id for session in items})
    return {"items": [_session_out(session, session.course_id in run) for session in items], "count": count}


def _filter_sessions(sessions: QuerySet[Session], filters: SessionListFilters) -> QuerySet[Session]:
    if filters.course:
        sessions = sessions.filter(course_id=filters.course)
    if filters.topic:
        # A subquery, not a join: a course with several topics must not list its sessions twice.
        sessions = sessions.filter(course__in=Course.objects.filter(topics__slug=filters.topic))
    if filters.organisation:
        sessions = sessions.filter(course__organisation__slug=filters.organisation)
    if filters.format:
        sessions = sessions.filter(course__format=filters.format)
    if filters.starts_after:
        sessions = sessions.filter(starts_at__gte=start_of_day(filters.starts_after))
    if filters.starts_before:
        sessions = sessions.filter(starts_at__lt=start_of_day(filters.starts_before))
    if filters.places:
        sessions = sessions.filter(status=SessionStatus.SCHEDULED, capacity__gt=F("confirmed_count"))
    if filters.upcoming:
        sessions = sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gte=timezone.now())
    return sessions


@router.post(
    "/courses/{id}/sessions",
    response={201: SessionOut},
    auth=current_user,
    tags=["Bijeenkomsten"],
    summary="Bijeenkomst plannen",
    description="Plant een nieuwe bijeenkomst van een cursus; voor wie de cursus mag bewerken.",
)
def create_course_session(
    request: HttpRequest,
    id: Id,
    payload: SessionIn,
    response: HttpResponse,
) -> Status[dict]:
    user = current_user(request)
    course = _visible_course(user, id)
    session = services.add_session(user, course, services.SessionData(**payload.model_dump()))
    _created(response, "api:get_session", session.pk)
    return Status(201, _session_out(session, runs_course=True))


@router.get(
    "/sessions/{id}",
    response=SessionOut,
    auth=catalogue_reader,
    tags=["Bijeenkomsten"],
    summary="Eén bijeenkomst opvragen",
    description="Tijd, plaats, vrije plaatsen en wachtlijst van een bijeenkomst. De link voor online deelname "
    "zien alleen wie de cursus beheren.",
)
def get_session(request: HttpRequest, id: Id) -> dict:
    session = _visible_session(request.user, id)
    return _session_out(session, can_edit_course(request.user, session.course))


@router.patch(
    "/sessions/{id}",
    response=SessionOut,
    auth=current_user,
    tags=["Bijeenkomsten"],
    summary="Bijeenkomst wijzigen",
    description="Alleen de velden die je meestuurt veranderen. Verschuift alleen het begin, dan schuift het "
    "einde mee en blijft de duur gelijk.",
)
def update_session(request: HttpRequest, id: Id, payload: SessionPatch) -> dict:
    user = current_user(request)
    session = _visible_session(user, id)
    changes = payload.model_dump(exclude_unset=True)
    starts_at = changes.get("starts_at", session.starts_at)
    ends_at = changes.get("ends_at", starts_at + (session.ends_at - session.starts_at))
    data = services.SessionData(
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=changes.get("capacity", session.capacity),
        location=changes.get("location", session.location),
        online_url=changes.get("online_url", session.online_url),
    )
    session = services.update_session(user, session, data)
    return _session_out(session, runs_course=True)


# ---------------------------------------------------------------------------------------------------------------
# Colleagues who teach
# ---------------------------------------------------------------------------------------------------------------


@router.get(
    "/users/{id}",
    response=UserOut,
    auth=catalogue_reader,
    tags=["Collega's"],
    summary="Openbaar profiel van een trainer",
    description="Naam, functie, organisatie en gepubliceerde cursussen van een collega die lesgeeft; expertise "
    "alleen als de collega vindbaar wil zijn als expert. Wie niets geeft en niet vindbaar is, heeft geen "
    "openbaar profiel (404). Deelname aan cursussen is nooit openbaar.",
)
def get_user(request: HttpRequest, id: Id) -> dict:
    reader: Reader = request.user
    person = get_object_or_404(User.objects.select_related("organisation"), pk=id)
    if not can_view_profile(reader, person):
        raise Http404
    courses = Course.objects.published().filter(course_trainers__user=person).order_by("title", "pk")
    expertise = None
    if can_see_expertise(reader, person):
        expertise = {
            "topics": [_topic_ref(topic) for topic in person.expertise_topics.order_by("name")],
            "keywords": person.keyword_list(),
        }
    organisation = person.organisation
    return {
        "id": person.pk,
        "name": person.display_name,
        "job_title": person.job_title,
        "organisation": _organisation_ref(organisation) if organisation else None,
        "bio": person.bio,
        "courses": [_course_ref(course) for course in courses],
        "expertise": expertise,
        "url": absolute_url(person.get_absolute_url()),
    }
