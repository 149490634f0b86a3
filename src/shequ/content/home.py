"""Tenant home pages: how to reach the office, the sections with something in them (each
kind may order its card, services put the most-used first), the kinds' panels, the units
below."""
from pyramid.renderers import render
from pyramid.view import view_config

from ..extensions import get_extensions
from ..pagecache.memo import visitor_html
from ..tree import Tenant, effective_setting, shown_sections
from .listing import indexed_names, render_tenant_panels, visible_items
from ..tree.phone import phone_numbers

LATEST_PER_SECTION = 5


def latest_first(item):
    """Sort key for a tenant page card: pinned items, then by the date the kind shows."""
    return (bool(getattr(item, 'pinned', False)), getattr(item, 'date', None) or item.modified)


def tel_href(number):
    """A `tel:` URL for a number as offices write it (an extension becomes a pause)."""
    digits = number.strip()
    head, sep, ext = digits.partition('-')
    if sep and '-' in ext:                      # 0456-8221234-801
        main, _sep, ext = ext.partition('-')
        return 'tel:%s-%s,%s' % (head, main, ext)
    return 'tel:' + digits


def contact_block(tenant):
    """The tenant's contact details for the top of its home page, with tap-to-call links.

    {'phones': [(number, tel URL)], 'hotlines': [...], 'address', 'hours', 'email'}; a
    phone that is not a plain number (typed in a file long ago) is shown as text.
    """
    contact = effective_setting(tenant, 'contact') or {}

    def numbers(key):
        text = str(contact.get(key) or '').strip()
        if not text:
            return []
        found = phone_numbers(text)
        return [(n, tel_href(n)) for n in found] if found else [(text, None)]
    return {'phones': numbers('phone'), 'hotlines': numbers('hotline'),
            'address': contact.get('address', ''), 'hours': contact.get('hours', ''),
            'email': contact.get('email', '')}


def section_cards(tenant, request):
    """One card per section with something a visitor may see; each kind may order its card.

    Empty sections get no card: a resident should not open a box to find nothing.
    """
    orders = get_extensions(request.registry).home_orders
    cards = []
    for section in shown_sections(tenant, request.registry):
        order = orders.get(section.__name__)
        names = indexed_names(section, request) if order is None else None
        if names is not None:      # newest first from the section's index: load five
            names = list(names)
            if names:
                cards.append({'section': section, 'count': len(names), 'ordered': False,
                              'items': [section.data[n] for n in names[:LATEST_PER_SECTION]]})
            continue
        items = visible_items(section, request)
        if not items:
            continue
        if order is not None:
            items = order(section, request, items)
        else:
            items = sorted(items, key=latest_first, reverse=True)
        cards.append({'section': section, 'items': items[:LATEST_PER_SECTION],
                      'count': len(items), 'ordered': order is not None})
    return cards


def render_cards(tenant, request, contact):
    """The HTML of the section cards (shared by visitors: `pagecache.memo`)."""
    return visitor_html(request, tenant, 'home-cards', lambda: render(
        'shequ.content:templates/home_cards.pt',
        {'sections': section_cards(tenant, request), 'contact': contact}, request=request))


@view_config(context=Tenant, renderer='templates/tenant.pt')
def tenant_view(context, request):
    contact = contact_block(context)
    return {'tenant': context, 'cards': render_cards(context, request, contact),
            'children': context.tenants(), 'contact': contact,
            'has_contact': any(contact.values()),
            'panels': render_tenant_panels(context, request)}
