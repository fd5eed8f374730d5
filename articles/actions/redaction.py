"""Redaction: remove a name from everything we hold about some articles, all at once.

In one transaction, all or nothing, for each article:
- its text fields and slug (its old URL then answers 404: the address held the name);
- its revisions, audit details and recorded overrides, JSON included, and its webhook log;
- the admin history of the article and of its own records (never of other objects);
- its comments, readers' reports, corrections, register sign-offs, republication record,
  source alerts (their diffs and drafted corrections), preview-link notes, the newsroom's
  notes on it (text and quoted paragraph), its review decisions' comments, and the reasons
  of legal holds on its tags;
- its callouts: one shown with other articles too is forked, so theirs is left alone;
- its tags: renamed, when every article carrying the tag is being redacted;
- old URLs that hold the name (no redirect ties the name to the article);
- uploaded images whose file names hold it: copied under a new name with new renditions
  (before the transaction: no file I/O while rows are locked), the body and rows rebuilt,
  and the old files removed once the change commits;
- its source snapshots: each original is sealed (SealedSource, for the legal role only),
  and the display copy rewritten;
then saved through the article action (rendered HTML, search index, a revision, the audit
entry "redacted") with a dated legal amendment, and announced as a legal change so that
caches drop every copy without grace.

Refused, with the reason, before anything is written: a tag or an image that other
articles share (redact them together, or rename it first), a site-wide callout that holds
the name. Exempt by design: the do-not-identify register (it holds the names) and sealed
originals. The names themselves are never logged.
"""

import re

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from articles import audit, roles, uploads
from articles.actions import articles as article_actions
from articles.actions import corrections as correction_actions
from articles.actions.base import Refused, changed, require
from articles.models import (
    Article,
    ArticlePath,
    AuditEntry,
    Callout,
    Comment,
    Correction,
    DeliveryAttempt,
    DoNotIdentify,
    Event,
    ImageRendition,
    ImageRights,
    LegalHold,
    PreviewLink,
    ProblemReport,
    Republication,
    Revision,
    SealedSource,
    SourceAlert,
    SourceSnapshot,
    Tag,
    TrustOverride,
    WebhookDelivery,
)
from articles.names import Substitution, file_words

NOTE = "This article has been amended to remove identifying details."
_NOT_TEXT = {"body_html", "status", "work_type", "comments_closed_reason"}


def redact(actor, articles, names, replacement):
    """Replace each name in the articles and everything held about them; returns
    {article id: {target: texts changed}}."""
    require(actor, roles.REDACT, message="Only editors may redact names.")
    substitute = Substitution(names, replacement)
    if not substitute.names:
        raise Refused("Give at least one name to redact.")
    articles = list(Article.objects.filter(pk__in=[a.pk for a in articles]).order_by("pk"))
    ids = {a.pk for a in articles}
    _refuse_what_others_share(articles, ids, substitute)
    copies = _copy_images(articles, substitute)  # {old name: (new name, renditions)}
    written = [name for new, renditions in copies.values() for name in [new, *_names(renditions)]]
    try:
        with transaction.atomic():
            counts = {a.pk: _redact_one(actor, a, ids, substitute, copies) for a in articles}
            old_files = set().union(*(uploads.files_of(old) for old in copies))
            ImageRendition.objects.filter(source__in=list(copies)).delete()
            transaction.on_commit(lambda: uploads.remove_quietly(old_files))
            gone = [settings.MEDIA_URL + name for name in old_files]
            # Integrators hear of each article once readers had it; never of the names.
            events = [(Event.REDACTED, a.pk, {}) for a in articles if a.pub_date]
            changed("redacted", actor, articles=ids, legal=True, gone=gone,
                    models={"tag", "callout"}, events=events)  # fmt: skip
    except BaseException:
        uploads.delete_files(written)
        raise
    return counts


def _names(renditions):
    return [r["name"] for r in renditions]


# Before the transaction: what may not be redacted from here, and the file copies ------------


def _refuse_what_others_share(articles, ids, substitute):
    problems = []
    for tag in Tag.objects.filter(articles__in=ids).distinct():
        if substitute.finds(tag.name) or substitute.finds(tag.slug.replace("-", " ")):
            others = tag.articles.exclude(pk__in=ids).count()
            if others:
                problems.append(
                    f"The tag “{tag.name}” holds the name and is on {others} other article(s): "
                    "redact them together, or rename the tag first."
                )
    for callout in Callout.objects.active().filter(site_wide=True):
        if substitute.finds(callout.text):
            problems.append(
                f"The site-wide callout “{callout}” holds the name: edit it first (it is "
                "shown beside every article)."
            )
    for name in _images_named(articles, substitute):
        sharing = Article.objects.exclude(pk__in=ids).filter(
            Q(hero_image=name) | Q(body__contains=settings.MEDIA_URL + name)
        )
        if sharing.exists():
            problems.append(
                f"The image {name} is also shown by “{sharing.first()}”: redact them together."
            )
    if problems:
        raise Refused(*problems)


