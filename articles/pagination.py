"""A paginator whose cost does not grow with the archive.

Django's Paginator counts every matching row (COUNT(*) over 100,000 articles on the home
page). This one counts at most MAX_PAGES pages' worth, so a list page costs the same at
1,000 or 100,000 articles; older pieces stay reachable through tags, search and sitemaps.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

MAX_PAGES = 50


class CappedPaginator(Paginator):
    @cached_property
    def count(self):
        return self.object_list[: self.per_page * MAX_PAGES].count()
