"""Impact's job runs in every round of `elkaar run-periodic`, beside the jobs of the other apps."""

from __future__ import annotations

import pytest

from elkaar.enrolment import periodic
from elkaar.impact.models import SessionFact
from tests.impact.conftest import attend, held

pytestmark = pytest.mark.django_db


def test_periodic_round_computes_the_impact_facts(course, colleagues, django_capture_on_commit_callbacks):
    session = held(course)
    attend(colleagues(1)[0], session)

    with django_capture_on_commit_callbacks(execute=True):
        report = periodic.run()

    assert "impact" in report.extra and "impact" not in report.failed
    assert SessionFact.objects.get(session=session).attendees == 1


def test_second_round_without_changes_computes_nothing(course, colleagues, django_capture_on_commit_callbacks):
    attend(colleagues(1)[0], held(course))
    with django_capture_on_commit_callbacks(execute=True):
        periodic.run()

    with django_capture_on_commit_callbacks(execute=True):
        report = periodic.run()

    assert report.extra["impact"] == 0
