"""The search index type: GIN on PostgreSQL, a plain index elsewhere."""

from django.contrib.postgres.indexes import GinIndex
from django.db import models


class SearchIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index elsewhere, where the vector column stays empty.

    SQLite cannot parse `USING gin`, and the suite runs on both databases.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)
