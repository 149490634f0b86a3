"""Staff pages: the inbox, one request with its actions, photos, statistics and export,
API keys, and the county's deadlines and holidays.

The inbox needs `view_unpublished` on the tenant (staff, administrators and reviewers:
reviewers take reopened requests); each action needs the permission `states.permission_for`
names, on the tenant handling the request.
"""
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.response import Response
from pyramid.traversal import find_resource
from pyramid.view import view_config

from ..clock import fmt, local, utcnow
from ..content import spreadsheet
from ..i18n import _, flash
from ..security.audit import record
from ..tree import LEVEL, Section, Tenant, find_county, find_root, find_tenant, tenant_path
from ..tree import walk_tenants
from . import actions, apikeys
from .model import (DEFAULT_LIMITS, SECTION, TYPES, get_index, get_store,
                    requests_below, section_of)
from .pages import RequestPage
from .states import ACTION_LABELS, STATE_LABELS, NotAllowed, allowed, is_open, \
    permission_for
from .stats import bar_chart, figures, period
from .workdays import holidays_file, parse_dates, shipped

MAX_TEXT = 2000
MAX_EXTENSION = 10


def unit_title(context, path):
    """The title of the tenant at `path` (for history lines), or the path."""
    try:
        node = find_resource(find_root(context), path)
    except (KeyError, TypeError):
        return path
    return getattr(node, 'title', path)


@view_config(context=Section, section=SECTION, name='inbox',
             renderer='templates/inbox.pt', permission='view_unpublished')
def inbox_view(context, request):
    """The requests this tenant handles: open ones first by deadline (all with ?all=1)."""
    store, index = get_store(context), get_index(context)
    tenant = find_tenant(context)
    below = request.params.get('below') == '1' and bool(tenant.tenants())
    if below:       # a township or county overseeing the units below it
        items = requests_below(store, tenant, by='tenant')
    else:
        items = [store.get(n) for n in index.handling] if store is not None and index else []
    items = [i for i in items if i is not None]
    show_all = request.params.get('all') == '1'
    if not show_all:
        items = [i for i in items if i.is_open()]
    items.sort(key=lambda i: (not i.is_open(), i.deadline or i.submitted))
    now = utcnow()
    return {'items': items, 'show_all': show_all, 'now': now, 'types': TYPES,
            'states': STATE_LABELS, 'below': below, 'has_below': bool(tenant.tenants())}


def transfer_targets(page):
    """Every other tenant of the county (the township, the county, other communities)."""
    county = find_county(page.section)
    here = page.item.tenant
    return [(tenant_path(t), t.title) for t in [county, *walk_tenants(county)]
            if tenant_path(t) != here]


@view_config(context=RequestPage, renderer='templates/request.pt',
             permission='view_unpublished')
def request_view(context, request):
    """Everything about one request, its whole history and the actions open to this user."""
    item = context.item
    possible = []
    if context.handled_here:
        possible = [a for a in allowed(item.state) if not a.startswith('rate')
                    and request.has_permission(permission_for(a, item.state), context)]
    return {'item': item, 'history': list(item.history.since(0)), 'actions': possible,
            'labels': ACTION_LABELS, 'states': STATE_LABELS, 'types': TYPES,
            'targets': transfer_targets(context) if 'transfer' in possible else [],
            'unit_title': lambda p: unit_title(context, p), 'now': utcnow(),
            'max_extension': MAX_EXTENSION}


@view_config(context=RequestPage, name='act', request_method='POST',
             permission='view_unpublished')
