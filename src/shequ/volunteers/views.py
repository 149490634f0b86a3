"""Volunteer pages: the section, a volunteer's public page and staff edits, activities with
sign-up and attendance, the publicity list, honour boards and the tenant panel."""
from decimal import Decimal

import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..clock import local
from ..content.forms import FormView
from ..content.listing import visible_items
from ..content.views import workflow_box
from ..i18n import _, flash
from ..security.audit import record
from ..security.roles import grant, publicly_visible, revoke
from ..tree import Section, Tenant, find_tenant, walk_tenants
from . import SECTION, VolunteerActivity, VolunteerTeam
from . import ledger
from .model import ACTIVE, LEFT, PUBLIC_STATUSES, get_register, mask_name
from .pages import Folder, VolunteerPage
from .schema import adjustment_schema, teams_of, volunteer_edit_schema

HONOUR_SIZE = 50
RECENT_ON_PAGE = 10


def section_of(context):
    """The volunteers section of the tenant `context` is in (or is)."""
    tenant = context if isinstance(context, Tenant) else find_tenant(context)
    section = tenant.get(SECTION) if tenant is not None else None
    return section if isinstance(section, Section) else None


def own_volunteer(request, section):
    """The volunteer record of the logged-in user in this section's register, or None."""
    register = get_register(section) if section is not None else None
    login = request.authenticated_userid
    return register.for_login(login) if register is not None and login else None


def team_titles(section):
    """{slug: title} of every team (forms and staff lists: reads the section's items)."""
    return dict(teams_of(section)) if section is not None else {}


def team_title(section, slug):
    """The title of one team, read by its slug (public pages: no walk over the section)."""
    team = section.get(slug) if section is not None and slug else None
    return team.title if isinstance(team, VolunteerTeam) else ''


def audit(section, request, action, target, title):
    record(find_tenant(section), request, action, target, title)


# --- the section ------------------------------------------------------------------

@view_config(context=Section, section=SECTION, renderer='templates/section.pt',
             permission='view')
def section_view(context, request):
    """Teams, coming activities and the ways in: register, publicity, honour board."""
    items = visible_items(context, request)
    teams = sorted((i for i in items if isinstance(i, VolunteerTeam)), key=lambda i: i.title)
    now = ledger.now()
    activities = sorted((i for i in items if isinstance(i, VolunteerActivity)),
                        key=lambda i: (i.starts is None, i.starts))
    coming = [a for a in activities if a.ends is None or a.ends >= now]
    past = [a for a in reversed(activities) if a.ends is not None and a.ends < now][:10]
    register = get_register(context)
    staff = request.has_permission('edit', context)
    return {'teams': teams, 'coming': coming, 'past': past, 'staff': staff,
            'count': register.volunteer_count() if register is not None else 0,
            'pending': len(register.registrations) if register is not None and staff else 0,
            'mine': own_volunteer(request, context)}


# --- a volunteer ------------------------------------------------------------------

def may_see_private(request, page):
    """Staff of the tenant, or the volunteer themself."""
    if request.has_permission('edit', page):
        return True
    login = request.authenticated_userid
    return bool(login) and page.volunteer.login == login


@view_config(context=VolunteerPage, renderer='templates/volunteer.pt', permission='view')
def volunteer_view(context, request):
    """Masked name, team, counted hours and recent service; private fields for staff/self."""
    volunteer = context.volunteer
    now = ledger.now()
    recent = []
    for entry in ledger.newest_first(volunteer.log):
        if entry[2] == ledger.SERVICE:
            recent.append(ledger.as_dict(entry))
        if len(recent) >= RECENT_ON_PAGE:
            break
    recent.sort(key=lambda e: e['date'], reverse=True)
    pending = ledger.pending_minutes(volunteer, now)
    return {'page': context, 'volunteer': volunteer, 'recent': recent,
            'counted': ledger.hours(volunteer.total() - pending),
            'pending': ledger.hours(pending) if pending else None,
            'team': team_title(context.section, volunteer.team),
            'private': may_see_private(request, context),
            'staff': request.has_permission('edit', context), 'hours': ledger.hours,
            'fmt_date': lambda d: d.isoformat()}


@view_config(context=VolunteerPage, name='edit', renderer='shequ:content/templates/form.pt',
             permission='edit')
