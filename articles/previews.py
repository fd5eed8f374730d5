"""Shareable preview links: a signed token names one PreviewLink row; the row can be revoked.

settings.STANDFIRST_PREVIEW_MAX_AGE counts from the link's creation (articles.signed_links).
A tampered, expired or revoked link, or one whose row is gone, resolves to nothing (the
view answers 404).
"""

from django.conf import settings
from django.urls import reverse

from articles import signed_links
from articles.models import PreviewLink

SALT = "standfirst.preview-link"


def token(link):
    return signed_links.sign(SALT, link.token_id, link.created_at)


def url(link):
    return settings.SITE_URL + reverse("articles:preview", kwargs={"token": token(link)})


def resolve(value):
    """The usable PreviewLink a token names, or None."""
    token_id = signed_links.unsign(SALT, value, settings.STANDFIRST_PREVIEW_MAX_AGE)
    if token_id is None:
        return None
    return PreviewLink.objects.usable().select_related("article").filter(token_id=token_id).first()
