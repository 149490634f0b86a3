"""The page cache tween: anonymous GET/HEAD pages and feeds from the cache, conditional
GET and Cache-Control on every page, long-lived headers on versioned static URLs.

It sits under the security-headers tween (every answer, cached or not, gets the headers
and a CSP with this request's nonce) and over the exception view, inside pyramid_tm's
transaction, so the key is read from the same ZODB snapshot the page is rendered from.
An entry is stored from a response callback, i.e. after the transaction committed and
after the session said whether it sets a cookie.
"""
import hashlib
import logging
import math
import time
from datetime import datetime, timedelta

from pyramid.interfaces import IRootFactory, IStaticURLInfo, VH_ROOT_KEY
from pyramid.response import Response

from ..clock import CHINA_TZ
from ..extensions import get_extensions
from ..security import SESSION_COOKIE
from ..security.headers import ATTRIBUTES
from ..tree import Tenant
from .cache import get_page_cache
from .state import generation, get_state

log = logging.getLogger(__name__)

HEADER = 'X-Page-Cache'
UNTIL = 'shequ.pagecache.until'       # environ: the earliest time a view says the page changes
PLACEHOLDER = b'\x00shequ-csp-nonce\x00'
CACHED_TYPES = frozenset(('text/html', 'application/rss+xml', 'application/atom+xml',
                          'application/xml', 'text/xml', 'application/json', 'text/calendar'))
HIT_HOOKS = 'shequ.pagecache.on_hit'  # environ: [(hook name, data)] stored with the entry
KEYED = 'shequ.pagecache.keyed'       # environ: the view whose own key function joined the key
MAX_BODY = 1 << 20
PUBLIC = 'no-cache'                   # store, but revalidate every time: always exact
PRIVATE = 'private, no-store'
IMMUTABLE = 'public, max-age=31536000, immutable'
BUST_PARAM = 'v'
KEPT_HEADERS = frozenset(('content-type', 'content-disposition', 'content-language', 'link',
                          'x-robots-tag', 'vary'))


def next_midnight(now):
    """The next midnight in China time after `now` (UTC seconds): pages show "today"."""
    day = datetime.fromtimestamp(now, CHINA_TZ) + timedelta(days=1)
    return day.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def _county(root, request):
    vroot = request.environ.get(VH_ROOT_KEY) or ''
    first = (vroot + request.environ.get('PATH_INFO', '')).lstrip('/').split('/', 1)[0]
    child = root.get(first) if first and not first.startswith('@@') else None
    return child if isinstance(child, Tenant) else None


def _keyed_view(path, key_funcs):
    """The name of a view with a key function of its own requested by `path` (`@@name`)."""
    if key_funcs and '@@' in path:
        for segment in path.split('/'):
            if segment.startswith('@@') and segment[2:] in key_funcs:
                return segment[2:]
    return None


def page_key(request, cookies, key_funcs=None):
    """(key, state) for an anonymous GET, from the request and the ZODB counters (and a
    keyed view's own part, such as the search index's state); None when the page is not to
    be cached (an empty database, a keyed view declining)."""
    path = request.environ.get('PATH_INFO', '')
    root = request.registry.getUtility(IRootFactory)(request)
    if getattr(root, '_p_jar', None) is None:
        return None
    root_state = get_state(root)
    county = _county(root, request)
    state = get_state(county) if county is not None else root_state
    own = ''
    view = _keyed_view(path, key_funcs)
    if view is not None:
        own = key_funcs[view](request, root, county)
        if own is None:
            return None
        request.environ[KEYED] = view
    parts = [
        request.scheme, request.host.lower(), request.script_name, path,
        '&'.join(sorted(request.environ.get('QUERY_STRING', '').split('&'))),
        request.environ.get(VH_ROOT_KEY) or '', request.locale_name,
        *('%s=%s' % (name, request.cookies.get(name, '')) for name in cookies),
        county.__name__ if county is not None else '',
        generation(state) if county is not None else generation(root_state, 'any'),
        generation(root_state), own,
    ]
    digest = hashlib.sha256('\x1f'.join(str(p) for p in parts).encode('utf-8', 'replace'))
    return 'shequ:page:' + digest.hexdigest(), state


def entry_until(state, now, max_age, asked=None):
    """When an entry made `now` stops being trusted (a cached page, a memo): the next
    publish or expiry time in its county (`state`), the next midnight, `max_age`, or the
    time its view asked for (`asked`)."""
    times = [now + max_age, next_midnight(now)]
    if state is not None:
        nxt = state.next_transition(now)
        if nxt is not None:
            times.append(nxt)
    if asked is not None:
        times.append(asked)
    return min(times)


def declare_until(environ, stamp):
    """Record in the request's environ that its answer changes at `stamp` (UTC seconds)."""
    current = environ.get(UNTIL)
    environ[UNTIL] = stamp if current is None else min(current, stamp)


