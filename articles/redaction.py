"""Redaction: remove or replace a name everywhere we hold text about an article, at once.

Targets are a list; other apps join it with @redaction_target (revisions, comments,
search documents). redact() runs every target in one transaction, saves the article
(so updated_at moves and caches and feeds refresh) and adds a dated legal-amendment note.
The source snapshot's display copy is rewritten; its SHA-256 stays as proof of receipt.
"""

import re
import unicodedata
from functools import cache

from django.contrib.admin.models import LogEntry
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from articles import audit
from articles.models import (
    AuditEntry,
    Callout,
    Comment,
    Correction,
    LegalHold,
    Revision,
    SourceSnapshot,
)

NOTE = "This article has been amended to remove identifying details."

# Callables (article, substitute) -> number of texts changed; substitute(text) -> text.
REDACTION_TARGETS = []
_NOT_TEXT = {"body_html", "status", "work_type", "comments_closed_reason"}


def redaction_target(func):
    """Register a place that holds text about an article; returns it unchanged."""
    REDACTION_TARGETS.append(func)
    return func


@cache
def _variants():
    """Each plain Latin letter with its accented forms: "e" → "eéèêëēĕėęě…"."""
    table = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if len(base) == 1 and base.isalpha():
            table.setdefault(base.lower(), {base.lower()}).add(char.lower())
    return table


def name_pattern(name):
    """Whole words, any case, accents or not, spaces, hyphens or underscores between words."""
    words = []
    for word in re.split(r"[\s\-_]+", name.strip()):
        parts = []
        for char in word:
            base = unicodedata.normalize("NFKD", char)[0].lower()
            variants = _variants().get(base, {char.lower()}) | {char.lower()}
            parts.append("[" + "".join(re.escape(v) for v in sorted(variants)) + "]")
        words.append("".join(parts))
    return re.compile(r"(?<![^\W_])" + r"[\s\-_]+".join(words) + r"(?![^\W_])", re.IGNORECASE)


def substitution(names, replacement):
    """A function replacing every name (longest first) in a text; URLs and slugs get a slug."""
    patterns = [name_pattern(n) for n in sorted(names, key=len, reverse=True) if n.strip()]

    def substitute(text, *, slug=False):
        for pattern in patterns:
            text = pattern.sub(slugify(replacement) if slug else replacement, text)
        return text

    substitute.names = [n.strip() for n in names if n.strip()]
    return substitute


def _rewrite_fields(obj, substitute, skip=()):
    """Apply the substitution to every text field of one object; the names of those changed."""
    changed = []
    for field in obj._meta.concrete_fields:
        if (
            field.name in skip
            or field.choices
            or not isinstance(field, models.CharField | models.TextField)
        ):
            continue
        value = getattr(obj, field.attname)
        if not value:
            continue
        url_like = isinstance(field, models.SlugField | models.URLField)
        new = substitute(value, slug=url_like)
        if new != value:
            setattr(obj, field.attname, new[: field.max_length] if field.max_length else new)
            changed.append(field.attname)
    return changed


@redaction_target
def live_article(article, substitute):
    """The live article: headline, slug, standfirst, body, kicker, captions, notes, source.

    Changed in memory; redact() saves it once, which re-renders body_html.
    """
    return len(_rewrite_fields(article, substitute, skip=_NOT_TEXT))


@redaction_target
def source_snapshots(article, substitute):
    count = 0
    for snapshot in article.source_snapshots.all():
        text = substitute(snapshot.text)
        if text != snapshot.text:
            # Not save(): snapshots refuse updates; the display copy alone changes, the hash stays.
            SourceSnapshot.objects.filter(pk=snapshot.pk).update(
                text=text, redacted_at=timezone.now()
            )
            count += 1
    return count


@redaction_target
def related_records(article, substitute):
    """Corrections, readers' reports, the republication record, register sign-offs, callouts."""
    objects = [
        *article.corrections.all(),
        *article.problem_reports.all(),
        *[s for e in article.do_not_identify.all() for s in e.sign_offs.all()],
        *article.callouts.all(),
        *LegalHold.objects.filter(entries__article=article),
    ]
    if record := article.republication_record:
        objects.append(record)
    count = 0
    for obj in objects:
        if changed := _rewrite_fields(obj, substitute):
            if isinstance(obj, Callout):
                obj.save()  # re-renders its HTML
            else:
                type(obj).objects.filter(pk=obj.pk).update(**{f: getattr(obj, f) for f in changed})
            count += 1
    return count


@redaction_target
def comments(article, substitute):
    """Every comment on the article, whatever its status: name and text."""
    count = 0
    for comment in Comment.objects.filter(article=article).only("pk", "name", "body"):
        name, body = substitute(comment.name), substitute(comment.body)
        if (name, body) != (comment.name, comment.body):
            Comment.objects.filter(pk=comment.pk).update(name=name[:80], body=body)
            count += 1
    return count


def _rewrite_json(value, substitute):
    """Every string inside stored JSON (revisions' field copies, audit details), rewritten."""
    if isinstance(value, str):
        return substitute(value)
    if isinstance(value, list):
        return [_rewrite_json(v, substitute) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_json(v, substitute) for k, v in value.items()}
    return value


@redaction_target
def revisions_and_audit(article, substitute):
    """Every stored revision of the article and its audit entries: no old copy keeps the name."""
    count = 0
    for model, field in ((Revision, "data"), (AuditEntry, "detail")):
        for row in model.objects.filter(article=article).only("pk", field):
            old = getattr(row, field)
            new = _rewrite_json(old, substitute)
            if new != old:
                model.objects.filter(pk=row.pk).update(**{field: new})
                count += 1
    return count


@redaction_target
def admin_history(article, substitute):
    """Django's admin history, site-wide: object names and change messages quoting a name."""
    if not substitute.names:
        return 0
    count = 0
    quoting = Q()
    for name in substitute.names:
        quoting |= Q(object_repr__icontains=name) | Q(change_message__icontains=name)
    for entry in LogEntry.objects.filter(quoting).iterator():
        repr_, message = substitute(entry.object_repr), substitute(entry.change_message)
        if (repr_, message) != (entry.object_repr, entry.change_message):
            LogEntry.objects.filter(pk=entry.pk).update(object_repr=repr_, change_message=message)
            count += 1
    return count


@transaction.atomic
def redact(article, names, replacement, actor=None):
    """Replace each name across every registered target; returns {target: texts changed}.

    The names themselves are never logged.
    """
    names = [name for name in names if name.strip()]
    if not names:
        raise ValueError("Give at least one name to redact.")
    substitute = substitution(names, replacement)
    counts = {target.__name__: target(article, substitute) for target in REDACTION_TARGETS}
    article.save()
    Correction.objects.create(article=article, kind=Correction.Kind.LEGAL, text=NOTE)
    audit.record(audit.Action.REDACTED, article, actor, replacement=replacement, changed=counts)
    return counts
