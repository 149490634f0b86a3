"""Login, logout, the forbidden page, members (role grants) and the audit log."""
import logging

from pyramid.httpexceptions import HTTPFound
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember
from pyramid.view import forbidden_view_config, view_config

from ..clock import utcnow
from ..i18n import _, flash
from ..paging import Page, page_number
from ..tree import Root, Tenant, find_root, tenant_path
from .audit import action_labels, get_audit_log, matching, newest, record
from .redirects import same_site_url
from .roles import ROLES, grant, grants_of, normalise_role, revoke
from .sessions import end_session, start_session
from .throttle import client_address, get_throttle
from .users import User, find_user, get_users, verify_password

log = logging.getLogger(__name__)
MIN_PASSWORD = 8

# the members form offers the roles in this order, the everyday one first and preselected
ROLE_CHOICES = ('staff', 'reviewer', 'admin', 'volunteer', 'resident')
DEFAULT_ROLE = 'staff'
ROLE_HELP = {
    'staff': _('Adds and edits service guides, notices and lists of this unit and the units '
               'below, and publishes them unless review is required.'),
    'reviewer': _('Checks what staff submit and publishes or sends it back; writes nothing '
                  'of their own.'),
    'admin': _('Everything staff do, plus members and roles, settings and the audit log. '
               'Grant it to very few people.'),
    'volunteer': _('Signs up for volunteer activities; sees no unpublished content.'),
    'resident': _('A registered resident: may send requests; sees no unpublished content.'),
}


@view_config(name='login', renderer='templates/login.pt', require_csrf=True,
             permission=NO_PERMISSION_REQUIRED)
def login_view(context, request):
    """Log in; one answer for a wrong password and an unknown name, slowed when guessed at.

    Nothing here writes to the database on a failure except the rate-limited audit entry
    (`throttle.py`); an unknown name costs one argon2 check like a wrong password.
    """
    came_from = request.params.get('came_from') or request.referer or ''
    if came_from.rstrip('/').endswith('@@login'):
        came_from = ''
    message, login = None, ''
    if request.method == 'POST':
        login = request.POST.get('login', '').strip()
        password = request.POST.get('password', '')
        root = find_root(context) if context is not None else None
        address = client_address(request)
        throttle = get_throttle(request.registry)
        wait = throttle.wait(address, login)
        if wait:
            message = _('Too many failed logins. Try again in ${seconds} seconds.',
                        mapping={'seconds': wait})
            request.response.status = 429
            request.response.headers['Retry-After'] = str(wait)
            _refused(request, root, login, address, 'wait %ds' % wait)
        else:
            user = find_user(root, login)
            if user is not None and user.check_password(password):
                throttle.succeeded(address, login)
                request.session.invalidate()
                start_session(request, user)
                headers = remember(request, user.login)
                flash(request, _('Welcome, ${name}.', mapping={'name': user.name}))
                return HTTPFound(same_site_url(request, came_from,
                                               request.resource_url(context)), headers=headers)
            if user is None:
                verify_password(None, password)     # as long as checking a real user's
            throttle.failed(address, login)
            message = _('Wrong user name or password.')
            request.response.status = 200
            _refused(request, root, login, address, 'wrong password or name')
    return {'came_from': came_from, 'message': message, 'login': login}


def _refused(request, root, login, address, reason):
    """Log a refused login; now and then (see `throttle.refused`) in the root's audit log."""
    log.warning('login refused for %r from %s: %s', login[:60], address, reason)
    count = get_throttle(request.registry).refused(address)
    if count and root is not None:
        get_audit_log(root, create=True).append(
            (utcnow(), login[:60], '', 'login-refused', '/@@login', '%s ×%d' % (address, count)))


@view_config(name='logout', renderer='templates/logout.pt', permission=NO_PERMISSION_REQUIRED)
def logout_view(context, request):
    """Log out: the session id is dropped from the user, so no copy of the cookie works."""
    if request.method == 'POST':
        end_session(request, request.identity)
        headers = forget(request)
        request.session.invalidate()
        return HTTPFound(request.resource_url(context), headers=headers)
    return {}


@forbidden_view_config(renderer='templates/forbidden.pt')
def forbidden_view(request):
    if request.identity is None:
        return HTTPFound(request.resource_url(request.root, '@@login',
                                              query={'came_from': request.url}))
    request.response.status = 403
    return {}


def _all_grants(context):
    """(tenant, login, role) granted on `context` and on every tenant above it."""
    out = []
    node = context
    while node is not None:
        if isinstance(node, (Tenant, Root)):
            for login, roles in sorted(grants_of(node).items()):
                out.extend((node, login, role) for role in roles)
        node = node.__parent__
    return out


@view_config(context=Tenant, name='members', permission='manage',
             renderer='templates/members.pt')
@view_config(context=Root, name='members', permission='manage',
             renderer='templates/members.pt')
