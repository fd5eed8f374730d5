"""One article as partners receive it: our JSON, or an IPTC ninjs 2.0 item.

Built from the stored, sanitised body_html (redacted text only in its redacted form) and
the one attribution record; never from revisions, source snapshots, the do-not-identify
register or comments. The rights fields say what a partner may do: a story we do not offer
for republication says so in `usageterms`, one we do carries its licence in `rightsinfo`.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from articles import images
from articles.markdown import without_images
from articles.metadata import absolute
from articles.models import Article
from articles.views.feeds import absolute_html, corrections_html

LICENCE_URLS = {
    Article.RepublishLicence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Article.RepublishLicence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/",
}
CONTENT_TYPES = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}


def rights(article, site):
    """{"may_republish", "licence", "licence_url", "copyright_holder", "usage_terms"}."""
    record = article.republication_record
    holder = record.publisher if record else site.publication_name
    if not article.offers_republishing:
        terms = (
            f"Not licensed for republication: © {holder}. You may link to it; "
            "republishing it needs the rights holder's written permission."
        )
        return {
            "may_republish": False,
            "licence": "",
            "licence_url": "",
            "copyright_holder": holder,
            "usage_terms": terms,
        }
    label = article.get_republish_licence_display()
    terms = (
        f"Republish under {label}: credit {holder} and link to {canonical(article)}, "
        "as the attribution line of the republish snippet does."
    )
    return {
        "may_republish": True,
        "licence": article.republish_licence,
        "licence_url": LICENCE_URLS[article.republish_licence],
        "copyright_holder": holder,
        "usage_terms": terms,
    }


def body(article):
    """The stored body, links made absolute, its images only where they may travel."""
    html = absolute_html(article.body_html)
    return html if article.images_redistributable else without_images(html)


def canonical(article):
    return settings.SITE_URL + article.get_absolute_url()


def api_url(article):
    return absolute(reverse("articles:api_article", kwargs={"pk": article.pk}))


def image(article):
    """The hero image with its renditions, or None when it may not be passed on (an editor
    said not, or its licence has ended: Article.public_hero)."""
    shown = article.public_hero() if article.images_redistributable else []
    if not shown:
        return None
    renditions = [
        {
            "url": absolute(default_storage.url(r["name"])),
            "content_type": CONTENT_TYPES.get(r["format"], "application/octet-stream"),
            "width": r["width"],
            "height": r["height"],
        }
        for r in sorted(shown, key=lambda r: (r["format"], r["width"]))
    ]
    picture = images.picture(shown)
    return {
        "url": absolute(picture["src"] if picture else article.hero_image.url),
        "alt": article.hero_alt,
        "caption": article.hero_caption,
        "credit": article.hero_credit_line(),
        "renditions": renditions,
    }


def as_json(article, site):
    """Our own JSON for one article."""
    record = article.republication_record
    return {
        "id": article.pk,
        "url": canonical(article),
        "api_url": api_url(article),
        "headline": article.headline,
        "kicker": article.kicker,
        "standfirst": article.standfirst,
        "body_html": body(article),
        "work_type": article.work_type,
        "section": article.section.name if article.section else None,
        "tags": [tag.name for tag in article.tags.all()],
        "authors": [
            {"name": b.author.name, "role": b.author.role} for b in article.byline_set.all()
        ],
        "published_at": article.published_at.isoformat(),
        "updated_at": article.updated_at.isoformat(),
        "sensitive": article.is_sensitive,
        "content_note": article.content_note if article.is_sensitive else "",
        "corrections": [
            {
                "kind": c.kind,
                "text": c.text,
                "published_at": c.published_at.isoformat(),
            }
            for c in article.corrections.all()
        ],
        "image": image(article),
        "rights": rights(article, site),
        "original": {"publisher": record.publisher, "url": record.original_url} if record else None,
    }


def as_ninjs(article, site):
    """An IPTC ninjs 2.0 item (articles/api/schema/ninjs-schema_2.0.json)."""
    terms = rights(article, site)
    names = [b.author.name for b in article.byline_set.all()]
    item = {
        "uri": api_url(article),
        "type": "text",
        "representationtype": "full",
        "version": str(article.version),
        "firstcreated": article.published_at.isoformat(),
        "versioncreated": article.updated_at.isoformat(),
        "pubstatus": "usable",
        "language": _language_tag(settings.LANGUAGE_CODE),
        "headlines": [{"role": "main", "value": article.headline}],
        "descriptions": [{"role": "summary", "value": article.standfirst}],
        "bodies": [
            {
                "role": "main",
                "contenttype": "text/html",
                "value": body(article),
            }
        ],
        "slugline": article.slug,
        "genres": [{"name": article.get_work_type_display(), "literal": article.work_type}],
        "subjects": [{"name": tag.name, "literal": tag.slug} for tag in article.tags.all()],
        "altids": [{"role": "standfirst-id", "value": str(article.pk)}],
        "renditions": [{"name": "web", "href": canonical(article), "contenttype": "text/html"}],
        "copyrightholder": terms["copyright_holder"],
        "copyrightnotice": f"© {terms['copyright_holder']}",
        "usageterms": terms["usage_terms"],
    }
    if names:
        item["by"] = ", ".join(names)
    if terms["licence_url"]:
        item["rightsinfo"] = {"linkedrights": terms["licence_url"]}
    corrections = corrections_html(article)
    if corrections:
        item["bodies"].append(
            {"role": "corrections", "contenttype": "text/html", "value": str(corrections)}
        )
    notes = []
    if article.is_sensitive:
        notes.append(f"Sensitive story. {article.content_note}".strip())
    if getattr(article, "restricted", False):
        notes.append("Reporting restrictions apply: add no names, places or schools.")
    if notes:
        item["ednote"] = " ".join(notes)
    record = article.republication_record
    if record:
        source = {"name": record.publisher}
        if record.original_url:
            source["uri"] = record.original_url
        item["infosources"] = [source]
    picture = image(article)
    if picture:
        item["associations"] = [_ninjs_picture(article, picture)]
    return item


def _ninjs_picture(article, picture):
    association = {
        "name": "mainpicture",
        "uri": picture["url"],
        "type": "picture",
        "descriptions": [{"role": "alt", "value": picture["alt"]}],
        "renditions": [
            {
                "name": f"{r['content_type'].split('/')[1]}-{r['width']}",
                "href": r["url"],
                "contenttype": r["content_type"],
                "width": r["width"],
                "height": r["height"],
            }
            for r in picture["renditions"]
        ],
    }
    if picture["caption"]:
        association["descriptions"].append({"role": "caption", "value": picture["caption"]})
    if picture["credit"]:
        association["by"] = picture["credit"]
    return association


def _language_tag(code):
    """Django's "en-gb" as a BCP 47 tag, "en-GB"."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language
