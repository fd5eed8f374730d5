"""What each cached page shows, as surrogate keys, and which keys a change touches.

A shareable response carries its keys (`xkey` for Varnish, `Surrogate-Key` for Fastly,
`Cache-Tag` for Cloudflare); after a change, the worker purges exactly the keys it touched
at the edge (articles.edge). The vocabulary:

- `site`: every page (site settings, the menu, site-wide callouts, policy pages);
- `lists`: every page that lists articles by date or filing: home, section, tag, author,
  archive and search pages, feeds, sitemaps, the corrections page;
- `article-<id>`: the article's own page, and every page that shows it (a list showing
  its headline or comment count, another article's related block);
- `tag-<id>`, `section-<id>`: article pages whose related blocks draw on that tag or
  section, so an article newly filed there appears in them.

A comment moderated touches only its article's key (its page, and the lists showing its
comment count); any other change to an article touches its key, `lists`, and its tags' and
section's keys; a change to the site's furniture touches `site`.

One key never leaves the app: `text-<id>`, the article without its comments, which the
article page's kept parts depend on (articles.fragments). Every change to an article but
a comment's touches it; the edge is never asked to purge it (no response carries it).
"""

from articles.models import Article, Tag

SITE, LISTS = "site", "lists"
TEXT_PREFIX = "text-"
_ATTRIBUTE = "_standfirst_surrogate_keys"
# Changes that alter an article's comments only, never which lists it is in.
COMMENT_VERBS = frozenset(
    {"comment_published", "comments_moderated", "comment_changed", "comments_deleted"}
)
# Kinds of record whose change may show on any page.
FURNITURE = frozenset(
    {"section", "tag", "author", "callout", "sitesettings", "policypage", "helpline"}
)


def article_key(pk):
    return f"article-{pk}"


def text_key(pk):
    return f"{TEXT_PREFIX}{pk}"


def add(request, *keys):
    """Say that the response to this request shows what `keys` name."""
    found = getattr(request, _ATTRIBUTE, None)
    if found is None:
        found = set()
        setattr(request, _ATTRIBUTE, found)
    found.update(keys)


def for_articles(articles):
    return [article_key(a.pk) for a in articles]


def for_article_page(article, tags, related):
    """An article page: the article, the related ones it shows, and where they came from
    (`tags`: the page's own list of the article's tags, read once for both)."""
    keys = [article_key(article.pk), *for_articles(related)]
    keys += [f"tag-{tag.pk}" for tag in tags]
    if article.section_id:
        keys.append(f"section-{article.section_id}")
    return keys


def for_article_parts(article, tags, related):
    """The kept parts of an article page (articles.fragments): as the page, but the
    article and its related ones without their comments."""
    keys = [text_key(article.pk), *(text_key(a.pk) for a in related)]
    keys += [f"tag-{tag.pk}" for tag in tags]
    if article.section_id:
        keys.append(f"section-{article.section_id}")
    return [*keys, SITE]


def at_edge(keys):
    """The keys a front cache can hold pages by (all but the app's own text keys)."""
    return [key for key in keys if not key.startswith(TEXT_PREFIX)]


def of_request(request):
    """The keys of a response: what its view said, else `lists`; always `site`."""
    return sorted({SITE, *(getattr(request, _ATTRIBUTE, None) or {LISTS})})


def touched(change):
    """The keys a change (articles.signals.Change) invalidates."""
    if change.site_wide or change.models & FURNITURE:
        return [SITE]
    keys = {article_key(pk) for pk in change.articles}
    if change.articles and change.verb not in COMMENT_VERBS:
        keys.add(LISTS)
        keys.update(text_key(pk) for pk in change.articles)
        filed = Article.objects.filter(pk__in=change.articles)
        keys.update(f"section-{pk}" for pk in filed.values_list("section_id", flat=True) if pk)
        tags = Tag.objects.filter(articles__in=change.articles).values_list("pk", flat=True)
        keys.update(f"tag-{pk}" for pk in tags)
    return sorted(keys)
