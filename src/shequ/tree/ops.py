"""The one way to change the tree: add, modify, move, remove — each sends its events.

Subscribers (the audit log, the search journal, kinds' own bookkeeping) see every change
only if every change is announced; a caller that changes an item's fields and forgets the
event leaves the index and the audit log silently stale. So code never sets stored fields
and notifies by hand: it calls these functions, which do both.

Each takes `rr`, the current request (preferred: the audit log records its user) or,
for scripts and imports, the application registry.
"""
from pyramid.threadlocal import get_current_registry

from .events import ObjectAdded, ObjectModified, ObjectRemoved, ObjectWillBeRemoved

# attributes every item has besides its kind's `fields`
_BOOKKEEPING = ('state', 'publish_at', 'expire_at', 'creator')


def _split(rr):
    """(registry, request) from a request, a registry or None."""
    if rr is None:
        return get_current_registry(), None
    registry = getattr(rr, 'registry', None)
    if registry is not None and hasattr(rr, 'method'):
        return registry, rr
    return rr, None


def add(container, name, obj, rr=None):
    """Add `obj` to `container` under `name` and announce it."""
    registry, request = _split(rr)
    container.add(name, obj, registry=registry)
    registry.notify(ObjectAdded(obj, container, name, request=request))
    return obj


def modify(obj, rr=None, action='edit', detail=None, **fields):
    """Set `fields` on `obj`; if anything changed, announce it. Returns the changed names.

    Content items validate their field names (`Content.update`); other nodes (tenants,
    sections) take plain attributes. `action` names the change for the audit log
    ('edit', or a workflow transition such as 'publish'); `detail` says what it touched
    when that is not the object itself (e.g. the inherited standard a section hid).
    """
    registry, request = _split(rr)
    update = getattr(obj, 'update', None)
    if callable(update) and hasattr(obj, 'fields'):
        changed = update(**fields)
    else:
        changed = []
        for key, value in fields.items():
            if key.startswith('_'):
                raise TypeError('cannot set %r' % key)
            if getattr(obj, key, None) != value:
                setattr(obj, key, value)
                changed.append(key)
    if changed:
        registry.notify(ObjectModified(obj, obj.__parent__, obj.__name__, request=request,
                                       action=action, detail=detail))
    return changed


def remove(container, name, rr=None):
    """Remove the child `name` of `container`, announcing it before and after."""
    registry, request = _split(rr)
    obj = container[name]
    registry.notify(ObjectWillBeRemoved(obj, container, name, request=request))
    container.remove(name)
    registry.notify(ObjectRemoved(obj, container, name, request=request))
    return obj


def move(obj, target, name=None, rr=None):
    """Move `obj` into the container `target` (under `name`, default its own)."""
    source, old_name = obj.__parent__, obj.__name__
    name = name or old_name
    if name in target:
        raise KeyError('%r already exists' % name)
    remove(source, old_name, rr)
    return add(target, name, obj, rr)
