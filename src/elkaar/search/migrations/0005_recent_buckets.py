from django.db import migrations


def add_recent_buckets(apps, schema_editor):
    """An index built before this migration has no recency-bucket tokens, which PostgreSQL needs to find the
    newest matches of a common word: rebuild it (with today's code; this migration runs before any later change
    to the index's tables)."""
    if not apps.get_model("search", "Document").objects.exists():
        return
    from elkaar.search import index

    index.rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0004_filter_tokens")]

    operations = [
        # The id range of a type is no longer asked for: recency buckets took its place.
        migrations.RemoveIndex(model_name="document", name="search_doc_type_id"),
        migrations.RunPython(add_recent_buckets, migrations.RunPython.noop),
    ]
