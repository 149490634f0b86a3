"""Object events, sent only by `tree.ops`; indexing and audit subscribe to them."""


class _ObjectEvent:
    def __init__(self, object, parent, name, request=None, action=None, detail=None):
        self.object = object
        self.parent = parent
        self.name = name
        self.request = request
        self.action = action  # e.g. 'publish' for a workflow transition
        self.detail = detail  # what the change touched, when not the object itself


class ObjectAdded(_ObjectEvent):
    """An object was added to a container."""


class ObjectModified(_ObjectEvent):
    """An object's stored fields changed (edit, workflow transition, import)."""


class ObjectWillBeRemoved(_ObjectEvent):
    """An object is about to leave its container (it still has its lineage)."""


class ObjectRemoved(_ObjectEvent):
    """An object was removed from its container."""
