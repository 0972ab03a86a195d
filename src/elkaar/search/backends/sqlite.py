"""SQLite FTS5: an external-content FTS5 table over the analysed token columns, kept in step by triggers.

The FTS5 tokenizer only splits on spaces here (our tokens are already lower-case ASCII words), and the query is
built from our own tokens, each one quoted, so no user input ever reaches FTS5's query syntax.
"""

from __future__ import annotations

from typing import Any

from elkaar.search import filtering
from elkaar.search.backends.base import Backend, Match, Scope

FTS_TABLE = "search_fts"
WORD_TRIGRAMS = "search_word_trigram"
COLUMN_WEIGHTS = "3.0, 2.0, 1.0, 0.0"  # bm25() weights of title, keywords, body (as in ranking.FIELD_WEIGHTS), filters
TEXT_COLUMNS = "{title_tokens keyword_tokens body_tokens}"
HEAD_COLUMNS = "{title_tokens keyword_tokens}"


def fts_expression(match: Match, head_only: bool) -> str:
    concepts = []
    for concept in match.concepts:
        alternatives = []
        for alternative in concept:
            tokens = " AND ".join(f'"{token}"' for token in alternative)
            alternatives.append(f"({tokens})" if len(alternative) > 1 else tokens)
        concepts.append("(" + " OR ".join(alternatives) + ")")
    parts = []
    if concepts:
        columns = HEAD_COLUMNS if head_only else TEXT_COLUMNS
        parts.append(f"{columns} : (" + f" {match.mode.upper()} ".join(concepts) + ")")
    parts += ["filter_tokens : (" + " OR ".join(f'"{token}"' for token in group) + ")" for group in match.filters]
    return " AND ".join(parts)


class SqliteBackend(Backend):
    vendor = "sqlite"

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
        # FTS5 reads its posting lists newest first by itself: `likely` changes nothing here.
        if match is None:
            return self.newest(*self.where_sql(doc_type, scope), limit)
        ordering = f"bm25({FTS_TABLE}, {COLUMN_WEIGHTS})" if order == "rank" else f"{FTS_TABLE}.rowid DESC"
        sql, params = self._matching(doc_type, match, head_only, scope)
        return [row[0] for row in self.fetch(f"{sql} ORDER BY {ordering} LIMIT %s", [*params, limit])]

    def count(self, doc_type: str, match: Match | None, scope: Scope) -> int:
        if match is None:
            return self.count_where(*self.where_sql(doc_type, scope))
        sql, params = self._matching(doc_type, match, False, scope)
        return int(self.fetch(f"SELECT COUNT(*) FROM ({sql})", params)[0][0])  # noqa: S608 - our own SQL

    def _matching(self, doc_type: str, match: Match, head_only: bool, scope: Scope) -> tuple[str, list[Any]]:
        """SQL for the ids of the documents in scope that match, and its parameters. Type and visibility are
        index tokens (filtering.type_token): asked of the FTS5 table alone, a search never reads the document
        table, whose rows are large. Only drafts that someone may edit need the document table."""
        if not scope.also:
            groups = [(filtering.type_token(doc_type),)]
            if not scope.everything:
                groups.append((filtering.PUBLIC_TOKEN,))
            expression = fts_expression(Match(match.concepts, match.mode, (*match.filters, *groups)), head_only)
            return f"SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression]  # noqa: S608
        conditions, params = self.where_sql(doc_type, scope)
        sql = (
            f"SELECT d.id FROM {FTS_TABLE} JOIN search_document d ON d.id = {FTS_TABLE}.rowid "  # noqa: S608 - conditions are our own SQL; values go as parameters
            f"WHERE {FTS_TABLE} MATCH %s AND {conditions}"
        )
        return sql, [fts_expression(match, head_only), *params]

    def similar_words(self, doc_type: str, word: str, limit: int) -> list[tuple[str, int]]:
        trigrams = sorted({word[index : index + 3] for index in range(len(word) - 2)})
        if not trigrams:
            return []
        expression = " OR ".join(f'"{trigram}"' for trigram in trigrams)
        sql = (
            f"SELECT w.word, w.document_count FROM {WORD_TRIGRAMS} t JOIN search_word w ON w.id = t.rowid "  # noqa: S608 - conditions are our own SQL; values go as parameters
            f"WHERE {WORD_TRIGRAMS} MATCH %s AND w.doc_type = %s AND length(w.word) BETWEEN %s AND %s "
            f"ORDER BY bm25({WORD_TRIGRAMS}) LIMIT %s"
        )
        return [
            (row[0], row[1]) for row in self.fetch(sql, [expression, doc_type, len(word) - 2, len(word) + 2, limit])
        ]

    def prefix_words(self, doc_type: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        sql = (
            "SELECT word, document_count FROM search_word WHERE doc_type = %s AND word >= %s AND word < %s "
            "ORDER BY document_count DESC, word LIMIT %s"
        )
        return [(row[0], row[1]) for row in self.fetch(sql, [doc_type, prefix, prefix + "\uffff", limit])]

    def after_rebuild(self) -> None:
        self.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608 - a constant
        self.execute("ANALYZE")
