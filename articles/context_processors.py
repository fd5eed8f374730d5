from articles import cache as content_cache
from articles.models import Section, SiteSettings

CONTEXT_KEY = "standfirst:site-context"


def site(request):
    """The publication's name and sections, for the layout of every page.

    Cached under the site content version: no query on a warm cache, and any change to the
    settings or a section bumps the version, so the layout is never stale.
    """
    context, version = content_cache.get_current(CONTEXT_KEY)
    if context is None:
        context = {"site": SiteSettings.load(), "nav_sections": list(Section.objects.all())}
        content_cache.set_current(CONTEXT_KEY, context, version, None)
    return context
