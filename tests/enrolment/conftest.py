"""Setup for the registration tests: what is queued after commit runs, and sessions of every kind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Call a service and run what it queued for after the commit (e-mails, the waiting-list task), as a real
    commit would; the test's own transaction never commits."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def colleagues(municipality):
    """People of the municipality, made on demand: colleagues(3) -> three new users."""

    def make(count: int) -> list:
        return [factories.UserFactory(organisation=municipality) for _ in range(count)]

    return make


@pytest.fixture
def small_session(course):
    """Two places, a fortnight away."""
    return factories.SessionFactory(course=course, capacity=2, online_url="https://meet.example/woo")


@pytest.fixture
def soon_session(course):
    """Two places, starting in ten hours: inside the claim window (24 hours by default)."""
    starts_at = timezone.now() + timedelta(hours=10)
    return factories.SessionFactory(course=course, capacity=2, starts_at=starts_at)
