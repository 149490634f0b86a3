"""The service catalogue of a tenant: by category (with counts) and by pinyin initial."""
from pyramid.renderers import render
from pyramid.view import view_config

from ..content.listing import Page, page_number, visible_items
from ..pagecache.memo import visitor_html
from ..search.subscribers import get_search
from ..tree import Section, tenant_path
from .inherit import hidden_here
from .schema import CATEGORY_ORDER
from .sortkeys import (LETTERS, OTHER, category_pinyin, title_initial, title_key)

CATALOGUE_PAGE = 20


def category_key(name):
    """Known categories in their usual order, then others by pinyin."""
    try:
        return (0, CATEGORY_ORDER.index(name), '')
    except ValueError:
        return (1, 0, category_pinyin(name))


def categories(items):
    """[(category, count)] in display order."""
    counts = {}
    for item in items:
        counts[item.category] = counts.get(item.category, 0) + 1
    return [(name, counts[name]) for name in sorted(counts, key=category_key)]


def groups(items):
    """Consecutive runs of `items` with the same category: [(category, [items])]."""
    out = []
    for item in items:
        if out and out[-1][0] == item.category:
            out[-1][1].append(item)
        else:
            out.append((item.category, [item]))
    return out


class CategoryPages:
    """Pages of a grouped catalogue that never cut a category in two.

    Whole categories are packed in order, up to `size` services a page; a category longer
    than that has a page of its own. Same attributes as `paging.Page`.
    """

    def __init__(self, items, number=1, size=CATALOGUE_PAGE):
        pages = []
        for _category, members in groups(items):
            if pages and len(pages[-1]) + len(members) <= size:
                pages[-1].extend(members)
            else:
                pages.append(list(members))
        self.total = len(items)
        self.size = size
        self.pages = max(1, len(pages))
        self.number = min(max(1, number), self.pages)
        self.items = pages[self.number - 1] if pages else []

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages


def catalogue_order(item):
    """Sort key of the catalogue: category in the usual order, then pinyin of the title."""
    return (category_key(item.category), title_key(item))


def most_used_first(section, request, items):
    """The home page's 办事指南 card: the services residents find most through search.

    Search counts the top hit of each search once a day per visitor (`search.usage`, kept
    by the standard's own path for an inherited one); services nobody has found yet follow
    in catalogue order.
    """
    def path(item):
        return tenant_path(getattr(item, 'source', item))
    counts = get_search(request.registry).usage.counts({path(i) for i in items})
    return sorted(items, key=lambda i: (-counts.get(path(i), 0),) + catalogue_order(i))


@view_config(context=Section, section='services', renderer='templates/catalogue.pt',
             permission='view')
def catalogue_view(context, request):
    """Every service this tenant offers: its own and the standards it inherits.

    Visitors without a login share the rendered list of each filter and page
    (`pagecache.memo`: until anything in the county changes)."""
    category = request.params.get('category', '').strip()
    letter = request.params.get('letter', '').strip().upper()[:1]
    # the pager keeps every parameter of this very URL: the key holds all of it
    query = tuple(sorted(request.environ.get('QUERY_STRING', '').split('&')))
    body = visitor_html(
        request, context, ('catalogue', request.path_url, query),
        lambda: render('shequ.services:templates/catalogue_body.pt',
                       catalogue_values(context, request, category, letter), request=request))
    return {'body': body}


def catalogue_values(context, request, category, letter):
    """What the catalogue's list shows for a filter by category or pinyin initial."""
    items = visible_items(context, request)
    letters = {title_initial(item) for item in items}
    shown = items
    if category:
        shown = [i for i in shown if i.category == category]
    if letter:
        shown = [i for i in shown if title_initial(i) == letter]
    if letter and not category:
        shown.sort(key=title_key)
    else:
        shown.sort(key=catalogue_order)
    grouped = not (letter and not category)
    page = (CategoryPages if grouped else Page)(shown, page_number(request), CATALOGUE_PAGE)
    query = {k: v for k, v in (('category', category), ('letter', letter)) if v}
    can_edit = request.has_permission('edit', context)
    return {
        'page': page, 'groups': groups(page.items), 'total': len(items),
        'categories': categories(items), 'category': category, 'letter': letter,
        'letters': [(x, x in letters) for x in LETTERS + (OTHER,)],
        'grouped': grouped, 'query': query,
        'hidden': hidden_here(context) if can_edit else [], 'can_edit': can_edit,
    }