class VolunteerEditView(FormView):
    """Staff edit a volunteer's record (private fields, status, team)."""

    title = _('Edit volunteer record')
    schema_factory = staticmethod(volunteer_edit_schema)

    def make_schema(self):
        schema = super().make_schema()
        return schema.bind(request=self.request, context=self.context,
                           teams=teams_of(self.context.section))

    def appstruct(self):
        v = self.context.volunteer
        return {'name': v.name, 'gender': v.gender or colander.null,
                'birth_year': v.birth_year or colander.null, 'phone': v.phone,
                'id_number': v.id_number, 'skills': v.skills, 'team': v.team,
                'status': v.status}

    def save_success(self, appstruct):
        volunteer, register = self.context.volunteer, self.context.register
        other = register.by_id.get(appstruct['id_number'])
        if other is not None and other != volunteer.number:
            flash(self.request, _('Another volunteer has this identity number.'))
            return HTTPFound(self.request.resource_url(self.context, '@@edit'))
        if volunteer.id_number != appstruct['id_number']:
            register.by_id.pop(volunteer.id_number, None)
            register.by_id[appstruct['id_number']] = volunteer.number
        changed = [k for k, v in appstruct.items() if getattr(volunteer, k) != v]
        was = volunteer.status
        for key in changed:
            setattr(volunteer, key, appstruct[key])
        if 'status' in changed and volunteer.login:
            self.follow_status(volunteer, was)
        if changed:
            audit(self.context.section, self.request, 'volunteer-edit',
                  self.request.resource_path(self.context).rstrip('/'),
                  '%s %s' % (volunteer.number, ', '.join(sorted(changed))))
        flash(self.request, _('Saved.'))
        return HTTPFound(self.request.resource_url(self.context))


    def follow_status(self, volunteer, was):
        """A volunteer who leaves (退出) loses the volunteer role on the tenant; one who
        comes back gets it again. Both are audited like any role change."""
        tenant = find_tenant(self.context.section)
        section = self.context.section
        if volunteer.status == LEFT and revoke(tenant, volunteer.login, 'volunteer'):
            audit(section, self.request, 'revoke', tenant, '%s → volunteer' % volunteer.login)
        elif was == LEFT and grant(tenant, volunteer.login, 'volunteer'):
            audit(section, self.request, 'grant', tenant, '%s → volunteer' % volunteer.login)


@view_config(context=VolunteerPage, name='adjust', renderer='templates/adjust.pt',
             permission='edit')
def adjust_view(context, request):
    """An explicit, audited correction of one ledger entry (nothing is deleted)."""
    volunteer = context.volunteer
    entries = ledger.entries(volunteer)
    services = [e for e in entries if e['kind'] == ledger.SERVICE]
    choices = [(e['id'], '%s %s（%s 小时）' % (e['date'].isoformat(), e['title'] or e['activity'],
                                           ledger.hours(e['minutes']))) for e in services]
    schema = adjustment_schema()
    schema['corrects'].widget = deform.widget.SelectWidget(values=choices)
    schema['corrects'].validator = colander.OneOf([c[0] for c in choices])
    errors, values = {}, {}
    if request.method == 'POST':
        values = {k: request.POST.get(k, '') for k in ('corrects', 'hours', 'reason')}
        try:
            data = schema.deserialize(values)
        except colander.Invalid as exc:
            errors = exc.asdict(translate=request.localizer.translate)
        else:
            minutes = int(data['hours'] * 60)
            corrected = ledger.find_entry(volunteer, data['corrects'])
            if minutes == 0:
                errors['hours'] = request.localizer.translate(_('Enter a non-zero change.'))
            elif sum(e['minutes'] for e in entries if e['id'] == corrected['id']
                     or e['corrects'] == corrected['id']) + minutes < 0:
                errors['hours'] = request.localizer.translate(
                    _('An entry cannot go below zero hours.'))
            else:
                entry = ledger.adjust(context.register, volunteer, corrected, minutes,
                                      data['reason'], ledger.publicity_days(context.section),
                                      request.authenticated_userid)
                audit(context.section, request, 'volunteer-adjust',
                      request.resource_path(context).rstrip('/'),
                      '%s %s%s 小时（更正 %s）：%s' % (
                          volunteer.number, '+' if minutes > 0 else '',
                          ledger.hours(minutes), entry['corrects'], data['reason']))
                flash(request, _('The adjustment is recorded.'))
                return HTTPFound(request.resource_url(context, '@@ledger'))
        request.response.status = 400
    return {'page': context, 'choices': choices, 'errors': errors, 'values': values}


