"""Background work of registrations, run by the task worker (`elkaar db_worker`); queued after commit."""

from __future__ import annotations

from django_tasks import task

from elkaar.enrolment import services


@task()
def fill_free_places_task(session_id: int) -> int:
    """Give the free places of a session to its waiting list (see services.fill_free_places)."""
    return len(services.fill_free_places(session_id))
