"""The anonymous page cache: exact invalidation from ZODB, conditional GET, static URLs.

Layer: above `security`, below `content`; higher layers call its small API:
`valid_until(request, when)` (this page changes at `when`: the current duty shift ends),
`on_hit(request, name, data)` (every later hit of this page calls hook `name` with data),
and the directives `config.add_page_cache_cookie(name)` (a cookie that changes how pages
render, such as elder mode), `config.add_page_cache_key(view_name, func)` (a view whose
answer depends on more than ZODB, such as search on its index: `func(request, root,
county)` gives the rest of the key, None: not cached) and `config.add_page_cache_hook(name,
func)` (`func(request, data)` on a hit). Settings: `shequ.page_cache` (`memory` | `off` |
`redis://host:port/db` | `memcached://host:port`), `shequ.page_cache.max_entries` (5000,
memory only), `shequ.page_cache.max_age` (600 s). See ARCHITECTURE.md, "Page cache".
"""
from datetime import datetime

from pyramid.events import ContextFound
from pyramid.tweens import EXCVIEW

from ..extensions import get_extensions
from ..tree import ObjectAdded, ObjectModified, ObjectWillBeRemoved
from .cache import IPageCache, PageCache, get_page_cache  # noqa: F401
from .state import add_page_states, on_object_event, watch_request, watch_script_transaction  # noqa: F401
from .tween import HIT_HOOKS, declare_until

TWEEN = 'shequ.pagecache.tween.page_cache_tween_factory'


def valid_until(request, when):
    """Tell the cache this page's content changes at `when` (an aware datetime or UTC
    seconds; None: no such time), so a stored copy is not served past it."""
    if when is None:
        return
    declare_until(request.environ,
                  when.timestamp() if isinstance(when, datetime) else float(when))


def on_hit(request, name, data):
    """Store `(name, data)` with this page's cache entry: each time the entry is served, the
    hook registered as `name` is called with (request, data) (e.g. search counts its top
    hit's use). `data` must be picklable (shared backends)."""
    request.environ.setdefault(HIT_HOOKS, []).append((name, data))


def add_page_cache_key(config, view_name, func):
    """Configurator directive: answers of view `view_name` (requested as `@@view_name`)
    depend on more than ZODB; `func(request, root, county)` (county: the top-level tenant
    the path is in, None at the root) returns a string joining the key, or None for "do
    not cache this one". Without it, such a view is never stored."""
    registry = config.registry
    config.action(('shequ.page_cache_key', view_name),
                  lambda: get_page_cache(registry).key_funcs.__setitem__(view_name, func))


def add_page_cache_hook(config, name, func):
    """Configurator directive: `func(request, data)` runs on every cache hit of a page
    whose view called `on_hit(request, name, data)`."""
    registry = config.registry
    config.action(('shequ.page_cache_hook', name),
                  lambda: get_page_cache(registry).hit_hooks.__setitem__(name, func))


def add_page_cache_cookie(config, name, reason=''):
    """Configurator directive: pages render differently by cookie `name`; it joins the key."""
    extensions = get_extensions(config.registry)
    config.action(('shequ.page_cache_cookie', name),
                  lambda: extensions.page_cache_cookies.__setitem__(name, reason))


def watch_writes(event):
    """ContextFound: a non-GET request's transaction bumps its county if it changed data."""
    request = event.request
    if request.method in ('GET', 'HEAD'):
        return
    from pyramid_zodbconn import get_connection
    watch_request(request, get_connection(request))


def includeme(config):
    """The cache utility, the tween, the subscribers, the evolve step, static URL busting."""
    from .static import bust_static_urls
    config.registry.registerUtility(PageCache.from_settings(config.registry.settings),
                                    IPageCache)
    config.add_directive('add_page_cache_cookie', add_page_cache_cookie)
    config.add_directive('add_page_cache_key', add_page_cache_key)
    config.add_directive('add_page_cache_hook', add_page_cache_hook)
    config.add_tween(TWEEN, under='shequ.security.headers.security_headers_tween_factory',
                     over=EXCVIEW)
    for event in (ObjectAdded, ObjectModified, ObjectWillBeRemoved):
        config.add_subscriber(on_object_event, event)
    config.add_subscriber(watch_writes, ContextFound)
    config.add_evolution_step(add_page_states, name='pagecache.add_page_states')
    bust_static_urls(config)
