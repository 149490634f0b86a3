"""The page cache's storage: a dogpile.cache region chosen by `shequ.page_cache`.

`memory` (default): a bounded LRU in this process (`shequ.page_cache.max_entries`, 5000).
`redis://host:port/db` or `memcached://host:port`: shared by every app server. `off`: no
region (pages still get ETags and 304s). Keys are exact (see `state.py`), so a shared
backend needs no purge; entries also expire there after twice `max_age`.
A backend that fails is logged and the page rendered: the cache is never a reason to fail.
"""
import logging
import threading

from cachetools import LRUCache
from dogpile.cache import make_region
from dogpile.cache.api import NO_VALUE
from zope.interface import Interface

log = logging.getLogger(__name__)

DEFAULT_MAX_ENTRIES = 5000
DEFAULT_MAX_AGE = 600          # seconds an entry is trusted at most


class IPageCache(Interface):
    """The application's page cache (a `PageCache`)."""


class LockedLRU(LRUCache):
    """cachetools' LRU behind a lock: waitress serves from several threads and an LRU
    reorders itself on every read."""

    def __init__(self, maxsize):
        super().__init__(maxsize)
        self._lock = threading.RLock()

    def __getitem__(self, key):
        with self._lock:
            return super().__getitem__(key)

    def __setitem__(self, key, value):
        with self._lock:
            super().__setitem__(key, value)

    def __delitem__(self, key):
        with self._lock:
            super().__delitem__(key)

    def get(self, key, default=None):
        with self._lock:
            return super().get(key, default)

    def pop(self, key, *default):
        with self._lock:
            return super().pop(key, *default)


def region_for(spec, max_entries=DEFAULT_MAX_ENTRIES, max_age=DEFAULT_MAX_AGE):
    """A configured dogpile region for a `shequ.page_cache` value; None for `off`."""
    spec = (spec or 'memory').strip()
    if spec == 'off':
        return None
    region = make_region()
    if spec == 'memory':
        return region.configure('dogpile.cache.memory',
                                arguments={'cache_dict': LockedLRU(max_entries)})
    if spec.startswith('redis://'):
        return region.configure('dogpile.cache.redis', arguments={
            'url': spec, 'redis_expiration_time': 2 * max_age, 'distributed_lock': False,
            'socket_timeout': 1.0})
    if spec.startswith('memcached://'):
        return region.configure('dogpile.cache.pymemcache', arguments={
            'url': spec[len('memcached://'):], 'memcached_expire_time': 2 * max_age})
    raise ValueError('shequ.page_cache: expected off, memory, redis://… or memcached://…, '
                     'not %r' % spec)


class PageCache:
    """Entries by key in a dogpile region (none when the cache is off)."""

    def __init__(self, region, max_age=DEFAULT_MAX_AGE):
        self.region = region
        self.max_age = max_age
        self.key_funcs = {}      # view name -> func(request, root, county) -> str | None
        self.hit_hooks = {}      # name -> func(request, data), called on every hit

    @classmethod
    def from_settings(cls, settings):
        max_age = int(settings.get('shequ.page_cache.max_age') or DEFAULT_MAX_AGE)
        max_entries = int(settings.get('shequ.page_cache.max_entries') or DEFAULT_MAX_ENTRIES)
        return cls(region_for(settings.get('shequ.page_cache'), max_entries, max_age), max_age)

    @property
    def enabled(self):
        return self.region is not None

    def get(self, key):
        if self.region is None:
            return None
        try:
            value = self.region.get(key, ignore_expiration=True)
        except Exception:
            log.warning('page cache: reading failed', exc_info=True)
            return None
        return None if value is NO_VALUE else value

    def set(self, key, entry):
        if self.region is None:
            return
        try:
            self.region.set(key, entry)
        except Exception:
            log.warning('page cache: writing failed', exc_info=True)


def get_page_cache(registry):
    return registry.getUtility(IPageCache)
