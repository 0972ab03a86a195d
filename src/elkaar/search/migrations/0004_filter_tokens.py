"""Facet filters as index tokens (elkaar.search.filtering): a `filter_tokens` field that both engines index
beside the text, so a filter is part of the full-text match. The FTS5 table (SQLite) and the tsvector columns
(PostgreSQL) are recreated with it, and an existing index is rebuilt to fill it."""

from django.db import migrations, models

SQLITE = [
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_tokens, keyword_tokens, body_tokens, filter_tokens,
        content='search_document', content_rowid='id',
        tokenize='ascii'
    )""",
    """CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts(rowid, title_tokens, keyword_tokens, body_tokens, filter_tokens)
        VALUES (new.id, new.title_tokens, new.keyword_tokens, new.body_tokens, new.filter_tokens);
    END""",
    """CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_tokens, keyword_tokens, body_tokens, filter_tokens)
        VALUES ('delete', old.id, old.title_tokens, old.keyword_tokens, old.body_tokens, old.filter_tokens);
    END""",
    """CREATE TRIGGER search_document_fts_update AFTER UPDATE OF title_tokens, keyword_tokens, body_tokens,
    filter_tokens ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_tokens, keyword_tokens, body_tokens, filter_tokens)
        VALUES ('delete', old.id, old.title_tokens, old.keyword_tokens, old.body_tokens, old.filter_tokens);
        INSERT INTO search_fts(rowid, title_tokens, keyword_tokens, body_tokens, filter_tokens)
        VALUES (new.id, new.title_tokens, new.keyword_tokens, new.body_tokens, new.filter_tokens);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_tokens, keyword_tokens, body_tokens,
        content='search_document', content_rowid='id',
        tokenize='ascii'
    )""",
    """CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts(rowid, title_tokens, keyword_tokens, body_tokens)
        VALUES (new.id, new.title_tokens, new.keyword_tokens, new.body_tokens);
    END""",
    """CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_tokens, keyword_tokens, body_tokens)
        VALUES ('delete', old.id, old.title_tokens, old.keyword_tokens, old.body_tokens);
    END""",
    """CREATE TRIGGER search_document_fts_update AFTER UPDATE OF title_tokens, keyword_tokens, body_tokens
    ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_tokens, keyword_tokens, body_tokens)
        VALUES ('delete', old.id, old.title_tokens, old.keyword_tokens, old.body_tokens);
        INSERT INTO search_fts(rowid, title_tokens, keyword_tokens, body_tokens)
        VALUES (new.id, new.title_tokens, new.keyword_tokens, new.body_tokens);
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]

POSTGRES = [
    "DROP INDEX IF EXISTS search_document_head_tsv",
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS head_tsv",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv",
    """ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_tokens), 'A')
        || setweight(to_tsvector('simple', keyword_tokens), 'B')
        || setweight(to_tsvector('simple', body_tokens), 'C')
        || setweight(to_tsvector('simple', filter_tokens), 'D')
    ) STORED""",
    """ALTER TABLE search_document ADD COLUMN head_tsv tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', title_tokens || ' ' || keyword_tokens || ' ' || filter_tokens)
    ) STORED""",
    "CREATE INDEX search_document_tsv ON search_document USING gin (tsv)",
    "CREATE INDEX search_document_head_tsv ON search_document USING gin (head_tsv)",
]

POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_document_head_tsv",
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS head_tsv",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv",
    """ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_tokens), 'A')
        || setweight(to_tsvector('simple', keyword_tokens), 'B')
        || setweight(to_tsvector('simple', body_tokens), 'C')
    ) STORED""",
    """ALTER TABLE search_document ADD COLUMN head_tsv tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', title_tokens || ' ' || keyword_tokens)
    ) STORED""",
    "CREATE INDEX search_document_tsv ON search_document USING gin (tsv)",
    "CREATE INDEX search_document_head_tsv ON search_document USING gin (head_tsv)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def fill_filter_tokens(apps, schema_editor):
    """An index built before this migration has no filter tokens yet: rebuild it (with today's code; this
    migration runs before any later change to the index's tables)."""
    if not apps.get_model("search", "Document").objects.exists():
        return
    from elkaar.search import index

    index.rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0003_seed_synonyms")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="filter_tokens",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["doc_type", "id"], name="search_doc_type_id"),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
        migrations.RunPython(fill_filter_tokens, migrations.RunPython.noop),
    ]
