"""Trust data other parts of the site ask for: structured data, policy links, report tokens.

The readers helper's JSON-LD adds `correction_items(article)` as the article's
"correction" list and `policy_links()` into the publisher (or every page's)
Organization/NewsMediaOrganization object.
"""

import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.cache import derived_timeout
from articles.models import PolicyPage

# schema.org property for each kind of policy page.
POLICY_PROPERTIES = {
    PolicyPage.Kind.PRINCIPLES: "publishingPrinciples",
    PolicyPage.Kind.CORRECTIONS: "correctionsPolicy",
    PolicyPage.Kind.ETHICS: "ethicsPolicy",
    PolicyPage.Kind.MASTHEAD: "masthead",
    PolicyPage.Kind.FEEDBACK: "actionableFeedbackPolicy",
}


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


POLICY_LINKS_CACHE_KEY = "standfirst:policy-links"


def policy_links():
    """{schema.org property: absolute URL} for the policy pages the site has.

    Every page's structured data carries these, so they are cached (dropped when a policy
    page changes). publishingPrinciples falls back to the ethics page.
    """
    return cache.get_or_set(POLICY_LINKS_CACHE_KEY, _policy_links, timeout=derived_timeout())


@receiver([post_save, post_delete], sender=PolicyPage)
def _forget_policy_links(**kwargs):
    cache.delete(POLICY_LINKS_CACHE_KEY)


def _policy_links():
    links = {}
    for page in PolicyPage.objects.exclude(kind=PolicyPage.Kind.OTHER).order_by("id"):
        links.setdefault(POLICY_PROPERTIES[page.kind], settings.SITE_URL + page.get_absolute_url())
    if "ethicsPolicy" in links:
        links.setdefault("publishingPrinciples", links["ethicsPolicy"])
    return links


REPORT_SALT = "standfirst.report"


def report_token(article):
    """A signed "<article id>:<unix time>" for the report form, to measure fill time."""
    return signing.Signer(salt=REPORT_SALT).sign(f"{article.pk}:{int(time.time())}")
