"""Every change to courses, sessions and programmes. Pages, the API and commands all call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elkaar.accounts.models import User
from elkaar.catalogue.models import (
    Course,
    CourseStatus,
    CourseTrainer,
    Session,
    SessionStatus,
    TrainerInvitation,
)
from elkaar.core.models import Topic, unique_slug
from elkaar.core.permissions import can_edit_course, manages_programme
from elkaar.notifications import mail

COURSE_FIELDS = (
    "title", "summary", "description", "audience", "audience_kinds", "format", "language", "level",
    "duration_minutes", "group_size", "prerequisites", "what_to_bring", "programme", "external_id",
)  # fmt: skip


@dataclass
class SessionData:
    """What it takes to schedule a session."""

    starts_at: datetime
    ends_at: datetime | None = None
    capacity: int | None = None
    location: str = ""
    online_url: str = ""


def _check_session(data: SessionData, course: Course) -> tuple[datetime, datetime, int]:
    ends_at = data.ends_at or data.starts_at + timedelta(minutes=course.duration_minutes)
    capacity = data.capacity if data.capacity is not None else course.group_size
    errors: dict[str, str] = {}
    if ends_at <= data.starts_at:
        errors["ends_at"] = _("Het einde moet na het begin liggen.")
    if capacity < 1:
        errors["capacity"] = _("Een bijeenkomst heeft minstens één plaats.")
    if errors:
        raise ValidationError(errors)
    return data.starts_at, ends_at, capacity


@transaction.atomic
def create_course(
    user: User,
    *,
    topics: list[Topic],
    first_session: SessionData | None = None,
    publish: bool = False,
    **fields,
) -> Course:
    """Create a course taught by `user` (optionally with its first session) as a draft, or publish it at once.

    The course belongs to the user's organisation unless `organisation` is given (imports and admins).
    """
    organisation = fields.pop("organisation", None) or user.organisation
    if organisation is None:
        raise ValidationError(_("Je account hoort nog niet bij een organisatie."))
    if not topics:
        raise ValidationError({"topics": _("Kies minstens één onderwerp.")})
    course = Course(organisation=organisation, created_by=user, **{k: v for k, v in fields.items() if v is not None})
    course.slug = unique_slug(Course, course.title, max_length=200)
    course.full_clean(exclude=["slug", "topics", "trainers"])
    course.save()
    course.topics.set(topics)
    CourseTrainer.objects.create(course=course, user=user)
    if first_session is not None:
        add_session(user, course, first_session)
    if publish:
        publish_course(user, course)
    return course


@transaction.atomic
def update_course(user: User, course: Course, *, topics: list[Topic] | None = None, **fields) -> Course:
    """Change a course's fields; only its trainers, its programme's managers and admins may."""
    if not can_edit_course(user, course):
        raise PermissionDenied(_("Je mag deze cursus niet wijzigen."))
    if topics is not None and not topics:
        raise ValidationError({"topics": _("Kies minstens één onderwerp.")})
    for name, value in fields.items():
        if name not in COURSE_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(course, name, value)
    course.full_clean(exclude=["slug", "topics", "trainers"])
    course.save()
    if topics is not None:
        course.topics.set(topics)
    return course


@transaction.atomic
def publish_course(user: User, course: Course) -> Course:
    """Publish, or submit for approval when its programme asks that managers approve new courses."""
    if not can_edit_course(user, course):
        raise PermissionDenied(_("Je mag deze cursus niet publiceren."))
    needs_approval = (
        course.programme is not None
        and course.programme.requires_approval
        and course.published_at is None
        and not manages_programme(user, course.programme)
    )
    if needs_approval:
        course.status = CourseStatus.PENDING
        course.save(update_fields=["status", "updated_at"])
        for manager in course.programme.managers.all():  # type: ignore[union-attr]
            mail.send(
                manager.email,
                "course_needs_approval",
                {"course": course, "manager": manager, "submitter": user},
                manager.preferred_language,
            )
        return course
    _make_published(course)
    return course


def _make_published(course: Course) -> None:
    course.status = CourseStatus.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])


@transaction.atomic
def approve_course(manager: User, course: Course) -> Course:
    """A programme manager approves a course waiting for approval; it is published and its trainers told."""
    if course.programme is None or not manages_programme(manager, course.programme):
        raise PermissionDenied(_("Alleen de programmamanager mag deze cursus goedkeuren."))
    if course.status != CourseStatus.PENDING:
        raise ValidationError(_("Deze cursus wacht niet op goedkeuring."))
    _make_published(course)
    for trainer in course.trainers.all():
        mail.send(
            trainer.email,
            "course_approved",
            {"course": course, "trainer": trainer},
            trainer.preferred_language,
        )
    return course


@transaction.atomic
def archive_course(user: User, course: Course) -> Course:
    """Take a course out of the catalogue; its history (sessions, people) stays."""
    if not can_edit_course(user, course):
        raise PermissionDenied(_("Je mag deze cursus niet archiveren."))
    course.status = CourseStatus.ARCHIVED
    course.save(update_fields=["status", "updated_at"])
    return course


@transaction.atomic
def add_session(user: User, course: Course, data: SessionData) -> Session:
    """Schedule a new session of a course."""
    if not can_edit_course(user, course):
        raise PermissionDenied(_("Je mag voor deze cursus geen bijeenkomsten plannen."))
    starts_at, ends_at, capacity = _check_session(data, course)
    session = Session(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        location=data.location,
        online_url=data.online_url,
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def update_session(user: User, session: Session, data: SessionData) -> Session:
    """Change time, place or capacity. A change people must know about raises the iCalendar SEQUENCE."""
    if not can_edit_course(user, session.course):
        raise PermissionDenied(_("Je mag deze bijeenkomst niet wijzigen."))
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("Een geannuleerde bijeenkomst kan niet meer worden gewijzigd."))
    session = Session.objects.select_for_update().get(pk=session.pk)
    starts_at, ends_at, capacity = _check_session(data, session.course)
    visible_change = (starts_at, ends_at, data.location, data.online_url) != (
        session.starts_at,
        session.ends_at,
        session.location,
        session.online_url,
    )
    session.starts_at, session.ends_at = starts_at, ends_at
    session.location, session.online_url = data.location, data.online_url
    session.capacity = capacity
    if visible_change:
        session.sequence += 1
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def invite_trainer(user: User, course: Course, email: str) -> TrainerInvitation | None:
    """Invite a colleague to teach together. Returns None when that person already teaches it."""
    if not can_edit_course(user, course):
        raise PermissionDenied(_("Je mag voor deze cursus geen trainers uitnodigen."))
    email = email.strip().lower()
    if course.course_trainers.filter(user__email=email).exists():
        return None
    invitation, _created = TrainerInvitation.objects.get_or_create(
        course=course, email=email, accepted_at=None, defaults={"invited_by": user}
    )
    language = User.objects.filter(email=email).values_list("preferred_language", flat=True).first() or "nl"
    mail.send(email, "trainer_invitation", {"course": course, "invitation": invitation, "inviter": user}, language)
    return invitation


@transaction.atomic
def accept_invitation(user: User, token: str) -> Course:
    """The logged-in colleague accepts an invitation to teach; the address must match their account."""
    invitation = TrainerInvitation.objects.select_for_update().select_related("course").filter(token=token).first()
    if invitation is None or invitation.accepted_at is not None or invitation.is_expired:
        raise ValidationError(_("Deze uitnodiging is niet (meer) geldig."))
    if invitation.email != user.email.lower():
        raise PermissionDenied(_("Deze uitnodiging is voor een ander e-mailadres."))
    CourseTrainer.objects.get_or_create(course=invitation.course, user=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return invitation.course


@transaction.atomic
def remove_trainer(user: User, course: Course, trainer: User) -> None:
    """Remove a co-trainer; a course always keeps at least one trainer."""
    if not can_edit_course(user, course):
        raise PermissionDenied(_("Je mag de trainers van deze cursus niet wijzigen."))
    if course.course_trainers.count() <= 1:
        raise ValidationError(_("Een cursus heeft minstens één trainer."))
    course.course_trainers.filter(user=trainer).delete()
