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