def _images_named(articles, substitute):
    """Stored images of these articles whose file names hold the name."""
    found = set()
    for article in articles:
        names = [article.hero_image.name] if article.hero_image else []
        names += [
            path[len(settings.MEDIA_URL) :]
            for path in _media_paths(article.body)
            if path.startswith(settings.MEDIA_URL)
        ]
        found |= {name for name in names if substitute.finds(file_words(name))}
    return sorted(found)


def _media_paths(text):
    """Every path to our own media in a Markdown body (images and links)."""
    return set(re.findall(re.escape(settings.MEDIA_URL) + r"[^\s)\"'>]+", text))


def _copy_images(articles, substitute):
    copies = {}
    try:
        for name in _images_named(articles, substitute):
            stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            copies[name] = uploads.copy_image(name, substitute(stem, slug=True))
    except BaseException as exc:
        uploads.remove_quietly(n for new, r in copies.values() for n in [new, *_names(r)])
        if isinstance(exc, uploads.StorageUnavailable):
            raise Refused(f"Nothing was redacted. {exc}") from exc
        raise
    return copies


# Inside the transaction: one article and everything held about it --------------------------


def _redact_one(actor, article, ids, substitute, copies):
    counts = {}
    old_url = article.get_absolute_url() if article.pub_date else None
    counts["images"] = _repoint_images(article, copies)
    counts["article"] = len(_rewrite_fields(article, substitute, skip=_NOT_TEXT))
    counts["source_snapshots"] = _seal_snapshots(article, substitute)
    counts["records"] = _rewrite_records(article, substitute)
    counts["callouts"] = _rewrite_callouts(article, ids, substitute)
    counts["tags"] = _rename_tags(article, substitute)
    counts["comments"] = _rewrite_comments(article, substitute)
    counts["history"] = _rewrite_history(article, substitute)
    counts["admin_history"] = _rewrite_admin_history(article, substitute)
    counts["old_urls"] = _forget_old_urls(article, substitute)
    article_actions.save(
        actor,
        article,
        expected_version=Article.objects.values_list("version", flat=True).get(pk=article.pk),
        gated=False,
        keep_old_path=not (old_url and substitute.finds(file_words(old_url))),
        verb="redacted",
        note="Redacted",
        legal=True,
        extra_audit=[
            (
                audit.Action.REDACTED,
                {"replacement": substitute.replacement, "changed": counts},
            )
        ],
    )
    correction_actions.add(
        actor, Correction(article=article, kind=Correction.Kind.LEGAL, text=NOTE)
    )
    return counts


def _rewrite_fields(obj, substitute, skip=()):
    """Apply the substitution to every text field of one object; the names of those changed.
    URL, slug and file fields get a slug in place of the name."""
    changed_fields = []
    for field in obj._meta.concrete_fields:
        if field.name in skip or field.choices:
            continue
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(obj, field.attname)
        if not value:
            continue
        url_like = isinstance(field, models.SlugField | models.URLField)
        new = substitute(value, slug=url_like)
        if new != value:
            setattr(obj, field.attname, new[: field.max_length] if field.max_length else new)
            changed_fields.append(field.attname)
    return changed_fields


def _rewrite_json(value, substitute):
    """Every string inside stored JSON, rewritten."""
    if isinstance(value, str):
        return substitute(value)
    if isinstance(value, list):
        return [_rewrite_json(v, substitute) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_json(v, substitute) for k, v in value.items()}
    return value


def _repoint_images(article, copies):
    """Point the hero and the body at the renamed copies, and record their renditions."""
    count = 0
    if article.hero_image and article.hero_image.name in copies:
        new, renditions = copies[article.hero_image.name]
        # The rights record follows the file: its old name held the redacted name.
        ImageRights.objects.filter(source=article.hero_image.name).update(source=new)
        article.hero_image, article.hero_renditions = new, renditions
        count += 1
    for old, (new, _) in copies.items():
        if settings.MEDIA_URL + old in article.body:
            article.body = article.body.replace(settings.MEDIA_URL + old, settings.MEDIA_URL + new)
            count += 1
    for new, renditions in copies.values():
        if not ImageRendition.objects.filter(source=new).exists():
            uploads.record_renditions(new, renditions)
    return count


def _seal_snapshots(article, substitute):
    count = 0
    for snapshot in article.source_snapshots.all():
        text = substitute(snapshot.text)
        if text == snapshot.text:
            continue
        SealedSource.objects.get_or_create(snapshot=snapshot, defaults={"text": snapshot.text})
        # Not save(): snapshots refuse updates; the display copy changes, the hash stays.
        SourceSnapshot.objects.filter(pk=snapshot.pk).update(text=text, redacted_at=timezone.now())
        count += 1
    return count


