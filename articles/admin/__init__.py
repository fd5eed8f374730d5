"""Admin registrations, one module per area."""

from articles.admin import content, trust  # noqa: F401
