"""What an engine must do: find documents whose tokens match, and find words like a mistyped one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

SAFE_TOKEN = re.compile(r"^[a-z0-9]{1,60}$")


@dataclass(frozen=True)
class Scope:
    """Which documents of a type a search may find: every one, or the public ones and those of the objects in
    `also` (drafts someone may edit)."""

    everything: bool = False
    also: tuple[int, ...] = ()


PUBLIC = Scope()
EVERYTHING = Scope(everything=True)


@dataclass(frozen=True)
class Match:
    """Which documents match: every concept (mode "and") or any concept (mode "or"); a concept matches when one
    of its alternatives does; an alternative matches when all of its tokens occur."""

    concepts: tuple[tuple[tuple[str, ...], ...], ...]
    mode: str = "or"
    # Facet filters (elkaar.search.filtering): the document has at least one filter token of every group.
    filters: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        # The engines' query languages are built from these tokens only: refuse anything but plain tokens.
        tokens = [token for concept in self.concepts for alternative in concept for token in alternative]
        tokens += [token for group in self.filters for token in group]
        for token in tokens:
            if not SAFE_TOKEN.match(token):
                raise ValueError(f"unsafe search token {token!r}")
        if (not self.concepts and not self.filters) or any(not group for group in self.filters):
            raise ValueError("a match needs words or filters, and every filter a token")


def one_of(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """SQL for "column is one of these values", and its parameters. PostgreSQL gets one array parameter: the
    driver parses a query's placeholders on every new query text, which for 200 "%s" cost more than the query."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


class Backend:
    vendor = ""
    # A tier of at most this many matches (estimated) is ranked by the engine; a larger one is cut to the
    # most recently indexed matches first, which bounds the work of a query for a very common word. Both
    # engines alike (bm25() over a thousand title matches took SQLite up to 10 ms, ts_rank PostgreSQL more).
    rank_limit = 500

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
        """Ids of matching documents (all documents when `match` is None): best first by the engine's rank
        (order "rank") or most recently indexed first. `likely` is about how many of the `total` documents
        match, for an engine that chooses how to find the newest ones by it."""
        raise NotImplementedError

    def count(self, doc_type: str, match: Match | None, scope: Scope) -> int:
        """How many documents match."""
        raise NotImplementedError

    def similar_words(self, doc_type: str, word: str, limit: int) -> list[tuple[str, int]]:
        """Vocabulary words that look like `word` (trigram similarity), with their document counts."""
        raise NotImplementedError

    def prefix_words(self, doc_type: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        """The most common vocabulary words that start with `prefix`."""
        raise NotImplementedError

    def after_rebuild(self) -> None:
        """Housekeeping after a full reindex."""

    # --- shared helpers ---

    def newest(self, conditions: str, params: list[Any], limit: int) -> list[int]:
        """The newest documents that meet SQL conditions, without a text match (browsing)."""
        sql = (
            f"SELECT d.id FROM search_document d WHERE {conditions} "  # noqa: S608 - conditions are our own SQL; values go as parameters
            # Plain DESC (nulls first on PostgreSQL) walks the (doc_type, is_public, published_at) index backwards on
            # both engines; every document type sets published_at.
            "ORDER BY d.published_at DESC, d.id DESC LIMIT %s"
        )
        return [row[0] for row in self.fetch(sql, [*params, limit])]

    def term_counts(self, doc_type: str, tokens: Iterable[str]) -> dict[str, tuple[int, int]]:
        """For each token: in how many documents of the type it occurs, anywhere and in title or keywords ((0, 0)
        for a token no document has). Raw SQL: this runs several times in every search."""
        wanted = sorted(set(tokens))
        counts = dict.fromkeys(wanted, (0, 0))
        for start in range(0, len(wanted), 500):
            among, values = one_of("token", wanted[start : start + 500])
            for token, documents, head in self.fetch(
                f"SELECT token, document_count, head_count FROM search_term WHERE doc_type = %s AND {among}",  # noqa: S608
                [doc_type, *values],
            ):
                counts[token] = (documents, head)
        return counts

    def count_where(self, conditions: str, params: list[Any]) -> int:
        sql = f"SELECT COUNT(*) FROM search_document d WHERE {conditions}"  # noqa: S608 - as above
        return int(self.fetch(sql, params)[0][0])

    @staticmethod
    def where_sql(doc_type: str, scope: Scope) -> tuple[str, list[Any]]:
        """SQL conditions on the document table (alias d) for a type and scope, and their parameters."""
        if scope.everything:
            return "d.doc_type = %s", [doc_type]
        # "is_public = true", not "is_public": only an equality lets SQLite walk the (doc_type, is_public,
        # published_at) index in order.
        if not scope.also:
            return "d.doc_type = %s AND d.is_public = %s", [doc_type, True]
        also, ids = one_of("d.object_id", scope.also)
        return f"d.doc_type = %s AND (d.is_public = %s OR {also})", [doc_type, True, *ids]

    @staticmethod
    def execute(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    @staticmethod
    def fetch(sql: str, params: Sequence[Any]) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
