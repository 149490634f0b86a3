"""An in-process memo of what pages derive from stored data, exact like the page cache.

The page cache keeps whole pages for visitors; this keeps the parts that cost: data derived
from the tree (which standards a tenant inherits, with their local fields) and, for
visitors without a login, the HTML of home-page panels and cards. A key holds the same
counters as a page cache key, read from the ZODB snapshot of the request: the county's
generation (the root's `any` at the root) and the root's `generation`, so a committed
change anywhere in the county is seen by the very next request. An entry is trusted until
the county's next publish/expiry time (`PageState.next_transition`), the next China
midnight, `shequ.page_cache.max_age` (usage counts from search live outside the ZODB) and
any `valid_until` the computation declared (the roster panel: the current shift's end).

Nothing is memoised from a connection holding uncommitted changes (a POST in progress: its
counter is not yet the committed one). Values are plain data or text, never persistent
objects (they belong to one connection). HTML is kept only for requests without a session
cookie, an `Authorization` header or a login, and only when rendering did not open a
session; a CSP nonce in it is replaced by each request's own. Bounded (LRU,
`shequ.memo.max_entries`, default 2000) and guarded by a lock for waitress's threads.
"""
import threading
import time
from collections import OrderedDict

from pyramid.interfaces import VH_ROOT_KEY
from zope.interface import Interface

from ..extensions import get_extensions
from ..security import SESSION_COOKIE
from ..tree import Root, find_county, find_root
from .state import _changed_objects, generation, get_state
from .tween import UNTIL, declare_until, entry_until

DEFAULT_MAX_ENTRIES = 2000
DEFAULT_MAX_AGE = 600
NONCE_MARK = '\x00shequ-memo-nonce\x00'
_MISSING = object()


class IMemo(Interface):
    """The application's `Memo`."""


class Memo:
    """A bounded, thread-safe LRU of (value, valid until UTC seconds)."""

    def __init__(self, max_entries=DEFAULT_MAX_ENTRIES, max_age=DEFAULT_MAX_AGE):
        self.max_entries = max_entries
        self.max_age = max_age
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, now):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return _MISSING
            if now >= entry[1]:
                del self._entries[key]
                return _MISSING
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key, value, until):
        with self._lock:
            self._entries[key] = (value, until)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self):
        return len(self._entries)

    def clear(self):
        with self._lock:
            self._entries.clear()


def get_memo(registry):
    """The application's memo, or None (a bare registry: compute every time)."""
    return registry.queryUtility(IMemo) if registry is not None else None


def includeme(config):
    settings = config.registry.settings
    memo = Memo(int(settings.get('shequ.memo.max_entries') or DEFAULT_MAX_ENTRIES),
                int(settings.get('shequ.page_cache.max_age') or DEFAULT_MAX_AGE))
    config.registry.registerUtility(memo, IMemo)


def version(node):
    """(scope, counters, state) of the data `node` sees in its snapshot, or None when nothing
    may be memoised (not stored, or its connection holds uncommitted changes)."""
    jar = getattr(node, '_p_jar', None)
    if jar is None or _changed_objects(jar):
        return None
    root = find_root(node)
    if root is None:
        return None
    root_state = get_state(root)
    county = find_county(node) if not isinstance(node, Root) else None
    if county is None:
        return ('', generation(root_state, 'any'), generation(root_state)), root_state
    state = get_state(county)
    return (county.__name__, generation(state), generation(root_state)), state


def _path(node):
    names = []
    while node is not None and getattr(node, '__parent__', None) is not None:
        names.append(node.__name__)
        node = node.__parent__
    return tuple(reversed(names))


def derived(node, name, compute, registry=None, extra=()):
    """`compute()` (plain data, the same for every requester) for `node`, memoised against
    the counters of its county; computed every time where nothing may be memoised."""
    if registry is None:
        from pyramid.threadlocal import get_current_registry
        registry = get_current_registry()
    memo = get_memo(registry)
    found = version(node) if memo is not None else None
    if found is None:
        return compute()
    key = ('data', name, _path(node), found[0], extra)
    now = time.time()
    value = memo.get(key, now)
    if value is _MISSING:
        value = compute()
        memo.put(key, value, entry_until(found[1], now, memo.max_age))
    return value


def is_visitor(request):
    """Whether `request` may share HTML memoised for visitors: no session cookie, no
    `Authorization`, no login, no session opened yet."""
    return (SESSION_COOKIE not in request.cookies and not request.authorization
            and 'session' not in request.__dict__ and request.identity is None)


def _visitor_key(request, kind, node, name, extra):
    """The memo key of something shared by visitors, or None when `request` may not share
    (staff, a session, not a GET) or nothing of `node` may be memoised; and the state."""
    memo = get_memo(request.registry)
    if memo is None or request.method not in ('GET', 'HEAD') or not is_visitor(request):
        return None, None
    stored = node       # a lent item (an inherited standard) is made from its county's data
    while stored is not None and getattr(stored, '_p_jar', None) is None:
        stored = getattr(stored, '__parent__', None)
    found = version(stored) if stored is not None else None
    if found is None:
        return None, None
    cookies = tuple(request.cookies.get(c, '')
                    for c in sorted(get_extensions(request.registry).page_cache_cookies))
    return (kind, name, _path(node), found[0], extra, request.application_url,
            request.environ.get(VH_ROOT_KEY) or '', request.locale_name, cookies), found[1]


def visitor_value(request, node, name, compute, extra=()):
    """`compute()` (plain data: text, numbers, tuples, lists) for `node` as visitors without
    a login see it — URLs of this host, this locale — shared by them like `visitor_html`;
    staff, and requests that may not share, always compute their own."""
    key, state = _visitor_key(request, 'value', node, name, extra)
    if key is None:
        return compute()
    memo = get_memo(request.registry)
    now = time.time()
    value = memo.get(key, now)
    if value is _MISSING:
        value = compute()
        if 'session' not in request.__dict__:
            memo.put(key, value, entry_until(state, now, memo.max_age))
    return value


def visitor_html(request, node, name, render, extra=()):
    """The HTML `render()` makes for `node`, shared by visitors without a login.

    The key adds what changes how the same data renders: scheme, host, script name,
    virtual root, locale and the page-cache cookies (elder mode). A `valid_until` that
    `render` declares bounds the entry and is declared again on every hit. Staff, and
    requests that may not share (`is_visitor`), always render their own.
    """
    key, state = _visitor_key(request, 'html', node, name, extra)
    if key is None:
        return render()
    memo = get_memo(request.registry)
    now = time.time()
    value = memo.get(key, now)
    if value is not _MISSING:
        html, asked = value
        if asked is not None:
            declare_until(request.environ, asked)
        nonce = request.csp_nonce if NONCE_MARK in html else None
        return html.replace(NONCE_MARK, nonce) if nonce else html
    outer, asked = request.environ.pop(UNTIL, None), None
    try:
        html = render()
        asked = request.environ.get(UNTIL)
    finally:
        request.environ.pop(UNTIL, None)
        for stamp in (outer, asked):
            if stamp is not None:
                declare_until(request.environ, stamp)
    if 'session' in request.__dict__:
        return html                # rendering opened a session (a form's token): not shared
    nonce = request.__dict__.get('csp_nonce')
    stored = html.replace(nonce, NONCE_MARK) if nonce else html
    memo.put(key, (stored, asked), entry_until(state, now, memo.max_age, asked))
    return html
