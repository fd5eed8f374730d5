"""One write path (schema, part 3): drop what 0011 moved.

The article's own source_* copies (the republication record holds the source now), the
legal-hold snapshots (a hold is a live rule), and at most one active hold per tag.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_write_path_data")]

    operations = [
        migrations.RemoveField(
            model_name="article",
            name="source_licence",
        ),
        migrations.RemoveField(
            model_name="article",
            name="source_name",
        ),
        migrations.RemoveField(
            model_name="article",
            name="source_url",
        ),
        migrations.AddConstraint(
            model_name="legalhold",
            constraint=models.UniqueConstraint(
                condition=models.Q(("lifted_at__isnull", True)),
                fields=("tag",),
                name="one_active_hold_per_tag",
            ),
        ),
        migrations.DeleteModel(
            name="LegalHoldEntry",
        ),
    ]
