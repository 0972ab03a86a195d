"""Who may do what with feedback. Built on core/permissions.py; these rules need attendance (enrolment), which
core may not import, so they live here. Views, API handlers and services all ask these functions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from elkaar.catalogue.models import Course, CourseStatus, Programme, Session, SessionStatus
from elkaar.core.permissions import can_view_course, is_admin, manages_programme
from elkaar.enrolment.models import Attendance, Registration

if TYPE_CHECKING:
    from elkaar.feedback.models import CourseQuestion, Review, Survey


def attended(now: datetime | None = None) -> QuerySet[Registration]:
    """Registrations of people who attended: confirmed and ticked present, or confirmed for a session that has
    ended and not ticked absent (trainers do not always tick attendance)."""
    now = now or timezone.now()
    return (
        Registration.objects.confirmed()
        .exclude(session__status=SessionStatus.CANCELLED)
        .filter(Q(attendance=Attendance.PRESENT) | (Q(session__ends_at__lte=now) & ~Q(attendance=Attendance.ABSENT)))
    )


def is_trainer_of(user, course: Course) -> bool:
    return bool(user.is_authenticated and course.course_trainers.filter(user=user).exists())


def attended_course(user, course: Course) -> bool:
    return bool(user.is_authenticated and attended().filter(user=user, session__course=course).exists())


# --- Reviews --------------------------------------------------------------------------------------------------


def can_review(user, course: Course) -> bool:
    """People who attended a session of the course (its trainers excluded) review it, once, and edit that."""
    if not user.is_authenticated or not user.is_active or course.status == CourseStatus.DRAFT:
        return False
    return not is_trainer_of(user, course) and attended_course(user, course)


def can_reply_to_review(user, review: Review) -> bool:
    """The trainers of the course reply publicly."""
    return is_trainer_of(user, review.course)


def can_report_review(user, review: Review) -> bool:
    """Any logged-in colleague may report someone else's review."""
    return bool(user.is_authenticated and user.is_active and review.author_id != user.pk)


def can_moderate(user) -> bool:
    return is_admin(user)


def can_see_review_author(user, review: Review) -> bool:
    """Taking part in a course is never public: the author's name is shown only to the author, the trainers of the
    course (who know their participants) and administrators."""
    if not user.is_authenticated:
        return False
    return user.pk == review.author_id or is_admin(user) or is_trainer_of(user, review.course)


# --- Questions and answers ------------------------------------------------------------------------------------


def can_ask(user, course: Course) -> bool:
    """Logged-in colleagues ask about a published course they can see, also before registering."""
    return bool(user.is_authenticated and user.is_active and course.is_published and can_view_course(user, course))


def can_answer(user, question: CourseQuestion) -> bool:
    """Trainers and any other logged-in colleague answer."""
    return bool(user.is_authenticated and user.is_active and can_view_course(user, question.course))


def can_choose_best_answer(user, question: CourseQuestion) -> bool:
    return bool(user.is_authenticated and user.pk == question.author_id)


def can_see_names(user) -> bool:
    """Names of people who asked and answered are for logged-in colleagues, not for anonymous visitors."""
    return bool(user.is_authenticated)


# --- Surveys and reports --------------------------------------------------------------------------------------


def can_edit_survey(user, survey: Survey) -> bool:
    """Templates of a programme and its surveys: its managers (and admins); the site's default templates: admins.
    Evaluation surveys of sessions are copies and are never edited."""
    from elkaar.feedback.models import SurveyKind

    if survey.is_template:
        return manages_programme(user, survey.programme) if survey.programme else is_admin(user)
    if survey.kind == SurveyKind.PROGRAMME and survey.programme is not None:
        return manages_programme(user, survey.programme)
    return False


def can_view_course_results(user, course: Course) -> bool:
    """Results of a course (and its sessions): its trainers, the managers of its programme, administrators."""
    if not user.is_authenticated:
        return False
    if is_admin(user) or is_trainer_of(user, course):
        return True
    return course.programme is not None and manages_programme(user, course.programme)


def can_view_session_results(user, session: Session) -> bool:
    return can_view_course_results(user, session.course)


def can_view_trainer_results(user, trainer) -> bool:
    """A trainer's results over all their courses: the trainer and administrators."""
    return bool(user.is_authenticated and (user.pk == trainer.pk or is_admin(user)))


def can_view_programme_results(user, programme: Programme) -> bool:
    return manages_programme(user, programme)


def can_view_survey_results(user, survey: Survey) -> bool:
    from elkaar.feedback.models import SurveyKind

    if survey.kind == SurveyKind.PROGRAMME:
        return survey.programme is not None and manages_programme(user, survey.programme)
    if survey.session is not None:
        return can_view_session_results(user, survey.session)
    return is_admin(user)
