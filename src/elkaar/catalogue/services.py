"""Every change to courses, sessions and programmes. Pages, the API and commands all call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from elkaar.accounts.models import User
from elkaar.catalogue.models import (
    Course,
    CourseFormat,
    CourseStatus,
    CourseTrainer,
    Programme,
    Session,
    SessionStatus,
    TrainerInvitation,
)
from elkaar.catalogue.signals import course_published, session_changed
from elkaar.core.models import Topic, unique_slug
from elkaar.core.permissions import can_edit_course, manages_programme
from elkaar.notifications import mail

COURSE_FIELDS = (
    "title", "summary", "description", "audience", "audience_kinds", "format", "language", "level",
    "duration_minutes", "group_size", "prerequisites", "what_to_bring", "programme", "external_id",
)  # fmt: skip


RESERVED_SLUGS = {"bewerken", "publiceren", "gepubliceerd", "archiveren", "goedkeuren", "trainers"}


@dataclass
class SessionData:
    """What it takes to schedule a session."""

    starts_at: datetime
    ends_at: datetime | None = None
    capacity: int | None = None
    location: str = ""
    online_url: str = ""


def format_for(data: SessionData) -> str:
    """The course format a session implies: a place means on site, a link online, both hybrid."""
    if data.location and data.online_url:
        return CourseFormat.HYBRID
    if data.location:
        return CourseFormat.ON_SITE
    return CourseFormat.ONLINE


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

    The course belongs to the user's organisation unless `organisation` is given (imports and admins). Fields
    left out (or None) take the model defaults, except that with a first session an unset `format` follows from
    the session's place and link, and an unset `duration_minutes` from its length. With `publish`, a programme
    that asks for approval leaves the course waiting for it (see publish_course).
    """
    organisation = fields.pop("organisation", None) or user.organisation
    if organisation is None:
        raise ValidationError(_("Je account hoort nog niet bij een organisatie."))
    if not topics:
        raise ValidationError({"topics": _("Kies minstens één onderwerp.")})
    if first_session is not None:
        if fields.get("format") is None:
            fields["format"] = format_for(first_session)
        if fields.get("duration_minutes") is None and first_session.ends_at is not None:
            minutes = int((first_session.ends_at - first_session.starts_at).total_seconds() // 60)
            fields["duration_minutes"] = minutes if minutes > 0 else None
    course = Course(organisation=organisation, created_by=user, **{k: v for k, v in fields.items() if v is not None})
    course.slug = unique_slug(Course, course.title, max_length=200)
    if course.slug in RESERVED_SLUGS:  # words of the course's own page addresses, e.g. /cursussen/5/bewerken/
        course.slug = unique_slug(Course, f"{course.title} cursus", max_length=200)
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
    """Change a course's fields; only its trainers, its programme's managers and admins may.

    Moving a published course into a programme that asks for approval (by someone who does not manage that
    programme) takes it out of the catalogue until a manager approves it, as a new course of that programme would.
    """
    if not can_edit_course(user, course):
        raise PermissionDenied(_("Je mag deze cursus niet wijzigen."))
    if topics is not None and not topics:
        raise ValidationError({"topics": _("Kies minstens één onderwerp.")})
    old_programme_id = course.programme_id
    for name, value in fields.items():
        if name not in COURSE_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(course, name, value)
    course.full_clean(exclude=["slug", "topics", "trainers"])
    moved_into_approval = (
        course.programme is not None
        and course.programme_id != old_programme_id
        and course.programme.requires_approval
        and course.status == CourseStatus.PUBLISHED
        and not manages_programme(user, course.programme)
    )
    if moved_into_approval:
        course.status = CourseStatus.PENDING
    course.save()
    if topics is not None:
        course.topics.set(topics)
    if moved_into_approval:
        _ask_approval(user, course, course.programme)  # type: ignore[arg-type]
    return course


@transaction.atomic
def publish_course(user: User, course: Course) -> Course:
    """Publish, or submit for approval when its programme asks that managers approve new courses.

    A course published before comes back without a new approval. Publishing a published course, or asking
    again for a course that already waits for approval, changes nothing and sends no second message.
    A programme's own managers (and admins) publish at once.
    """
    if not can_edit_course(user, course):
        raise PermissionDenied(_("Je mag deze cursus niet publiceren."))
    if course.status == CourseStatus.PUBLISHED:
        return course
    needs_approval = (
        course.programme is not None
        and course.programme.requires_approval
        and course.published_at is None
        and not manages_programme(user, course.programme)
    )
    if needs_approval:
        if course.status == CourseStatus.PENDING:
            return course
        course.status = CourseStatus.PENDING
        course.save(update_fields=["status", "updated_at"])
        _ask_approval(user, course, course.programme)  # type: ignore[arg-type]
        return course
    _make_published(course)
    return course


def _ask_approval(user: User, course: Course, programme: Programme) -> None:
    for manager in programme.managers.all():
        mail.send(
            manager.email,
            "course_needs_approval",
            {"course": course, "programme": programme, "manager": manager, "submitter": user},
            manager.preferred_language,
        )


def _make_published(course: Course) -> None:
    course.status = CourseStatus.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    course_published.send(Course, course=course)


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
    """Change time, place or capacity. A change people must know about raises the iCalendar SEQUENCE.

    The capacity never drops below the confirmed registrations (the row is locked while it is checked).
    """
    if not can_edit_course(user, session.course):
        raise PermissionDenied(_("Je mag deze bijeenkomst niet wijzigen."))
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("Een geannuleerde bijeenkomst kan niet meer worden gewijzigd."))
    starts_at, ends_at, capacity = _check_session(data, session.course)
    if capacity < session.confirmed_count:
        raise ValidationError(
            {
                "capacity": ngettext(
                    "Er is al %(count)d bevestigde aanmelding; kies minstens zoveel plaatsen.",
                    "Er zijn al %(count)d bevestigde aanmeldingen; kies minstens zoveel plaatsen.",
                    session.confirmed_count,
                )
                % {"count": session.confirmed_count}
            }
        )
    visible_change = (starts_at, ends_at, data.location, data.online_url) != (
        session.starts_at,
        session.ends_at,
        session.location,
        session.online_url,
    )
    old_capacity = session.capacity
    session.starts_at, session.ends_at = starts_at, ends_at
    session.location, session.online_url = data.location, data.online_url
    session.capacity = capacity
    if visible_change:
        session.sequence += 1
    session.full_clean()
    session.save()
    # Enrolment tells registered people and fills raised capacity from the waiting list (after commit).
    session_changed.send(Session, session=session, visible_change=visible_change, old_capacity=old_capacity)
    return session


