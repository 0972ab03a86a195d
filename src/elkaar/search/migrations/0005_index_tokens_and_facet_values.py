from importlib import import_module

from django.db import migrations, models

# Adding a column makes Django rebuild the table on SQLite, which drops the FTS5 triggers on it: put back the
# FTS5 table and its triggers exactly as migration 0004 made them.
_fts = import_module("elkaar.search.migrations.0004_filter_tokens")


def rebuild_index(apps, schema_editor):
    """An index built before this migration has no recency-bucket, type and visibility tokens (which the
    engines need to find the newest matches of a common word without reading the document table) and no facet
    values in its documents: rebuild it (with today's code; this migration runs before any later change to
    the index's tables)."""
    if not apps.get_model("search", "Document").objects.exists():
        return
    from elkaar.search import index

    index.rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0004_filter_tokens")]

    operations = [
        # The id range of a type is no longer asked for: recency buckets took its place.
        migrations.RemoveIndex(model_name="document", name="search_doc_type_id"),
        # Facet values live in the document row: every search reads them with the candidates.
        migrations.AddField(
            model_name="document", name="facet_values", field=models.JSONField(blank=True, default=list)
        ),
        migrations.RunPython(_fts._run({"sqlite": _fts.SQLITE}), migrations.RunPython.noop),
        migrations.DeleteModel(name="Facet"),
        migrations.RunPython(rebuild_index, migrations.RunPython.noop),
    ]
