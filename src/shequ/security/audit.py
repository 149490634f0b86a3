"""The audit log kept per tenant, written in the same transaction as the change."""
from persistent import Persistent
from pyramid.threadlocal import get_current_request

from ..clock import utcnow
from ..extensions import get_extensions
from ..i18n import _
from ..tree import Section, Tenant, find_tenant, tenant_path, walk_tenants
from ..tree.log import AppendLog
from ..tree.events import ObjectAdded, ObjectModified, ObjectRemoved

ACTION_LABELS = {
    'add': _('Created'), 'edit': _('Edit'), 'delete': _('Delete'),
    'submit': _('Submit for review'), 'publish': _('Publish'),
    'reject': _('Send back for changes'), 'withdraw': _('Withdraw'),
    'redraft': _('Back to draft'), 'grant': _('Role granted'), 'revoke': _('Role revoked'),
    'add-user': _('User created'), 'settings': _('Settings changed'),
    'hide': _('Inherited service hidden'), 'unhide': _('Inherited service shown again'),
    'override': _('Local details of an inherited service changed'),
    'propose': _('Edit submitted for review'), 'approve-edit': _('Edit approved'),
    'reject-edit': _('Edit sent back'), 'withdraw-edit': _('Edit awaiting review withdrawn'),
    'login-refused': _('Login refused'),
}


FIELDS = ('time', 'login', 'name', 'action', 'path', 'title')
LOG_ATTR = 'audit'


class AuditLog(Persistent):
    """The audit log as stored before evolve step `shequ.security:1` (an LOBTree of dicts).

    Kept only so old databases can be read and converted; new logs are `AppendLog`s.
    """

    def entries(self):
        return [dict(v) for _k, v in sorted(self.data.items())]


def get_audit_log(tenant, create=False):
    """The append-only audit log of a tenant (or the root), made on demand if `create`."""
    log = getattr(tenant, LOG_ATTR, None)
    if log is None and create:
        log = AppendLog()
        setattr(tenant, LOG_ATTR, log)
    return log


def newest(log, start=0, size=50):
    """Entries as dicts, newest first."""
    return [dict(zip(FIELDS, entry)) for entry in log.newest(start, size)]


def matching(log, keep, start=0, size=50, stop=None):
    """(entries as dicts newest first: `size` of them after the `start` newest kept by
    `keep(entry)`, how many match in all).

    The log is read newest first; `stop(entry)` true ends the walk (every older entry is
    older still, so a "from" date need not read the whole log).
    """
    out, total = [], 0
    for entry in log.newest(0, len(log)):
        if stop is not None and stop(entry):
            break
        if not keep(entry):
            continue
        if start <= total < start + size:
            out.append(dict(zip(FIELDS, entry)))
        total += 1
    return out, total


def record(tenant, request, action, target, title=''):
    """Append an entry to `tenant`'s log for what `request`'s user did to `target`."""
    user = getattr(request, 'identity', None) if request is not None else None
    if user is None:
        login, name = (getattr(request, 'audit_actor', None) or ('system', '系统'))
    else:
        login, name = user.login, user.name
    path = target if isinstance(target, str) else tenant_path(target)
    get_audit_log(tenant, create=True).append(
        (utcnow(), login, name, action, path, title or ''))


def evolve_audit_logs(root, registry):
    """Turn every old LOBTree audit log into an append-only log, keeping every entry."""
    for node in [root, *walk_tenants(root)]:
        old = getattr(node, 'audit_log', None)
        log = get_audit_log(node, create=True)
        if isinstance(old, AuditLog):
            log.extend(tuple(e.get(f, '') for f in FIELDS) for e in old.entries())
            del node.audit_log


def _make_log(event):
    """A new tenant gets its log with it, so its first entries never race to create it."""
    if isinstance(event.object, Tenant):
        get_audit_log(event.object, create=True)


def _on_change(default_action):
    def subscriber(event):
        obj = event.object
        title = getattr(obj, 'title', '')
        if isinstance(obj, Tenant) and getattr(event, 'detail', None):
            request = event.request or get_current_request()
            if request is not None and getattr(request, 'identity', None) is not None:
                # a tenant's own settings: in its own log, naming the changed keys
                record(obj, request, getattr(event, 'action', None) or default_action,
                       obj, '%s: %s' % (title, event.detail))
            return
        if getattr(obj, 'type_name', None) is None:
            if not isinstance(obj, Section) or not getattr(event, 'detail', None):
                return
            title = event.detail   # e.g. which inherited standard was hidden
        request = event.request or get_current_request()
        if request is None or getattr(request, 'identity', None) is None:
            return  # imports and scripts are not user actions
        tenant = find_tenant(event.parent)
        if tenant is None:
            return
        action = getattr(event, 'action', None) or default_action
        path = tenant_path(event.parent).rstrip('/') + '/' + event.name
        record(tenant, request, action, path, title)
    return subscriber


def add_audit_action(config, name, label):
    """Configurator directive: the label `@@audit` shows (and filters by) for `name`."""
    extensions = get_extensions(config.registry)
    config.action(('shequ.audit_action', name),
                  lambda: extensions.audit_actions.__setitem__(name, label))


def action_labels(registry):
    """Every audit action's label: the built-in ones and those the kinds register."""
    labels = dict(ACTION_LABELS)
    labels.update(get_extensions(registry).audit_actions)
    return labels


def includeme(config):
    config.add_directive('add_audit_action', add_audit_action)
    config.add_evolution_step(evolve_audit_logs, name='security.append_only_audit_logs')
    config.add_subscriber(_make_log, ObjectAdded)
    config.add_subscriber(_on_change('add'), ObjectAdded)
    config.add_subscriber(_on_change('edit'), ObjectModified)
    config.add_subscriber(_on_change('delete'), ObjectRemoved)
