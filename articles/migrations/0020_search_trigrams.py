"""Search's spelling suggestions: pg_trgm, each article's words with a trigram index, and
author names in the search vector. PostgreSQL only: on SQLite the extension and the index
are skipped and the new column stays empty.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

INDEX = "article_search_words"

# The rule of articles.search.update_search_vectors as it stood when this migration was
# written (a migration must not import code that will change).
REFRESH = """
WITH names AS (
    SELECT a.id,
        COALESCE((SELECT string_agg(t.name, ' ') FROM articles_article_tags at
                  JOIN articles_tag t ON t.id = at.tag_id WHERE at.article_id = a.id), '') AS tags,
        COALESCE((SELECT string_agg(au.name, ' ') FROM articles_byline b
                  JOIN articles_author au ON au.id = b.author_id WHERE b.article_id = a.id), '')
            AS authors
    FROM articles_article a
)
UPDATE articles_article a SET
    search_vector = setweight(to_tsvector('english', a.headline), 'A')
        || setweight(to_tsvector('english', a.standfirst || ' ' || names.authors), 'B')
        || setweight(to_tsvector('english', a.body || ' ' || names.tags), 'C'),
    search_words = array_to_string(ARRAY(
        SELECT DISTINCT w FROM regexp_split_to_table(lower(
            a.headline || ' ' || a.standfirst || ' ' || a.body || ' ' || names.tags || ' '
            || names.authors), '[^[:alnum:]]+') AS w
        WHERE length(w) >= 3 ORDER BY w), ' ')
FROM names WHERE names.id = a.id
"""


class PostgresTrigramExtension(TrigramExtension):
    """Django's TrigramExtension skips other databases going forwards, not backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def index_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON articles_article USING gin (search_words gin_trgm_ops)"
    )
    schema_editor.execute(REFRESH)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0019_merge_intake_fields")]

    operations = [
        PostgresTrigramExtension(),
        migrations.AddField(
            model_name="article",
            name="search_words",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Its distinct words, for search's spelling suggestions (PostgreSQL only).",
            ),
        ),
        migrations.RunPython(index_and_fill, drop_index),
    ]
