"""Shareable preview links: a signed token names one PreviewLink row; the row can be revoked.

The token is django.core.signing's TimestampSigner output over the link's random token_id,
stamped with the link's creation time, so it is the same every time the admin shows it and
settings.STANDFIRST_PREVIEW_MAX_AGE counts from creation. A tampered, expired or revoked
link, or one whose row is gone, resolves to nothing (the view answers 404).
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from articles.models import PreviewLink

SALT = "standfirst.preview-link"


class _CreationTimeSigner(signing.TimestampSigner):
    def __init__(self, created_at):
        super().__init__(salt=SALT)
        self.created_at = created_at

    def timestamp(self):
        return signing.b62_encode(int(self.created_at.timestamp()))


def token(link):
    return _CreationTimeSigner(link.created_at).sign(link.token_id)


def url(link):
    return settings.SITE_URL + reverse("articles:preview", kwargs={"token": token(link)})


def resolve(value):
    """The usable PreviewLink a token names, or None."""
    try:
        token_id = signing.TimestampSigner(salt=SALT).unsign(
            value, max_age=settings.STANDFIRST_PREVIEW_MAX_AGE
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    return PreviewLink.objects.usable().select_related("article").filter(token_id=token_id).first()
