"""Known commenters: a reader proves their email address once, and their browser keeps the proof.

Under the "hold first-time commenters" policy a known commenter is published at once, so
being known must not be claimable by typing someone's address. When a moderator approves
a comment that came without the proof, the worker mails its address a confirmation link
(signed, valid CONFIRM_MAX_AGE). Opening the link sets a signed cookie on that browser
holding a keyed hash of the address (never the address), for COOKIE_MAX_AGE. A comment is
from a known commenter only when its POST carries that cookie for the address it gives
(and the address has an approved comment). Public pages neither set nor read the cookie:
only the confirmation page sets it and only the comment POST reads it, so every cached
page stays the same for every reader.
"""

import hmac

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.crypto import salted_hmac

COOKIE = "standfirst_commenter"
COOKIE_MAX_AGE = 365 * 24 * 3600
CONFIRM_MAX_AGE = 14 * 24 * 3600
_CONFIRM_SALT = "standfirst.commenters.confirm"
_COOKIE_SALT = "standfirst.commenters.cookie"


def email_digest(email):
    """A keyed hash of the address: what the link and the cookie carry instead of it."""
    normalised = email.strip().lower()
    return salted_hmac("standfirst.commenters.email", normalised, algorithm="sha256").hexdigest()


def confirmation_url(email):
    token = signing.dumps(email_digest(email), salt=_CONFIRM_SALT)
    return settings.SITE_URL + reverse("articles:confirm_commenter", args=[token])


def digest_from_token(token):
    """The address hash a confirmation link was made for; None if forged or expired."""
    try:
        return signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None


def remember(response, digest):
    """Keep the proof on this browser: signed, HttpOnly, sent only with same-site requests."""
    response.set_signed_cookie(
        COOKIE,
        digest,
        salt=_COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def has_proof(request, email):
    """True when this request carries the confirmed-browser cookie for `email`."""
    digest = request.get_signed_cookie(
        COOKIE, default=None, salt=_COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    return digest is not None and hmac.compare_digest(digest, email_digest(email))


def send_confirmation(comment):
    """Mail the commenter the link that makes their browser a known commenter's."""
    send_mail(
        "Your comment is published: confirm your address to skip moderation",
        (
            f"Hello {comment.name},\n\n"
            f"Your comment on “{comment.article.headline}” is published.\n\n"
            "Open this link in the browser you comment from, and your next comments "
            "there are published without waiting for a moderator:\n\n"
            f"{confirmation_url(comment.email)}\n\n"
            f"The link works for {CONFIRM_MAX_AGE // 86400} days. If you did not write "
            "this comment, ignore this email: nothing changes unless the link is opened.\n"
        ),
        None,
        [comment.email],
    )
