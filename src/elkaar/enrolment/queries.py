"""Read-only questions pages and the API ask about registrations (what a person may do, what they have)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from elkaar.catalogue.models import Session
from elkaar.core.permissions import can_edit_course
from elkaar.enrolment import services
from elkaar.enrolment.models import Registration, RegistrationStatus

RECENT = timedelta(days=30)  # cancelled registrations stay listed this long after the session


@dataclass
class RegistrationState:
    """What one person sees and may do for one session."""

    registration: Registration | None  # their active registration (or the one asked about)
    manages: bool  # trainer of the course, its programme manager or an admin
    can_register: bool
    reason: str  # why registering is not possible ("" when it is)
    will_wait: bool  # registering now puts them on the waiting list
    can_claim: bool  # waiting, and a free place can be taken now
    show_link: bool  # the online link may be shown
    window_open: bool  # the last WAITLIST_OPEN_CLAIM_HOURS before the start


def registration_state(session: Session, user, registration: Registration | None = None) -> RegistrationState:
    authenticated = bool(user.is_authenticated)
    manages = authenticated and can_edit_course(user, session.course)
    if registration is None and authenticated:
        registration = Registration.objects.active().filter(session=session, user=user).first()
    can_register, reason = False, ""
    if authenticated and registration is None:
        try:
            services.check_can_register(user, session)
            can_register = True
        except (PermissionDenied, ValidationError) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    window_open = services.claim_window_open(session)
    will_wait = session.places_left <= 0 or (session.waiting_count > 0 and not window_open)
    can_claim = False
    if registration is not None and registration.is_waiting and session.places_left > 0 and not session.is_past:
        can_claim = window_open or (
            not registration.held
            and not Registration.objects.filter(
                session=session, status=RegistrationStatus.WAITING, held=False, position__lt=registration.position
            ).exists()
        )
    is_confirmed = registration is not None and registration.is_confirmed
    return RegistrationState(
        registration=registration,
        manages=manages,
        can_register=can_register,
        reason=reason,
        will_wait=will_wait,
        can_claim=can_claim,
        show_link=bool(session.online_url) and (manages or is_confirmed) and not session.is_cancelled,
        window_open=window_open,
    )


def my_registrations(user) -> dict:
    """Everything "mijn aanmeldingen" shows; the no-show record is the person's own and shown only to them."""
    now = timezone.now()
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("session__course__organisation")
        .order_by("session__starts_at")
    )
    coming = [r for r in registrations if r.is_confirmed and r.session.starts_at > now]
    waiting = [r for r in registrations if r.is_waiting and r.session.starts_at > now]
    past = [r for r in registrations if r.is_confirmed and r.session.starts_at <= now]
    past.reverse()
    cancelled = [
        r for r in registrations if r.status == RegistrationStatus.CANCELLED and r.session.starts_at > now - RECENT
    ]
    no_shows = [r for r in past if r.is_no_show and r.session.starts_at >= now - services.NO_SHOW_PERIOD]
    return {
        "coming": coming,
        "waiting": waiting,
        "past": past,
        "cancelled": cancelled,
        "no_shows": no_shows,
        "no_show_rule": settings.NO_SHOW_RULE,
        "claim_hours": settings.WAITLIST_OPEN_CLAIM_HOURS,
    }
