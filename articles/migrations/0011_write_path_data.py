"""One write path (data, part 2): one attribution record, and legal holds as a live rule.

1. The article's own source_* fields move into its Republication record. An article that
   had only those fields (no record) gets one that keeps its pages as they were: indexed
   as our own copy and no edits checked against a licence; the permission reference says
   so, for an editor to review. Where both exist, the record keeps its values and takes
   only what it lacks.
2. A legal hold used to write each article's comment state and keep the old one in a
   LegalHoldEntry; it is now a rule read live (Article.legal_hold()). Each held article
   gets back the state it had before its earliest active hold, which the live rule then
   covers; two active holds on one tag (the admin never allowed it) are merged into the
   first, so 0012 can require one.
"""

from django.db import migrations
from django.db.models import Count, Q
from django.utils import timezone

# As articles.actions.intake.licence_choice read them when this migration was written.
LICENCES = {
    "cc by": "cc-by",
    "cc-by": "cc-by",
    "cc by-nd": "cc-by-nd",
    "cc-by-nd": "cc-by-nd",
    "cc by-nc-nd": "cc-by-nc-nd",
    "cc-by-nc-nd": "cc-by-nc-nd",
    "permission": "permission",
    "written permission": "permission",
}
REVIEW = "Recorded from the article's source fields on upgrade: review the licence."


def move_attribution(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Republication = apps.get_model("articles", "Republication")
    legacy = Article.objects.filter(~Q(source_name="") | ~Q(source_url="") | ~Q(source_licence=""))
    for article in legacy.iterator():
        record = Republication.objects.filter(article=article).first()
        if record is None:
            text = article.source_licence.strip()
            licence = LICENCES.get(" ".join(text.lower().split()), "other")
            reference = f"{text} ({REVIEW})" if licence == "other" and text else REVIEW
            Republication.objects.create(
                article=article,
                publisher=article.source_name,
                original_url=article.source_url,
                licence=licence,
                permission_reference=reference[:300],
                allowed_edits="any",
                search_policy="index",
            )
            continue
        updates = {}
        if not record.publisher and article.source_name:
            updates["publisher"] = article.source_name
        if not record.original_url and article.source_url:
            updates["original_url"] = article.source_url
        if updates:
            Republication.objects.filter(pk=record.pk).update(**updates)


def live_holds(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    LegalHold = apps.get_model("articles", "LegalHold")
    LegalHoldEntry = apps.get_model("articles", "LegalHoldEntry")
    active = LegalHold.objects.filter(lifted_at__isnull=True)
    doubled = active.values("tag").annotate(n=Count("pk")).filter(n__gt=1)
    for row in doubled:
        first, *others = active.filter(tag=row["tag"]).order_by("created_at", "pk")
        hides = first.hide_comments or any(hold.hide_comments for hold in others)
        LegalHold.objects.filter(pk=first.pk).update(hide_comments=hides)
        LegalHold.objects.filter(pk__in=[h.pk for h in others]).update(lifted_at=timezone.now())
    restored = set()
    entries = LegalHoldEntry.objects.filter(hold__lifted_at__isnull=True).order_by("pk")
    for entry in entries.iterator():
        if entry.article_id in restored:
            continue
        restored.add(entry.article_id)
        Article.objects.filter(pk=entry.article_id).update(
            comments_closed=entry.previous_closed,
            comments_closed_reason=entry.previous_reason,
            comments_closed_note=entry.previous_note,
            comments_closed_at=entry.previous_closed_at,
            comments_hidden=entry.previous_hidden,
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_write_path")]

    operations = [
        migrations.RunPython(move_attribution, migrations.RunPython.noop),
        migrations.RunPython(live_holds, migrations.RunPython.noop),
    ]
