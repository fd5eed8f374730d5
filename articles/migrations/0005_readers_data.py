"""Fill reading time and the search vector for articles saved before 0004 added them."""

from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import Value

from articles.reading import estimate_reading_minutes


def backfill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    full_text = schema_editor.connection.vendor == "postgresql"
    for article in Article.objects.all().iterator():
        updates = {"reading_minutes": estimate_reading_minutes(article.body)}
        if full_text:
            tags = " ".join(article.tags.values_list("name", flat=True))
            updates["search_vector"] = (
                SearchVector("headline", weight="A", config="english")
                + SearchVector("standfirst", weight="B", config="english")
                + SearchVector("body", Value(tags), weight="C", config="english")
            )
        Article.objects.filter(pk=article.pk).update(**updates)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_readers")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
