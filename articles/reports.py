"""Readers' problem reports: the signed form token that measures how long the form was open.

The form sits on cached, cookie-less article pages, so it carries no CSRF token; the view
(articles.views.reports) checks the same origin, a honeypot, this token's age and a rate
limit instead.
"""

import math
import time

from django.core import signing

REPORT_SALT = "standfirst.report"
MIN_SECONDS = 3
MAX_AGE = 7 * 24 * 3600
LIMIT_PER_HOUR = 5  # per client address


def report_token(article):
    """A signed "<article id>:<unix time>" for the report form."""
    return signing.Signer(salt=REPORT_SALT).sign(f"{article.pk}:{int(time.time())}")


def token_age(article, token):
    """Seconds since the form was served: None for a broken token, infinite for one that
    was made for another article (so it reads as expired)."""
    try:
        signed_pk, issued = signing.Signer(salt=REPORT_SALT).unsign(token).split(":")
        age = time.time() - int(issued)
    except (TypeError, ValueError, signing.BadSignature):
        return None
    return age if signed_pk == str(article.pk) else math.inf