@view_config(context=VolunteerPage, name='ledger', renderer='templates/ledger.pt',
             permission='view')
def ledger_view(context, request):
    """Every entry of a volunteer's ledger (staff and the volunteer themself)."""
    if not may_see_private(request, context):
        raise HTTPForbidden()
    now = ledger.now()
    return {'page': context, 'volunteer': context.volunteer, 'hours': ledger.hours,
            'entries': list(reversed(ledger.entries(context.volunteer))), 'now': now}


# --- activities -------------------------------------------------------------------

def _activity_values(context, request):
    section = context.__parent__
    volunteer = own_volunteer(request, section)
    now = ledger.now()
    return {'item': context, 'section': section, 'volunteer': volunteer,
            'signed_up': volunteer is not None and volunteer.number in context.signups,
            'open': context.deadline is not None and now < context.deadline,
            'free': context.seats.free(), 'team': team_title(section, context.team),
            'staff': request.has_permission('edit', context),
            'can_sign_up': request.has_permission('volunteer', context)}


@view_config(context=VolunteerActivity, renderer='templates/activity.pt', permission='view')
def activity_view(context, request):
    values = _activity_values(context, request)
    values['workflow'] = workflow_box(context, request)
    return values


def _signup_change(context, request):
    section = context.__parent__
    volunteer = own_volunteer(request, section)
    if volunteer is None:
        flash(request, _('Only volunteers registered here can sign up.'))
        return None
    if not context.is_public():
        raise HTTPNotFound()
    if context.deadline is None or ledger.now() >= context.deadline:
        flash(request, _('Sign-up for this activity has closed.'))
        return None
    return volunteer


@view_config(context=VolunteerActivity, name='signup', request_method='POST',
             permission='volunteer')
def signup_view(context, request):
    """Take a place; concurrent sign-ups never overbook (see `model.Places`)."""
    volunteer = _signup_change(context, request)
    if volunteer is not None:
        if volunteer.status != ACTIVE:
            flash(request, _('Your volunteer record is not active.'))
        elif volunteer.number in context.signups:
            flash(request, _('You have signed up already.'))
        elif not context.seats.take():
            flash(request, _('The activity is full.'))
        else:
            context.signups[volunteer.number] = ledger.now()
            flash(request, _('You have signed up.'))
    return HTTPFound(request.resource_url(context))


@view_config(context=VolunteerActivity, name='cancel', request_method='POST',
             permission='volunteer')
def cancel_view(context, request):
    """Give a place back before the deadline."""
    volunteer = _signup_change(context, request)
    if volunteer is not None:
        if volunteer.number not in context.signups:
            flash(request, _('You have not signed up.'))
        else:
            del context.signups[volunteer.number]
            context.seats.give_back()
            flash(request, _('Your sign-up is cancelled.'))
    return HTTPFound(request.resource_url(context))


def _parse_hours(text):
    try:
        value = Decimal((text or '').strip())
    except ArithmeticError:
        return None
    if not value.is_finite() or value <= 0 or value > 24:
        return None
    return int(value * 60)


@view_config(context=VolunteerActivity, name='signups', renderer='templates/signups.pt',
             permission='edit')
def signups_view(context, request):
    """Staff: who signed up; mark attendance and hours (appended to the ledger)."""
    section = context.__parent__
    register = get_register(section, create=request.method == 'POST')
    errors = {}
    if request.method == 'POST':
        days = ledger.publicity_days(section)
        chosen = [n for n in request.POST.getall('present') if n in context.signups
                  and n not in context.attendance]
        recorded = []
        for number in chosen:
            minutes = _parse_hours(request.POST.get('hours-' + number))
            if minutes is None:
                errors[number] = request.localizer.translate(
                    _('Enter hours between 0 and 24.'))
        volunteers = {n: register.get(n) for n in chosen}
        if not errors:
            for number in chosen:
                volunteer = volunteers[number]
                if volunteer is None:
                    continue
                minutes = _parse_hours(request.POST.get('hours-' + number))
                entry = ledger.record_service(
                    register, volunteer, minutes, local(context.starts).date(), days,
                    request.authenticated_userid, request.resource_path(context).rstrip('/'),
                    context.title)
                context.attendance[number] = (minutes, entry['id'], request.authenticated_userid,
                                              entry['recorded'])
                recorded.append(number)
            if recorded:
                audit(section, request, 'volunteer-hours',
                      request.resource_path(context).rstrip('/'),
                      '%s：%s' % (context.title, ', '.join(recorded)))
            flash(request, _('Attendance recorded for ${n} volunteers.',
                             mapping={'n': len(recorded)}))
            return HTTPFound(request.resource_url(context, '@@signups'))
        request.response.status = 400
    rows = []
    for number, when in context.signups.items():
        volunteer = register.get(number) if register is not None else None
        if volunteer is None:
            continue
        rows.append({'volunteer': volunteer, 'signed': when,
                     'attended': context.attendance.get(number)})
    return {'item': context, 'rows': rows, 'errors': errors, 'hours': ledger.hours,
            'default_hours': ledger.hours(context.duration_minutes or 60)}


