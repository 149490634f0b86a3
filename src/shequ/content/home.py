"""Tenant home pages: the newest items of every section, the kinds' panels, the units below."""
from pyramid.view import view_config

from ..tree import Tenant, shown_sections
from .listing import render_tenant_panels, visible_items

LATEST_PER_SECTION = 5


def latest_first(item):
    """Sort key for a tenant page card: pinned items, then by the date the kind shows."""
    return (bool(getattr(item, 'pinned', False)), getattr(item, 'date', None) or item.modified)


@view_config(context=Tenant, renderer='templates/tenant.pt')
def tenant_view(context, request):
    sections = []
    for section in shown_sections(context, request.registry):
        items = sorted(visible_items(section, request), key=latest_first, reverse=True)
        sections.append({'section': section, 'items': items[:LATEST_PER_SECTION],
                         'count': len(items)})
    return {'tenant': context, 'sections': sections, 'children': context.tenants(),
            'panels': render_tenant_panels(context, request)}
