from articles.models import Section, SiteSettings


def site(request):
    """The publication's name and sections, for the layout of every page."""
    return {
        "site": SiteSettings.load(),
        "nav_sections": Section.objects.all(),
    }
