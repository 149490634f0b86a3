"""What every print view of the 公开栏 shares: the unit's contact header and the print date.

A print view adds `print_values(context, request)` to its values; its template uses the
macros `print-head` (unit, address, phone, hours: on the first page) and `print-date`.
"""
from pyramid.renderers import get_renderer

from ..clock import local, utcnow
from ..i18n import _
from ..tree import effective_setting, find_tenant

PRINT_MACROS = 'shequ:content/templates/print_macros.pt'


def chinese_date(dt, locale_name='zh_CN'):
    """`2026年12月2日` (China time); `2026-12-02` in other locales."""
    day = local(dt)
    if locale_name.startswith('zh'):
        return '%d年%d月%d日' % (day.year, day.month, day.day)
    return day.strftime('%Y-%m-%d')


def print_values(context, request, now=None):
    """Values for the shared print macros: the unit, its contact details, the print date."""
    tenant = find_tenant(context)
    contact = (effective_setting(tenant, 'contact') if tenant is not None else None) or {}
    date = chinese_date(now or utcnow(), request.locale_name)
    return {'print_kit': get_renderer(PRINT_MACROS).implementation(),
            'print_unit': tenant.title if tenant is not None else '',
            'print_contact': contact,
            'print_date': _('Printed on ${date}', mapping={'date': date}),
            'date_text': lambda dt: chinese_date(dt, request.locale_name) if dt else ''}