@transaction.atomic
def invite_trainer(user: User, course: Course, email: str) -> TrainerInvitation | None:
    """Invite a colleague to teach together. Returns None when that person already teaches it.

    Inviting the same address again while the invitation is open sends the same link once more.
    """
    if not can_edit_course(user, course):
        raise PermissionDenied(_("Je mag voor deze cursus geen trainers uitnodigen."))
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Vul een geldig e-mailadres in.")}) from None
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


@transaction.atomic
def withdraw_invitation(user: User, invitation: TrainerInvitation) -> None:
    """Withdraw an open invitation; its link stops working. Accepted invitations stay as a record."""
    if not can_edit_course(user, invitation.course):
        raise PermissionDenied(_("Je mag de trainers van deze cursus niet wijzigen."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("Deze uitnodiging is al aangenomen."))
    invitation.delete()


# Importing courses from another catalogue (used by catalogue.importer: the import-courses command and page).


@dataclass
class ImportedCourse:
    """One course as read from an import file; organisation, topics and trainers still by name and address."""

    external_id: str
    title: str
    summary: str
    description: str
    topics: list[str]
    organisation: str
    format: str
    duration_minutes: int
    language: str = "nl"
    trainers: tuple[str, ...] = ()
    level: str = ""  # empty: the default for a new course, unchanged for an existing one
    status: str = ""  # empty: published for a new course, unchanged for an existing one


@transaction.atomic
def import_course(user: User, data: ImportedCourse) -> tuple[Course, bool]:
    """Create or update the course `data.external_id` of organisation `data.organisation`; returns (course, created).

    - Only programme managers and administrators import (PermissionDenied otherwise); updating an existing
      course also needs the right to edit it (see can_edit_course) or to have imported it (its created_by).
    - Organisation and topics are found by name, ignoring case; unknown ones are created (organisation kind
      "overig"). The external id is unique per organisation.
    - A new course gets `user` as created_by and no trainers of its own; it is published unless `status` says
      otherwise. On update the slug (and so the URL) stays, and an empty level or status keeps the current one.
    - Trainers: addresses of existing accounts become trainers; any other address gets one TrainerInvitation
      e-mail (not again while that invitation is open). An import never removes a trainer.
    - Bad values raise ValidationError keyed by field name, and nothing of the course is saved.
    """
    from elkaar.accounts.models import Organisation, OrganisationKind
    from elkaar.core.permissions import is_admin, is_programme_manager

    if not is_programme_manager(user):
        raise PermissionDenied(_("Alleen programmamanagers en beheerders mogen cursussen importeren."))
    errors: dict[str, str] = {}
    external_id = data.external_id.strip()
    organisation_name = " ".join(data.organisation.split())
    topic_names = list(dict.fromkeys(" ".join(name.split()) for name in data.topics if name.strip()))
    if not external_id:
        errors["external_id"] = _("Dit veld is verplicht.")
    if not organisation_name:
        errors["organisation"] = _("Dit veld is verplicht.")
    elif len(organisation_name) > 200:
        errors["organisation"] = _("Een organisatienaam heeft hoogstens 200 tekens.")
    if not topic_names:
        errors["topics"] = _("Geef minstens één onderwerp.")
    elif any(len(name) > 100 for name in topic_names):
        errors["topics"] = _("Een onderwerp heeft hoogstens 100 tekens.")
    emails = list(dict.fromkeys(address.strip().lower() for address in data.trainers if address.strip()))
    for address in emails:
        try:
            validate_email(address)
        except ValidationError:
            errors["trainers"] = _("%(address)s is geen geldig e-mailadres.") % {"address": address}
            break
    if errors:
        raise ValidationError(errors)

    organisation = Organisation.objects.filter(name__iexact=organisation_name).first()
    if organisation is None:
        organisation = Organisation(name=organisation_name, kind=OrganisationKind.OTHER)
        organisation.full_clean(exclude=["slug"])
        organisation.save()
    topics = []
    for name in topic_names:
        topic = Topic.objects.filter(name__iexact=name).first()
        if topic is None:
            topic = Topic.objects.create(name=name)
        topics.append(topic)

    course = Course.objects.select_for_update().filter(organisation=organisation, external_id=external_id).first()
    created = course is None
    if course is None:
        course = Course(organisation=organisation, external_id=external_id, created_by=user)
        course.status = data.status or CourseStatus.PUBLISHED
    else:
        allowed = is_admin(user) or course.created_by_id == user.pk or can_edit_course(user, course)
        if not allowed:
            raise PermissionDenied(_("Je mag deze bestaande cursus niet bijwerken."))
        if data.status:
            course.status = data.status
    course.title, course.summary, course.description = data.title, data.summary, data.description
    course.format, course.duration_minutes, course.language = data.format, data.duration_minutes, data.language
    if data.level:
        course.level = data.level
    if course.status not in {CourseStatus.PUBLISHED, CourseStatus.DRAFT, CourseStatus.ARCHIVED} and data.status:
        raise ValidationError({"status": _("Kies published, draft of archived.")})
    if course.status == CourseStatus.PUBLISHED and course.published_at is None:
        course.published_at = timezone.now()
    if created:
        course.slug = unique_slug(Course, course.title, max_length=200)
    course.full_clean(exclude=["slug", "topics", "trainers"])
    course.save()
    course.topics.set(topics)

    existing = {account.email: account for account in User.objects.filter(email__in=emails)}
    for address in emails:
        if address in existing:
            CourseTrainer.objects.get_or_create(course=course, user=existing[address])
            continue
        invitation, invited = TrainerInvitation.objects.get_or_create(
            course=course, email=address, accepted_at=None, defaults={"invited_by": user}
        )
        if invited:
            mail.send(address, "trainer_invitation", {"course": course, "invitation": invitation, "inviter": user})
    return course, created
