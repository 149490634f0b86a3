"""Listing helpers shared by every content kind: visibility filter and pagination."""
import math

from ..security.roles import publicly_visible

PAGE_SIZE = 20


def visible_items(section, request, now=None):
    """Items of `section` the requester may see: public ones, or all for editors.

    The same rule as the ACL's `view` (`security.roles.acl_for`), asked once per section
    rather than once per item. A content kind may lend a section more items than it stores
    (inherited standard services): it registers a lister with `config.add_section_listing`.
    """
    lister = getattr(request.registry, 'section_listings', {}).get(section.__name__)
    items = lister(section, request) if lister is not None else list(section.values())
    can_see_all = request.has_permission('view_unpublished', section)
    return [item for item in items
            if getattr(item, 'type_name', None) and (can_see_all or publicly_visible(item, now))]


def add_section_listing(config, section_name, func):
    """Configurator directive: `func(section, request)` gives every item a section shows."""
    def register():
        listings = getattr(config.registry, 'section_listings', None)
        if listings is None:
            listings = config.registry.section_listings = {}
        listings[section_name] = func
    config.action(('shequ.section_listing', section_name), register)


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


def add_tenant_panel(config, name, func, renderer, order=100):
    """Configurator directive: a block on tenant home pages.

    `func(tenant, request)` returns the renderer's values, or None to show nothing there.
    """
    def register():
        panels = getattr(config.registry, 'tenant_panels', None)
        if panels is None:
            panels = config.registry.tenant_panels = {}
        panels[name] = (order, func, renderer)
    config.action(('shequ.tenant_panel', name), register)


def render_tenant_panels(tenant, request):
    """The HTML of every registered panel that has something to show at `tenant`."""
    from pyramid.renderers import render
    panels = getattr(request.registry, 'tenant_panels', {})
    out = []
    for _order, func, renderer in sorted(panels.values(), key=lambda p: p[0]):
        values = func(tenant, request)
        if values is not None:
            out.append(render(renderer, values, request=request))
    return out
