from django.conf import settings

from articles import cache as content_cache
from articles.models import Section, SiteSettings

CONTEXT_KEY = "standfirst:site-context"


def site(request):
    """The publication's name and sections, for the layout of every page.

    With the page cache on, cached under the site content version: no query on a warm
    cache, and any change to the settings or a section bumps the version.
    """
    if not settings.STANDFIRST_PAGE_CACHE:
        return _layout()
    context, version = content_cache.get_current(CONTEXT_KEY)
    if context is None:
        context = _layout()
        content_cache.set_current(CONTEXT_KEY, context, version, None)
    return context


def _layout():
    return {"site": SiteSettings.load(), "nav_sections": list(Section.objects.all())}
