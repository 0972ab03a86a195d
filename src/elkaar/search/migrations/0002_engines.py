"""The engine-specific part of the index: an FTS5 table and triggers on SQLite; tsvector columns, GIN indexes
and pg_trgm on PostgreSQL. Each engine's statements run only on that engine."""

from django.db import migrations

SQLITE = [
    # External content: FTS5 reads the token columns of search_document; the triggers keep it in step.
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
    # Trigrams of the vocabulary, for words like a mistyped one.
    """CREATE VIRTUAL TABLE search_word_trigram USING fts5(
        word, content='search_word', content_rowid='id', tokenize='trigram'
    )""",
    """CREATE TRIGGER search_word_trigram_insert AFTER INSERT ON search_word BEGIN
        INSERT INTO search_word_trigram(rowid, word) VALUES (new.id, new.word);
    END""",
    """CREATE TRIGGER search_word_trigram_delete AFTER DELETE ON search_word BEGIN
        INSERT INTO search_word_trigram(search_word_trigram, rowid, word) VALUES ('delete', old.id, old.word);
    END""",
    """CREATE TRIGGER search_word_trigram_update AFTER UPDATE OF word ON search_word BEGIN
        INSERT INTO search_word_trigram(search_word_trigram, rowid, word) VALUES ('delete', old.id, old.word);
        INSERT INTO search_word_trigram(rowid, word) VALUES (new.id, new.word);
    END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_word_trigram_update",
    "DROP TRIGGER IF EXISTS search_word_trigram_delete",
    "DROP TRIGGER IF EXISTS search_word_trigram_insert",
    "DROP TABLE IF EXISTS search_word_trigram",
    "DROP TRIGGER IF EXISTS search_document_fts_update",
    "DROP TRIGGER IF EXISTS search_document_fts_delete",
    "DROP TRIGGER IF EXISTS search_document_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
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
    "CREATE INDEX search_word_trgm ON search_word USING gin (word gin_trgm_ops)",
    "CREATE INDEX search_word_prefix ON search_word (doc_type, word text_pattern_ops)",
]

POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_word_prefix",
    "DROP INDEX IF EXISTS search_word_trgm",
    "DROP INDEX IF EXISTS search_document_head_tsv",
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS head_tsv",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
