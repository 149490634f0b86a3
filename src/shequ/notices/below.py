"""The newest notices below a township or county, kept at write time.

A county page's 下级通知 panel, its notices page and its `?below=1` feeds used to visit
every notices section of every tenant below (150 communities, thousands of notices). Each
tenant now keeps a `NewestIndex` (`content.ordering`, attribute `notices_below`) of the
published notices of every tenant below it, newest first, keyed by the notice's path from
that tenant. A notice's publication, edit, withdrawal or deletion updates the index of each
ancestor just before its transaction commits; a tenant added below (or moved) brings its
notices, a tenant removed takes them away. Publish and expiry times are in the entries, so
a future-dated notice appears at its time and an expired one disappears with no job. The
evolve step `notices.below_index` builds the indexes of existing data.
"""
from ..content.ordering import NewestIndex, deferred, entry_is_public
from ..clock import utcnow
from ..tree import Section, Tenant, lineage_tenants, walk_tenants
from ..tree.events import ObjectAdded, ObjectWillBeRemoved

ATTR = 'notices_below'
SECTION = 'notices'


def below_index(tenant, create=False):
    """The tenant's index of the notices below it, or None before it has one."""
    index = getattr(tenant, ATTR, None)
    if index is None and create:
        index = NewestIndex(pinned_first=False)
        setattr(tenant, ATTR, index)
    return index


def relative_path(ancestor, node):
    """The names leading from `ancestor` down to `node`, joined by '/'."""
    names = []
    while node is not None and node is not ancestor:
        names.append(node.__name__)
        node = node.__parent__
    return '/'.join(reversed(names))


def resolve(ancestor, ident):
    """The stored object at path `ident` below `ancestor`, or None."""
    node = ancestor
    for name in ident.split('/'):
        get = getattr(node, 'data', None)
        node = get.get(name) if get is not None else None
        if node is None:
            return None
    return node


def note_notice(section, name, notice_class):
    """Enter (or drop) the notice `name` of `section` in the index of every ancestor."""
    tenant = section.__parent__
    if not isinstance(tenant, Tenant):
        return
    item = section.data.get(name)
    listed = isinstance(item, notice_class) and item.state == 'published'
    for ancestor in lineage_tenants(tenant.__parent__):
        ident = relative_path(ancestor, section) + '/' + name
        if listed:
            below_index(ancestor, create=True).put(ident, item)
        else:
            index = below_index(ancestor)
            if index is not None:
                index.discard(ident)


def note_subtree(tenant, notice_class):
    """Enter every notice of `tenant` and the tenants below it (a tenant arrived)."""
    for node in [tenant] + list(walk_tenants(tenant)):
        section = node.data.get(SECTION)
        if isinstance(section, Section):
            for name in list(section.keys()):
                note_notice(section, name, notice_class)


def drop_subtree(tenant):
    """Take every notice at or below `tenant` out of its ancestors' indexes."""
    for ancestor in lineage_tenants(tenant.__parent__):
        index = below_index(ancestor)
        if index is None:
            continue
        prefix = relative_path(ancestor, tenant) + '/'
        for ident in [i for i in index.ids.keys() if i.startswith(prefix)]:
            index.discard(ident)


def latest_below(tenant, count, now=None):
    """[(tenant, notice)]: the `count` newest public notices below `tenant`, or None when
    the tenant has no index yet (the caller walks the tree then)."""
    index = below_index(tenant)
    if index is None:
        return None
    now = now or utcnow()
    out = []
    for ident, entry in index.entries():
        if not entry_is_public(entry, now):
            continue
        notice = resolve(tenant, ident)
        if notice is not None and notice.is_public(now):
            out.append((notice.__parent__.__parent__, notice))
            if len(out) >= count:
                break
    return out


class BelowSubscriber:
    """Object events → the ancestors' indexes, applied just before the commit."""

    def __init__(self, notice_class):
        self.notice_class = notice_class

    def __call__(self, event):
        obj, parent, name = event.object, event.parent, event.name
        if isinstance(obj, Tenant):
            if isinstance(event, ObjectWillBeRemoved):
                drop_subtree(obj)
            elif isinstance(event, ObjectAdded) and obj.__parent__ is not None:
                deferred(obj, ('below-tenant', id(obj)),
                         lambda: note_subtree(obj, self.notice_class))
            return
        if isinstance(parent, Section) and parent.__name__ == SECTION and name:
            deferred(parent, ('below', id(parent), name),
                     lambda: note_notice(parent, name, self.notice_class))


def evolve_below_index(root, registry):
    """Give every tenant the index of the published notices below it."""
    from . import Notice
    for tenant in walk_tenants(root):
        setattr(tenant, ATTR, NewestIndex(pinned_first=False))
    for county in root.tenants():
        note_subtree(county, Notice)
