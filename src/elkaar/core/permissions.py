"""Who may do what. Every view and API handler asks these functions, so the rules live in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from elkaar.accounts.models import User
    from elkaar.catalogue.models import Course, Programme


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def can_edit_course(user, course: Course) -> bool:
    """Trainers of the course, managers of its programme and administrators may change it."""
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    if course.course_trainers.filter(user=user).exists():
        return True
    programme = course.programme
    return programme is not None and programme.managers.filter(pk=user.pk).exists()


def can_view_course(user, course: Course) -> bool:
    from django.conf import settings

    if course.is_published:
        return bool(settings.CATALOGUE_PUBLIC or user.is_authenticated)
    return can_edit_course(user, course)


def manages_programme(user, programme: Programme) -> bool:
    if not user.is_authenticated:
        return False
    return is_admin(user) or programme.managers.filter(pk=user.pk).exists()


def is_programme_manager(user: User) -> bool:
    return bool(user.is_authenticated and (is_admin(user) or user.managed_programmes.exists()))


def teaches_published_course(person: User) -> bool:
    return person.trainer_roles.filter(course__status="published").exists()


def can_view_profile(viewer, person: User) -> bool:
    """A colleague's profile page.

    Everyone sees their own profile and administrators see every profile. Others (anonymous visitors only while
    the catalogue is public) see it only when the person teaches a published course or chose to be findable as an
    expert: taking part in courses is never public.
    """
    if not person.is_active:
        return is_admin(viewer)
    if viewer.is_authenticated and (viewer.pk == person.pk or is_admin(viewer)):
        return True
    if not can_browse_catalogue(viewer):
        return False
    return person.findable_as_expert or teaches_published_course(person)


def can_see_expertise(viewer, person: User) -> bool:
    """Expertise and "ask me about" are shown only with the person's opt-in, or to the person themselves."""
    return person.findable_as_expert or bool(viewer.is_authenticated and viewer.pk == person.pk)


def can_see_email(viewer, person: User) -> bool:
    """E-mail addresses are for logged-in colleagues only, never for anonymous visitors."""
    return bool(viewer.is_authenticated and viewer.is_active)


def can_browse_catalogue(user) -> bool:
    """The published catalogue (courses, sessions, programmes): everyone, or only logged-in colleagues when the
    CATALOGUE_PUBLIC setting closes it."""
    from django.conf import settings

    return bool(settings.CATALOGUE_PUBLIC or user.is_authenticated)


def can_approve_course(user, course: Course) -> bool:
    """Managers of the course's programme (and administrators) approve a course that waits for approval."""
    return course.programme is not None and manages_programme(user, course.programme)


# Knowledge demand (elkaar.demand) --------------------------------------------------------------------------------


def can_view_requests(user) -> bool:
    """Knowledge requests (with the names of who asked and commented) are for logged-in colleagues only."""
    return bool(user.is_authenticated and user.is_active)


def can_edit_request(user, request) -> bool:
    """The requester edits and closes their request; administrators may too (moderation)."""
    return bool(user.is_authenticated and user.is_active and (request.requester_id == user.pk or is_admin(user)))


def can_see_supporters(user, request) -> bool:
    """Who seconded a request is shown to the requester, to the trainers of the course that answers it (they
    invite them) and to administrators; everyone else sees only how many."""
    if not (user.is_authenticated and user.is_active):
        return False
    if request.requester_id == user.pk or is_admin(user):
        return True
    course = request.course
    return course is not None and course.course_trainers.filter(user=user).exists()


def can_view_demand_overview(user) -> bool:
    """The demand overview (most asked topics, gaps, CSV export): programme managers and administrators."""
    return is_programme_manager(user) if user.is_authenticated else False
