"""What the reader-facing side stores: old article paths, and the search index type."""

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


class ArticlePath(models.Model):
    """A URL an article used to have; requests for it are redirected (301) to the current one."""

    path = models.CharField(max_length=300, unique=True)
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.path} → {self.article}"
