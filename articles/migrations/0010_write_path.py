"""One write path (schema, part 1): system actors in the history, sealed source originals,
recorded gate overrides, the new audit actions and permissions."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_related_tag_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SealedSource",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(editable=False)),
                (
                    "sealed_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
            ],
            options={
                "verbose_name": "sealed source original",
            },
        ),
        migrations.CreateModel(
            name="TrustOverride",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "rule",
                    models.CharField(
                        choices=[("fidelity", "Fidelity to the licensed source")], max_length=20
                    ),
                ),
                (
                    "accepted",
                    models.JSONField(
                        help_text="The problems accepted, as the gate described them."
                    ),
                ),
                ("reason", models.TextField()),
                ("decided_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["-decided_at", "-id"],
            },
        ),
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": ["-published_at", "-id"],
                "permissions": [
                    (
                        "publish_article",
                        "Can publish, schedule and unpublish articles, and set their comment, featuring and safeguarding settings",
                    ),
                    ("redact_article", "Can redact a name from articles, everywhere at once"),
                    (
                        "override_fidelity",
                        "Can publish changes a republication licence does not allow, with a reason",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="system_actor",
            field=models.CharField(
                blank=True,
                help_text="The part of Standfirst that acted, if no person.",
                max_length=60,
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="system_actor",
            field=models.CharField(
                blank=True,
                help_text="The part of Standfirst that saved it, if no person.",
                max_length=60,
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("imported", "Imported"),
                    ("edited", "Edited while public"),
                    ("published", "Published"),
                    ("unpublished", "Unpublished"),
                    ("scheduled", "Scheduled"),
                    ("deleted", "Deleted"),
                    ("corrected", "Corrected"),
                    ("correction_changed", "Correction changed"),
                    ("correction_removed", "Correction removed"),
                    ("comments_closed", "Comments closed"),
                    ("comments_opened", "Comments opened"),
                    ("comments_moderated", "Comments moderated"),
                    ("safeguarding_changed", "Safeguarding setting changed"),
                    ("gate_overridden", "Trust gate overridden"),
                    ("revision_restored", "Revision restored"),
                    ("preview_link_created", "Preview link created"),
                    ("preview_link_revoked", "Preview link revoked"),
                    ("preview_link_restored", "Preview link restored"),
                    ("legal_hold_applied", "Legal hold applied"),
                    ("legal_hold_lifted", "Legal hold lifted"),
                    ("register_changed", "Do-not-identify register changed"),
                    ("identification_signed_off", "Identification sign-off"),
                    ("republication_recorded", "Republication record saved"),
                    ("redacted", "Redacted"),
                ],
                max_length=40,
            ),
        ),
        migrations.AddField(
            model_name="sealedsource",
            name="snapshot",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sealed",
                to="articles.sourcesnapshot",
            ),
        ),
        migrations.AddField(
            model_name="trustoverride",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="trust_overrides",
                to="articles.article",
            ),
        ),
        migrations.AddField(
            model_name="trustoverride",
            name="decided_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
