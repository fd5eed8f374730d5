"""Admin registrations, one module per area."""

from articles.admin import comments, content, trust  # noqa: F401
