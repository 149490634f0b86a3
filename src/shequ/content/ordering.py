"""Sorted secondary indexes kept at write time, so a page reads only what it shows.

A section of thousands of notices must not be loaded whole to show its newest twenty or
to say whether it has anything public. Each section keeps a `NewestIndex` (attribute
`newest`): an OOBTree (pinned first, newest first, name) → (state, publish_at, expire_at),
plus name → key (an entry also holds the item's category), so the home-page card, the notices list and the section menu walk it in
order and load only the items they show; whether an entry is public now is decided from
the entry itself (publish and expiry times are in it), so time needs no job.

The index changes with every added, edited, workflowed or removed item: subscribers to the
object events of `tree.ops` note the section and name, and a before-commit hook re-reads
those items as stored at the end of the transaction (so it sees what later subscribers set,
such as a notice's first publication time). Kinds may keep further indexes the same way
(`deferred(obj, key, func)`). The evolve step `content.newest_index` builds the index of
every existing section; a section without one is listed the old way.
"""
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from ..clock import utcnow
from ..tree import Section
from ..tree.events import ObjectWillBeRemoved

PUBLISHED = 'published'


def timestamp(value):
    """A datetime as integer microseconds (0 for None): keys stay plain and comparable."""
    return int(value.timestamp() * 1000000) if value is not None else 0


def item_date(item):
    """The date a list shows an item by: the kind's `date`, else its last change."""
    return getattr(item, 'date', None) or getattr(item, 'modified', None)


def entry_is_public(entry, now):
    """`Content.is_public` from an index entry (state, publish_at, expire_at)."""
    state, publish_at, expire_at = entry[:3]
    if state != PUBLISHED:
        return False
    if publish_at is not None and publish_at > now:
        return False
    return expire_at is None or expire_at > now


class NewestIndex(Persistent):
    """Entries in display order: pinned first (when `pinned_first`), then newest first."""

    def __init__(self, pinned_first=True):
        self.pinned_first = pinned_first
        self.order = OOBTree()     # (rank, -time, id) -> (state, publish_at, expire_at, category)
        self.ids = OOBTree()       # id -> its key in `order`

    def key(self, ident, item):
        rank = 0 if (self.pinned_first and getattr(item, 'pinned', False)) else 1
        return (rank, -timestamp(item_date(item)), ident)

    def put(self, ident, item):
        """Enter (or move) `item` under `ident`."""
        key = self.key(ident, item)
        value = (getattr(item, 'state', None), getattr(item, 'publish_at', None),
                 getattr(item, 'expire_at', None), getattr(item, 'category', None))
        old = self.ids.get(ident)
        if old == key and self.order.get(key) == value:
            return
        if old is not None and old != key:
            self.order.pop(old, None)
        self.order[key] = value
        if old != key:
            self.ids[ident] = key

    def discard(self, ident):
        key = self.ids.pop(ident, None)
        if key is not None:
            self.order.pop(key, None)

    def __len__(self):
        return len(self.ids)

    def entries(self):
        """(id, entry) in display order."""
        for key, value in self.order.items():
            yield key[2], value

    def ids_visible(self, public_only, now=None):
        """Ids in display order: every one, or those public at `now`."""
        now = now or utcnow()
        for ident, value in self.entries():
            if not public_only or entry_is_public(value, now):
                yield ident


def newest_index(section, create=False):
    """The section's NewestIndex, or None before it has one (made when asked)."""
    index = getattr(section, 'newest', None)
    if index is None and create:
        index = section.newest = NewestIndex()
    return index


def is_listed(item):
    """Whether a section's child belongs in its listings (a registered content item)."""
    return bool(getattr(item, 'type_name', None)) and hasattr(item, 'is_public') \
        and hasattr(item, 'state')


def reindex_item(section, name):
    """Bring the section's index in step with its child `name` as stored now."""
    index = newest_index(section, create=True)
    item = section.data.get(name)
    if item is not None and is_listed(item):
        index.put(name, item)
    else:
        index.discard(name)


def build_section_index(section):
    """(Re)build a section's index from every stored item (evolve step, generators)."""
    index = section.newest = NewestIndex()
    for name, item in section.items():
        if is_listed(item):
            index.put(name, item)
    return index


# --- keeping indexes at write time: noted by event subscribers, applied before commit ---

class _Pending:
    def __init__(self):
        self.jobs = {}    # key -> func, in the order first noted

    def flush(self):
        while self.jobs:
            jobs, self.jobs = self.jobs, {}
            for func in jobs.values():
                func()


_PENDING = object()


def deferred(anchor, key, func):
    """Run `func()` once just before the transaction writing `anchor` commits.

    Noting the same `key` twice in a transaction runs it once, after every subscriber of
    every event had its turn. Without a transaction yet (an object tree being built before
    it is stored) it runs at once: everything is written together anyway.
    """
    jar = getattr(anchor, '_p_jar', None)
    if jar is None:
        func()
        return
    txn = jar.transaction_manager.get()
    try:
        pending = txn.data(_PENDING)
    except KeyError:
        pending = _Pending()
        txn.set_data(_PENDING, pending)
        txn.addBeforeCommitHook(pending.flush)
    pending.jobs.setdefault(key, func)


def section_subscriber(event):
    """An item was added, changed or is leaving a section: re-read it before commit."""
    section, name = event.parent, event.name
    if not isinstance(section, Section) or name is None:
        return
    if isinstance(event, ObjectWillBeRemoved):
        index = newest_index(section)
        if index is not None:
            index.discard(name)     # gone before commit; a re-add in the same txn re-enters
        return
    deferred(section, ('newest', id(section), name), lambda: reindex_item(section, name))


def evolve_newest_index(root, registry):
    """Give every section of every tenant its NewestIndex."""
    from ..tree import walk_tenants
    for tenant in walk_tenants(root):
        for section in tenant.values():
            if isinstance(section, Section):
                build_section_index(section)
