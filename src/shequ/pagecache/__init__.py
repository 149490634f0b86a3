"""The anonymous page cache: exact invalidation from ZODB, conditional GET, static URLs.

Layer: above `security`, below `content`; higher layers call its small API:
`valid_until(request, when)` (this page changes at `when`: the current duty shift ends)
and the directive `config.add_page_cache_cookie(name)` (a cookie that changes how pages
render, such as elder mode). Settings: `shequ.page_cache` (`memory` | `off` |
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
from .tween import UNTIL

TWEEN = 'shequ.pagecache.tween.page_cache_tween_factory'


def valid_until(request, when):
    """Tell the cache this page's content changes at `when` (an aware datetime or UTC
    seconds; None: no such time), so a stored copy is not served past it."""
    if when is None:
        return
    stamp = when.timestamp() if isinstance(when, datetime) else float(when)
    current = request.environ.get(UNTIL)
    request.environ[UNTIL] = stamp if current is None else min(current, stamp)


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
    config.add_tween(TWEEN, under='shequ.security.headers.security_headers_tween_factory',
                     over=EXCVIEW)
    for event in (ObjectAdded, ObjectModified, ObjectWillBeRemoved):
        config.add_subscriber(on_object_event, event)
    config.add_subscriber(watch_writes, ContextFound)
    config.add_evolution_step(add_page_states, name='pagecache.add_page_states')
    bust_static_urls(config)
