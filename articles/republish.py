"""The "Republish this article" snippet: HTML another site can paste, with every URL absolute.

Built from the stored, sanitised body_html: an HTML parser re-writes each tag with its
href/src made absolute against the article's canonical URL (settings.SITE_URL), escaping
every attribute again; responsive-image wrappers are reduced to a plain <img>.
The result is plain text for a template to show escaped (in a <textarea>), never marked safe.
Its last line is a 1-pixel image whose loads count where the snippet was pasted.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape, format_html

from articles import images
from articles.models import SiteSettings

_URL_ATTRIBUTES = {"href", "src"}
_DROPPED_ATTRIBUTES = {"srcset", "sizes", "loading", "decoding"}
_DROPPED_TAGS = {"picture", "source"}
_VOID_TAGS = {"br", "hr", "img"}


class _Absolutiser(HTMLParser):
    def __init__(self, base):
        super().__init__(convert_charrefs=False)
        self.base = base
        self.out = []

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED_TAGS:
            return
        kept = []
        for name, value in attrs:
            if name in _DROPPED_ATTRIBUTES:
                continue
            if name in _URL_ATTRIBUTES and value is not None:
                value = absolute(value, self.base)
            kept.append(f' {name}="{escape(value or "")}"')
        self.out.append(f"<{tag}{''.join(kept)}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag not in _DROPPED_TAGS and tag not in _VOID_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(data)  # already escaped by the sanitiser (charrefs are kept as is)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")


def absolute(url, base):
    """A relative or root-relative URL made absolute; other schemes (mailto:) kept."""
    if urlsplit(url).scheme in ("", "http", "https"):
        return urljoin(base, url)
    return url


def absolutise(html, base):
    parser = _Absolutiser(base)
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


def snippet(article, site=None):
    """The HTML to copy: canonical link, headline, byline, hero image with credit, the body
    and an attribution line naming the publication and linking the original (from the one
    attribution record, Article.attribution())."""
    site = site or SiteSettings.load()
    canonical = settings.SITE_URL + article.get_absolute_url()
    parts = [
        format_html('<link rel="canonical" href="{}">', canonical),
        format_html("<h1>{}</h1>", article.headline),
    ]
    names = [byline.author.name for byline in article.byline_set.all()]
    if names:
        parts.append(format_html("<p>By {}</p>", ", ".join(names)))
    hero = images.picture(article.public_hero())
    if hero:
        credit = f"{article.hero_caption} Image: {article.hero_credit_line()}".strip()
        if not article.hero_credit_line():
            credit = article.hero_caption
        parts.append(
            format_html(
                '<figure><img src="{}" alt="{}" width="{}" height="{}">'
                "<figcaption>{}</figcaption></figure>",
                absolute(hero["src"], canonical),
                article.hero_alt,
                hero["width"],
                hero["height"],
                credit,
            )
        )
    parts.append(absolutise(article.body_html, canonical))
    source = article.attribution()
    if source:
        original = (
            format_html('<a href="{}">{}</a>', source["url"], source["publisher"])
            if source["url"]
            else source["publisher"]
        )
        line = format_html(
            'This article was first published by {} and republished by <a href="{}">{}</a>.',
            original,
            canonical,
            site.publication_name,
        )
    else:
        line = format_html(
            'This article was originally published by <a href="{}">{}</a>.',
            canonical,
            site.publication_name,
        )
    licence = article.get_republish_licence_display()
    parts.append(format_html("<p>{} It is republished under {}.</p>", line, licence))
    # Counts the page's host in our registry of republications (articles.api.registry):
    # no cookie, and the origin policy sends only the host, never the page's path.
    counter = settings.SITE_URL + reverse("articles:api_snippet_image", kwargs={"pk": article.pk})
    parts.append(
        format_html('<img src="{}" alt="" width="1" height="1" referrerpolicy="origin">', counter)
    )
    return "\n".join(parts)
