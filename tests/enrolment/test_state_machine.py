"""Property-based test of the waiting list: hypothesis drives register / cancel / give back / change capacity /
claim in any order on a session far away and one inside the claim window, and after every step the invariants
must hold: confirmed never above capacity, waiting positions 1..n, nobody twice, counters equal to the rows, and
(outside the claim window) no free place while someone who may have it waits. The no-show rule is on, with one
repeat no-show among the people, so held registrations are part of the mix.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from elkaar.catalogue.models import Session
from elkaar.enrolment import services
from elkaar.enrolment.models import Attendance, Registration, RegistrationStatus
from tests import factories

PEOPLE = 7
SESSIONS = ("far", "soon")


def _after_commit(function, *args, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return function(*args, **kwargs)


class WaitingListMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.savepoint()
        organisation = factories.OrganisationFactory()
        self.trainer = factories.UserFactory(organisation=organisation)
        course = factories.CourseFactory(organisation=organisation, trainers=[self.trainer])
        self.people = [factories.UserFactory(organisation=organisation) for _ in range(PEOPLE)]
        past = factories.SessionFactory(course=course, starts_at=timezone.now() - timedelta(days=20))
        Registration.objects.create(  # people[0] is a repeat no-show (NO_SHOW_RULE = 1)
            session=past, user=self.people[0], status=RegistrationStatus.CONFIRMED, attendance=Attendance.ABSENT
        )
        self.sessions = {
            "far": factories.SessionFactory(course=course, capacity=3),
            "soon": factories.SessionFactory(course=course, capacity=3, starts_at=timezone.now() + timedelta(hours=6)),
        }

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)

    def _session(self, which: str) -> Session:
        return Session.objects.get(pk=self.sessions[which].pk)

    def _active(self, person: int, which: str) -> Registration | None:
        return Registration.objects.active().filter(session=self.sessions[which], user=self.people[person]).first()

    @rule(person=st.integers(0, PEOPLE - 1), which=st.sampled_from(SESSIONS))
    def register(self, person: int, which: str) -> None:
        before = self._active(person, which)
        result = _after_commit(services.register, self.people[person], self._session(which))
        assert result.created is (before is None)
        assert result.registration.is_active

    @rule(person=st.integers(0, PEOPLE - 1), which=st.sampled_from(SESSIONS))
    def cancel(self, person: int, which: str) -> None:
        registration = self._active(person, which)
        if registration is not None:
            cancelled = _after_commit(services.cancel_registration, registration)
            assert cancelled.status == RegistrationStatus.CANCELLED

    @rule(person=st.integers(0, PEOPLE - 1), which=st.sampled_from(SESSIONS))
    def give_back(self, person: int, which: str) -> None:
        registration = self._active(person, which)
        if registration is not None and registration.promoted_at is not None:
            _after_commit(services.give_back, registration)
            assert self._active(person, which) is None

    @rule(person=st.integers(0, PEOPLE - 1), which=st.sampled_from(SESSIONS))
    def claim(self, person: int, which: str) -> None:
        registration = self._active(person, which)
        if registration is None or not registration.is_waiting:
            return
        free_before = self._session(which).places_left
        claimed = _after_commit(services.claim_place, registration)
        if claimed:
            assert free_before > 0
            assert self._active(person, which).is_confirmed  # type: ignore[union-attr]

    @rule(which=st.sampled_from(SESSIONS), capacity=st.integers(1, 6))
    def change_capacity(self, which: str, capacity: int) -> None:
        session = self._session(which)
        if capacity < session.confirmed_count:
            with pytest.raises(ValidationError):
                services.change_capacity(self.trainer, session, capacity)
        else:
            _after_commit(services.change_capacity, self.trainer, session, capacity)
            assert self._session(which).capacity == capacity

    @invariant()
    def registrations_are_consistent(self) -> None:
        for which in SESSIONS:
            session = self._session(which)
            active = list(Registration.objects.active().filter(session=session))
            confirmed = [r for r in active if r.is_confirmed]
            waiting = sorted((r for r in active if r.is_waiting), key=lambda r: r.position or 0)
            assert len(confirmed) <= session.capacity
            assert [r.position for r in waiting] == list(range(1, len(waiting) + 1))
            assert len({r.user_id for r in active}) == len(active)
            assert (session.confirmed_count, session.waiting_count) == (len(confirmed), len(waiting))
            if not services.claim_window_open(session) and any(not r.held for r in waiting):
                assert len(confirmed) == session.capacity  # every freed place went to the waiting list


@pytest.mark.slow
@pytest.mark.django_db
@override_settings(NO_SHOW_RULE=1, WAITLIST_OPEN_CLAIM_HOURS=24)
def test_waiting_list_invariants_hold_for_any_sequence_of_actions():
    run_state_machine_as_test(
        WaitingListMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
