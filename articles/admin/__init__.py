"""Admin registrations, one module per area."""

from articles.admin import comments, content  # noqa: F401
