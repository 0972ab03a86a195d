"""Facet filters as index tokens, so that each engine finds "documents with these words and this topic" in its own
full-text index (a GIN index, an FTS5 table) in one probe, whatever the catalogue's size.

Every facet value of a document is indexed as one opaque token in its `filter_tokens` field (`token("topic",
"woo")` -> "zf" and 16 hex digits), and a filter becomes an OR group of such tokens that the engine ANDs with
the query's words. Stored facets (topic, format, organisation, region, ...) are exact this way.

Facets that change with time, a course's "has a session in this period" and "places left", cannot be exact
tokens: time passes and places free up without the course being re-indexed. They are indexed as a superset
that the engine can find, and checked exactly on the candidates afterwards (`engine._failing_filters`, with
the live values of `DocumentType.standing`):

- a course with coming sessions gets `token("session", "coming")`, and the places filter asks for it (a full
  session may free a place at any moment; a course without coming sessions never has places);
- every coming session adds the ISO week it starts in (`token("week", "2026w48")`), and a period filter asks
  for the weeks it overlaps.

Passed sessions leave stale tokens behind; that only costs precision, and `elkaar.search.periodic` re-indexes
the courses whose sessions started since its last round.

More tokens are not facets: every document carries the tokens of its *recency buckets*, so that an engine
without a way to read matches newest first (PostgreSQL's GIN index) can ask for "these words among the newest
few thousand documents" in one probe of its index (see backends.postgres). Buckets come in sizes of
RECENT_BUCKET, 8 times as many, 64 times as many, ... objects (by the object's id), so that a window of any size
takes a handful of tokens: each token an engine ORs costs it work for every document it finds.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

PREFIX = "zf"  # index tokens from the analyser are words; these stand apart (and are never shown)
RECENT_BUCKET = 1024  # objects per recency bucket of the finest level...
RECENT_LEVELS = 4  # ...and in each coarser level 8 times as many


def token(name: str, value: str) -> str:
    """The index token of one facet value."""
    digest = hashlib.blake2s(f"{name}\x1f{value}".encode(), digest_size=8).hexdigest()
    return PREFIX + digest


def type_token(doc_type: str) -> str:
    """The token every document of a type carries, with PUBLIC_TOKEN when anyone may find it: so an engine can
    tell type and visibility from its own index, without reading the document table (SQLite does)."""
    return token("doc_type", doc_type)


PUBLIC_TOKEN = token("visible", "public")


def recent_size(level: int) -> int:
    """How many objects a recency bucket of a level spans."""
    return RECENT_BUCKET * 8**level


def recent_token(level: int, bucket: int) -> str:
    """The index token of a recency bucket: bucket `bucket` (object ids from bucket * size on) of a level."""
    return token("recent", f"{level}:{bucket}")


def recent_tokens(object_id: int) -> list[str]:
    """The tokens of the recency buckets an object falls in, one per level."""
    return [recent_token(level, object_id // recent_size(level)) for level in range(RECENT_LEVELS)]


def week_value(moment: datetime) -> str:
    """The ISO week a moment falls in (UTC), as a facet value: "2026w48"."""
    year, week, _day = moment.isocalendar()
    return f"{year}w{week:02d}"


def weeks_between(start: datetime, end: datetime) -> list[str]:
    """The ISO weeks that the period from `start` up to `end` touches, in order (a day at a time: a period is
    at most a few months)."""
    weeks = [week_value(start)]
    day = start
    while day < end:
        day = min(day + timedelta(days=1), end)
        value = week_value(day)
        if value != weeks[-1]:
            weeks.append(value)
    return weeks
