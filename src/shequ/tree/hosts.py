"""Host names that open a tenant directly (virtual hosting).

A tenant's `hosts` setting lists the host names that open it (`sunwu.example.cn`). The
root keeps the reverse mapping, `root.hosts` (an OOBTree host → tenant path), which the
root factory reads on every request, so a change applies without a restart. Subscribers
keep it in step with the settings, in the same transaction as the change: a tenant added,
modified, moved or removed updates its entries (and its subtree's, when it moves). A host
another tenant already holds is never taken over here: the settings form and `shequ
settings` refuse it first (`host_owner`), and a file load that tries is refused the same way.
"""
import logging

from BTrees.OOBTree import OOBTree

log = logging.getLogger(__name__)


class HostTaken(ValueError):
    """A host name already opens another tenant."""

    def __init__(self, host, path):
        super().__init__('%s already opens %s' % (host, path))
        self.host = host
        self.path = path


def normalise_host(host):
    """'SunWu.Example.cn:8080' → 'sunwu.example.cn'."""
    host = (host or '').strip().lower()
    if host.startswith('['):           # IPv6 literal: never configured
        return host
    return host.rsplit(':', 1)[0] if ':' in host else host


def tenant_path_for_host(root, host):
    """The tenant path a request's Host header opens, or None."""
    mapping = getattr(root, 'hosts', None)
    if not mapping:
        return None
    return mapping.get(normalise_host(host))


def host_owner(root, host):
    """The path of the tenant that claims `host`, or None."""
    mapping = getattr(root, 'hosts', None)
    return mapping.get(host) if mapping is not None else None


def _mapping(root):
    mapping = getattr(root, 'hosts', None)
    if mapping is None:
        mapping = root.hosts = OOBTree()
    return mapping


def _drop_under(root, path):
    mapping = getattr(root, 'hosts', None)
    if not mapping:
        return
    for host, owner in list(mapping.items()):
        if owner == path or owner.startswith(path.rstrip('/') + '/'):
            del mapping[host]


def sync_tenant(root, tenant):
    """Make `root.hosts` hold exactly `tenant`'s configured hosts for its path.

    Raises HostTaken (changing nothing) if another tenant holds one of them.
    """
    from . import tenant_path
    path = tenant_path(tenant)
    wanted = list((getattr(tenant, 'settings', None) or {}).get('hosts') or ())
    mapping = getattr(root, 'hosts', None)
    for host in wanted:
        owner = mapping.get(host) if mapping is not None else None
        if owner is not None and owner != path:
            raise HostTaken(host, owner)
    if mapping is not None:
        for host, owner in list(mapping.items()):
            if owner == path and host not in wanted:
                del mapping[host]
    if wanted:
        mapping = _mapping(root)
        for host in wanted:
            if mapping.get(host) != path:
                mapping[host] = path


def _root_of(obj):
    from . import Root
    node = obj
    while node is not None and not isinstance(node, Root):
        node = node.__parent__
    return node


def on_added(event):
    """A tenant added (or moved here): its hosts and those of every tenant below it."""
    from . import Tenant, walk_tenants
    obj = event.object
    if not isinstance(obj, Tenant):
        return
    root = _root_of(obj)
    if root is None:
        return
    for tenant in (obj, *walk_tenants(obj)):
        sync_tenant(root, tenant)


def on_modified(event):
    from . import Tenant
    obj = event.object
    if isinstance(obj, Tenant):
        root = _root_of(obj)
        if root is not None:
            sync_tenant(root, obj)


def on_will_be_removed(event):
    from . import Tenant, tenant_path
    obj = event.object
    if isinstance(obj, Tenant):
        root = _root_of(obj)
        if root is not None:
            _drop_under(root, tenant_path(obj))


def includeme(config):
    from .events import ObjectAdded, ObjectModified, ObjectWillBeRemoved
    config.add_subscriber(on_added, ObjectAdded)
    config.add_subscriber(on_modified, ObjectModified)
    config.add_subscriber(on_will_be_removed, ObjectWillBeRemoved)
