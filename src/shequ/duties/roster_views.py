"""Public roster pages: week and month views, A4 print, iCalendar feed, XLSX/CSV exports,
the tenant home panel "今日值班" and the township/county page of today's duty below it.

No public page, feed or export shows a personal phone; the week and month pages show it
to users with `view_unpublished` on the tenant (its staff and the units above).
"""
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import colander
from pyramid.response import Response
from pyramid.view import view_config

from ..content.printing import print_values
from ..content.qr import qr_svg
from ..content.spreadsheet import XLSX_TYPE, disposition
from ..pagecache import valid_until
from ..paging import Page, page_number
from ..tree import Section, Tenant, effective_setting, find_tenant, tenant_path, walk_tenants
from .roster import (Day, china_now, get_roster, month_end, month_start, next_month, parse_month,
                     parse_week, previous_month, roster_of, span, today_shifts, week_label,
                     week_start)
from .roster_io import calendar, feed_range, public_rows, rows_csv, rows_xlsx

WEEKDAYS = ('一', '二', '三', '四', '五', '六', '日')
TENANTS_PER_PAGE = 50
NAV_WINDOW = 1     # periods either side of the current one that are always linked
DAY_NODE = colander.SchemaNode(Day(), name='date')


def weekday(day):
    return '星期' + WEEKDAYS[day.weekday()]


def _requested(request, unit):
    """The first day of the week or month asked for (`?week=`, `?month=`, `?date=`),
    else of the current one."""
    today = china_now().date()
    if unit == 'week':
        start = parse_week(request.params.get('week'))
    else:
        start = parse_month(request.params.get('month'))
    if start is None:
        try:
            start = Day().deserialize(DAY_NODE, request.params.get('date') or today)
        except colander.Invalid:
            start = today
    return week_start(start) if unit == 'week' else month_start(start)


def period(unit, start):
    """(first, last, label, param) of the week or month starting at `start`."""
    if unit == 'week':
        last = start + timedelta(days=6)
        return start, last, week_label(start), {'week': week_label(start)}
    last = month_end(start)
    label = '%d-%02d' % (start.year, start.month)
    return start, last, label, {'month': label}


def _step(unit, start, n):
    if unit == 'week':
        return start + timedelta(days=7 * n)
    return next_month(start) if n > 0 else previous_month(start)


def roster_days(roster, first, last, now):
    """[{day, weekday, today, shifts: [(shift, now)]}] for every day from first to last."""
    stored = dict(roster.between(first, last)) if roster is not None else {}
    today = now.date()
    out, day = [], first
    while day <= last:
        entries = []
        for shift in stored.get(day, ()):
            start, end = span(day, shift)
            entries.append((shift, start <= now < end))
        out.append({'day': day, 'weekday': weekday(day), 'today': day == today,
                    'shifts': entries})
        day += timedelta(days=1)
    return out


def feed_url(request, section):
    """The webcal:// address calendar apps subscribe to."""
    url = request.resource_url(section, '@@roster.ics')
    return 'webcal://' + url.split('://', 1)[1]


def _nav(request, section, roster, unit, start, first, last):
    """Links to the previous and next period: near the current one, or where shifts are
    (so a crawler or a curious visitor never walks an endless chain of empty weeks)."""
    current = _requested_current(unit)
    view = '@@roster' if unit == 'week' else '@@roster-month'
    links = {}
    for n, key, more in ((-1, 'previous', roster is not None and roster.has_before(first)),
                         (1, 'next', roster is not None and roster.has_after(last))):
        target = _step(unit, start, n)
        if more or abs(_distance(unit, current, target)) <= NAV_WINDOW:
            links[key] = request.resource_url(section, view, query=period(unit, target)[3])
    if start != current:
        links['current'] = request.resource_url(section, view)
    return links


def _requested_current(unit):
    today = china_now().date()
    return week_start(today) if unit == 'week' else month_start(today)


def _distance(unit, a, b):
    if unit == 'week':
        return (b - a).days // 7
    return (b.year - a.year) * 12 + b.month - a.month


def note_next_change(request, pairs, now):
    """These pages mark the shift running `now`: tell the page cache when that changes."""
    ahead = [t for day, shift in pairs for t in span(day, shift) if t > now]
    if ahead:
        valid_until(request, min(ahead))


def page_values(context, request, unit):
    """What the week and month pages (and print) show."""
    roster = get_roster(context)
    start = _requested(request, unit)
    first, last, label, param = period(unit, start)
    now = china_now()
    days = roster_days(roster, first, last, now)
    note_next_change(request, [(d['day'], s) for d in days for s, _running in d['shifts']], now)
    tenant = find_tenant(context)
    return {
        'tenant': tenant, 'section': context, 'unit': unit, 'label': label, 'param': param,
        'first': first, 'last': last, 'days': days, 'any': any(d['shifts'] for d in days),
        'private': request.has_permission('view_unpublished', context),
        'can_edit': request.has_permission('edit', context),
        'nav': _nav(request, context, roster, unit, start, first, last),
        'feed': feed_url(request, context),
        'week_url': request.resource_url(context, '@@roster', query={'date': first.isoformat()}),
        'month_url': request.resource_url(context, '@@roster-month',
                                          query={'month': '%d-%02d' % (first.year, first.month)}),
    }


