"""Impact's job in every round of `elkaar run-periodic` (registered in apps.py): bring the summary tables up to
date with what changed since the last round and thank trainers for milestones (services.refresh). Idempotent:
facts are replaced, never added twice; milestones are unique per trainer and kind."""

from __future__ import annotations

from datetime import datetime

from elkaar.impact import services


def refresh(now: datetime | None = None) -> int:
    return services.refresh(now)


def register_jobs() -> None:
    from elkaar.enrolment import periodic as runner

    runner.register("impact", refresh)
