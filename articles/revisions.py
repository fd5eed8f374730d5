"""Revisions: what an article looked like after each save, what changed between two, and
how an old one is brought back. The newsroom actions (articles.actions.articles) write a
revision for every change; this module only reads and applies them.
"""

import difflib
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.actors import system_name, user_of
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
# The search index, rebuilt from the text on every save: never kept in a revision.
SEARCH_INDEX = {"search_vector", "search_words"}
NOT_LISTED |= {"hero_renditions", "id", "created_at", *SEARCH_INDEX}  # derived or internal
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORDS = re.compile(r"\s*\S+|\s+")


def keep(article, actor, note=""):
    """Store the article as it now stands as its next revision, saved by `actor`."""
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return Revision.objects.create(
        article=article,
        number=number,
        version=article.version,
        author=user_of(actor),
        system_actor=system_name(actor),
        note=note,
        data=snapshot(article),
    )


def snapshot(article):
    """Every field of the article, and its tags, bylines, callouts and related picks, as JSON."""
    data = {}
    for field in Article._meta.concrete_fields:
        if field.name in SEARCH_INDEX:
            continue
        value = field.value_from_object(article)
        data[field.attname] = value.name or "" if isinstance(value, FieldFile) else value
    data["tags"] = sorted(article.tags.values_list("pk", flat=True))
    data["callouts"] = sorted(article.callouts.values_list("pk", flat=True))
    data["bylines"] = list(article.byline_set.values_list("author_id", "position"))
    data["related"] = list(article.related_links.values_list("target_id", "position"))
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def apply_fields(article, revision, *, skip=()):
    """Set the article's fields to an old revision's, except NOT_RESTORED and `skip`; returns
    the names of the fields in `skip` that were left as they are. The restore action calls
    this and apply_relations(), inside its transaction, and saves the article itself."""
    form_fields = {f.attname: f for f in Article._meta.concrete_fields}
    left = {form_fields[n].attname for n in skip if n in form_fields}
    for name, value in revision.data.items():
        if name in form_fields and name not in NOT_RESTORED | left:
            field = form_fields[name]
            value = field.to_python(value)
            if field.is_relation and value is not None:
                # A section deleted since then is left empty rather than failing the restore.
                value = value if field.related_model.objects.filter(pk=value).exists() else None
            setattr(article, name, value)
    return sorted(left - NOT_RESTORED)


def apply_relations(article, revision):
    """Set tags, callouts, bylines and related picks to an old revision's (those deleted
    since are left out)."""
    data = revision.data
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