def serve(request, entry, hooks=None):
    """A cached entry as this request's answer: a fresh nonce, or 304. The hooks the
    entry's view asked for (`on_hit`) run on either."""
    body, headerlist, etag, last_modified, _until = entry[:5]
    for name, data in (entry[5] if len(entry) > 5 else ()):
        hook = (hooks or {}).get(name)
        if hook is None:
            continue
        try:
            hook(request, data)
        except Exception:       # a hook's trouble never fails the page
            log.exception('page cache: hit hook %s failed', name)
    response = Response()
    response.headerlist = list(headerlist)
    response.etag = etag
    response.last_modified = last_modified
    response.headers['Cache-Control'] = PUBLIC
    response.headers[HEADER] = 'hit'
    if etag in request.if_none_match:
        response.status = 304
        del response.content_type
        return response
    if PLACEHOLDER in body:
        body = body.replace(PLACEHOLDER, request.csp_nonce.encode('ascii'))
    response.body = body
    return response


def _storable(request, response):
    if response.status_int != 200 or response.content_type not in CACHED_TYPES:
        return False
    if 'Set-Cookie' in response.headers or request.environ.get(ATTRIBUTES):
        return False
    control = response.cache_control
    if control.private or control.no_store:
        return False
    length = response.content_length
    return length is None or length <= MAX_BODY


def _private(response):
    if response.content_type in CACHED_TYPES:
        response.headers['Cache-Control'] = PRIVATE


def _private_if_session(request, response):
    """A page that started a session (a form's CSRF token, a message) is the visitor's own."""
    if 'Set-Cookie' in response.headers:
        _private(response)


HASH_PIECE = 2047     # below hashlib's threshold (2,048 bytes) for releasing the GIL


def body_digest(body):
    """The SHA-256 hex digest of `body`, fed to hashlib in pieces small enough that it keeps
    the GIL: let go for the microseconds of hashing a page, a waitress thread then waits
    behind the others for it, milliseconds under load."""
    digest = hashlib.sha256()
    view = memoryview(body)
    for start in range(0, len(view), HASH_PIECE):
        digest.update(view[start:start + HASH_PIECE])
    return digest.hexdigest()


class PageCacheTween:
    """See the module docstring."""

    def __init__(self, handler, registry):
        self.handler = handler
        self.registry = registry
        self.cache = get_page_cache(registry)
        self.cookies = tuple(sorted(get_extensions(registry).page_cache_cookies))
        info = registry.queryUtility(IStaticURLInfo)
        # a static view's route is named '__<name>/' and serves '/<name>/…'
        self.static_prefixes = tuple(
            '/' + route[2:] for _url, _spec, route in getattr(info, 'registrations', ())
            if route and route.startswith('__'))

    def __call__(self, request):
        if request.method not in ('GET', 'HEAD'):
            return self.handler(request)
        path = request.environ.get('PATH_INFO', '')
        if path.startswith(self.static_prefixes):
            response = self.handler(request)
            query = request.environ.get('QUERY_STRING', '')
            if response.status_int == 200 and (BUST_PARAM + '=') in query:
                response.headers['Cache-Control'] = IMMUTABLE
            return response
        if SESSION_COOKIE in request.cookies or request.authorization:
            response = self.handler(request)
            _private(response)
            response.headers[HEADER] = 'bypass'
            return response
        try:
            found = page_key(request, self.cookies,
                             self.cache.key_funcs if self.cache.enabled else None)
        except (UnicodeDecodeError, ValueError):
            found = None      # bad input: the guard answers 400, never from the cache
        now = time.time()
        if found is not None and self.cache.enabled:
            entry = self.cache.get(found[0])
            if entry is not None and now < entry[4]:
                return serve(request, entry, self.cache.hit_hooks)
        response = self.handler(request)
        if not _storable(request, response):
            response.headers[HEADER] = 'bypass'
            request.add_response_callback(_private_if_session)
            return response
        self.prepare(request, response, found, now)
        return response

    def prepare(self, request, response, found, now):
        """Give a cacheable answer its validators; store it once the session has spoken."""
        body = response.body
        nonce = request.__dict__.get('csp_nonce')
        if nonce:
            body = body.replace(nonce.encode('ascii'), PLACEHOLDER)
        etag = body_digest(body)[:40]
        response.etag = etag
        response.last_modified = math.floor(now)
        response.headers['Cache-Control'] = PUBLIC
        # a view with a key function of its own only when that function made this key
        keyed = request.view_name in self.cache.key_funcs
        store = (found is not None and self.cache.enabled
                 and (not keyed or request.environ.get(KEYED) == request.view_name))
        response.headers[HEADER] = 'miss' if store else 'bypass'
        headerlist = tuple((k, v) for k, v in response.headerlist if k.lower() in KEPT_HEADERS)
        # read now, in the snapshot the page was rendered from (the callback runs after commit)
        until = (entry_until(found[1], now, self.cache.max_age, request.environ.get(UNTIL))
                 if store else None)

        def finish(request, response):
            if 'Set-Cookie' in response.headers:
                # the page started a session (a form's CSRF token, a message): never shared
                del response.etag
                del response.last_modified
                response.headers['Cache-Control'] = PRIVATE
                response.headers[HEADER] = 'bypass'
                return
            if store:
                hooks = tuple(request.environ.get(HIT_HOOKS, ()))
                self.cache.set(found[0], (body, headerlist, etag, math.floor(now), until, hooks))
            if etag in request.if_none_match:
                response.status = 304
                response.body = b''
                del response.content_type
        request.add_response_callback(finish)


def page_cache_tween_factory(handler, registry):
    return PageCacheTween(handler, registry)
