"""Taking a story in: a parsed article (articles.plaintext) becomes an article with its
republication record and an immutable snapshot of the source, through the same save as
every other change, so every gate applies. Re-importing the same story updates it.
"""

from django.utils import timezone
from django.utils.text import slugify

from articles import xmltext
from articles.actions import articles as article_actions
from articles.actions import republication as republication_actions
from articles.models import Article, Callout, Republication, SourceSnapshot

# What a licence may be called, and the edits each allows by default.
_LICENCES = {
    "cc by": Republication.Licence.CC_BY,
    "cc-by": Republication.Licence.CC_BY,
    "cc by-nd": Republication.Licence.CC_BY_ND,
    "cc-by-nd": Republication.Licence.CC_BY_ND,
    "cc by-nc-nd": Republication.Licence.CC_BY_NC_ND,
    "cc-by-nc-nd": Republication.Licence.CC_BY_NC_ND,
    "permission": Republication.Licence.PERMISSION,
    "written permission": Republication.Licence.PERMISSION,
}
_DEFAULT_EDITS = {Republication.Licence.CC_BY: Republication.Edits.ANY}


def licence_choice(text):
    """A licence as written ("CC BY-ND") as (choice, permission reference); unknown terms
    are "other", with the text kept as the reference."""
    key = " ".join(text.lower().split())
    if key in _LICENCES:
        return _LICENCES[key], ""
    return Republication.Licence.OTHER, text


def same_story(headline, publisher):
    """The article an earlier import of this story made, if any: same headline slug and
    the same source publication (or none)."""
    articles = Article.objects.filter(slug=slugify(headline)[:200])
    if publisher:
        articles = articles.filter(republication__publisher=publisher)
    else:
        articles = articles.filter(republication__isnull=True)
    return articles.order_by("id").first()


def import_article(
    actor,
    parsed,
    *,
    source_name="",
    source_url="",
    licence="",
    publish=False,
    original_published_at=None,
    source_text=None,
):
    """Create or update the article for a parsed story; returns (article, created).

    A republished piece (one with a source publication) gets its republication record
    (search policy: noindex plus canonical) and, when `source_text` is given, a snapshot.
    Raises ValidationError for a story our fields cannot hold, and the actions' Refused
    for a change the gates or the actor's role do not allow; nothing is stored then.
    """
    # Text from outside loses what XML cannot carry before anything reads it (articles.xmltext);
    # the snapshot's digest is then the digest of the text it stores.
    source_name, source_url, licence = map(xmltext.clean, (source_name, source_url, licence))
    source_text = xmltext.clean(source_text)
    publisher = source_name or parsed.source_name
    article = same_story(parsed.headline, publisher) or Article(slug=slugify(parsed.headline)[:200])
    created = article._state.adding
    article.headline = parsed.headline
    article.standfirst = parsed.standfirst
    article.body = parsed.body
    article.comments_closed = parsed.comments_closed
    if publisher:
        article.work_type = Article.WorkType.REPUBLISHED
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = article.published_at or timezone.now()
    article.full_clean()

    def relations():
        if publisher:
            _record(actor, article, publisher, source_url, licence, original_published_at)
        if source_text is not None:
            latest = article.source_snapshots.first()
            if latest is None or latest.sha256 != SourceSnapshot.digest(source_text):
                SourceSnapshot.objects.create(article=article, text=source_text)
        article.callouts.add(*(Callout.objects.get_or_create(text=t)[0] for t in parsed.promos))

    article_actions.save(
        actor,
        article,
        expected_version=None if created else article.version,
        relations=relations,
        verb="imported",
        note="Imported",
    )
    return article, created


def _record(actor, article, publisher, url, licence, original_published_at):
    """The republication record, filled with what the file and the caller tell us."""
    record = article.republication_record or Republication(article=article)
    record.publisher = publisher
    if url:
        record.original_url = url
    if original_published_at:
        record.original_published_at = original_published_at
    if licence:
        record.licence, record.permission_reference = licence_choice(licence)
        record.allowed_edits = _DEFAULT_EDITS.get(record.licence, Republication.Edits.NONE)
    return republication_actions.record(actor, record)
