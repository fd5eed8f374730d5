"""Legal sign-off links: a signed token names one SignOffLink row, usable once.

Made and read like preview links (articles.signed_links), with their own salt, so a
preview token never opens a sign-off page nor the other way round. A tampered or expired
token, or one whose row is gone, resolves to nothing; a used or revoked link resolves, so
its page can say so rather than pretend it never existed.
"""

from django.conf import settings
from django.urls import reverse

from articles import signed_links
from articles.models import SignOffLink, SiteSettings

SALT = "standfirst.sign-off-link"


def token(link):
    return signed_links.sign(SALT, link.token_id, link.created_at)


def url(link):
    return settings.SITE_URL + reverse("articles:sign_off", kwargs={"token": token(link)})


def resolve(value):
    """The SignOffLink a token names, or None. The row's own expiry is checked too: a
    link made shorter than the default lifetime ends when it says."""
    token_id = signed_links.unsign(SALT, value, settings.STANDFIRST_SIGN_OFF_MAX_AGE)
    if token_id is None:
        return None
    return SignOffLink.objects.select_related("article").filter(token_id=token_id).first()


def publication_name():
    return SiteSettings.load().publication_name
