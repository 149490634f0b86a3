"""The publicity list (hours in their 公示 period) and the honour boards."""
from pyramid.view import view_config

from ..clock import local
from ..pagecache import valid_until
from ..tree import Section, walk_tenants
from . import SECTION
from . import ledger
from .common import team_title
from .model import PUBLIC_STATUSES, get_register, mask_name


HONOUR_SIZE = 50
PUBLICITY_PAGE = 50


@view_config(context=Section, section=SECTION, name='publicity',
             renderer='templates/publicity.pt', permission='view')
def publicity_view(context, request):
    """Hours in their publicity period (公示): masked name, activity, hours, until when.

    Newest first, a page at a time: the tenant's ledger is read only as far as the page
    asked for (and never past the publicity window), so the page costs the same whatever
    the number of volunteers and entries.
    """
    from ..paging import page_number
    register = get_register(context)
    now = ledger.now()
    number = page_number(request)
    skip, rows, more = (number - 1) * PUBLICITY_PAGE, [], False
    if register is not None:
        for entry in ledger.recent(register.ledger, now):
            if entry['counts_from'] <= now:
                continue
            volunteer = register.get(entry['number'])
            if volunteer is None or volunteer.status not in PUBLIC_STATUSES:
                continue
            if skip:
                skip -= 1
                continue
            if len(rows) >= PUBLICITY_PAGE:
                more = True
                break
            rows.append({'name': mask_name(volunteer.name), 'number': volunteer.number,
                         'title': entry['title'], 'date': entry['date'],
                         'hours': ledger.hours(entry['minutes']), 'kind': entry['kind'],
                         'until': entry['counts_from']})
    if register is not None:
        valid_until(request, ledger.next_count_change(register.ledger, now))
    return {'rows': rows, 'days': ledger.publicity_days(context), 'number': number,
            'more': more}


def _month(text, default):
    import re
    return text if text and re.match(r'^\d{4}-(0[1-9]|1[0-2])$', text) else default


def honour_rows(tenant, first, last, now, size=HONOUR_SIZE, request=None):
    """The top volunteers of `tenant` and every tenant below by hours in the months given.

    Reads the ranked month totals of each register (cached per process, exact by ledger
    position: `ledger.ranked_month_totals`); the hours of the best candidates that are
    still in publicity are then taken off (a short read of their newest entries).
    """
    tenants = [tenant] + list(walk_tenants(tenant))
    candidates = []
    for unit in tenants:
        section = unit.get(SECTION)
        register = get_register(section) if isinstance(section, Section) else None
        if register is None:
            continue
        for minutes, number in ledger.ranked_month_totals(register, first, last)[:size * 2]:
            candidates.append((minutes, unit, section, register, number))
    candidates.sort(key=lambda c: (-c[0], c[4]))
    rows = []
    for minutes, unit, section, register, number in candidates[:size * 2]:
        volunteer = register.get(number)
        if volunteer is None or volunteer.status not in PUBLIC_STATUSES:
            continue
        pending = sum(e['minutes'] for e in ledger.recent(volunteer.log, now)
                      if e['counts_from'] > now and first <= e['date'].strftime('%Y-%m') <= last)
        if pending and request is not None:
            valid_until(request, ledger.next_count_change(volunteer.log, now))
        counted = minutes - pending
        if counted > 0:
            rows.append({'name': mask_name(volunteer.name), 'number': number,
                         'team': team_title(section, volunteer.team), 'tenant': unit,
                         'section': section, 'minutes': counted})
    rows.sort(key=lambda r: (-r['minutes'], r['number']))
    return rows[:size]


@view_config(context=Section, section=SECTION, name='honour', renderer='templates/honour.pt',
             permission='view')
def honour_view(context, request):
    """光荣榜: top volunteers by counted hours over a range of months."""
    now = ledger.now()
    this_month = local(now).strftime('%Y-%m')
    first = _month(request.params.get('from'), this_month[:4] + '-01')
    last = _month(request.params.get('to'), this_month)
    if last < first:
        first, last = last, first
    tenant = context.__parent__
    rows = honour_rows(tenant, first, last, now, request=request)
    return {'rows': rows, 'first': first, 'last': last, 'hours': ledger.hours,
            'aggregate': bool(tenant.tenants()), 'tenant': tenant}
