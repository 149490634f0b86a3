"""What the page cache needs to serve search answers exactly (see ARCHITECTURE.md, "Page
cache"): the state of the indexes an answer was computed from joins its key, the next
publish or expiry time those indexes hold bounds its life, and every hit of a cached
first page still counts its top hit's use.
"""
import bisect
import logging
import os
import time

from ..security.throttle import client_address
from .subscribers import get_search

log = logging.getLogger(__name__)

USAGE_HOOK = 'search.usage'
_MOMENTS_KEPT = 64


def _next_moment(moments, key, reader, now):
    """The first publish or expiry time after `now` among the index's timed items."""
    found = moments.get(key)
    if found is None:
        if len(moments) > _MOMENTS_KEPT:
            moments.clear()
        found = moments[key] = _moments_of(reader)
    ahead = [values[i] for values in found
             for i in (bisect.bisect_right(values, now),) if i < len(values)]
    return min(ahead) if ahead else None


def _moments_of(reader):
    out = []
    for name in ('publish_at', 'expire_at'):
        try:
            field = reader.schema[name]
            out.append(sorted(field.from_bytes(t) for t in field.sortable_terms(reader, name)))
        except Exception:       # no timed item yet
            out.append([])
    return tuple(out)


class SearchCacheKey:
    """`func(request, root, county)` of `config.add_page_cache_key`: the state of every
    county index the search reads (a root search: all counties), read from the same
    thread-local searchers the search then uses, after the same inline catch-up."""

    def __init__(self):
        self.moments = {}

    def __call__(self, request, root, county):
        from ..pagecache import valid_until
        try:
            search = get_search(request.registry)
            if search.inline and search.indexer.behind(root):
                search.indexer.apply_db(root._p_jar.db())   # as the view would
            names = ([county.__name__] if county is not None
                     else [t.__name__ for t in root.tenants()])
            now = int(time.time())
            parts = []
            for name in names:
                searcher = search.searcher(name)
                if searcher is None:     # missing, empty or being swapped
                    parts.append('%s:%d:-' % (name, search.ready(name)))
                    continue
                reader = searcher.reader()
                key = search.reader_key(name, reader)
                parts.append(repr(key))
                valid_until(request, _next_moment(self.moments, key, reader, now))
            synonyms = search.synonyms_file
            if synonyms and os.path.exists(synonyms):
                parts.append(str(os.path.getmtime(synonyms)))
            return '|'.join(parts)
        except Exception:           # never cache what we could not key
            log.exception('search page cache key failed')
            return None


def count_cached_hit(request, path):
    """A cached first page was served: count its top hit as the search itself does."""
    get_search(request.registry).usage.hit_once(path, client_address(request))


def register(config):
    """Search answers and suggestions are cached with their index state; hits of a
    search still count usage."""
    key = SearchCacheKey()
    for view in ('search', 'search.json', 'suggest.json'):
        config.add_page_cache_key(view, key)
    config.add_page_cache_hook(USAGE_HOOK, count_cached_hit)
