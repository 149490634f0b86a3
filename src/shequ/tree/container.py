"""A persistent, BTree-backed container that fires object events."""
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.threadlocal import get_current_registry

from .events import ObjectAdded, ObjectRemoved, ObjectWillBeRemoved


class Container(Persistent):
    """Children kept in an OOBTree; the count in a Length so adds never conflict."""

    __name__ = None
    __parent__ = None

    def __init__(self):
        self.data = OOBTree()
        self._num = Length()

    def __getitem__(self, name):
        return self.data[name]

    def get(self, name, default=None):
        return self.data.get(name, default)

    def __contains__(self, name):
        return name in self.data

    def __len__(self):
        return self._num()

    def __iter__(self):
        return iter(self.data.keys())

    def keys(self):
        return self.data.keys()

    def values(self):
        return self.data.values()

    def items(self):
        return self.data.items()

    def add(self, name, obj, send_events=True, registry=None):
        """Add `obj` under `name`, set its lineage and fire ObjectAdded.

        An object with an `on_added(registry)` method is told first, with its lineage
        set (a new tenant makes its sections there), so subscribers see it complete.
        """
        if not name or not isinstance(name, str) or '/' in name or name.startswith('@@'):
            raise ValueError('invalid name %r' % (name,))
        if name in self.data:
            raise KeyError('%r already exists' % name)
        registry = registry or get_current_registry()
        obj.__name__ = name
        obj.__parent__ = self
        self.data[name] = obj
        self._num.change(1)
        on_added = getattr(obj, 'on_added', None)
        if on_added is not None:
            on_added(registry)
        if send_events:
            registry.notify(ObjectAdded(obj, self, name))
        return obj

    def remove(self, name, send_events=True, registry=None):
        """Remove the child `name`, firing ObjectWillBeRemoved then ObjectRemoved."""
        obj = self.data[name]
        registry = registry or get_current_registry()
        if send_events:
            registry.notify(ObjectWillBeRemoved(obj, self, name))
        del self.data[name]
        self._num.change(-1)
        if send_events:
            registry.notify(ObjectRemoved(obj, self, name))
        return obj
