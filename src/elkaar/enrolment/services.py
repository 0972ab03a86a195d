"""Every change to registrations: register, wait, get a place, give it back, claim, cancel, attendance.

Locking rule (after pretix): a change to a session's registrations holds that session's row lock for its whole
transaction, takes it once and as late as possible (after the checks that need no lock), and a lock that cannot
be had in time becomes `SessionBusy` ("busy, try again"), never a hang or a wrong count. On PostgreSQL the lock
is `SELECT ... FOR UPDATE` with a lock timeout; SQLite runs IMMEDIATE transactions, so the database's single write
lock (taken at BEGIN, waited for up to the connection timeout) serialises every writer. Under the lock the
services keep `Session.confirmed_count` and `Session.waiting_count` equal to the registration rows, never confirm
more people than `Session.capacity`, and keep waiting positions 1..n without gaps.

The waiting list moves by itself. A freed place (cancellation, capacity raised) goes to the first person in line
who is not held back by the no-show rule, automatically, by the `fill_free_places_task` queued after commit;
until then nobody new jumps the queue. From `WAITLIST_OPEN_CLAIM_HOURS` before the start, a freed place is instead
offered to everyone waiting by e-mail, and whoever claims first gets it (a new registration then also takes a free
place directly). E-mails and tasks are queued only after the transaction commits; the e-mails are even written
then (`_after_commit`), so rendering them never lengthens the time the lock is held.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elkaar.accounts.models import User
from elkaar.catalogue.models import CourseStatus, Session, SessionStatus
from elkaar.core.permissions import can_edit_course
from elkaar.enrolment import calendar
from elkaar.enrolment.models import (
    ACTIVE_STATUSES,
    Attendance,
    CalendarFeed,
    Cancellation,
    Registration,
    RegistrationStatus,
    SessionMessage,
)
from elkaar.notifications import mail

logger = logging.getLogger(__name__)

LOCK_TIMEOUT_MS = 10_000  # PostgreSQL: waiting longer than this for a session row means "busy, try again"
ATTENDANCE_OPENS_BEFORE = timedelta(hours=1)  # trainers may tick attendance from an hour before the start
NO_SHOW_PERIOD = timedelta(days=365)  # no-shows count for the rule during twelve months
FULL_DEMAND_SHARE = 4  # full demand: waiting list, or at most a quarter of the places left (rounded up)


class SessionBusy(Exception):
    """The session was locked by others for too long; nothing changed, the caller may try again."""

    def __init__(self) -> None:
        super().__init__(_("Het is nu erg druk bij deze bijeenkomst. Er is niets veranderd; probeer het zo nog eens."))


class RegistrationClosed(ValidationError):
    """The session does not take this change any more (started, cancelled, not published)."""


class NotInAudience(PermissionDenied):
    """The course is meant for other organisations than the person's own."""


RegistrationRule = Callable[[User, Session], None]
# Rules other apps add (for example demand's priority window): asked before every registration, after the built-in
# checks; a rule refuses by raising RegistrationClosed or NotInAudience with a reason people understand.
REGISTRATION_RULES: list[RegistrationRule] = []


def add_registration_rule(rule: RegistrationRule) -> None:
    """Ask `rule(user, session)` before every registration (once per function, however often it is added)."""
    if rule not in REGISTRATION_RULES:
        REGISTRATION_RULES.append(rule)


@dataclass
class RegisterResult:
    registration: Registration
    created: bool  # False: the person was already registered and this is their existing registration


# Locking ------------------------------------------------------------------------------------------------------


def _is_lock_failure(error: OperationalError) -> bool:
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate in {"55P03", "40P01"}:  # lock_not_available, deadlock_detected
        return True
    return connection.vendor == "sqlite" and "locked" in str(error).lower()


P = ParamSpec("P")
R = TypeVar("R")


