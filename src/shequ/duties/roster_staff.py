"""Staff pages of the roster: a day's shifts with add, edit and delete (asked first), the
XLSX/CSV import (all rows checked before anything is stored) and copying a week or a
month forward. All need `edit` on the tenant's duties section."""
from datetime import timedelta

import colander
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from ..content.forms import FormView
from ..content.versions import digest_of
from ..content.spreadsheet import XLSX_TYPE
from ..i18n import _, flash
from ..tree import Section
from .roster import (Day, ShiftSchema, by_day, china_now, get_roster, new_id,
                     next_month, parse_month, parse_week, week_label, week_start, write_days)
from .roster_io import MAX_FILE_BYTES, RosterFileError, read_shifts, template_xlsx
from .roster_views import weekday

DAY_NODE = colander.SchemaNode(Day(), name='date')
NEAR_DAYS = 7


def requested_day(request, name='date'):
    """The day `?date=` names, else today (China time)."""
    try:
        day = Day().deserialize(DAY_NODE, request.params.get(name) or colander.null)
    except colander.Invalid:
        day = colander.null
    return china_now().date() if day is colander.null else day


def _day_url(request, section, day):
    return request.resource_url(section, '@@roster-edit', query={'date': day.isoformat()})


@view_config(context=Section, section='duties', name='roster-edit', permission='edit',
             renderer='templates/roster_edit.pt')
class ShiftForm(FormView):
    """A day's shifts (personal phones included) and the form adding one or, with `?id=`,
    changing one; changing its date moves it to that day."""

    buttons = (('save', _('Save')),)

    def __init__(self, context, request):
        super().__init__(context, request)
        self.day = requested_day(request)
        self.roster = get_roster(context)
        self.shifts = self.roster.shifts(self.day) if self.roster is not None else ()
        self.shift = None
        shift_id = request.params.get('id')
        if shift_id:
            self.shift = next((s for s in self.shifts if s['id'] == shift_id), None)
            if self.shift is None:
                raise HTTPNotFound()

    @property
    def title(self):
        return _('Edit a shift') if self.shift else _('Add a shift')

    def schema_factory(self):
        return ShiftSchema()

    def current_version(self):
        """A shift is a dict inside its day: its version is a digest of its fields."""
        return digest_of(self.shift) if self.shift is not None else None

    def appstruct(self):
        if self.shift is not None:
            return dict(self.shift, date=self.day)
        return {'date': self.day}

    def save_success(self, appstruct):
        day = appstruct.pop('date')
        appstruct['id'] = self.shift['id'] if self.shift else new_id()
        roster = get_roster(self.context)
        days = {}
        if self.shift is not None:      # taken off its day, which may not be the new one
            days[self.day] = [s for s in self.shifts if s['id'] != self.shift['id']]
        current = days[day] if day in days else list(roster.shifts(day) if roster else ())
        days[day] = current + [appstruct]
        write_days(self.context, days, self.request)
        flash(self.request, _('The shift is saved.'))
        return HTTPFound(_day_url(self.request, self.context, day))

    def show(self, form, rendered=None):
        values = super().show(form, rendered)
        values.update(day=self.day, weekday=weekday(self.day), shifts=self.shifts,
                      editing=self.shift, section=self.context)
        values['previous'] = self._neighbour(-1)
        values['next'] = self._neighbour(1)
        return values

    def _neighbour(self, step):
        """The page of the day before (-1) or after (1) when it is near today or towards
        posted shifts: a crawler never follows an endless chain of empty days."""
        day = self.day + timedelta(days=step)
        near = abs((day - china_now().date()).days) <= NEAR_DAYS
        roster = self.roster
        more = roster is not None and (roster.has_before(self.day) if step < 0
                                       else roster.has_after(self.day))
        return _day_url(self.request, self.context, day) if near or more else None


@view_config(context=Section, section='duties', name='roster-delete', permission='edit',
             renderer='templates/roster_confirm.pt')
def delete_view(context, request):
    """GET or an unconfirmed POST asks first; a POST with confirm=yes deletes the shift."""
    day = requested_day(request)
    roster = get_roster(context)
    shifts = roster.shifts(day) if roster is not None else ()
    shift = next((s for s in shifts if s['id'] == request.params.get('id')), None)
    if shift is None:
        raise HTTPNotFound()
    if request.method == 'POST' and request.POST.get('confirm') == 'yes':
        write_days(context, {day: [s for s in shifts if s is not shift]}, request,
                   action='roster-delete')
        flash(request, _('The shift is deleted.'))
        return HTTPFound(_day_url(request, context, day))
    return {'section': context, 'title': _('Delete a shift'), 'danger': True,
            'question': _('Delete the shift of ${name} (${post}) on ${day}, ${start}–${end}?',
                          mapping={'name': shift['name'], 'post': shift['post'],
                                   'day': day.isoformat(), 'start': shift['start'],
                                   'end': shift['end']}),
            'fields': {'date': day.isoformat(), 'id': shift['id']},
            'button': _('Delete'), 'cancel': _day_url(request, context, day)}


# --- import ---

@view_config(context=Section, section='duties', name='roster-import', permission='edit',
             renderer='templates/roster_import.pt')
