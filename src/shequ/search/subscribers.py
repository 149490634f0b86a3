"""Object events → index journal entries, in the transaction that made the change."""
import logging
import threading

from pyramid.settings import asbool
from pyramid.traversal import find_interface

from ..content import get_content_registry
from ..tree import ObjectModified, Root, Section, Tenant, tenant_path
from .journal import record

log = logging.getLogger(__name__)


def get_search(registry):
    """The application's SearchService."""
    return registry.search


class JournalSubscriber:
    """Records the path of every added, edited, workflowed, moved or removed item or tenant."""

    def __init__(self, registry):
        self.registry = registry
        self.content = get_content_registry(registry)
        self.inline = asbool(registry.settings.get('shequ.index_inline', False))

    def __call__(self, event):
        obj, parent = event.object, event.parent
        is_content = self.content.type_of(obj) is not None
        if not is_content and not isinstance(obj, (Tenant, Section)):
            return
        if isinstance(event, ObjectModified) and not is_content:
            return     # tenant settings are read at query time; nothing indexed changes
        root = find_interface(parent, Root) if parent is not None else None
        if root is None:
            return     # a subtree not attached yet: its attachment is recorded instead
        path = tenant_path(parent).rstrip('/') + '/' + event.name
        record(root, path, after_commit=self.index_now if self.inline else None)

    def index_now(self, db, retry=True):
        """Development mode: apply the journal right after the commit, in this process."""
        try:
            done = get_search(self.registry).indexer.apply_db(db)
        except Exception:
            log.exception('inline indexing failed; `shequ indexer` will catch up')
            return
        if done is None and retry:     # another thread is indexing: try once more shortly
            timer = threading.Timer(1.0, self.index_now, args=(db, False))
            timer.daemon = True
            timer.start()
