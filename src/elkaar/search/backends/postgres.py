"""PostgreSQL full-text search over the analysed tokens.

Two generated tsvector columns follow the token columns: `tsv` (title weight A, keywords B, body C) for
matching and ts_rank, and `head_tsv` (title and keywords only) for the first, narrow tier of a query. Both use
the `simple` configuration, which only lower-cases: the stemming was done in Python, and PostgreSQL's own
`dutch` stemmer (which stems some words differently, e.g. cursussen -> cursuss) is never applied, so the index
and the queries always agree. pg_trgm finds words like a mistyped one.
"""

from __future__ import annotations

import time

from django.db import connection

from elkaar.search.backends.base import Backend, Match, Where

RANK_WEIGHTS = "{0.1, 0.33, 0.67, 1.0}"  # ts_rank weights of D, C (body), B (keywords), A (title)
WINDOW_MARGIN = 3  # the first window of newest documents should hold this many times the matches needed...
WINDOW_MINIMUM = 500  # ...and span at least this many ids
ID_RANGE_SECONDS = 5.0
_id_ranges: dict[str, tuple[float, tuple[int, int]]] = {}


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


class PostgresBackend(Backend):
    vendor = "postgresql"
    rank_limit = 500

    def retrieve(
        self,
        doc_type: str,
        match: Match | None,
        head_only: bool,
        where: Where,
        order: str,
        limit: int,
        likely: int | None = None,
        total: int = 0,
    ) -> list[int]:
        conditions, params = self.where_sql(doc_type, where)
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
        of thousands of matches from the table to sort them is what makes a common word slow. So look among the
        newest documents first: a window of ids that should hold about WINDOW_MARGIN times `limit` matches
        (from `likely`), where the GIN index and the primary key together fetch only the matches inside it; when
        it holds too few, a window four times as large, until it spans every document."""
        id_range = self.id_range(doc_type)
        if id_range is None:
            return []
        first, last = id_range
        span = last - first + 1
        window = span if not likely or total <= 0 else round(WINDOW_MARGIN * limit * span / likely)
        query = tsquery_text(match)
        while True:
            bound = max(first, last - max(window, WINDOW_MINIMUM) + 1)
            # The whole range needs no bound: the primary key would only add work.
            within = "d.id >= %s AND " if bound > first else ""
            sql = (
                "WITH matches AS MATERIALIZED (SELECT d.id FROM search_document d, "  # noqa: S608 - as above
                f"to_tsquery('simple', %s) AS q(query) WHERE {column} @@ q.query AND {within}{conditions}) "
                "SELECT id FROM matches ORDER BY id DESC LIMIT %s"
            )
            values = [query, bound] if within else [query]
            found = [row[0] for row in self.fetch(sql, [*values, *params, limit])]
            if len(found) >= limit or not within:
                return found
            window *= 4

    @staticmethod
    def id_range(doc_type: str) -> tuple[int, int] | None:
        """The lowest and highest document id of a type (None without documents), remembered for a few seconds:
        a document indexed since still counts, as windows only have a lower bound."""
        now = time.monotonic()
        cached = _id_ranges.get(doc_type)
        if cached is not None and now - cached[0] < ID_RANGE_SECONDS:
            return cached[1]
        first, last = Backend.fetch("SELECT MIN(id), MAX(id) FROM search_document WHERE doc_type = %s", [doc_type])[0]
        if first is None:
            return None
        _id_ranges[doc_type] = (now, (first, last))
        return first, last

    def count(self, doc_type: str, match: Match | None, where: Where) -> int:
        conditions, params = self.where_sql(doc_type, where)
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
            self.execute("VACUUM (ANALYZE) search_document, search_facet, search_term, search_word")
        self.execute("ANALYZE")
