"""PostgreSQL full-text search over the analysed tokens.

Two generated tsvector columns follow the token columns: `tsv` (title weight A, keywords B, body C) for
matching and ts_rank, and `head_tsv` (title and keywords only) for the first, narrow tier of a query. Both use
the `simple` configuration, which only lower-cases: the stemming was done in Python, and PostgreSQL's own
`dutch` stemmer (which stems some words differently, e.g. cursussen -> cursuss) is never applied, so the index
and the queries always agree. pg_trgm finds words like a mistyped one.
"""

from __future__ import annotations

from elkaar.search.backends.base import Backend, Match, Where

RANK_WEIGHTS = "{0.1, 0.33, 0.67, 1.0}"  # ts_rank weights of D, C (body), B (keywords), A (title)


def tsquery_text(match: Match) -> str:
    concepts = []
    for concept in match.concepts:
        alternatives = []
        for alternative in concept:
            tokens = " & ".join(f"'{token}'" for token in alternative)
            alternatives.append(f"({tokens})" if len(alternative) > 1 else tokens)
        concepts.append("(" + " | ".join(alternatives) + ")")
    return (" & " if match.mode == "and" else " | ").join(concepts)


class PostgresBackend(Backend):
    vendor = "postgresql"
    rank_limit = 500

    def retrieve(
        self, doc_type: str, match: Match | None, head_only: bool, where: Where, order: str, limit: int
    ) -> list[int]:
        conditions, params = self.where_sql(doc_type, where)
        if match is None:
            sql = (
                f"SELECT d.id FROM search_document d WHERE {conditions} "  # noqa: S608 - conditions are our own SQL; values go as parameters
                "ORDER BY d.published_at DESC NULLS LAST, d.id DESC LIMIT %s"
            )
            return [row[0] for row in self.fetch(sql, [*params, limit])]
        column = "d.head_tsv" if head_only else "d.tsv"
        ordering = f"ts_rank('{RANK_WEIGHTS}', d.tsv, q.query) DESC, d.id DESC" if order == "rank" else "d.id DESC"
        sql = (
            f"SELECT d.id FROM search_document d, to_tsquery('simple', %s) AS q(query) "  # noqa: S608 - conditions are our own SQL; values go as parameters
            f"WHERE {column} @@ q.query AND {conditions} ORDER BY {ordering} LIMIT %s"
        )
        if head_only and order != "rank":
            # The small head_tsv is cheap to recheck: collect every match through the GIN index and sort those,
            # rather than let the planner walk the primary key backwards through every document.
            sql = (
                "WITH matches AS MATERIALIZED (SELECT d.id FROM search_document d, "  # noqa: S608 - as above
                f"to_tsquery('simple', %s) AS q(query) WHERE d.head_tsv @@ q.query AND {conditions}) "
                "SELECT id FROM matches ORDER BY id DESC LIMIT %s"
            )
        return [row[0] for row in self.fetch(sql, [tsquery_text(match), *params, limit])]

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
        # Fresh statistics for the planner (all tables: the catalogue may just have been loaded in bulk too).
        self.execute("ANALYZE")
