"""The full-text index of clause texts for search (decision 100): PostgreSQL only, outside the model state.

Why it is not in `ClauseText.Meta.indexes`, and why `fastupdate=False`: see
consultations/migrations/0005_comment_search_indexes.py.
The expression is the one `consultations.search` filters on; `consultations/tests/test_search_index.py`
fails if the two drift apart.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("text", config="simple"), fastupdate=False, name="clausetext_text_search")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("declarations", "ClauseText"), INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("declarations", "ClauseText"), INDEX)


class Migration(migrations.Migration):

    dependencies = [
        ("declarations", "0005_declaration_secretariat"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
