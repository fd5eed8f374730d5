"""Pages of a list whose cost does not grow with the archive.

Django's Paginator counts every matching row: a COUNT(*) over 100,000 articles on the home
page, a sort of thousands of rows on a tag page. Here a page fetches one row more than it
shows, which says whether a next page exists, and nothing is counted. Pages deeper than
MAX_PAGES are not offered (OFFSET grows with depth); older pieces stay reachable through
sections, tags, search and the sitemaps.
"""

from dataclasses import dataclass

from django.http import Http404

from articles.params import query_int

MAX_PAGES = 250


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_previous() or self.has_next

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


def page_of(request, queryset, per_page):
    """The ?page= asked for; a bad, empty or too deep page number is a 404, never a 500."""
    number = query_int(request, "page", default=1)
    if number is None or not 1 <= number <= MAX_PAGES:
        raise Http404("No such page.")
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    if not rows and number > 1:
        raise Http404("No such page.")
    return Page(rows[:per_page], number, has_next=len(rows) > per_page and number < MAX_PAGES)
