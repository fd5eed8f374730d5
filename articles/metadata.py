"""Sharing and structured data: canonical URLs and schema.org JSON-LD, built as Python data.

Templates print these through the `json_ld` filter, which escapes them for a <script>
element; nothing here is concatenated into HTML.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.templatetags.static import static

from articles import images
from articles.cache import derived_timeout
from articles.models import PolicyPage, SiteSettings
from articles.typography import curly

# schema.org property for each kind of policy page.
POLICY_PROPERTIES = {
    PolicyPage.Kind.PRINCIPLES: "publishingPrinciples",
    PolicyPage.Kind.CORRECTIONS: "correctionsPolicy",
    PolicyPage.Kind.ETHICS: "ethicsPolicy",
    PolicyPage.Kind.MASTHEAD: "masthead",
    PolicyPage.Kind.FEEDBACK: "actionableFeedbackPolicy",
}
POLICY_LINKS_CACHE_KEY = "standfirst:policy-links"


def absolute(path):
    """An absolute URL on this site, from settings.SITE_URL (never from the request's Host)."""
    return path if path.startswith(("http://", "https://")) else settings.SITE_URL + path


def logo_url():
    return absolute(static("img/logo.png"))


def social_image(article):
    """The social-card image: the hero (never on a sensitive story until an editor confirms
    no identifiable child is shown), else the publication's logo."""
    card = images.picture(article.public_hero())
    if card and article.allows_image_elsewhere():
        return {"url": absolute(card["src"]), "alt": article.hero_alt}
    return {"url": logo_url(), "alt": f"{SiteSettings.load().publication_name} logo"}


def image_ld(article):
    """The hero as an ImageObject carrying what its rights record states (and, for an
    AI-generated image, its digital source type); else the social card's URL (the logo)."""
    card = social_image(article)
    rights = article.hero_rights
    if rights is None or card["url"] == logo_url():
        return card["url"]
    data = {"@type": "ImageObject", "url": card["url"], "contentUrl": card["url"]}
    credit = article.hero_credit_line()
    for name, value in [
        ("creditText", credit),
        ("creator", {"@type": "Person", "name": rights.creator} if rights.creator else None),
        ("copyrightNotice", rights.copyright_notice),
        ("license", rights.web_statement),
        ("acquireLicensePage", rights.licensor_url),
    ]:
        if value:
            data[name] = value
    if rights.is_synthetic():
        data["digitalSourceType"] = rights.digital_source_type
    return data


def publisher(site):
    return {
        "@type": "Organization",
        "name": site.publication_name,
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": logo_url(), "width": 192, "height": 192},
        # publishingPrinciples, correctionsPolicy, ethicsPolicy, masthead, ...
        **policy_links(),
    }


def _iso(moment):
    return moment.isoformat() if moment else None


def article_ld(article, bylines, tags, site):
    """NewsArticle for one article page."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": curly(article.headline)[:110],
        "description": article.description,
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(article.updated_at or article.published_at),
        "author": _authors(article, bylines, site),
        "publisher": publisher(site),
        "image": [image_ld(article)],
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.canonical_url()},
        "url": absolute(article.get_absolute_url()),
        "inLanguage": settings.LANGUAGE_CODE,
        "wordCount": len(article.body.split()),
        "keywords": [tag.name for tag in tags],
    }
    if article.section:
        data["articleSection"] = article.section.name
    source = article.attribution()
    if source and source["url"]:
        data["isBasedOn"] = source["url"]
    if corrections := correction_items(article):
        data["correction"] = corrections
    return data


def _authors(article, bylines, site):
    """The bylined people; with no byline, the publisher whose work it is (the original
    publisher of a republished piece, else this publication): never an empty author."""
    if bylines:
        return [
            {"@type": "Person", "name": b.author.name, "url": absolute(b.author.get_absolute_url())}
            for b in bylines
        ]
    source = article.attribution()
    if source is None:
        return [{"@type": "Organization", "name": site.publication_name, "url": absolute("/")}]
    author = {"@type": "Organization", "name": source["publisher"]}
    if source["url"]:
        parts = urlsplit(source["url"])
        author["url"] = f"{parts.scheme}://{parts.netloc}/"
    return [author]


def website_ld(site):
    """WebSite for the home page, with the site search as a SearchAction."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.publication_name,
        "description": site.tagline,
        "url": absolute("/"),
        "publisher": publisher(site),
        "potentialAction": {
            "@type": "SearchAction",
            "target": absolute("/search/") + "?q={search_term_string}",
            "query-input": "required name=search_term_string",
        },
    }


def collection_ld(name, url, site, articles):
    """CollectionPage for a section, tag, author or archive page."""
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "url": url,
        "isPartOf": {"@type": "WebSite", "name": site.publication_name, "url": absolute("/")},
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": n, "url": absolute(a.get_absolute_url())}
                for n, a in enumerate(articles, start=1)
            ],
        },
    }


def list_canonical(request, page):
    """A list page's own URL, keeping only the page number (page 1 has none)."""
    url = absolute(request.path)
    return f"{url}?page={page.number}" if page and page.number > 1 else url


def correction_items(article):
    """The article's corrections as schema.org CorrectionComment dicts, newest first."""
    return [
        {
            "@type": "CorrectionComment",
            "text": f"{correction.get_kind_display()}: {correction.text}",
            "datePublished": correction.published_at.isoformat(),
            "url": settings.SITE_URL + correction.get_absolute_url(),
        }
        for correction in article.corrections.all()
    ]


def policy_links():
    """{schema.org property: absolute URL} for the policy pages the site has.

    Every page's structured data carries these, so they are cached (dropped by
    articles.signals when a policy page changes). publishingPrinciples falls back to the
    ethics page.
    """
    return cache.get_or_set(POLICY_LINKS_CACHE_KEY, _policy_links, timeout=derived_timeout())


def _policy_links():
    links = {}
    for page in PolicyPage.objects.exclude(kind=PolicyPage.Kind.OTHER).order_by("id"):
        links.setdefault(POLICY_PROPERTIES[page.kind], settings.SITE_URL + page.get_absolute_url())
    if "ethicsPolicy" in links:
        links.setdefault("publishingPrinciples", links["ethicsPolicy"])
    return links
