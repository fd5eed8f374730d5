"""Admin registrations, one module per area."""

from articles.admin import (
    content,  # noqa: F401
    readers,  # noqa: F401
)
