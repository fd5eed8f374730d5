"""Admin registrations, one module per area."""

from articles.admin import comments, content, editors, readers, trust  # noqa: F401