def act_view(context, request):
    """Take, transfer, extend, note, reply or close; refused when not allowed here."""
    item, action = context.item, request.POST.get('action', '')
    if action not in allowed(item.state) or action.startswith('rate'):
        flash(request, _('This step is not possible in the request\'s state.'))
        return HTTPFound(request.resource_url(context))
    if not context.handled_here or not request.has_permission(
            permission_for(action, item.state), context):
        raise HTTPForbidden()
    text = request.POST.get('text', '').strip()[:MAX_TEXT]
    try:
        if action == 'take':
            actions.take(item, request)
        elif action == 'transfer':
            target = find_resource(find_root(context), request.POST.get('target', '/'))
            if not isinstance(target, Tenant) or not text:
                raise ValueError
            actions.transfer(item, request, target, text)
        elif action == 'extend':
            days = int(request.POST.get('days', '0'))
            if not 1 <= days <= MAX_EXTENSION or not text:
                raise ValueError
            actions.extend(item, request, days, text)
        elif action in ('note', 'reply'):
            if not text:
                raise ValueError
            getattr(actions, action)(item, request, text)
        elif action == 'close':
            actions.close(item, request, text)
    except (ValueError, KeyError, TypeError, NotAllowed):
        request.response.status = 400
        flash(request, _('Fill in what the step needs (a reason, a text or a number of '
                         'days) and try again.'))
        return HTTPFound(request.resource_url(context))
    flash(request, ACTION_LABELS[action])
    if action == 'transfer':
        return HTTPFound(request.resource_url(context.section, '@@inbox'))
    return HTTPFound(request.resource_url(context))


@view_config(context=RequestPage, name='photo', permission='view_unpublished')
def photo_view(context, request):
    try:
        photo = context.item.photos[int(request.params.get('i', ''))]
    except (ValueError, IndexError):
        raise HTTPNotFound()
    response = Response(body=photo.data(), content_type=photo.content_type)
    response.headers['Content-Disposition'] = 'inline'
    response.cache_control.private = True
    return response


@view_config(context=Section, section=SECTION, name='statistics',
             renderer='templates/statistics.pt', permission='view')
def statistics_view(context, request):
    """Counts, durations, overdue and satisfaction of this tenant and those below."""
    first, last = period(request)
    _items, figs = figures(context, first, last)
    translate = request.localizer.translate
    charts = {
        'state': bar_chart([(translate(STATE_LABELS[s]), n) for s, n in
                            figs['by_state'].items()]),
        'type': bar_chart([(translate(TYPES[t]), n) for t, n in figs['by_type'].items()]),
        'category': bar_chart([(c, n) for c, n in figs['by_category'].items()]),
    }
    return {'figures': figs, 'charts': charts, 'first': first, 'last': last,
            'types': TYPES, 'states': STATE_LABELS,
            'staff': request.has_permission('view_unpublished', context)}


@view_config(context=Section, section=SECTION, name='statistics.xlsx',
             permission='view_unpublished')
def statistics_xlsx(context, request):
    """The figures and one row per request (no name, phone or e-mail) as XLSX."""
    first, last = period(request)
    items, figs = figures(context, first, last)
    translate = request.localizer.translate
    wb, ws = spreadsheet.new_sheet('诉求统计')
    spreadsheet.append_row(ws, ['统计期间', first.isoformat(), last.isoformat()])
    spreadsheet.append_row(ws, ['诉求总数', figs['total']])
    for s, n in figs['by_state'].items():
        spreadsheet.append_row(ws, [translate(STATE_LABELS[s]), n])
    for t, n in figs['by_type'].items():
        spreadsheet.append_row(ws, [translate(TYPES[t]), n])
    for c, n in figs['by_category'].items():
        spreadsheet.append_row(ws, [c, n])
    spreadsheet.append_row(ws, ['平均办结天数', round(figs['average_days'] or 0, 2)])
    spreadsheet.append_row(ws, ['90%办结天数', round(figs['p90_days'] or 0, 2)])
    spreadsheet.append_row(ws, ['超期未办结', figs['overdue']])
    spreadsheet.append_row(ws, ['满意率', round(figs['satisfaction'] or 0, 4)])
    rows = wb.create_sheet('诉求明细')
    spreadsheet.append_row(rows, ['编号', '受理单位', '类型', '类别', '状态', '提交时间',
                                  '办理期限', '答复时间', '评价'])
    spreadsheet.bold_heading(rows)
    for item in sorted(items, key=lambda i: i.number):
        spreadsheet.append_row(rows, [item.number, unit_title(context, item.tenant),
                                      translate(TYPES[item.kind]), item.category,
                                      translate(STATE_LABELS[item.state]), fmt(item.submitted),
                                      fmt(item.deadline), fmt(item.replied), item.rating or ''])
    tenant = find_tenant(context)
    response = Response(body=spreadsheet.save(wb), content_type=spreadsheet.XLSX_TYPE)
    response.headers['Content-Disposition'] = 'attachment; filename="requests-%s.xlsx"' % (
        tenant.__name__)
    return response


