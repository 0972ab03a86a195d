"""PostgreSQL full-text search over the analysed tokens.

Two generated tsvector columns follow the token columns: `tsv` (title weight A, keywords B, body C) for
matching and ts_rank, and `head_tsv` (title and keywords only) for the first, narrow tier of a query. Both use
the `simple` configuration, which only lower-cases: the stemming was done in Python, and PostgreSQL's own
`dutch` stemmer (which stems some words differently, e.g. cursussen -> cursuss) is never applied, so the index
and the queries always agree. pg_trgm finds words like a mistyped one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection

from elkaar.search import filtering
from elkaar.search.backends.base import Backend, Match, Scope

RANK_WEIGHTS = "{0.1, 0.33, 0.67, 1.0}"  # ts_rank weights of D, C (body), B (keywords), A (title)
WINDOW_MARGIN = 3  # the first window of newest documents should hold this many times the matches needed...
WINDOW_MINIMUM = 500  # ...and at least this many documents
MAX_WINDOW_TOKENS = 4  # a window takes at most this many bucket tokens (each one costs the GIN index work)
RECENT_LOOKUP = 16  # newest buckets looked up per level
BUCKETS_SECONDS = 5.0
_recent_buckets: dict[str, tuple[float, list[Buckets]]] = {}


def tsquery_text(match: Match) -> str:
    concepts = []
    for concept in match.concepts:
        alternatives = []
        for alternative in concept:
            tokens = " & ".join(f"'{token}'" for token in alternative)
            alternatives.append(f"({tokens})" if len(alternative) > 1 else tokens)
        concepts.append("(" + " | ".join(alternatives) + ")")
    parts = []
    if concepts:
        parts.append("(" + (" & " if match.mode == "and" else " | ").join(concepts) + ")")
    parts += ["(" + " | ".join(f"'{token}'" for token in group) + ")" for group in match.filters]
    return " & ".join(parts)


@dataclass(frozen=True)
class Buckets:
    """The newest recency buckets of one level: (token, documents), newest first; `complete` when they are all
    the buckets there are."""

    newest: list[tuple[str, int]]
    complete: bool


def _window_tokens(levels: list[Buckets], documents: float) -> list[str] | None:
    """The tokens of a window of the newest buckets holding at least `documents` documents, from the finest
    level that needs at most MAX_WINDOW_TOKENS of them; None when only every document will do."""
    for level in levels:
        tokens: list[str] = []
        held = 0
        for token, count in level.newest:
            if held >= documents:
                break
            tokens.append(token)
            held += count
        if held < documents:
            if level.complete:
                return None  # the window needs every document there is
            continue  # more buckets than were looked up: a coarser level
        if len(tokens) > MAX_WINDOW_TOKENS:
            continue
        if level.complete and len(tokens) == len(level.newest):
            return None  # every bucket: no restriction needed, the tokens would only add work
        return tokens
    return None


class PostgresBackend(Backend):
    vendor = "postgresql"

    def retrieve(
        self,
        doc_type: str,
        match: Match | None,
        head_only: bool,
        scope: Scope,
        order: str,
        limit: int,
        likely: int | None = None,
        total: int = 0,
    ) -> list[int]:
        conditions, params = self.where_sql(doc_type, scope)
        if match is None:
            return self.newest(conditions, params, limit)
        column = "d.head_tsv" if head_only else "d.tsv"
        if order == "rank":
            sql = (
                f"SELECT d.id FROM search_document d, to_tsquery('simple', %s) AS q(query) "  # noqa: S608 - as above
                f"WHERE {column} @@ q.query AND {conditions} "
                f"ORDER BY ts_rank('{RANK_WEIGHTS}', d.tsv, q.query) DESC, d.id DESC LIMIT %s"
            )
        else:
            return self._newest_matches(doc_type, column, match, conditions, params, limit, likely, total)
        return [row[0] for row in self.fetch(sql, [tsquery_text(match), *params, limit])]

    def _newest_matches(
        self,
        doc_type: str,
        column: str,
        match: Match,
        conditions: str,
        params: list,
        limit: int,
        likely: int | None,
        total: int,
    ) -> list[int]:
        """The newest `limit` matches. A GIN index cannot give its matches newest first, and fetching every one
        of thousands of matches from the table to sort them is what makes a common word slow. So ask the index
        for the matches among the newest documents only, through their recency-bucket tokens
        (elkaar.search.filtering): the newest buckets that should hold about WINDOW_MARGIN times `limit`
        matches (from `likely`); when they hold too few, four times as many, until they are all of them."""
        levels = self.recent_buckets(doc_type)
        window = total if not likely or total <= 0 else WINDOW_MARGIN * limit * total / likely
        while True:
            tokens = _window_tokens(levels, max(window, WINDOW_MINIMUM))
            probe = match if tokens is None else Match(match.concepts, match.mode, (*match.filters, tuple(tokens)))
            sql = (
                # MATERIALIZED: else the planner may walk the primary key backwards, testing every document.
                "WITH matches AS MATERIALIZED (SELECT d.id FROM search_document d, "  # noqa: S608 - as above
                f"to_tsquery('simple', %s) AS q(query) WHERE {column} @@ q.query AND {conditions}) "
                "SELECT id FROM matches ORDER BY id DESC LIMIT %s"
            )
            found = [row[0] for row in self.fetch(sql, [tsquery_text(probe), *params, limit])]
            if len(found) >= limit or tokens is None:
                return found
            window *= 4

    def recent_buckets(self, doc_type: str) -> list[Buckets]:
        """Per level of recency buckets (finest first): the newest RECENT_LOOKUP buckets that hold documents of
        the type. Remembered for a few seconds: a document indexed since lands in a bucket asked for, or in a
        newer one that the next look-up finds."""
        now = time.monotonic()
        cached = _recent_buckets.get(doc_type)
        if cached is not None and now - cached[0] < BUCKETS_SECONDS:
            return cached[1]
        newest = self.fetch("SELECT MAX(object_id) FROM search_document WHERE doc_type = %s", [doc_type])[0][0]
        levels: list[Buckets] = []
        if newest is not None:
            for level in range(filtering.RECENT_LEVELS):
                last = newest // filtering.recent_size(level)
                buckets = range(last, max(-1, last - RECENT_LOOKUP), -1)
                tokens = [filtering.recent_token(level, bucket) for bucket in buckets]
                counts = self.term_counts(doc_type, tokens)
                counted = [(token, counts[token][0]) for token in tokens if counts[token][0]]
                levels.append(Buckets(counted, complete=last < RECENT_LOOKUP))
        _recent_buckets[doc_type] = (now, levels)
        return levels

    def count(self, doc_type: str, match: Match | None, scope: Scope) -> int:
        conditions, params = self.where_sql(doc_type, scope)
        if match is None:
            return self.count_where(conditions, params)
        sql = (
            "SELECT COUNT(*) FROM search_document d, to_tsquery('simple', %s) AS q(query) "  # noqa: S608 - as above
            f"WHERE d.tsv @@ q.query AND {conditions}"
        )
        return int(self.fetch(sql, [tsquery_text(match), *params])[0][0])

    def similar_words(self, doc_type: str, word: str, limit: int) -> list[tuple[str, int]]:
        sql = (
            "SELECT word, document_count FROM search_word WHERE doc_type = %s AND word %% %s "
            "ORDER BY similarity(word, %s) DESC, document_count DESC LIMIT %s"
        )
        return [(row[0], row[1]) for row in self.fetch(sql, [doc_type, word, word, limit])]

    def prefix_words(self, doc_type: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        sql = (
            "SELECT word, document_count FROM search_word WHERE doc_type = %s AND word LIKE %s "
            "ORDER BY document_count DESC, word LIMIT %s"
        )
        return [(row[0], row[1]) for row in self.fetch(sql, [doc_type, escaped + "%", limit])]

    def after_rebuild(self) -> None:
        # A rebuild leaves every old row behind as a dead one, and the GIN indexes point at them until a vacuum:
        # clean up now when we may (VACUUM cannot run inside a transaction), else leave it to autovacuum. Fresh
        # planner statistics either way (all tables: the catalogue may just have been loaded in bulk too).
        if not connection.in_atomic_block:
            self.execute("VACUUM (ANALYZE) search_document, search_term, search_word")
        self.execute("ANALYZE")
