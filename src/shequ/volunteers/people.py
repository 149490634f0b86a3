"""A volunteer: the public page, staff edits, adjustments of hours, the ledger and the
staff list of the register."""
import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound
from pyramid.view import view_config

from ..content.forms import FormView
from ..content.versions import version_of
from ..i18n import _, flash
from ..pagecache import valid_until
from ..security.roles import grant, revoke
from ..tree import Section, find_tenant
from . import SECTION
from . import ledger
from .common import audit, may_see_private, team_title, team_titles
from .model import LEFT, get_register
from .pages import VolunteerPage
from .schema import adjustment_schema, teams_of, volunteer_edit_schema


RECENT_ON_PAGE = 10


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
    valid_until(request, ledger.next_count_change(volunteer.log, now))
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

    def current_version(self):
        return version_of(self.context.volunteer)

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
