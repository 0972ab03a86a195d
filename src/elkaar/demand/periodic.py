"""Knowledge demand's jobs that run by the clock, in every round of `elkaar run-periodic` (registered in
receivers.connect):

- priority windows that ended: other requesters whose request the course matches are told now (once);
- statuses: requests whose course had a session become fulfilled, offered ones with a coming session scheduled;
- the weekly digest, from DEMAND_DIGEST_WEEKDAY at DEMAND_DIGEST_HOUR (default Monday 08:00), once per person
  per ISO week;
- match summaries of active requests older than a day are refreshed (for the gaps in the demand overview).

Each is idempotent: running twice, or two workers at once, sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from elkaar.demand import services


def digest_due(now: datetime) -> bool:
    """Whether this week's digest may go out: on or after the configured weekday and hour (local time)."""
    local = timezone.localtime(now)
    weekday = int(getattr(settings, "DEMAND_DIGEST_WEEKDAY", 0))
    hour = int(getattr(settings, "DEMAND_DIGEST_HOUR", 8))
    return (local.weekday(), local.hour) >= (weekday, hour)


def send_digest_if_due(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return services.send_weekly_digests(now) if digest_due(now) else 0


def register_jobs() -> None:
    from elkaar.enrolment import periodic

    periodic.register("request_windows", services.end_priority_windows)
    periodic.register("request_statuses", services.sync_statuses)
    periodic.register("request_digests", send_digest_if_due)
    periodic.register("request_matches", services.refresh_stale_summaries)
