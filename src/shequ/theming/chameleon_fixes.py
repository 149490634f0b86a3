"""Two fixes to how Chameleon compiles templates.

1. Chameleon compiles a template the first time it is rendered. On CPython 3.11 two
   threads compiling at once can fail inside the `ast` module ("SystemError: AST
   constructor recursion depth mismatch"): the first burst of visitors after a start, or
   after a template changed, got a 500. Compiling is done once per template, so it is
   serialised here.
2. Without `CHAMELEON_CACHE` Chameleon's memory loader keeps nothing: every application
   made in one process (each test's site, each `shequ` command's app) compiled every
   template again, ~0.1-0.3 s each. The compiled module is kept per process by the name
   Chameleon gives it, a digest of the template's source, class and file name, with the
   builtins it was compiled for; a changed template gets a new digest.
"""
import threading

from chameleon.loader import MemoryLoader
from chameleon.template import BaseTemplate

_LOCK = threading.RLock()
_cook = BaseTemplate._cook
_COOKED = {}


def _serialised_cook(self, body, name, builtins, *args, **kw):
    key = None
    if isinstance(getattr(self, 'loader', None), MemoryLoader) and not args and not kw \
            and not getattr(self, 'keep_source', False):
        key = (name, tuple(sorted(builtins)))
        found = _COOKED.get(key)
        if found is not None:
            return found
    with _LOCK:
        if key is not None and key in _COOKED:
            return _COOKED[key]
        cooked = _cook(self, body, name, builtins, *args, **kw)
        if key is not None:
            _COOKED[key] = cooked
        return cooked


if not getattr(BaseTemplate._cook, 'shequ_serialised', False):
    _serialised_cook.shequ_serialised = True
    BaseTemplate._cook = _serialised_cook
