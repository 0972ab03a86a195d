"""The two engines behind one interface: SQLite FTS5 (the embedded default) and PostgreSQL full-text search.

`backend()` returns the one that matches the database in use. Both receive tokens made by
`elkaar.search.analysis` and never analyse text themselves, so a word is stemmed the same way at indexing and
at query time whichever engine runs.
"""

from __future__ import annotations

from django.db import connection

from elkaar.search.backends.base import EVERYTHING, PUBLIC, Backend, Match, Scope


def backend() -> Backend:
    if connection.vendor == "postgresql":
        from elkaar.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from elkaar.search.backends.sqlite import SqliteBackend

    return SqliteBackend()


__all__ = ["EVERYTHING", "PUBLIC", "Backend", "Match", "Scope", "backend"]
