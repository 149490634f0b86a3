"""Listing helpers shared by every content kind: visibility filter, pagination, panels."""
from ..clock import utcnow
from ..extensions import TenantPanel, get_extensions
from ..paging import PAGE_SIZE, Page, page_number  # noqa: F401 — kinds import them from here
from ..security.roles import publicly_visible


def visible_items(section, request, now=None):
    """Items of `section` the requester may see: public ones, or all for editors.

    The same rule as the ACL's `view` (`security.roles.acl_for`), asked once per section
    rather than once per item. A content kind may lend a section more items than it stores
    (inherited standard services): it registers a lister with `config.add_section_listing`.
    """
    memo = _listing_memo(request) if now is None else None
    known = memo.get(id(section)) if memo is not None else None
    if known is not None and known[0] is section:
        return list(known[1])
    lister = get_extensions(request.registry).section_listings.get(section.__name__)
    items = lister(section, request) if lister is not None else list(section.values())
    can_see_all = may_see_unpublished(section, request)
    items = [item for item in items
             if getattr(item, 'type_name', None) and (can_see_all or publicly_visible(item, now))]
    if memo is not None:
        memo[id(section)] = (section, tuple(items))
    return items


def may_see_unpublished(section, request):
    """Whether the requester sees drafts in `section`; a visitor who is not logged in never
    does (only roles hold `view_unpublished`), so no ACL is built for them."""
    if request.identity is None:
        return False
    return bool(request.has_permission('view_unpublished', section))


def _listing_memo(request):
    """Per-request memo of `visible_items` by section (GET and HEAD only): a tenant home
    asks once for its cards and once more for its section menu."""
    if getattr(request, 'method', None) not in ('GET', 'HEAD'):
        return None
    memo = request.__dict__.get('_shequ_visible')
    if memo is None:
        memo = request.__dict__['_shequ_visible'] = {}
    return memo


def indexed_names(section, request, now=None, category=None):
    """Names of the items of `section` the requester may see, in display order (pinned
    first, then newest), read from the section's index (`content.ordering`) without loading
    an item; None when the section has no index or its kind lends it items it does not
    store (then `visible_items` is the way). `category` keeps only that category."""
    from .ordering import entry_is_public, newest_index
    if get_extensions(request.registry).section_listings.get(section.__name__) is not None:
        return None
    index = newest_index(section)
    if index is None:
        return None
    public_only = not may_see_unpublished(section, request)
    now = now or utcnow()
    return (name for name, entry in index.entries()
            if (not public_only or entry_is_public(entry, now))
            and (category is None or entry[3] == category))


def indexed_page(section, names, number, size=PAGE_SIZE):
    """A `Page` of the items named by `names` (only that page's items are loaded)."""
    page = Page(list(names), number, size)
    page.items = [section.data[name] for name in page.items]
    return page


def add_section_listing(config, section_name, func):
    """Configurator directive: `func(section, request)` gives every item a section shows."""
    extensions = get_extensions(config.registry)
    config.action(('shequ.section_listing', section_name),
                  lambda: extensions.section_listings.__setitem__(section_name, func))


def add_home_order(config, section_name, func):
    """Configurator directive: how the tenant home page's card of a section orders its items.

    `func(section, request, items)` returns `items` in the order the card lists them (the
    services kind puts the most-used first); without one the card shows the newest.
    """
    extensions = get_extensions(config.registry)
    config.action(('shequ.home_order', section_name),
                  lambda: extensions.home_orders.__setitem__(section_name, func))


def add_tenant_panel(config, name, func, renderer, order=100):
    """Configurator directive: a block on tenant home pages.

    `func(tenant, request)` returns the renderer's values, or None to show nothing there.
    """
    extensions = get_extensions(config.registry)
    panel = TenantPanel(name=name, func=func, renderer=renderer, order=order)
    config.action(('shequ.tenant_panel', name),
                  lambda: extensions.tenant_panels.__setitem__(name, panel))


def render_panel(panel, tenant, request):
    """The HTML of one panel at `tenant` ('' when it has nothing to show)."""
    from pyramid.renderers import render
    values = panel.func(tenant, request)
    return render(panel.renderer, values, request=request) if values is not None else ''


def render_tenant_panels(tenant, request):
    """The HTML of every registered panel that has something to show at `tenant`.

    Visitors without a login share each panel's HTML until the tenant's county changes
    (`pagecache.memo`); a panel declares when it changes otherwise with
    `pagecache.valid_until` (the on-duty panel: when the shift running now ends)."""
    from ..pagecache.memo import visitor_html
    out = []
    for panel in get_extensions(request.registry).panels():
        html = visitor_html(request, tenant, ('panel', panel.name),
                            lambda panel=panel: render_panel(panel, tenant, request))
        if html:
            out.append(html)
    return out
