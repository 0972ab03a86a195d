"""API of registrations: register the caller, list and cancel my registrations; participants and attendance for
trainers. Handlers parse, check who is asking, call enrolment/services.py and shape the answer.

Taking part is never public: a registration exists in the API only for its owner (and, as a participant row,
for the trainers of its course); everyone else gets a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from elkaar.accounts.models import User
from elkaar.api.auth import current_user
from elkaar.api.problems import problem_response
from elkaar.api.schemas import Id, InputSchema, PageParams, absolute_url, local, paginate
from elkaar.catalogue.models import Session
from elkaar.core.permissions import can_edit_course, can_view_course
from elkaar.enrolment import services
from elkaar.enrolment.models import Registration

router = Router(tags=["Aanmeldingen"])

BUSY = {
    "503": {
        "description": "Het is te druk bij deze bijeenkomst; er is niets veranderd. Probeer het na `Retry-After` "
        "seconden opnieuw.",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}
RETRY_AFTER_SECONDS = 2

StatusName = Literal["confirmed", "waiting", "cancelled"]
AttendanceName = Literal["unknown", "present", "absent"]


class CourseBrief(Schema):
    id: int
    title: str
    url: str


class SessionBrief(Schema):
    id: int
    course: CourseBrief
    starts_at: datetime
    ends_at: datetime
    location: str
    status: Literal["scheduled", "cancelled"]


class RegistrationOut(Schema):
    id: int
    session: SessionBrief
    status: StatusName = Field(description="`confirmed`: je hebt een plaats; `waiting`: op de wachtlijst.")
    position: int | None = Field(description="Plaats op de wachtlijst (1 is de volgende); alleen bij `waiting`.")
    created_at: datetime
    confirmed_at: datetime | None = Field(description="Sinds wanneer je een plaats hebt.")
    cancelled_at: datetime | None
    attendance: AttendanceName = Field(description="Door de trainer bijgehouden; `absent` telt als niet gekomen.")
    online_url: str | None = Field(description="Link voor online deelname; alleen met een plaats.")
    url: str = Field(description="Je aanmelding op de website.")


class RegistrationPage(Schema):
    items: list[RegistrationOut]
    count: int


class RegistrationFilters(Schema):
    status: StatusName | None = Field(None, description="Alleen aanmeldingen met deze status.")
    upcoming: bool = Field(False, description="Alleen bijeenkomsten die nog moeten beginnen.")


class OrganisationBrief(Schema):
    id: int
    name: str


class ParticipantOut(Schema):
    registration_id: int
    name: str
    organisation: OrganisationBrief | None
    status: StatusName
    position: int | None
    created_at: datetime
    attendance: AttendanceName


class ParticipantPage(Schema):
    items: list[ParticipantOut]
    count: int
    capacity: int
    confirmed_count: int
    waiting_count: int


class AttendanceIn(InputSchema):
    attendance: AttendanceName


def _busy() -> HttpResponse:
    response = problem_response(503, str(services.SessionBusy()))
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _registration_out(registration: Registration) -> dict:
    session, course = registration.session, registration.session.course
    return {
        "id": registration.pk,
        "session": {
            "id": session.pk,
            "course": {"id": course.pk, "title": course.title, "url": absolute_url(course.get_absolute_url())},
            "starts_at": local(session.starts_at),
            "ends_at": local(session.ends_at),
            "location": session.location,
            "status": session.status,
        },
        "status": registration.status,
        "position": registration.position,
        "created_at": local(registration.created_at),
        "confirmed_at": local(registration.confirmed_at) if registration.confirmed_at else None,
        "cancelled_at": local(registration.cancelled_at) if registration.cancelled_at else None,
        "attendance": registration.attendance,
        "online_url": (session.online_url or None) if registration.is_confirmed and not session.is_cancelled else None,
        "url": absolute_url(registration.get_absolute_url()),
    }


def _participant_out(registration: Registration) -> dict:
    organisation = registration.user.organisation
    return {
        "registration_id": registration.pk,
        "name": registration.user.display_name,
        "organisation": {"id": organisation.pk, "name": organisation.name} if organisation else None,
        "status": registration.status,
        "position": registration.position,
        "created_at": local(registration.created_at),
        "attendance": registration.attendance,
    }


def _my_registrations(user: User) -> QuerySet[Registration]:
    return Registration.objects.filter(user=user).select_related("session__course")


def _visible_session(user: User, session_id: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("course"), pk=session_id)
    if not can_view_course(user, session.course):
        raise Http404
    return session


@router.post(
    "/sessions/{id}/registrations",
    response={200: RegistrationOut, 201: RegistrationOut},
    auth=current_user,
    summary="Aanmelden voor een bijeenkomst",
    description="Meldt jou aan. Is er een plaats vrij, dan krijg je die (`confirmed`); is de bijeenkomst vol, "
    "dan kom je op de wachtlijst (`waiting`, met `position`). Ben je al aangemeld, dan antwoordt de API met 200 "
    "en je bestaande aanmelding. 403 als de cursus niet voor jouw organisatie is, 409 als de bijeenkomst "
    "geannuleerd of begonnen is.",
    openapi_extra={"responses": BUSY},
)
def register_for_session(request: HttpRequest, id: Id, response: HttpResponse) -> Status[dict] | HttpResponse:
    user = current_user(request)
    session = _visible_session(user, id)
    try:
        result = services.register(user, session)
    except services.RegistrationClosed as error:
        return problem_response(409, " ".join(error.messages))
    except services.SessionBusy:
        return _busy()
    registration = result.registration  # its session and course are loaded already
    if result.created:
        response["Location"] = absolute_url(f"/api/v1/registrations/{registration.pk}")
        return Status(201, _registration_out(registration))
    return Status(200, _registration_out(registration))


@router.get(
    "/registrations",
    response=RegistrationPage,
    auth=current_user,
    summary="Mijn aanmeldingen",
    description="Jouw aanmeldingen, de eerstvolgende bijeenkomst eerst; ook afgemelde en voorbije.",
)
def list_registrations(request: HttpRequest, filters: Query[RegistrationFilters], paging: Query[PageParams]) -> dict:
    user = current_user(request)
    registrations = _my_registrations(user).order_by("session__starts_at", "pk")
    if filters.status:
        registrations = registrations.filter(status=filters.status)
    if filters.upcoming:
        registrations = registrations.filter(session__starts_at__gt=timezone.now())
    items, count = paginate(registrations, paging)
    return {"items": [_registration_out(r) for r in items], "count": count}


@router.get(
    "/registrations/{id}",
    response=RegistrationOut,
    auth=current_user,
    summary="Eén aanmelding van mij",
    description="Een aanmelding van jezelf; die van anderen bestaan voor jou niet (404).",
)
def get_registration(request: HttpRequest, id: Id) -> dict:
    user = current_user(request)
    return _registration_out(get_object_or_404(_my_registrations(user), pk=id))


@router.delete(
    "/registrations/{id}",
    response={204: None},
    auth=current_user,
    summary="Afmelden",
    description="Meldt je af (of haalt je van de wachtlijst), tot de bijeenkomst begint; daarna 409. Je plaats "
    "gaat naar de wachtlijst. Nog eens afmelden verandert niets (204).",
    openapi_extra={"responses": BUSY},
)
def cancel_registration(request: HttpRequest, id: Id) -> Status[None] | HttpResponse:
    user = current_user(request)
    registration = get_object_or_404(_my_registrations(user), pk=id)
    try:
        services.cancel_registration(registration)
    except services.RegistrationClosed as error:
        return problem_response(409, " ".join(error.messages))
    except services.SessionBusy:
        return _busy()
    return Status(204, None)


@router.get(
    "/sessions/{id}/participants",
    response=ParticipantPage,
    auth=current_user,
    summary="Deelnemers en wachtlijst van een bijeenkomst",
    description="Voor de trainers van de cursus (en programmamanagers en beheerders): wie een plaats heeft en "
    "wie op de wachtlijst staat (in volgorde), met organisatie en aanwezigheid.",
)
def list_participants(request: HttpRequest, id: Id, paging: Query[PageParams]) -> dict:
    user = current_user(request)
    session = _visible_session(user, id)
    if not can_edit_course(user, session.course):
        raise PermissionDenied(_("Alleen de trainers van deze cursus zien wie er meedoet."))
    registrations = (
        Registration.objects.active()
        .filter(session=session)
        .select_related("user__organisation")
        .order_by("status", "position", "created_at", "pk")  # confirmed before waiting, then in line
    )
    items, count = paginate(registrations, paging)
    return {
        "items": [_participant_out(r) for r in items],
        "count": count,
        "capacity": session.capacity,
        "confirmed_count": session.confirmed_count,
        "waiting_count": session.waiting_count,
    }


@router.patch(
    "/registrations/{id}/attendance",
    response=ParticipantOut,
    auth=current_user,
    summary="Aanwezigheid bijhouden",
    description="Voor de trainers: was iemand met een plaats er (`present`), niet (`absent`), of nog niet "
    "bijgehouden (`unknown`). Kan vanaf een uur voor het begin; het resultaat blijft bewaard.",
)
def update_attendance(request: HttpRequest, id: Id, payload: AttendanceIn) -> dict:
    user = current_user(request)
    registrations = Registration.objects.select_related("session__course", "user__organisation")
    registration = get_object_or_404(registrations, pk=id)
    if not can_edit_course(user, registration.session.course):
        if registration.user_id == user.pk:
            raise PermissionDenied(_("Alleen de trainers houden de aanwezigheid bij."))
        raise Http404
    services.mark_attendance(user, registration, payload.attendance)
    return _participant_out(registration)
