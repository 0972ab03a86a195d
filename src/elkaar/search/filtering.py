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
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

PREFIX = "zf"  # index tokens from the analyser are words; these stand apart (and are never shown)


def token(name: str, value: str) -> str:
    """The index token of one facet value."""
    digest = hashlib.blake2s(f"{name}\x1f{value}".encode(), digest_size=8).hexdigest()
    return PREFIX + digest


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