def import_view(context, request):
    """Upload a month of shifts; a bad file is refused whole with every bad row listed."""
    values = {'section': context, 'problems': [], 'max_mb': MAX_FILE_BYTES // (1024 * 1024)}
    if request.method != 'POST':
        return values
    upload = request.POST.get('file')
    if not hasattr(upload, 'file'):
        request.response.status = 400
        values['problems'] = [(0, '', request.localizer.translate(_('Choose a file.')))]
        return values
    body = upload.file.read(MAX_FILE_BYTES + 1)
    try:
        shifts = read_shifts(upload.filename, body, request.localizer.translate)
    except RosterFileError as exc:
        request.response.status = 400
        values['problems'] = exc.problems
        values['filename'] = upload.filename
        return values
    days = by_day(shifts)
    write_days(context, days, request, action='roster-import')
    first = min(days)
    flash(request, _('${shifts} shifts on ${days} days imported (${first} to ${last}).',
                     mapping={'shifts': len(shifts), 'days': len(days),
                              'first': first.isoformat(), 'last': max(days).isoformat()}))
    return HTTPFound(request.resource_url(context, '@@roster-month',
                                          query={'month': '%d-%02d' % (first.year, first.month)}))


@view_config(context=Section, section='duties', name='roster-template.xlsx', permission='edit')
def template_view(context, request):
    """The import template."""
    response = Response(body=template_xlsx(), content_type=XLSX_TYPE)
    response.headers['Content-Disposition'] = (
        "attachment; filename=\"roster-template.xlsx\"; "
        "filename*=UTF-8''%E5%80%BC%E7%8F%AD%E8%A1%A8%E6%A8%A1%E6%9D%BF.xlsx")
    return response


# --- copy forward ---

def copy_plan(roster, unit, start):
    """{target day: [shifts with new ids]} copying the week or month from `start` to the
    next one; a month by weekday pattern (the n-th Monday gets the n-th Monday's shifts)."""
    plan = {}
    if roster is None:
        return plan
    if unit == 'week':
        for i in range(7):
            source = start + timedelta(days=i)
            if roster.shifts(source):
                plan[source + timedelta(days=7)] = _fresh(roster.shifts(source))
        return plan
    target = next_month(start)
    day = target
    while day.month == target.month:
        source = nth_weekday(start, day.weekday(), (day.day - 1) // 7)
        if roster.shifts(source):
            plan[day] = _fresh(roster.shifts(source))
        day += timedelta(days=1)
    return plan


def nth_weekday(month_first, weekday_number, n):
    """The n-th (0-based) given weekday of a month; its last one if there is no n-th."""
    first = month_first + timedelta(days=(weekday_number - month_first.weekday()) % 7)
    day = first + timedelta(days=7 * n)
    while day.month != month_first.month:
        day -= timedelta(days=7)
    return day


def _fresh(shifts):
    return [dict(s, id=new_id()) for s in shifts]


@view_config(context=Section, section='duties', name='roster-copy', permission='edit',
             renderer='templates/roster_confirm.pt')
def copy_view(context, request):
    """Copy `?week=` to the week after, or `?month=` to the month after (asked first)."""
    if 'month' in request.params:
        unit, start = 'month', parse_month(request.params['month'])
    else:
        unit, start = 'week', parse_week(request.params.get('week'))
    if start is None:
        today = china_now().date()
        start = today.replace(day=1) if unit == 'month' else week_start(today)
    roster = get_roster(context)
    plan = copy_plan(roster, unit, start)
    count = sum(len(s) for s in plan.values())
    if unit == 'week':
        source, target = week_label(start), week_label(start + timedelta(days=7))
        param, view = {'week': source}, '@@roster'
        back = {'week': target}
    else:
        nxt = next_month(start)
        source, target = '%d-%02d' % (start.year, start.month), '%d-%02d' % (nxt.year, nxt.month)
        param, view, back = {'month': source}, '@@roster-month', {'month': target}
    if request.method == 'POST' and request.POST.get('confirm') == 'yes' and plan:
        write_days(context, plan, request, action='roster-copy')
        flash(request, _('${count} shifts copied to ${target}.',
                         mapping={'count': count, 'target': target}))
        return HTTPFound(request.resource_url(context, view, query=back))
    replaced = sum(1 for d in plan if roster.shifts(d)) if roster is not None else 0
    mapping = {'source': source, 'target': target, 'count': count, 'replaced': replaced}
    if not plan:
        question = _('${source} has no shifts to copy.', mapping=mapping)
    elif unit == 'week':
        question = _('Copy the ${count} shifts of week ${source} to week ${target}? '
                     'Days of ${target} that already have shifts (${replaced}) get the '
                     'copied ones instead.', mapping=mapping)
    else:
        question = _('Copy the ${count} shifts of ${source} to ${target} by weekday (the '
                     'first Monday gets the first Monday\'s shifts, and so on)? Days of '
                     '${target} that already have shifts (${replaced}) get the copied ones '
                     'instead.', mapping=mapping)
    return {'section': context, 'title': _('Copy the roster forward'), 'danger': False,
            'question': question, 'fields': param if plan else None, 'button': _('Copy'),
            'cancel': request.resource_url(context, view, query=param)}
