"""Full-text indexes for search (decision 100): PostgreSQL only, outside the model state.

SQLite cannot build a GIN index on `to_tsvector(...)`, and it rebuilds a table with every index of
the model's `Meta.indexes` whenever a field changes; so these indexes are created here, on
PostgreSQL only (the check Django's own `CreateExtension` makes), and no model lists them. The
expression is the one `consultations.search` filters on; `consultations/tests/test_search_index.py`
fails if the two drift apart.

`fastupdate=False`: a new comment goes into the index at once instead of into a pending list that
every search would then read in full until the next vacuum; comments are written far less often
than searched, and the page budget is a p95.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = [
    GinIndex(SearchVector("text", config="simple"), fastupdate=False, name="comment_text_search"),
    GinIndex(SearchVector("proposed_text", config="simple"), fastupdate=False, name="comment_proposal_search"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.add_index(apps.get_model("consultations", "Comment"), index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.remove_index(apps.get_model("consultations", "Comment"), index)


class Migration(migrations.Migration):

    dependencies = [
        ("consultations", "0004_comment_indexes"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