def _rewrite_records(article, substitute):
    """Corrections, readers' reports, sign-offs, the republication record, source alerts,
    preview links, notes, review comments, and the reasons of legal holds on its tags."""
    records = [
        *article.corrections.all(),
        *article.source_alerts.all(),
        *article.notes.all(),
        *article.review_decisions.all(),
        *article.problem_reports.all(),
        *[s for e in article.do_not_identify.all() for s in e.sign_offs.all()],
        *article.preview_links.all(),
        *LegalHold.objects.filter(tag__articles=article),
    ]
    if record := article.republication_record:
        records.append(record)
    count = 0
    for obj in records:
        if fields := _rewrite_fields(obj, substitute):
            type(obj).objects.filter(pk=obj.pk).update(**{f: getattr(obj, f) for f in fields})
            count += 1
    for override in TrustOverride.objects.filter(article=article):
        accepted = _rewrite_json(override.accepted, substitute)
        reason = substitute(override.reason)
        if (accepted, reason) != (override.accepted, override.reason):
            TrustOverride.objects.filter(pk=override.pk).update(accepted=accepted, reason=reason)
            count += 1
    return count


def _rewrite_callouts(article, ids, substitute):
    """A callout only these articles show is rewritten; one others show too is forked."""
    count = 0
    for callout in article.callouts.all():
        text = substitute(callout.text)
        link = substitute(callout.link_url, slug=True)
        if (text, link) == (callout.text, callout.link_url):
            continue
        if callout.articles.exclude(pk__in=ids).exists():
            fork = Callout.objects.create(
                text=text, link_url=link, starts_at=callout.starts_at, ends_at=callout.ends_at
            )
            article.callouts.remove(callout)
            article.callouts.add(fork)
        else:
            callout.text, callout.link_url = text, link
            callout.save()  # re-renders its HTML
        count += 1
    return count


def _rename_tags(article, substitute):
    count = 0
    for tag in article.tags.all():
        name = substitute(tag.name)
        slug = substitute(tag.slug.replace("-", " "), slug=True).replace(" ", "-")
        if (name, slug) == (tag.name, tag.slug):
            continue
        tag.name = _unique(Tag, "name", name[:80], tag.pk)
        tag.slug = _unique(Tag, "slug", slug[:80], tag.pk)
        tag.save()
        count += 1
    return count


def _unique(model, field, value, pk):
    candidate, n = value, 2
    while model.objects.filter(**{field: candidate}).exclude(pk=pk).exists():
        candidate, n = f"{value[:75]}-{n}", n + 1
    return candidate


def _rewrite_comments(article, substitute):
    """Every comment on the article, whatever its status: name and text."""
    count = 0
    for comment in Comment.objects.filter(article=article).only("pk", "name", "body"):
        name, body = substitute(comment.name), substitute(comment.body)
        if (name, body) != (comment.name, comment.body):
            Comment.objects.filter(pk=comment.pk).update(name=name[:80], body=body)
            count += 1
    return count


def _rewrite_history(article, substitute):
    """Every stored revision of the article, its audit details, and its webhook log (the
    payloads sent or still to send, and what the receivers answered)."""
    count = 0
    stored = (
        (Revision.objects.filter(article=article), "data"),
        (AuditEntry.objects.filter(article=article), "detail"),
        (WebhookDelivery.objects.filter(article=article), "payload"),
        (DeliveryAttempt.objects.filter(delivery__article=article), "response"),
    )
    for rows, field in stored:
        for row in rows.only("pk", field):
            old = getattr(row, field)
            new = _rewrite_json(old, substitute)
            if new != old:
                rows.model.objects.filter(pk=row.pk).update(**{field: new})
                count += 1
    return count


def _own_objects(article):
    """(content type, object ids) of the article and the records that are its own."""
    related = [
        (Article, [article.pk]),
        (Comment, article.comments.values_list("pk", flat=True)),
        (Correction, article.corrections.values_list("pk", flat=True)),
        (DoNotIdentify, article.do_not_identify.values_list("pk", flat=True)),
        (ProblemReport, article.problem_reports.values_list("pk", flat=True)),
        (SourceSnapshot, article.source_snapshots.values_list("pk", flat=True)),
        (SourceAlert, article.source_alerts.values_list("pk", flat=True)),
        (PreviewLink, article.preview_links.values_list("pk", flat=True)),
        (Tag, article.tags.values_list("pk", flat=True)),
        (Callout, article.callouts.values_list("pk", flat=True)),
    ]
    if record := article.republication_record:
        related.append((Republication, [record.pk]))
    for model, pks in related:
        yield ContentType.objects.get_for_model(model), [str(pk) for pk in pks]


def _rewrite_admin_history(article, substitute):
    """Django's admin history of the article and its own records, and nothing else's."""
    own = Q(pk__in=[])
    for content_type, pks in _own_objects(article):
        own |= Q(content_type=content_type, object_id__in=pks)
    count = 0
    for entry in LogEntry.objects.filter(own).iterator():
        repr_, message = substitute(entry.object_repr), substitute(entry.change_message)
        if (repr_, message) != (entry.object_repr, entry.change_message):
            LogEntry.objects.filter(pk=entry.pk).update(object_repr=repr_, change_message=message)
            count += 1
    return count


def _forget_old_urls(article, substitute):
    """Old URLs of the article that hold the name no longer redirect: they answer 404."""
    paths = ArticlePath.objects.filter(article=article)
    holding = [p.pk for p in paths if substitute.finds(file_words(p.path))]
    ArticlePath.objects.filter(pk__in=holding).delete()
    return len(holding)
