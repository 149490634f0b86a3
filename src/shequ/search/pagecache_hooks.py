"""What the page cache needs to serve search answers exactly (see ARCHITECTURE.md, "Page
cache"): the state of the indexes an answer was computed from joins its key, the next
publish or expiry time those indexes hold bounds its life, and every hit of a cached
first page still counts its top hit's use.
"""
import logging
import time

from ..security.throttle import client_address
from .subscribers import get_search
from .synonyms import file_mark

log = logging.getLogger(__name__)

USAGE_HOOK = 'search.usage'


class SearchCacheKey:
    """`func(request, root, county)` of `config.add_page_cache_key`: the state of every
    county index the search reads (a root search: all counties), read from the same
    thread-local searchers the search then uses, after the same inline catch-up."""

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
                valid_until(request, search.next_moment(key, reader, now))
            mark = file_mark(search.synonyms_file)
            if mark is not None:
                parts.append(str(mark))
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
