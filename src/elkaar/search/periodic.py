"""Search's job that runs by the clock, in every round of `elkaar run-periodic` (registered in apps.py).

A course is indexed with filter tokens of its coming sessions (elkaar.search.filtering). When a session starts,
those tokens go stale: the engine would still offer the course to the "period" and "places" filters (which
check candidates exactly, so nothing wrong is shown, but a stale candidate takes the place of a good one). This
job re-indexes every course with a session that started after its document was last indexed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from elkaar.catalogue.models import Session, SessionStatus
from elkaar.search import index
from elkaar.search.models import Document

LOOK_BACK = timedelta(days=30)  # sessions that started longer ago were caught by an earlier round (or reindex)
BATCH = 1000  # courses per round at most; the next round takes the rest


def refresh_started_sessions(now: datetime | None = None) -> int:
    """Re-index the courses with a session that started since their document was indexed; returns how many."""
    now = now or timezone.now()
    stale_document = Document.objects.filter(
        doc_type="course", object_id=OuterRef("course_id"), indexed_at__lt=OuterRef("starts_at")
    )
    course_ids = list(
        Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__lte=now, starts_at__gt=now - LOOK_BACK)
        .filter(Exists(stale_document))
        .values_list("course_id", flat=True)
        .distinct()[:BATCH]
    )
    index.update_many("course", course_ids)
    return len(course_ids)


def register_jobs() -> None:
    from elkaar.enrolment import periodic

    periodic.register("search_started_sessions", refresh_started_sessions)
