"""Versioned static URLs: every `request.static_url` of every static view (deform's, the
kinds', the themes' `/_themes/…`) gets `?v=<content hash>`, and the tween answers such
URLs with `Cache-Control: public, max-age=31536000, immutable`. A changed file gets a new
URL, so browsers never hold a stale one and never ask twice for a current one.
"""
import hashlib
import os
import threading

from pyramid.interfaces import IStaticURLInfo
from pyramid.path import AssetResolver
from pyramid.static import QueryStringCacheBuster

from .tween import BUST_PARAM


class ContentHashBuster(QueryStringCacheBuster):
    """`?v=` the first 12 hex digits of the file's SHA-256, recomputed when it changes."""

    def __init__(self):
        super().__init__(param=BUST_PARAM)
        self._tokens = {}
        self._lock = threading.Lock()
        self._resolver = AssetResolver()

    def path_of(self, spec):
        if os.path.isabs(spec):
            return spec
        return self._resolver.resolve(spec).abspath()

    def tokenize(self, request, subpath, kw):
        path = self.path_of(kw['pathspec'])
        try:
            stat = os.stat(path)
        except OSError:
            return '0'
        mark = (stat.st_mtime_ns, stat.st_size)
        known = self._tokens.get(path)
        if known is not None and known[0] == mark:
            return known[1]
        with open(path, 'rb') as f:
            token = hashlib.sha256(f.read()).hexdigest()[:12]
        with self._lock:
            self._tokens[path] = (mark, token)
        return token


def bust_static_urls(config):
    """After every static view is registered, give each the content-hash buster."""
    buster = ContentHashBuster()

    def register():
        # `config.add_cache_buster` would add an action of order 0, too late here: this
        # runs after every static view's action, so it sets the busters as that does
        info = config.registry.queryUtility(IStaticURLInfo)
        if info is None or config.registry.settings.get('pyramid.prevent_cachebust'):
            return
        known = {spec for spec, _buster, _explicit in info.cache_busters}
        for _url, spec, _route in info.registrations:
            if spec not in known:
                info.cache_busters.append((spec, buster, False))
        info.cache_busters.sort(key=lambda b: (b[2], len(b[0])))
    config.action(('shequ.pagecache.static',), register, order=10)
