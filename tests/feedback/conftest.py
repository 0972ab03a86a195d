"""Setup for the feedback tests: sessions that have ended, people who attended them, and running what a service
queued for after the commit (e-mails, tasks) as a real commit would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from elkaar.enrolment.models import Attendance, Registration, RegistrationStatus
from elkaar.feedback import services
from elkaar.feedback.models import Invitation, SurveyKind
from tests import factories


def attend(user, session, attendance: str = Attendance.UNKNOWN) -> Registration:
    """A confirmed place for `user` at `session`, with the attendance the trainer ticked."""
    return Registration.objects.create(
        session=session,
        user=user,
        status=RegistrationStatus.CONFIRMED,
        confirmed_at=session.starts_at - timedelta(days=7),
        attendance=attendance,
    )


def ended_session(course, days_ago: float = 1, **fields):
    """A session that ended `days_ago` days ago."""
    ends_at = timezone.now() - timedelta(days=days_ago)
    return factories.SessionFactory(course=course, starts_at=ends_at - timedelta(minutes=90), ends_at=ends_at, **fields)


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Call a service and run what it queued for after the commit (e-mails, tasks)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def colleagues(municipality):
    """New people of the municipality: colleagues(3) -> three users."""

    def make(count: int) -> list:
        return [factories.UserFactory(organisation=municipality) for _ in range(count)]

    return make


@pytest.fixture
def past_session(course):
    """A session of alice's course that ended yesterday."""
    return ended_session(course)


@pytest.fixture
def bob_attended(bob, past_session) -> Registration:
    return attend(bob, past_session)


@pytest.fixture
def programme_course(alice, topic, programme):
    """A published course taught by alice in pam's programme."""
    return factories.CourseFactory(
        title="Jeugdzorg voor beginners",
        organisation=alice.organisation,
        trainers=[alice],
        topics=[topic],
        programme=programme,
    )


@pytest.fixture
def evaluation(past_session, colleagues):
    """The evaluation of `past_session`, sent to bob-less attendees: returns (survey, invitations)."""

    def make(count: int = 3):
        people = colleagues(count)
        for person in people:
            attend(person, past_session)
        services.invite_attendees(past_session, SurveyKind.EVALUATION)
        survey = past_session.surveys.get(kind=SurveyKind.EVALUATION)
        return survey, list(Invitation.objects.filter(survey=survey).select_related("user").order_by("pk"))

    return make


def answers_for(survey, **by_key) -> dict[int, object]:
    """Answers by question id from answers by question key: answers_for(survey, tevredenheid=4)."""
    keys = {question.key: question.pk for question in survey.questions.all()}
    return {keys[key]: value for key, value in by_key.items()}


def default_answers(survey, satisfaction: int = 4, recommend: int = 9, **extra) -> dict[int, object]:
    return answers_for(survey, tevredenheid=satisfaction, bruikbaarheid=4, aanbevelen=recommend, **extra)
