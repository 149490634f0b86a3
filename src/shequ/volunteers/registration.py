"""Residents register online; staff approve (a login with the `volunteer` role on the
tenant, and a volunteer record) or refuse with a reason. Every decision is audited."""
import secrets

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..clock import utcnow
from ..content.forms import FormView
from ..i18n import _, flash
from ..security.roles import grant
from ..security.users import User, find_user, get_users
from ..tree import Section, find_root, find_tenant
from . import SECTION
from .model import Registration, Volunteer, get_register
from .schema import registration_schema, teams_of
from .common import audit

PERSON = ('name', 'gender', 'birth_year', 'phone', 'id_number', 'skills', 'team')


@view_config(context=Section, section=SECTION, name='register',
             renderer='templates/register.pt', permission='view')
class RegisterView(FormView):
    """The registration form; a logged-in resident registers with their own login."""

    buttons = (('register', _('Register')),)

    def schema_factory(self):
        return registration_schema(with_account=self.request.authenticated_userid is None)

    def make_schema(self):
        schema = super().make_schema()
        return schema.bind(request=self.request, context=self.context,
                           teams=teams_of(self.context))

    def register_success(self, appstruct):
        request, section = self.request, self.context
        root = find_root(section)
        login = request.authenticated_userid or appstruct['login']
        register = get_register(section)
        problem = None
        if register is not None and appstruct['id_number'] in register.by_id:
            problem = _('A volunteer with this identity number is registered here already.')
        elif register is not None and login in register.by_login:
            problem = _('This login belongs to a volunteer here already.')
        elif register is not None and any(r.login == login or r.fields['id_number']
                                          == appstruct['id_number']
                                          for r in register.registrations.values()):
            problem = _('A registration with these details is waiting for approval.')
        elif request.authenticated_userid is None and find_user(root, login) is not None:
            problem = _('This user name is taken; choose another.')
        if problem is not None:
            request.response.status = 400
            form = self.make_form()
            values = self.show(form, form.render({k: v for k, v in appstruct.items()
                                                  if k != 'password'}))
            values['problem'] = problem
            return values
        register = get_register(section, create=True)
        user = None
        if request.authenticated_userid is None:
            user = User(login, appstruct['name'], appstruct['password'])
        rid = 'R%s' % secrets.token_hex(5)
        register.registrations[rid] = Registration(
            rid, {k: appstruct[k] for k in PERSON}, login, user)
        register.registration_count.change(1)
        return HTTPFound(request.resource_url(section, '@@registered'))

    def show(self, form, rendered=None):
        values = super().show(form, rendered)
        values.setdefault('problem', None)
        values['section'] = self.context
        return values


@view_config(context=Section, section=SECTION, name='registered',
             renderer='templates/registered.pt', permission='view')
def registered_view(context, request):
    return {}


@view_config(context=Section, section=SECTION, name='registrations',
             renderer='templates/registrations.pt', permission='edit')
def registrations_view(context, request):
    """Staff: pending registrations with approve/refuse, and the latest decisions."""
    register = get_register(context)
    pending = list(register.registrations.values()) if register is not None else []
    pending.sort(key=lambda r: r.created)
    decided = []
    if register is not None:
        decided = sorted(register.decided.values(), key=lambda r: r.decided, reverse=True)[:30]
    return {'pending': pending, 'decided': decided, 'teams': dict(teams_of(context))}


@view_config(context=Section, section=SECTION, name='decide',
             renderer='templates/decide.pt', permission='edit')
def decide_view(context, request):
    """Approve or refuse one registration; GET (or no confirmation) asks first."""
    register = get_register(context)
    rid = request.params.get('rid', '')
    registration = register.registrations.get(rid) if register is not None else None
    action = request.params.get('action')
    if registration is None or action not in ('approve', 'refuse'):
        raise HTTPNotFound()
    values = {'registration': registration, 'action': action, 'error': None,
              'teams': dict(teams_of(context))}
    if request.method != 'POST' or request.POST.get('confirm') != 'yes':
        return values
    if action == 'refuse':
        reason = request.POST.get('reason', '').strip()[:500]
        if not reason:
            request.response.status = 400
            values['error'] = _('Give a reason for refusing.')
            return values
        _decide(register, registration, request, 'refused', reason)
        audit(context, request, 'volunteer-refuse', request.resource_path(context).rstrip('/'),
              '%s %s：%s' % (registration.rid, registration.login, reason))
        flash(request, _('The registration is refused.'))
        return HTTPFound(request.resource_url(context, '@@registrations'))
    error = approve(context, registration, request)
    if error is not None:
        request.response.status = 400
        values['error'] = error
        return values
    flash(request, _('Approved: volunteer number ${number}.',
                     mapping={'number': registration.number}))
    return HTTPFound(request.resource_url(context, '@@registrations'))


def _decide(register, registration, request, state, reason=''):
    registration.state = state
    registration.reason = reason
    registration.decided = utcnow()
    registration.decided_by = request.authenticated_userid
    registration.user = None    # an approved account lives in root.users; a refused one is dropped
    del register.registrations[registration.rid]
    register.decided[registration.rid] = registration


def approve(section, registration, request):
    """Create (or link) the login, grant `volunteer` on the tenant, add the volunteer."""
    register = get_register(section)
    root = find_root(section)
    tenant = find_tenant(section)
    fields = registration.fields
    if fields['id_number'] in register.by_id:
        return _('A volunteer with this identity number is registered here already.')
    existing = find_user(root, registration.login)
    if registration.user is not None:
        if existing is not None:
            return _('This user name has been taken meanwhile; refuse the registration and '
                     'ask the resident to register again.')
        get_users(root, create=True).add(registration.user)
        audit(section, request, 'add-user', tenant, registration.login)
    elif existing is None:
        return _('The login of this registration no longer exists.')
    volunteer = register.add_volunteer(lambda number: Volunteer(
        number, fields['name'], fields['gender'], fields['birth_year'], fields['phone'],
        fields['id_number'], fields['skills'], fields['team'], login=registration.login))
    registration.number = volunteer.number
    if grant(tenant, registration.login, 'volunteer'):
        audit(section, request, 'grant', tenant, '%s → volunteer' % registration.login)
    _decide(register, registration, request, 'approved')
    audit(section, request, 'volunteer-approve',
          request.resource_path(section, 'v', volunteer.number),
          '%s %s' % (volunteer.number, registration.login))
    return None
