"""What a cached page depends on, kept in ZODB so every app process reads the same.

Each county (top-level tenant) and the root hold a `PageState`: a conflict-free
generation counter (`BTrees.Length`), bumped in the same transaction as any change inside
the county, and the times ahead at which an item there becomes public or stops being so
(integer UTC seconds in an `LLTreeSet`). The root's state also counts every change
anywhere (`any`), for pages at the platform root. A page's cache key holds its county's
generation and the root's, so a committed change is seen by the next request in every
process, and a change in one county leaves the others' entries alone.

Bumps come from the object events `tree.ops` sends and, as a safety net, from a
before-commit hook of every web POST whose transaction changed objects (the county of the
request's context). States are made by the evolve step and by the first write of a new
county; a GET never writes: a missing state reads as generation 0.
"""
import math
from datetime import datetime, timezone

from BTrees.LLBTree import LLTreeSet
from BTrees.Length import Length
from persistent import Persistent

from ..clock import utcnow
from ..tree import ZODB_ROOT_KEY, Root, Tenant, find_county, find_root

STATE_ATTR = 'page_state'
# transition times older than this are dropped by the next write that notes one
PRUNE_AFTER = 86400


class PageState(Persistent):
    """A county's (or the root's) generation and future publish/expiry times."""

    def __init__(self):
        self.generation = Length()
        self.transitions = LLTreeSet()

    def bump(self):
        self.generation.change(1)

    def note_times(self, stamps, now):
        """Remember the integer UTC seconds in `stamps` still ahead of `now`."""
        ahead = [s for s in stamps if s > now]
        if not ahead:
            return
        old = list(self.transitions.keys(max=int(now) - PRUNE_AFTER))
        for stamp in old:
            self.transitions.remove(stamp)
        for stamp in ahead:
            self.transitions.insert(stamp)

    def next_transition(self, now):
        """The first noted time strictly after `now` (UTC seconds), or None."""
        try:
            return self.transitions.minKey(int(math.floor(now)) + 1)
        except ValueError:
            return None


class RootPageState(PageState):
    """The root's state: `generation` changes every page (platform-wide data), `any`
    changes with every change anywhere (pages at the root list every county)."""

    def __init__(self):
        super().__init__()
        self.any = Length()


def get_state(node, create=False):
    """The `PageState` of a county or the root; made only when `create` (a write)."""
    state = getattr(node, STATE_ATTR, None)
    if state is None and create:
        state = RootPageState() if isinstance(node, Root) else PageState()
        setattr(node, STATE_ATTR, state)
    return state


def generation(state, attr='generation'):
    """A state's counter value; 0 for a missing state."""
    return getattr(state, attr)() if state is not None else 0


def stamp(value):
    """Integer UTC seconds (rounded up) of a datetime; None for anything else."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return int(math.ceil(value.timestamp()))
    return None


def item_times(obj):
    """The datetimes an item's visibility or rendering turns on: publish and expiry
    times, and any datetime field of its kind (an activity's start)."""
    names = ('publish_at', 'expire_at') + tuple(getattr(obj, 'fields', ()) or ())
    out = []
    for name in names:
        value = getattr(obj, name, None)
        if isinstance(value, datetime):
            out.append(stamp(value))
    return out


def note_change(node, times=(), now=None, root_is_global=True):
    """Bump the states a change at `node` invalidates: its county's and the root's `any`;
    a change at the root itself also bumps the root's `generation` (every page) unless
    `root_is_global` is false. Note `times` (UTC seconds) ahead."""
    root = find_root(node)
    if root is None:
        return
    now = (now or utcnow()).timestamp()
    _mark_announced(root)
    root_state = get_state(root, create=True)
    root_state.any.change(1)
    root_state.note_times(times, now)
    county = find_county(node)
    if county is None:
        if root_is_global:
            root_state.bump()
        return
    state = get_state(county, create=True)
    state.bump()
    state.note_times(times, now)


def on_object_event(event):
    """Subscriber to ObjectAdded, ObjectModified and ObjectWillBeRemoved."""
    obj = event.object
    node = obj if getattr(obj, '__parent__', None) is not None or isinstance(obj, Root) \
        else event.parent
    if node is None:
        return
    note_change(node, item_times(obj))


def add_page_states(root, registry):
    """Evolve step: give the root and every county the state page cache keys read."""
    get_state(root, create=True)
    for child in root.values():
        if isinstance(child, Tenant):
            get_state(child, create=True)


# --- safety nets for writes that send no event ---

_HOOKED = object()        # key of a transaction's note that its request is watched
_ANNOUNCED = object()     # key of a transaction's note that an event bumped a state


def _mark_announced(root):
    jar = getattr(root, '_p_jar', None)
    if jar is not None:
        jar.transaction_manager.get().set_data(_ANNOUNCED, True)


def watch_script_transaction(conn):
    """For a script (or test) writing straight to the database: if the current transaction
    of `conn` changes data without any object event, it flushes every page (bumps the
    root's generation) before it commits. Writes through `tree.ops` stay exact."""
    txn = conn.transaction_manager.get()

    def hook():
        try:
            txn.data(_ANNOUNCED)
            return
        except KeyError:
            pass
        root = conn.root().get(ZODB_ROOT_KEY)
        if root is not None and _changed_objects(conn):
            state = get_state(root, create=True)
            state.bump()
            state.any.change(1)
    txn.addBeforeCommitHook(hook)


def _changed_objects(conn):
    return bool(getattr(conn, '_registered_objects', None) or getattr(conn, '_added', None))


def watch_request(request, conn):
    """Before the request's transaction commits, bump its context's county if it changed
    anything (covers writes that send no event: sessions, registers, roles)."""
    txn = conn.transaction_manager.get()
    try:
        txn.data(_HOOKED)
        return
    except KeyError:
        txn.set_data(_HOOKED, True)   # on the transaction: a retried request hooks its own

    def hook():
        if not _changed_objects(conn):
            return
        context = getattr(request, 'context', None)
        root = conn.root().get(ZODB_ROOT_KEY)
        node = context if getattr(context, '__parent__', None) is not None else root
        if node is not None and find_root(node) is not None:
            # a POST at the root (a login there) flushes the root's pages, not every page
            note_change(node, root_is_global=False)
    txn.addBeforeCommitHook(hook)
