"""Admin registrations, one module per area; ArticleAdmin has its own (article.py)."""

from articles.admin import (  # noqa: F401
    article,
    comments,
    corrections,
    filing,
    image_rights,
    partners,
    records,
    republication,
    reviews,
    safeguarding,
    site,
    sourcealerts,
    subscriptions,
    webhooks,
)
