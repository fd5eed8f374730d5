"""The related fill reads each tag's newest articles: an index-only scan of (tag, article)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_speed")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX article_tags_newest ON articles_article_tags (tag_id, article_id DESC)",
            "DROP INDEX article_tags_newest",
        )
    ]