@view_config(context=Section, section='duties', name='roster', permission='view',
             renderer='templates/roster.pt')
def week_view(context, request):
    """One week of the roster (`?week=2026-W49` or `?date=`)."""
    return page_values(context, request, 'week')


@view_config(context=Section, section='duties', name='roster-month', permission='view',
             renderer='templates/roster.pt')
def month_view(context, request):
    """One month of the roster (`?month=2026-12`)."""
    return page_values(context, request, 'month')


@view_config(context=Section, section='duties', name='roster-print', permission='view',
             renderer='templates/roster_print.pt')
def print_view(context, request):
    """The week (`?week=`, `?date=`) or month (`?month=`) on A4, with the page's QR code."""
    unit = 'month' if 'month' in request.params else 'week'
    values = page_values(context, request, unit)
    values['private'] = False
    values['days'] = [d for d in values['days'] if d['shifts']]
    live = request.resource_url(context, '@@roster' if unit == 'week' else '@@roster-month',
                                query=values['param'])
    values.update(print_values(context, request), qr=qr_svg(live), live=live)
    return values


def _export_days(context, request):
    roster = get_roster(context)
    unit = 'week' if 'week' in request.params else 'month'
    first, last, label, _param = period(unit, _requested(request, unit))
    days = roster.between(first, last) if roster is not None else []
    return label, days


def _download(context, request, body, content_type, ext, label):
    tenant = find_tenant(context)
    response = Response(body=body, content_type=content_type)
    if content_type.startswith('text/'):
        response.charset = 'utf-8'

    named = SimpleNamespace(__name__='roster-%s' % label, title='%s值班表%s' % (tenant.title, label))
    response.headers['Content-Disposition'] = disposition(named, ext)
    return response


@view_config(context=Section, section='duties', name='roster.csv', permission='view')
def csv_view(context, request):
    """The month (`?month=`) or week (`?week=`) as CSV, without personal phones."""
    label, days = _export_days(context, request)
    return _download(context, request, rows_csv(public_rows(days)), 'text/csv', 'csv', label)


@view_config(context=Section, section='duties', name='roster.xlsx', permission='view')
def xlsx_view(context, request):
    """The month (`?month=`) or week (`?week=`) as XLSX, without personal phones."""
    label, days = _export_days(context, request)
    body = rows_xlsx('值班表' + label, public_rows(days))
    return _download(context, request, body, XLSX_TYPE, 'xlsx', label)


@view_config(context=Section, section='duties', name='roster.ics', permission='view')
def ics_view(context, request):
    """The tenant's iCalendar feed: a month back and three months ahead."""
    tenant = find_tenant(context)
    roster = get_roster(context)
    first, last = feed_range(china_now().date())
    days = roster.between(first, last) if roster is not None else []
    body = calendar(tenant.title, tenant_path(tenant), urlsplit(request.host_url).hostname,
                    days, request.resource_url(context, '@@roster'))
    return Response(body=body, content_type='text/calendar', charset='utf-8',
                    cache_control='public, max-age=300')


# --- on tenant home pages, and a township's or county's view of the units below ---

def today_entries(tenant, now=None):
    """[{shift, now}] of `tenant` today (two BTree lookups)."""
    return [{'shift': shift, 'now': running, 'day': day}
            for day, shift, running in today_shifts(roster_of(tenant), now)]


def on_duty_panel(tenant, request):
    """Tenant home block "今日值班": who is on duty now, then the rest of today."""
    roster = roster_of(tenant)
    if roster is None:
        return None
    now = china_now()
    entries = today_entries(tenant, now)
    note_next_change(request, [(e['day'], e['shift']) for e in entries], now)
    if not entries and not roster.days:
        return None
    contact = effective_setting(tenant, 'contact') or {}
    section = tenant['duties']
    return {'tenant': tenant, 'entries': entries, 'section': section,
            'office_phone': contact.get('phone', '') if not entries else '',
            'below': bool(tenant.tenants())}


@view_config(context=Tenant, name='duty-today', permission='view',
             renderer='templates/roster_today.pt')
def duty_today_view(context, request):
    """Today's duty of this unit and every unit below, 50 units a page."""
    units = [context, *walk_tenants(context)]
    page = Page(units, page_number(request), size=TENANTS_PER_PAGE)
    now = china_now()
    rows = [{'tenant': t, 'entries': today_entries(t, now), 'depth': _depth(context, t)}
            for t in page.items]
    note_next_change(request, [(e['day'], e['shift']) for r in rows for e in r['entries']], now)
    return {'tenant': context, 'rows': rows, 'page': page, 'today': now.date(),
            'weekday': weekday(now.date())}


def _depth(top, tenant):
    depth, node = 0, tenant
    while node is not top and node is not None:
        depth += 1
        node = node.__parent__
    return depth

