"""Nothing lost, everything traceable: versions, revisions, restore, diffs and publishing audit.

Article.save() calls claim_version() before writing and after_save() after, so every code
path (admin, list actions, importer, shell) keeps a revision and audits publishing changes.
"""

import difflib
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles import audit
from articles.models import Article, Author, Byline, RelatedArticle, Revision, Tag

# Fields a restore leaves alone: identity, bookkeeping, derived HTML, the URL and the
# publishing state (restoring old text must never publish, unpublish or move an article).
NOT_RESTORED = {
    "id",
    "slug",
    "version",
    "created_at",
    "updated_at",
    "pub_date",
    "body_html",
    "status",
    "published_at",
    "expires_at",
    "created_by_id",
}
# Shown on their own in a diff (headline, standfirst, body) or not worth showing.
NOT_LISTED = {"headline", "standfirst", "body", "body_html", "version", "updated_at", "pub_date"}
NOT_LISTED |= {"hero_renditions", "id", "created_at", "search_vector"}  # derived or internal
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORDS = re.compile(r"\s*\S+|\s+")


class EditConflict(Exception):
    """The article was saved by someone else since this editor's form was loaded."""


def claim_version(article, expected_version, save_kwargs):
    """Take the next version number, atomically; return the state before this save.

    With expected_version this is the optimistic lock: one conditional UPDATE ... WHERE
    version = expected, which also holds the row until the transaction ends, so of two
    editors who loaded the same version only the first one's save can pass.
    """
    if article._state.adding or article.pk is None:
        article.version = 1
        return None
    rows = Article.objects.filter(pk=article.pk)
    if expected_version is not None:
        if not rows.filter(version=expected_version).update(version=F("version") + 1):
            raise EditConflict(article.pk)
    else:
        rows.update(version=F("version") + 1)
    previous = rows.values("status", "published_at", "expires_at", "comments_closed", "version")
    previous = previous.first()
    if previous is None:  # deleted meanwhile: this save inserts it again
        article.version = 1
        return None
    article.version = previous["version"]
    if save_kwargs.get("update_fields") is not None:
        save_kwargs["update_fields"] = {*save_kwargs["update_fields"], "version"}
    return previous


def after_save(article, previous, *, actor=None, note=""):
    """Keep a revision of what was just saved and audit any change of publishing state."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    Revision.objects.create(
        article=article,
        number=number,
        version=article.version,
        author=actor,
        note=note,
        data=snapshot(article),
    )
    _audit_publishing(article, previous or {}, actor)


def refresh_revision(article):
    """Re-snapshot the latest revision once related rows are saved (the admin saves bylines,
    tags and related picks after the article itself)."""
    latest = article.revisions.order_by("-number").first()
    if latest is not None:
        Revision.objects.filter(pk=latest.pk).update(data=snapshot(article))


def _audit_publishing(article, previous, actor):
    was_live = previous.get("status") == Article.Status.PUBLISHED
    is_live = article.status == Article.Status.PUBLISHED
    moved = previous.get("published_at") != article.published_at
    if is_live and (not was_live or moved):
        future = article.published_at > timezone.now()
        action = audit.Action.SCHEDULED if future else audit.Action.PUBLISHED
        audit.record(action, article=article, actor=actor, published_at=article.published_at)
    elif was_live and not is_live:
        audit.record(audit.Action.UNPUBLISHED, article=article, actor=actor)
    if previous and previous["comments_closed"] != article.comments_closed:
        action = (
            audit.Action.COMMENTS_CLOSED
            if article.comments_closed
            else audit.Action.COMMENTS_OPENED
        )
        audit.record(action, article=article, actor=actor)


def snapshot(article):
    """Every field of the article, and its tags, bylines, callouts and related picks, as JSON."""
    data = {}
    for field in Article._meta.concrete_fields:
        if field.name == "search_vector":
            continue  # the search index, rebuilt from the text on every save
        value = field.value_from_object(article)
        data[field.attname] = value.name or "" if isinstance(value, FieldFile) else value
    data["tags"] = sorted(article.tags.values_list("pk", flat=True))
    data["callouts"] = sorted(article.callouts.values_list("pk", flat=True))
    data["bylines"] = list(article.byline_set.values_list("author_id", "position"))
    data["related"] = list(article.related_links.values_list("target_id", "position"))
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@transaction.atomic
def restore(article, revision, actor=None):
    """Bring back an old revision's content as a new revision (publishing state unchanged)."""
    data = revision.data
    form_fields = {f.attname: f for f in Article._meta.concrete_fields}
    for name, value in data.items():
        if name in form_fields and name not in NOT_RESTORED:
            field = form_fields[name]
            value = field.to_python(value)
            if field.is_relation and value is not None:
                # A section deleted since then is left empty rather than failing the restore.
                value = value if field.related_model.objects.filter(pk=value).exists() else None
            setattr(article, name, value)
    article.tags.set(Tag.objects.filter(pk__in=data.get("tags", [])))
    article.callouts.set(data.get("callouts", []))
    authors = set(
        Author.objects.filter(pk__in=[a for a, _ in data.get("bylines", [])]).values_list(
            "pk", flat=True
        )
    )
    article.byline_set.all().delete()
    Byline.objects.bulk_create(
        Byline(article=article, author_id=a, position=p)
        for a, p in data.get("bylines", [])
        if a in authors
    )
    targets = set(
        Article.objects.filter(pk__in=[t for t, _ in data.get("related", [])]).values_list(
            "pk", flat=True
        )
    )
    article.related_links.all().delete()
    RelatedArticle.objects.bulk_create(
        RelatedArticle(article=article, target_id=t, position=p)
        for t, p in data.get("related", [])
        if t in targets and t != article.pk
    )
    article.save(actor=actor, revision_note=f"Restored revision {revision.number}")
    audit.record(
        audit.Action.REVISION_RESTORED, article=article, actor=actor, revision=revision.number
    )
    return article


