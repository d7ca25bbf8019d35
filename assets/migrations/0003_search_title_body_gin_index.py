"""PostgreSQL only: a GIN index on ``title || body`` of Wagtail's search index entries.

The database search backend filters with ``(title || body) @@ tsquery``; without an
index on that expression PostgreSQL scans every entry (about 40 ms per library search
at 10,000 items, 20 ms with it — see bench/README.md). SQLite uses its FTS5 table
and needs nothing.
"""

from django.db import migrations

INDEX = "assets_indexentry_title_body_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING GIN ((title || body))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0002_internal_sales_collection"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
