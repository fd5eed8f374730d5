"""The sections menu every page shows, cached until a section changes (articles.signals)."""

from django.core.cache import cache

from articles.cache import derived_timeout
from articles.models import Section

NAV_SECTIONS_CACHE_KEY = "standfirst:nav-sections"


def nav_sections():
    sections = cache.get(NAV_SECTIONS_CACHE_KEY)
    if sections is None:
        sections = list(Section.objects.all())
        cache.set(NAV_SECTIONS_CACHE_KEY, sections, derived_timeout())
    return sections