def members_view(context, request):
    root = find_root(context)
    errors, values = {}, {}
    if request.method == 'POST':
        action = request.POST.get('action')
        values = {k: request.POST.get(k, '').strip() for k in ('login', 'name', 'role')}
        if action == 'revoke':
            login, role = values['login'], values['role']
            if revoke(context, login, role):
                record(context, request, 'revoke', context, '%s → %s' % (login, role))
                flash(request, _('Role revoked.'))
            return HTTPFound(request.resource_url(context, '@@members'))
        errors = _grant_from_form(context, request, root, values)
        if not errors:
            return HTTPFound(request.resource_url(context, '@@members'))
    own = [(login, role) for node, login, role in _all_grants(context) if node is context]
    inherited = [(node, login, role) for node, login, role in _all_grants(context)
                 if node is not context]
    users = get_users(root)
    names = {u.login: u.name for u in users.values()} if users is not None else {}
    return {'own': own, 'inherited': inherited, 'names': names, 'roles': ROLES,
            'role_choices': ROLE_CHOICES, 'role_help': ROLE_HELP,
            'chosen_role': values.get('role') or DEFAULT_ROLE,
            'errors': errors, 'values': values, 'tenant_path': tenant_path}


def _grant_from_form(context, request, root, values):
    """Grant a role from the members form, adding the user first when asked to."""
    errors = {}
    login = values['login']
    try:
        role = normalise_role(values['role'])
    except ValueError:
        errors['role'] = _('Choose a role.')
        role = None
    if not login:
        errors['login'] = _('Enter a user name.')
    user = find_user(root, login)
    password = request.POST.get('password', '')
    if user is None and login and not errors.get('login'):
        if not values['name']:
            errors['name'] = _('A new user needs a name.')
        if len(password) < MIN_PASSWORD:
            errors['password'] = _('A new user needs a password of at least 8 characters.')
        if not _valid_login(login):
            errors['login'] = _('User names use letters, digits, dot, dash and underscore.')
    if errors:
        request.response.status = 400
        return errors
    if user is None:
        user = get_users(root, create=True).add(User(login, values['name'], password))
        record(context, request, 'add-user', context, login)
    if grant(context, login, role):
        record(context, request, 'grant', context, '%s → %s' % (login, role))
    flash(request, _('Role granted.'))
    return {}


def _valid_login(login):
    import re
    return re.match(r'^[A-Za-z0-9._-]{2,40}$', login) is not None


AUDIT_PAGE = 50


def _day(text):
    """A date typed as YYYY-MM-DD, or None (also for anything unreadable)."""
    from datetime import date
    try:
        return date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


def audit_filters(request):
    """The audit filters of the query: ({name: value}, {name: error message})."""
    params = request.params
    values = {k: params.get(k, '').strip()[:60] for k in ('user', 'action', 'since', 'until')}
    errors = {}
    if values['action'] and values['action'] not in action_labels(request.registry):
        values['action'] = ''
    for key in ('since', 'until'):
        if values[key] and _day(values[key]) is None:
            errors[key] = _('Enter a date such as 2026-12-02.')
    return values, errors


def _audit_predicates(values):
    """(keep, stop) for `security.audit.matching`: who, what and when, dates in China time."""
    from datetime import datetime, time, timedelta
    from ..clock import CHINA_TZ
    since, until = _day(values['since']), _day(values['until'])
    start = datetime.combine(since, time(), CHINA_TZ) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), CHINA_TZ) if until else None
    user = values['user'].lower()

    def keep(entry):
        when, login, name, action = entry[0], entry[1] or '', entry[2] or '', entry[3]
        if user and user != login.lower() and user not in name.lower():
            return False
        if values['action'] and action != values['action']:
            return False
        return end is None or when < end

    def stop(entry):
        return start is not None and entry[0] < start
    return keep, stop


@view_config(context=Tenant, name='audit', permission='manage', renderer='templates/audit.pt')
@view_config(context=Root, name='audit', permission='manage', renderer='templates/audit.pt')
def audit_view(context, request):
    """The audit log, newest first, filtered by user, action and a range of days."""
    log = get_audit_log(context)
    values, errors = audit_filters(request)
    number = page_number(request)
    if log is None:
        entries, total = [], 0
    elif any(values.values()):
        keep, stop = _audit_predicates(values)
        entries, total = matching(log, keep, (number - 1) * AUDIT_PAGE, AUDIT_PAGE, stop)
        if not entries and total:      # a page past the end: show the last one
            number = (total - 1) // AUDIT_PAGE + 1
            entries, total = matching(log, keep, (number - 1) * AUDIT_PAGE, AUDIT_PAGE, stop)
    else:
        total = len(log)
        entries = newest(log, (number - 1) * AUDIT_PAGE, AUDIT_PAGE)
    page = Page(range(total), number, AUDIT_PAGE)
    labels = action_labels(request.registry)
    actions = sorted(labels, key=lambda a: request.localizer.translate(labels[a]))
    return {'entries': entries, 'page': page, 'labels': labels, 'actions': actions,
            'filters': values, 'errors': errors, 'total': total}