# --- publicity and honour ---------------------------------------------------------

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
    return {'rows': rows, 'days': ledger.publicity_days(context), 'number': number,
            'more': more}


def _month(text, default):
    import re
    return text if text and re.match(r'^\d{4}-(0[1-9]|1[0-2])$', text) else default


def honour_rows(tenant, first, last, now, size=HONOUR_SIZE):
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
    rows = honour_rows(tenant, first, last, now)
    return {'rows': rows, 'first': first, 'last': last, 'hours': ledger.hours,
            'aggregate': bool(tenant.tenants()), 'tenant': tenant}


# --- the tenant panel -------------------------------------------------------------

PANEL_SIZE = 3


def panel(tenant, request):
    """The next activities (from the section's calendar: no scan) and the honour board."""
    section = tenant.get(SECTION)
    if not isinstance(section, Section):
        return None
    enabled = None
    from ..tree import effective_setting
    enabled = effective_setting(tenant, 'sections')
    if enabled is not None and SECTION not in enabled:
        return None
    register = get_register(section)
    now = ledger.now()
    coming = []
    if register is not None:
        for (starts, _name), slug in register.calendar.items((now, '')):
            item = section.get(slug)
            if isinstance(item, VolunteerActivity) and publicly_visible(item) \
                    and item.deadline is not None:
                coming.append(item)
            if len(coming) >= PANEL_SIZE:
                break
    if register is None and not tenant.tenants():
        return None
    return {'tenant': tenant, 'section': section, 'coming': coming,
            'count': register.volunteer_count() if register is not None else 0}


@view_config(context=VolunteerActivity, name='signups.json', renderer='json',
             permission='view')
def signups_json(context, request):
    """Places and sign-up count only: no volunteer is named in a JSON answer."""
    return {'title': context.title, 'places': context.places, 'free': context.seats.free(),
            'signed_up': len(context.signups)}


class _RegisterSequence:
    """The register's volunteers as a sequence `Page` can slice without loading them all."""

    def __init__(self, register):
        self.register = register

    def __len__(self):
        return len(self.register.volunteers) if self.register is not None else 0

    def __getitem__(self, window):
        from itertools import islice
        if self.register is None:
            return []
        return list(islice(self.register.volunteers.values(), window.start, window.stop))


@view_config(context=Section, section=SECTION, name='staff', renderer='templates/staff.pt',
             permission='edit')
def staff_list_view(context, request):
    """Staff: every volunteer with private details, a page at a time."""
    from ..content.listing import Page, page_number
    return {'page': Page(_RegisterSequence(get_register(context)), page_number(request)),
            'teams': team_titles(context)}


@view_config(context=Folder, permission='view')
def folder_view(context, request):
    """`v/` and `c/` have no page of their own: the section (staff: the volunteer list)."""
    section = context.__parent__
    if context.__name__ == 'v' and request.has_permission('edit', section):
        return HTTPFound(request.resource_url(section, '@@staff'))
    return HTTPFound(request.resource_url(section))


@view_config(context=VolunteerTeam, renderer='templates/team.pt', permission='view')
def team_view(context, request):
    """A team: what it does, its office phone and its activities."""
    activities = [i for i in visible_items(context.__parent__, request)
                  if isinstance(i, VolunteerActivity) and i.team == context.__name__]
    activities.sort(key=lambda a: (a.starts is None, a.starts), reverse=True)
    return {'item': context, 'workflow': workflow_box(context, request),
            'activities': activities[:20]}
