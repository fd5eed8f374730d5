from articles.models import SiteSettings
from articles.navigation import nav_sections


def site(request):
    """The publication's name and sections, for the layout of every page (cached)."""
    return {
        "site": SiteSettings.load(),
        "nav_sections": nav_sections(),
    }
