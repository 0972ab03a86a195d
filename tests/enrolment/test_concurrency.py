"""Capacity under a rush: many people registering (and cancelling) at the same moment, each from a thread with its
own database connection, on whichever database the suite runs on (SQLite file with WAL, or PostgreSQL).

SQLite serialises writers by the IMMEDIATE transaction's write lock; PostgreSQL by the session row lock. Either way
the outcome must be exact: never more confirmed than places, waiting positions 1..n without gaps, nobody twice,
the session's counters equal to the rows, no errors, and every freed place filled while people wait.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import connection, connections, transaction
from django_tasks.signals import task_finished

from elkaar.accounts.models import User
from elkaar.catalogue.models import Session
from elkaar.enrolment import services
from elkaar.enrolment.models import Registration, RegistrationStatus
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

RUSH = 200  # simultaneous registrations
PLACES = 20


def _open_connections_allowed() -> int:
    """How many threads may hold a connection at once. SQLite: all of them. PostgreSQL: what the server has room
    for (its max_connections, 100 by default, is shared with everything else running), at most RUSH."""
    if connection.vendor != "postgresql":
        return RUSH
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - (SELECT count(*) FROM pg_stat_activity)")
        free = cursor.fetchone()[0]
    test_processes = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))  # each may run a rush at the same time
    return max(10, min(RUSH, (free - 15) // test_processes))


class Rush:
    """Run jobs in RUSH threads released at the same moment; each thread uses (and closes) its own connection."""

    def __init__(self) -> None:
        self.failed_tasks: list[str] = []
        self.connections: list[object] = []
        self.backend_ids: set[object] = set()
        self._lock = threading.Lock()

    def _on_task_finished(self, sender, task_result, **kwargs) -> None:
        if task_result.status != "SUCCESSFUL":
            with self._lock:
                self.failed_tasks.append(f"{task_result.task.name}: {task_result.errors}")

    def run(self, jobs: list[Callable[[], object]]) -> list[object]:
        start = threading.Barrier(len(jobs))
        room = threading.BoundedSemaphore(_open_connections_allowed())

        def worker(job: Callable[[], object]) -> object:
            start.wait()
            with room:
                try:
                    with self._lock:
                        self.connections.append(connections["default"])  # this thread's own wrapper
                    if connection.vendor == "postgresql":
                        with connection.cursor() as cursor:
                            cursor.execute("SELECT pg_backend_pid()")
                            backend = cursor.fetchone()[0]
                        with self._lock:
                            self.backend_ids.add(backend)
                    return job()
                finally:
                    connections.close_all()

        task_finished.connect(self._on_task_finished)
        try:
            with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
                futures = [pool.submit(worker, job) for job in jobs]
                return [future.result() for future in futures]  # re-raises the first error
        finally:
            task_finished.disconnect(self._on_task_finished)


def _people(count: int, organisation, prefix: str) -> list[User]:
    password = make_password(factories.PASSWORD)
    User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{n}@utrecht.nl",
                name=f"Collega {prefix}{n}",
                organisation=organisation,
                password=password,
            )
            for n in range(count)
        ]
    )
    return list(User.objects.filter(email__startswith=prefix).order_by("pk"))


def _register(user_id: int, session_id: int) -> Callable[[], Registration]:
    def job() -> Registration:
        user = User.objects.select_related("organisation").get(pk=user_id)
        return services.register(user, Session.objects.get(pk=session_id)).registration

    return job


def _cancel(registration_id: int) -> Callable[[], Registration]:
    def job() -> Registration:
        return services.cancel_registration(Registration.objects.get(pk=registration_id))

    return job


def _assert_consistent(session: Session, *, expected_active: int) -> tuple[int, int]:
    session.refresh_from_db()
    active = Registration.objects.active().filter(session=session)
    confirmed = active.filter(status=RegistrationStatus.CONFIRMED).count()
    positions = list(
        active.filter(status=RegistrationStatus.WAITING).order_by("position").values_list("position", flat=True)
    )
    people = list(active.values_list("user_id", flat=True))
    assert len(people) == len(set(people)) == expected_active  # nobody twice, nobody lost
    assert confirmed <= session.capacity
    assert positions == list(range(1, len(positions) + 1))
    assert (session.confirmed_count, session.waiting_count) == (confirmed, len(positions))
    if positions:  # every freed place was filled
        assert confirmed == session.capacity
    return confirmed, len(positions)


def test_rush_of_200_registrations_fills_20_places_exactly(municipality, course):
    session = factories.SessionFactory(course=course, capacity=PLACES)
    people = _people(RUSH, municipality, "rush")
    rush = Rush()

    registrations = rush.run([_register(person.pk, session.pk) for person in people])

    assert len(registrations) == RUSH
    assert len({id(wrapper) for wrapper in rush.connections}) == RUSH  # a connection of its own per thread
    if connection.vendor == "postgresql":
        assert len(rush.backend_ids) >= min(RUSH, _open_connections_allowed())
    assert _assert_consistent(session, expected_active=RUSH) == (PLACES, RUSH - PLACES)
    statuses = sorted(r.status for r in registrations)
    assert statuses.count("confirmed") == PLACES
    assert sorted(r.position for r in registrations if r.position) == list(range(1, RUSH - PLACES + 1))
    assert rush.failed_tasks == []
    assert len(mail.outbox) == RUSH


def test_rush_of_registrations_and_cancellations_interleaved_stays_exact(municipality, course):
    session = factories.SessionFactory(course=course, capacity=PLACES)
    early = _people(100, municipality, "early")
    late = _people(100, municipality, "late")
    first = [services.register(person, session).registration for person in early]  # 20 confirmed, 80 waiting
    random.seed(20260301)
    leaving = random.sample(first, 50)  # confirmed and waiting people alike
    jobs = [_register(person.pk, session.pk) for person in late] + [_cancel(r.pk) for r in leaving]
    random.shuffle(jobs)
    rush = Rush()

    results = rush.run(jobs)

    assert len(results) == 150
    assert Registration.objects.filter(pk__in=[r.pk for r in leaving], status="cancelled").count() == 50
    confirmed, waiting = _assert_consistent(session, expected_active=150)
    assert (confirmed, waiting) == (PLACES, 130)
    assert rush.failed_tasks == []


def test_rush_of_the_same_person_registering_gives_one_registration(municipality, course):
    session = factories.SessionFactory(course=course, capacity=PLACES)
    (person,) = _people(1, municipality, "eager")
    rush = Rush()

    registrations = rush.run([_register(person.pk, session.pk) for _ in range(50)])

    assert len({r.pk for r in registrations}) == 1
    assert _assert_consistent(session, expected_active=1) == (1, 0)


@pytest.fixture
def session_held_locked(course):
    """A session whose row (SQLite: the whole database's write lock) another connection holds until released."""
    session = factories.SessionFactory(course=course, capacity=PLACES)
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Session.objects.select_for_update().get(pk=session.pk)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    yield session
    release.set()
    holder.join()


@pytest.fixture
def short_lock_wait(monkeypatch):
    """Wait half a second for a lock instead of the configured 10 s (PostgreSQL) or 20 s (SQLite)."""
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.5)
        connection.close()  # the next connection of this thread uses the shorter wait
    else:
        monkeypatch.setattr(services, "LOCK_TIMEOUT_MS", 500)


@pytest.fixture
def patient(municipality) -> User:
    """Made before the lock is taken: on SQLite, creating anyone needs the write lock too."""
    (person,) = _people(1, municipality, "patient")
    return person


def test_register_while_session_locked_too_long_is_busy_and_changes_nothing(
    patient, session_held_locked, short_lock_wait
):
    with pytest.raises(services.SessionBusy):
        services.register(patient, session_held_locked)

    assert Registration.objects.filter(user=patient).count() == 0


@pytest.fixture
def patient_client(client, patient):
    client.force_login(patient)  # before the lock: logging in writes the session row
    return client


def test_api_register_while_session_locked_too_long_answers_503_with_retry_after(
    patient_client, patient, session_held_locked, short_lock_wait
):
    response = patient_client.post(f"/api/v1/sessions/{session_held_locked.pk}/registrations")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "2"
    assert "druk" in response.json()["detail"]
    assert Registration.objects.filter(user=patient).count() == 0