def busy_guard(function: Callable[P, R]) -> Callable[P, R]:
    """Turn a lock that could not be had in time into SessionBusy (the transaction is rolled back)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except OperationalError as error:
            if _is_lock_failure(error):
                logger.warning("session lock not available: %s", error)
                raise SessionBusy() from error
            raise

    return wrapper


@contextmanager
def locked_session(session_id: int) -> Iterator[Session]:
    """A transaction holding the row lock of session `session_id`; yields the freshly read, locked session."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = {int(LOCK_TIMEOUT_MS)}")
        session = Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session_id)
        yield session


def _after_commit(function: Callable[..., object], *args: object) -> None:
    """Run `function(*args)` (an e-mail) once the transaction has committed (and the lock is released); a failure
    there is logged and never turns a registration that succeeded into an error. Skipped while mail is muted: the
    message and its calendar file would be made for nothing."""
    if mail.is_muted():
        return
    transaction.on_commit(functools.partial(function, *args), robust=True)


def _save_counts(session: Session) -> None:
    session.save(update_fields=["confirmed_count", "waiting_count", "updated_at"])


# Rules ---------------------------------------------------------------------------------------------------------


def claim_window_open(session: Session, now: datetime | None = None) -> bool:
    """Within WAITLIST_OPEN_CLAIM_HOURS before the start, freed places are offered to the whole waiting list."""
    now = now or timezone.now()
    return session.starts_at - timedelta(hours=settings.WAITLIST_OPEN_CLAIM_HOURS) <= now < session.starts_at


def no_show_count(user: User, now: datetime | None = None) -> int:
    """No-shows of this person in the last twelve months (confirmed place, ticked absent)."""
    now = now or timezone.now()
    return Registration.objects.no_shows().filter(user=user, session__starts_at__gte=now - NO_SHOW_PERIOD).count()