@view_config(context=Section, section=SECTION, name='api-keys',
             renderer='templates/api_keys.pt', permission='manage')
def api_keys_view(context, request):
    """Issue (the key is shown once) and revoke this tenant's Open311 keys."""
    new_key = None
    if request.method == 'POST':
        name = request.POST.get('name', '').strip()[:60]
        revoke = request.POST.get('revoke', '')
        if revoke:
            record_ = apikeys.revoke(context, revoke, request.authenticated_userid)
            if record_ is not None:
                record(find_tenant(context), request, 'request-apikey-revoke',
                       request.resource_path(context).rstrip('/'), record_.name)
                flash(request, _('The key is revoked.'))
            return HTTPFound(request.resource_url(context, '@@api-keys'))
        if name:
            new_key, record_ = apikeys.issue(context, name, request.authenticated_userid)
            record(find_tenant(context), request, 'request-apikey-add',
                   request.resource_path(context).rstrip('/'), name)
    return {'keys': apikeys.keys_of(context), 'new_key': new_key,
            'endpoint': request.resource_url(context, 'open311', 'discovery.json')}


@view_config(context=Tenant, name='holidays', renderer='templates/holidays.pt',
             permission='manage')
def holidays_view(context, request):
    """A county's time limits per type and its holidays and make-up working days."""
    if LEVEL.get(context.kind) != 1:
        raise HTTPNotFound()
    section = section_of(context)
    store = get_store(section)
    today = local(utcnow()).date()
    year = request.params.get('year', str(today.year))
    year = int(year) if year.isdigit() and 2000 < int(year) < 2100 else today.year
    errors = {}
    if request.method == 'POST':
        limits = {}
        for code in DEFAULT_LIMITS:
            try:
                limits[code] = int(request.POST.get('limit-' + code, ''))
                if not 0 <= limits[code] <= 60:
                    raise ValueError
            except ValueError:
                errors['limit-' + code] = _('A whole number of working days from 0 to 60.')
        try:
            holidays = parse_dates(request.POST.get('holidays', ''))
            workdays = parse_dates(request.POST.get('workdays', ''))
            if any(d.year != year for d in holidays + workdays):
                raise ValueError
        except ValueError:
            errors['dates'] = _('Dates as YYYY-MM-DD of the chosen year, one a line.')
        if not errors:
            store = get_store(section, create=True)
            from ..tree.ops import modify
            calendar = dict(store.calendar)
            calendar[year] = (tuple(d.isoformat() for d in holidays),
                              tuple(d.isoformat() for d in workdays))
            modify(store, request, action='request-calendar', limits=limits,
                   calendar=calendar)
            record(context, request, 'request-calendar', context, str(year))
            flash(request, _('Saved.'))
            return HTTPFound(request.resource_url(context, '@@holidays',
                                                  query={'year': year}))
        request.response.status = 400
    overrides = dict(store.calendar) if store is not None else {}
    if year in overrides:
        holidays, workdays = overrides[year]
        source = 'county'
    else:
        holidays, workdays = (sorted(d.isoformat() for d in x)
                              for x in shipped(holidays_file(request.registry)).get(
                                  year, ((), ())))
        source = 'shipped' if year in shipped(holidays_file(request.registry)) else 'none'
    limits = {code: (store.limit(code) if store is not None else days)
              for code, days in DEFAULT_LIMITS.items()}
    return {'year': year, 'holidays': '\n'.join(holidays), 'workdays': '\n'.join(workdays),
            'limits': limits, 'types': TYPES, 'errors': errors, 'source': source,
            'urgent_label': _('Urgent'),
            'years': sorted({today.year, today.year + 1, *overrides,
                             *shipped(holidays_file(request.registry))})}


def overdue_items(root, now=None):
    """(tenant, request) of every open request past its deadline, in every county."""
    now = now or utcnow()
    out = []
    for county in root.tenants():
        store = get_store(county)
        if store is None:
            continue
        for item in store.items.values():
            if item.overdue(now) and is_open(item.state):
                out.append((find_tenant(item.__parent__), item))
    return out

