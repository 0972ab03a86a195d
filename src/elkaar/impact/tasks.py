"""Background work of impact, run by the task worker (`elkaar db_worker`); queued after commit."""

from __future__ import annotations

from datetime import date

from django_tasks import task

from elkaar.impact import ledger


@task()
def recompute_from(day: str) -> int:
    """Compute every fact from `day` (ISO date) on again, after an assumption changed; returns the sessions done."""
    return ledger.refresh_from(date.fromisoformat(day)).sessions