def in_full_demand(session: Session) -> bool:
    """Full demand: people are waiting, or at most a quarter of the places (rounded up) is left."""
    quarter = -(-session.capacity // FULL_DEMAND_SHARE)
    return session.waiting_count > 0 or session.places_left <= quarter


def held_by_no_show_rule(user: User, session: Session, now: datetime | None = None) -> bool:
    """NO_SHOW_RULE = N (off when 0): with N or more no-shows in twelve months, a registration for a session in
    full demand (outside the claim window) goes to the waiting list, held: it is passed over by automatic
    promotion and gets a place only by claiming one in the claim window, like everyone still waiting then."""
    threshold = settings.NO_SHOW_RULE
    if threshold < 1 or claim_window_open(session, now) or not in_full_demand(session):
        return False
    return no_show_count(user, now) >= threshold


def _eligible_waiting(session: Session) -> int:
    """People waiting who may get a freed place automatically (everyone but those held by the no-show rule)."""
    if session.waiting_count == 0 or settings.NO_SHOW_RULE < 1:
        return session.waiting_count
    return Registration.objects.filter(session=session, status=RegistrationStatus.WAITING, held=False).count()


def _check_open(session: Session, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if session.course.status != CourseStatus.PUBLISHED:
        raise RegistrationClosed(_("Deze cursus staat niet (meer) open voor aanmeldingen."))
    if session.status == SessionStatus.CANCELLED:
        raise RegistrationClosed(_("Deze bijeenkomst is geannuleerd."))
    if session.starts_at <= now:
        raise RegistrationClosed(_("Deze bijeenkomst is al begonnen; aanmelden kan niet meer."))


def check_can_register(user: User, session: Session, now: datetime | None = None) -> None:
    """Raise NotInAudience or RegistrationClosed with a reason a person understands, or return. Besides the
    built-in checks (published, not cancelled, not started, the person's organisation in the course's audience)
    every rule in REGISTRATION_RULES is asked."""
    _check_open(session, now)
    course = session.course
    if not course.is_open_to(user.organisation):
        raise NotInAudience(
            _(
                "Deze cursus is bedoeld voor %(audience)s. Jouw organisatie (%(organisation)s) hoort daar niet bij. "
                "Neem contact op met de trainer als je denkt dat dit niet klopt."
            )
            % {
                "audience": course.audience_label(),
                "organisation": user.organisation.name if user.organisation else _("onbekend"),
            }
        )
    for rule in REGISTRATION_RULES:
        rule(user, session)


def _check_not_started(session: Session, message: str) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise RegistrationClosed(_("Deze bijeenkomst is geannuleerd."))
    if session.starts_at <= timezone.now():
        raise RegistrationClosed(message)


# Registering ---------------------------------------------------------------------------------------------------


@busy_guard
def register(user: User, session: Session) -> RegisterResult:
    """Register `user` for `session`: a confirmed place when one is free and nobody eligible waits for it (in the
    claim window: whenever one is free), else the end of the waiting list. The person must belong to the course's
    audience, the course must be published and the session neither cancelled nor started (NotInAudience,
    RegistrationClosed). Registering again while registered changes nothing and returns the existing registration
    (created False). Confirmation or waiting-list e-mail (with .ics for a place) after commit."""
    check_can_register(user, session)
    with locked_session(session.pk) as locked:
        existing = Registration.objects.active().filter(session=locked, user=user).first()
        if existing is not None:
            return RegisterResult(existing, created=False)
        _check_open(locked)  # again under the lock: a trainer may have cancelled it meanwhile
        now = timezone.now()
        held = held_by_no_show_rule(user, locked, now)
        queue_clear = claim_window_open(locked, now) or _eligible_waiting(locked) == 0
        registration = Registration(session=locked, user=user, created_at=now, held=held)
        if locked.places_left > 0 and queue_clear and not held:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = now
            locked.confirmed_count += 1
        else:
            registration.status = RegistrationStatus.WAITING
            registration.position = locked.waiting_count + 1
            locked.waiting_count += 1
        registration.save()
        _save_counts(locked)
        registration.session = locked
        _after_commit(_mail_registered, registration)
        return RegisterResult(registration, created=True)


def _mail_registered(registration: Registration) -> None:
    person, session = registration.user, registration.session
    context = {
        "registration": registration,
        "session": session,
        "course": session.course,
        "person": person,
        "WAITLIST_OPEN_CLAIM_HOURS": settings.WAITLIST_OPEN_CLAIM_HOURS,
    }
    if registration.is_confirmed:
        ics = calendar.invitation(session, person, with_link=True)
        attachments = [calendar.attachment(ics, "REQUEST")]
        mail.send(person.email, "registration_confirmed", context, person.preferred_language, attachments)
    else:
        mail.send(person.email, "registration_waiting", context, person.preferred_language)


# Cancelling, giving back ---------------------------------------------------------------------------------------


def _leave_waiting_list(session: Session, registration: Registration) -> None:
    position = registration.position
    registration.position = None
    Registration.objects.filter(session=session, status=RegistrationStatus.WAITING, position__gt=position).update(
        position=F("position") - 1
    )
    session.waiting_count -= 1


@busy_guard
def cancel_registration(registration: Registration, *, give_back: bool = False) -> Registration:
    """End a registration, until the session starts (RegistrationClosed after). A freed place goes to the waiting
    list (see fill_free_places); people after a cancelled waiting position move up. Cancelling a cancelled
    registration changes nothing. `give_back` records that an automatically assigned place was handed back.
    The caller checks that the person may (their own registration, or the secret link)."""
    with locked_session(registration.session_id) as session:
        current = Registration.objects.select_related("user").get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            return current
        _check_not_started(session, _("De bijeenkomst is al begonnen; afmelden kan niet meer."))
        was_confirmed = current.is_confirmed
        if was_confirmed:
            session.confirmed_count -= 1
        else:
            _leave_waiting_list(session, current)
        current.status = RegistrationStatus.CANCELLED
        current.cancelled_at = timezone.now()
        current.cancellation = Cancellation.GIVEN_BACK if give_back else Cancellation.PARTICIPANT
        current.save()
        _save_counts(session)
        current.session = session
        if was_confirmed:
            _after_commit(_mail_cancelled, current)
            queue_fill(session)
        return current


def _mail_cancelled(registration: Registration) -> None:
    person, session = registration.user, registration.session
    attachments = [calendar.attachment(calendar.cancellation(session, person), "CANCEL")]
    mail.send(
        person.email,
        "registration_cancelled",
        {"registration": registration, "session": session, "course": session.course, "person": person},
        person.preferred_language,
        attachments,
    )


def give_back(registration: Registration) -> Registration:
    """Hand back a place that was assigned automatically from the waiting list; it goes to the next in line."""
    if registration.promoted_at is None:
        raise ValidationError(_("Deze plaats is niet automatisch toegewezen; meld je af als je niet kunt komen."))
    return cancel_registration(registration, give_back=True)


# The waiting list moving ---------------------------------------------------------------------------------------


def queue_fill(session: Session) -> None:
    """After commit, let the task queue give free places of `session` to its waiting list."""
    if session.waiting_count == 0:
        return
    from elkaar.enrolment.tasks import fill_free_places_task

    session_id = session.pk
    transaction.on_commit(lambda: fill_free_places_task.enqueue(session_id), robust=True)


@busy_guard
def fill_free_places(session_id: int, *, announce: bool = True) -> list[Registration]:
    """Give the free places of a session to its waiting list. Returns the registrations promoted or offered.

    Outside the claim window the first people in line (skipping those held by the no-show rule) get the places
    automatically and an e-mail with the .ics and a link to give the place back. Inside the claim window every
    waiting person gets an e-mail offering the free place(s) (`announce`), or only those never told before
    (`announce` False: the periodic job), and the first to claim gets it. Idempotent: with no free place or
    nobody waiting it does nothing; nothing happens for cancelled or started sessions.
    """
    with locked_session(session_id) as session:
        free = session.capacity - session.confirmed_count
        if free <= 0 or session.waiting_count == 0 or session.is_cancelled or session.starts_at <= timezone.now():
            return []
        now = timezone.now()
        waiting = Registration.objects.filter(session=session, status=RegistrationStatus.WAITING)
        if claim_window_open(session, now):
            if not announce:
                waiting = waiting.filter(offered_at__isnull=True)
            offered = list(waiting.select_related("user").order_by("position"))
            Registration.objects.filter(pk__in=[r.pk for r in offered]).update(offered_at=now)
            for registration in offered:
                registration.session = session
                _after_commit(_mail_offer, registration, free)
            return offered
        if settings.NO_SHOW_RULE >= 1:
            waiting = waiting.filter(held=False)
        promoted = list(waiting.select_related("user").order_by("position")[:free])
        for registration in sorted(promoted, key=lambda r: r.position or 0, reverse=True):
            _leave_waiting_list(session, registration)
        for registration in promoted:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = registration.promoted_at = now
            registration.save(update_fields=["status", "position", "confirmed_at", "promoted_at"])
            session.confirmed_count += 1
            registration.session = session
            _after_commit(_mail_promoted, registration)
        _save_counts(session)
        return promoted


def _mail_promoted(registration: Registration) -> None:
    person, session = registration.user, registration.session
    ics = calendar.invitation(session, person, with_link=True)
    mail.send(
        person.email,
        "waitlist_promoted",
        {"registration": registration, "session": session, "course": session.course, "person": person},
        person.preferred_language,
        [calendar.attachment(ics, "REQUEST")],
    )


def _mail_offer(registration: Registration, free: int) -> None:
    person, session = registration.user, registration.session
    mail.send(
        person.email,
        "waitlist_place_offered",
        {
            "registration": registration,
            "session": session,
            "course": session.course,
            "person": person,
            "free": free,
        },
        person.preferred_language,
    )


@busy_guard
def claim_place(registration: Registration) -> bool:
    """Take a free place from the waiting list: True when the place is now theirs, False when none is free for them
    (someone else claimed it first). In the claim window anyone waiting may claim; before it, only the first
    eligible person in line (whom the promotion task would choose anyway). RegistrationClosed once started."""
    with locked_session(registration.session_id) as session:
        current = Registration.objects.select_related("user").get(pk=registration.pk)
        if current.is_confirmed:
            return True
        if current.status != RegistrationStatus.WAITING:
            raise RegistrationClosed(_("Je staat niet meer op de wachtlijst voor deze bijeenkomst."))
        _check_not_started(session, _("De bijeenkomst is al begonnen."))
        if session.places_left <= 0:
            return False
        if not claim_window_open(session):
            ahead = Registration.objects.filter(
                session=session, status=RegistrationStatus.WAITING, held=False, position__lt=current.position
            )
            if current.held or ahead.exists():
                return False
        now = timezone.now()
        _leave_waiting_list(session, current)
        current.status = RegistrationStatus.CONFIRMED
        current.confirmed_at = now
        current.save(update_fields=["status", "position", "confirmed_at"])
        session.confirmed_count += 1
        _save_counts(session)
        current.session = session
        _after_commit(_mail_registered, current)
        return True


# Trainers -------------------------------------------------------------------------------------------------------


def _require_trainer(user: User, session: Session) -> None:
    if not can_edit_course(user, session.course):
        raise PermissionDenied(_("Alleen de trainers van deze cursus mogen dit."))


@busy_guard
def change_capacity(user: User, session: Session, capacity: int) -> Session:
    """Set the number of places of a session (trainers, programme managers, admins). Never below the confirmed
    places nor below 1 (ValidationError); extra places go to the waiting list after commit."""
    _require_trainer(user, session)
    with locked_session(session.pk) as locked:
        if locked.is_cancelled:
            raise RegistrationClosed(_("Deze bijeenkomst is geannuleerd."))
        if capacity < 1:
            raise ValidationError({"capacity": _("Een bijeenkomst heeft minstens één plaats.")})
        if capacity < locked.confirmed_count:
            raise ValidationError(
                {
                    "capacity": ngettext(
                        "Er is al %(count)d bevestigde aanmelding; kies minstens zoveel plaatsen.",
                        "Er zijn al %(count)d bevestigde aanmeldingen; kies minstens zoveel plaatsen.",
                        locked.confirmed_count,
                    )
                    % {"count": locked.confirmed_count}
                }
            )
        raised = capacity > locked.capacity
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
        if raised:
            queue_fill(locked)
        return locked


@busy_guard
def cancel_session(user: User, session: Session, reason: str) -> Session:
    """A trainer cancels a session that has not started, with a reason everyone is told. Every registration ends
    (cancellation "session"); people with a place get a METHOD:CANCEL calendar file, people waiting an e-mail."""
    _require_trainer(user, session)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Vertel de deelnemers waarom de bijeenkomst niet doorgaat.")})
    with locked_session(session.pk) as locked:
        if locked.is_cancelled:
            raise RegistrationClosed(_("Deze bijeenkomst is al geannuleerd."))
        _check_not_started(locked, _("Een bijeenkomst die al begonnen is, kan niet meer worden geannuleerd."))
        now = timezone.now()
        locked.status = SessionStatus.CANCELLED
        locked.cancel_reason = reason
        locked.sequence += 1
        affected = list(Registration.objects.active().filter(session=locked).select_related("user"))
        Registration.objects.filter(pk__in=[r.pk for r in affected]).update(
            status=RegistrationStatus.CANCELLED, position=None, cancelled_at=now, cancellation=Cancellation.SESSION
        )
        locked.confirmed_count = locked.waiting_count = 0
        locked.save(
            update_fields=["status", "cancel_reason", "sequence", "confirmed_count", "waiting_count", "updated_at"]
        )
        for registration in affected:
            had_place = registration.status == RegistrationStatus.CONFIRMED
            _after_commit(_mail_session_cancelled, locked, registration.user, had_place)
        return locked


def _mail_session_cancelled(session: Session, person: User, had_place: bool) -> None:
    attachments = [calendar.attachment(calendar.cancellation(session, person), "CANCEL")] if had_place else []
    mail.send(
        person.email,
        "session_cancelled",
        {"session": session, "course": session.course, "person": person, "had_place": had_place},
        person.preferred_language,
        attachments,
    )


def notify_session_changed(session: Session) -> None:
    """Tell everyone registered that time, place or link changed: people with a place get the updated calendar
    event (same UID, higher SEQUENCE), people waiting the new details. Called after the change committed."""
    registrations = Registration.objects.active().filter(session=session).select_related("user")
    for registration in registrations:
        person = registration.user
        registration.session = session
        attachments = []
        if registration.is_confirmed:
            ics = calendar.invitation(session, person, with_link=True)
            attachments.append(calendar.attachment(ics, "REQUEST"))
        mail.send(
            person.email,
            "session_updated",
            {"registration": registration, "session": session, "course": session.course, "person": person},
            person.preferred_language,
            attachments,
        )


def mark_attendance(user: User, registration: Registration, attendance: str) -> Registration:
    """A trainer ticks whether someone with a place came (present/absent, or back to unknown). Possible from an
    hour before the start, and afterwards at any time: the result is kept. Only for confirmed places."""
    session = registration.session
    _require_trainer(user, session)
    _check_attendance_open(session)
    if not registration.is_confirmed:
        raise ValidationError(_("Aanwezigheid houd je alleen bij voor mensen met een plaats."))
    _set_attendance(user, registration, attendance)
    return registration


@transaction.atomic
def mark_attendance_list(user: User, session: Session, marks: dict[int, str]) -> int:
    """Tick attendance for many registrations of one session at once (the list on a phone); returns how many
    changed. Ids that are not confirmed registrations of this session are ignored."""
    _require_trainer(user, session)
    _check_attendance_open(session)
    changed = 0
    for registration in Registration.objects.confirmed().filter(session=session, pk__in=list(marks)):
        if registration.attendance != marks[registration.pk]:
            _set_attendance(user, registration, marks[registration.pk])
            changed += 1
    return changed


def _check_attendance_open(session: Session) -> None:
    if session.is_cancelled:
        raise ValidationError(_("Deze bijeenkomst is geannuleerd."))
    if timezone.now() < session.starts_at - ATTENDANCE_OPENS_BEFORE:
        raise ValidationError(_("Aanwezigheid bijhouden kan vanaf een uur voor het begin."))


def _set_attendance(user: User, registration: Registration, attendance: str) -> None:
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": _("Kies aanwezig, afwezig of niet bijgehouden.")})
    registration.attendance = attendance
    registration.attendance_marked_at = timezone.now()
    registration.attendance_marked_by = user
    registration.save(update_fields=["attendance", "attendance_marked_at", "attendance_marked_by"])


def message_participants(
    user: User, session: Session, subject: str, body: str, *, include_waiting: bool = False
) -> SessionMessage:
    """E-mail every person with a place (and optionally everyone waiting) a message from a trainer; replies go to
    the trainer. The message is kept for the trainers to see."""
    _require_trainer(user, session)
    subject, body = subject.strip(), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = _("Geef het bericht een onderwerp.")
    if not body:
        errors["body"] = _("Schrijf een bericht.")
    if errors:
        raise ValidationError(errors)
    statuses = ACTIVE_STATUSES if include_waiting else (RegistrationStatus.CONFIRMED,)
    recipients = list(Registration.objects.filter(session=session, status__in=statuses).select_related("user"))
    with transaction.atomic():
        message = SessionMessage.objects.create(
            session=session,
            sender=user,
            subject=subject,
            body=body,
            include_waiting=include_waiting,
            recipient_count=len(recipients),
        )
        for registration in recipients:
            person = registration.user
            mail.send(
                person.email,
                "session_message",
                {
                    "session": session,
                    "course": session.course,
                    "person": person,
                    "sender": user,
                    "message": message,
                    "registration": registration,
                },
                person.preferred_language,
                reply_to=user.email,
            )
    return message


# Calendar feeds ------------------------------------------------------------------------------------------------


@transaction.atomic
def renew_calendar_feed(user: User) -> CalendarFeed:
    """Give the person new secret feed addresses; the old ones stop working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


@transaction.atomic
def revoke_calendar_feed(user: User) -> None:
    """Switch the person's calendar feeds off."""
    CalendarFeed.objects.filter(user=user).delete()