# Diffs ------------------------------------------------------------------------------------


def inline_diff(old, new):
    """Word-level differences as (op, text) pairs, op in equal / delete / insert."""
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("insert", "".join(b[j1:j2])))
        if op == "equal":
            parts.append(("equal", "".join(a[i1:i2])))
    return [part for part in parts if part[1]]


def paragraph_diff(old, new):
    """Body differences paragraph by paragraph: rows of kind same / changed / added / removed;
    runs of unchanged paragraphs are folded into one 'same' row with a count."""
    a = [p.strip() for p in _PARAGRAPH_BREAK.split(old or "") if p.strip()]
    b = [p.strip() for p in _PARAGRAPH_BREAK.split(new or "") if p.strip()]
    rows = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            rows.append({"kind": "same", "count": i2 - i1})
            continue
        old_paras, new_paras = a[i1:i2], b[j1:j2]
        paired = min(len(old_paras), len(new_paras)) if op == "replace" else 0
        for k in range(paired):
            rows.append({"kind": "changed", "parts": inline_diff(old_paras[k], new_paras[k])})
        rows += [{"kind": "removed", "text": text} for text in old_paras[paired:]]
        rows += [{"kind": "added", "text": text} for text in new_paras[paired:]]
    return rows


def diff(old_data, new_data):
    """What changed between two snapshots, ready for a template (which escapes every part)."""
    others = []
    for key in sorted(set(old_data) | set(new_data)):
        if key in NOT_LISTED:
            continue
        before, after = _describe(key, old_data.get(key)), _describe(key, new_data.get(key))
        if before != after:
            others.append((_label(key), before, after))
    texts_changed = any(
        old_data.get(k) != new_data.get(k) for k in ("headline", "standfirst", "body")
    )
    return {
        "headline": inline_diff(old_data.get("headline"), new_data.get("headline")),
        "headline_changed": old_data.get("headline") != new_data.get("headline"),
        "standfirst": inline_diff(old_data.get("standfirst"), new_data.get("standfirst")),
        "standfirst_changed": old_data.get("standfirst") != new_data.get("standfirst"),
        "body": paragraph_diff(old_data.get("body"), new_data.get("body")),
        "body_changed": old_data.get("body") != new_data.get("body"),
        "others": others,
        "changed": texts_changed or bool(others),
    }


def _label(key):
    name = key.removesuffix("_id")
    try:
        return str(Article._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 - relations stored by their own names
        return name.replace("_", " ").capitalize()


def _describe(key, value):
    if key == "tags":
        return ", ".join(Tag.objects.filter(pk__in=value or []).values_list("name", flat=True))
    if key == "bylines":
        names = dict(
            Author.objects.filter(pk__in=[a for a, _ in value or []]).values_list("pk", "name")
        )
        return ", ".join(names.get(a, f"#{a}") for a, _ in value or [])
    if key == "related":
        heads = dict(
            Article.objects.filter(pk__in=[t for t, _ in value or []]).values_list("pk", "headline")
        )
        return "; ".join(heads.get(t, f"#{t}") for t, _ in value or [])
    if value in (None, "", []):
        return "(empty)"
    if isinstance(value, str) and (moment := parse_datetime(value)):
        return timezone.localtime(moment).strftime("%d %b %Y, %H:%M:%S")  # not microseconds
    return str(value)


def conflict_diff(article, started_version):
    """What others saved since an editor loaded `started_version` of the article."""
    started = article.revisions.filter(version__lte=started_version).order_by("-number").first()
    latest = article.revisions.order_by("-number").first()
    if started is None or latest is None:
        return None
    return {"from": started, "to": latest, "diff": diff(started.data, latest.data)}
