"""A persistent, BTree-backed container (events are sent by `tree.ops`, not here)."""
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.threadlocal import get_current_registry



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

    def add(self, name, obj, registry=None):
        """Store `obj` under `name` and set its lineage; sends no event (`tree.ops.add` does).

        An object with an `on_added(registry)` method is told, with its lineage set (a new
        tenant makes its sections there), so subscribers of the event see it complete.
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
        return obj

    def remove(self, name):
        """Unlink the child `name`; sends no event (`tree.ops.remove` does)."""
        obj = self.data[name]
        del self.data[name]
        self._num.change(-1)
        return obj
