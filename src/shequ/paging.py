"""Pagination: one page of a sequence, and the page number a request asks for."""
import math

PAGE_SIZE = 20


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
