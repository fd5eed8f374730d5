"""Admin registrations, one module per area."""

from articles.admin import content, editors  # noqa: F401
