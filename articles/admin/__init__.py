"""Admin registrations, one module per area."""

from articles.admin import comments, content, readers, trust  # noqa: F401
