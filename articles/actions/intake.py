"""Taking a story in: an IntakeRecord (articles.intake, whatever the format) becomes a
draft article with its republication record and an immutable snapshot of the source,
through the same save as every other change, so every gate applies.

A re-import of the same source (same original URL, same GUID, same bytes, or the same
headline from the same publisher) updates that article instead of making a second one; a
published article is never changed by a re-import unless the caller says so (the
import_article command, run by an operator, does).
"""

import re

from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from articles.actions import articles as article_actions
from articles.actions import republication as republication_actions
from articles.actions.base import Refused, require
from articles.models import Article, Callout, Republication, SourceSnapshot

# What a licence may be called, and the edits each allows by default.
_LICENCES = {
    "cc by": Republication.Licence.CC_BY,
    "cc by-nd": Republication.Licence.CC_BY_ND,
    "cc by-nc-nd": Republication.Licence.CC_BY_NC_ND,
    "permission": Republication.Licence.PERMISSION,
    "written permission": Republication.Licence.PERMISSION,
}
_DEFAULT_EDITS = {Republication.Licence.CC_BY: Republication.Edits.ANY}
_CC_URL = re.compile(r"^https?://(?:www\.)?creativecommons\.org/licenses/([a-z-]+)(?:/|$)")
_VERSION = re.compile(r"\s+\d\.\d$")


def licence_choice(text):
    """A licence as stated ("CC BY-ND", "CC BY 4.0", a creativecommons.org licence URL) as
    (choice, permission reference); other terms are "other", the text kept as reference."""
    key = " ".join(text.lower().split())
    if match := _CC_URL.match(key):
        key = "cc " + match[1]
    key = _VERSION.sub("", key.replace("cc-", "cc ", 1))
    if key in _LICENCES:
        return _LICENCES[key], ""
    return Republication.Licence.OTHER, text


def same_story(record):
    """The article an earlier import of this source made, if any: the same original URL,
    GUID or snapshot bytes, else the same headline slug from the same publication."""
    same = Q(source_snapshots__sha256=SourceSnapshot.digest(record.source_text))
    if record.original_url:
        same |= Q(republication__original_url=record.original_url)
    if record.guid:
        same |= Q(republication__source_guid=record.guid)
    found = Article.objects.filter(same).order_by("id").first()
    if found is not None:
        return found
    articles = Article.objects.filter(slug=slugify(record.headline)[:200])
    if record.publisher:
        articles = articles.filter(republication__publisher=record.publisher)
    else:
        articles = articles.filter(republication__isnull=True)
    return articles.order_by("id").first()


def import_record(
    actor, record, *, publish=False, replace_published=False, article=None, terms=None
):
    """Create or update the article for an intake record; returns (article, created).

    article: the article an earlier import of this source made, when the caller knows it
    (a feed subscription's record of its items); otherwise same_story() looks for one.
    terms: (licence, permission reference) the caller holds for a source that states no
    licence (a feed subscription's agreement with the partner).

    A record with a publisher is a republication: only those who may record one (editors)
    may take it in, and it gets its republication record (search policy: noindex plus
    canonical). Raises the actions' Refused for what the role, the gates or a published
    article do not allow, ValidationError for a story our fields cannot hold; nothing is
    stored then. A story to publish that needs review first is taken in as a draft.
    """
    if record.publisher:
        require(
            actor,
            "articles.add_article",
            "articles.add_republication",
            message="Only editors may republish an article.",
        )
    article = article or same_story(record) or Article(slug=slugify(record.headline)[:200])
    created = article._state.adding
    if not created and article.status == Article.Status.PUBLISHED and not replace_published:
        raise Refused(
            f"This source was already imported as “{article.headline}” (#{article.pk}), "
            "which is published: a re-import never changes a published article. Nothing "
            "was stored; open the article to edit or correct it."
        )
    article.headline = record.headline
    article.standfirst = record.standfirst
    article.body = record.body
    article.comments_closed = record.comments_closed
    if record.publisher:
        article.work_type = Article.WorkType.REPUBLISHED
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = article.published_at or timezone.now()
    article.full_clean()

    def relations():
        if record.publisher:
            _record(actor, article, record, terms)
        latest = article.source_snapshots.first()
        if latest is None or latest.sha256 != SourceSnapshot.digest(record.source_text):
            SourceSnapshot.objects.create(
                article=article, text=record.source_text, media_type=record.media_type
            )
        article.callouts.add(*(Callout.objects.get_or_create(text=t)[0] for t in record.promos))

    article_actions.save_unless_held(
        actor,
        article,
        expected_version=None if created else article.version,
        relations=relations,
        verb="imported",
        note="Imported",
    )
    return article, created


def _record(actor, article, record, terms):
    """The republication record, filled with what the source states (and nothing else)."""
    republication = article.republication_record or Republication(article=article)
    republication.publisher = record.publisher
    found = {
        "original_url": record.original_url,
        "original_published_at": record.original_published_at,
        "original_updated_at": record.original_updated_at,
        "original_byline": record.byline,
        "source_guid": record.guid,
        "lead_image_url": record.image_url,
        "lead_image_credit": record.image_credit,
    }
    for name, value in found.items():
        if value:
            setattr(republication, name, value)
    licence = licence_choice(record.licence) if record.licence else terms
    if licence:
        republication.licence, republication.permission_reference = licence
        republication.allowed_edits = _DEFAULT_EDITS.get(
            republication.licence, Republication.Edits.NONE
        )
    return republication_actions.record(actor, republication)
