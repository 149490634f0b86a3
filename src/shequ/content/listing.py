"""Listing helpers shared by every content kind: visibility filter and pagination."""
import math

PAGE_SIZE = 20


def visible_items(section, request, now=None):
    """Items of `section` the requester may see: public ones, or all for editors."""
    can_see_all = request.has_permission('view_unpublished', section)
    return [item for item in section.values()
            if getattr(item, 'type_name', None) and (can_see_all or item.is_public(now))]


class Page:
    """One page of a sequence, with the numbers a pager needs."""

    def __init__(self, items, number=1, size=PAGE_SIZE):
        self.total = len(items)
        self.size = size
        self.pages = max(1, math.ceil(self.total / size))
        self.number = min(max(1, number), self.pages)
        start = (self.number - 1) * size
        self.items = items[start:start + size]

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages


def page_number(request):
    """The `page` request parameter as a positive int (1 when absent or bad)."""
    try:
        return max(1, int(request.params.get('page', 1)))
    except ValueError:
        return 1
