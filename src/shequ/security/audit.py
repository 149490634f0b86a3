"""The audit log kept per tenant, written in the same transaction as the change."""
import random
import time

from BTrees.Length import Length
from BTrees.LOBTree import LOBTree
from persistent import Persistent
from pyramid.threadlocal import get_current_request

from ..clock import utcnow
from ..i18n import _
from ..tree import find_tenant, tenant_path
from ..tree.events import ObjectAdded, ObjectModified, ObjectRemoved

ACTION_LABELS = {
    'add': _('Created'), 'edit': _('Edit'), 'delete': _('Delete'),
    'submit': _('Submit for review'), 'publish': _('Publish'),
    'reject': _('Send back for changes'), 'withdraw': _('Withdraw'),
    'redraft': _('Back to draft'), 'grant': _('Role granted'), 'revoke': _('Role revoked'),
    'add-user': _('User created'), 'settings': _('Settings changed'),
}


class AuditLog(Persistent):
    """Entries keyed by a time-ordered integer, so concurrent writers rarely collide."""

    def __init__(self):
        self.data = LOBTree()
        self.count = Length()

    def record(self, **entry):
        # microseconds × 1000 + a random tail: time-ordered and unique across writers
        key = time.time_ns() // 1000 * 1000 + random.randrange(1000)
        while key in self.data:
            key += 1
        entry.setdefault('time', utcnow())
        self.data[key] = entry
        self.count.change(1)
        return key

    def __len__(self):
        return self.count()

    def newest(self, start=0, size=50):
        """Entries newest first, `size` of them from position `start`."""
        keys = self.data.keys()
        total = len(keys)
        out = []
        for i in range(total - 1 - start, max(-1, total - 1 - start - size), -1):
            out.append(self.data[keys[i]])
        return out


def get_audit_log(tenant, create=False):
    log = getattr(tenant, 'audit_log', None)
    if log is None and create:
        log = tenant.audit_log = AuditLog()
    return log


def record(tenant, request, action, target, title=''):
    """Append an entry to `tenant`'s log for what `request`'s user did to `target`."""
    user = getattr(request, 'identity', None) if request is not None else None
    if user is None:
        login, name = (getattr(request, 'audit_actor', None) or ('system', '系统'))
    else:
        login, name = user.login, user.name
    path = target if isinstance(target, str) else tenant_path(target)
    get_audit_log(tenant, create=True).record(
        login=login, name=name, action=action, path=path, title=title)


def _on_change(default_action):
    def subscriber(event):
        obj = event.object
        if getattr(obj, 'type_name', None) is None:
            return
        request = event.request or get_current_request()
        if request is None or getattr(request, 'identity', None) is None:
            return  # imports and scripts are not user actions
        tenant = find_tenant(event.parent)
        if tenant is None:
            return
        action = getattr(event, 'action', None) or default_action
        path = tenant_path(event.parent).rstrip('/') + '/' + event.name
        record(tenant, request, action, path, obj.title)
    return subscriber


def includeme(config):
    config.add_subscriber(_on_change('add'), ObjectAdded)
    config.add_subscriber(_on_change('edit'), ObjectModified)
    config.add_subscriber(_on_change('delete'), ObjectRemoved)
