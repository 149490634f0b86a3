"""Chameleon compiles a template the first time it is rendered. On CPython 3.11 two
threads compiling at once can fail inside the `ast` module ("SystemError: AST constructor
recursion depth mismatch"): the first burst of visitors after a start, or after a template
changed, got a 500. Compiling is done once per template, so it is serialised here."""
import threading

from chameleon.template import BaseTemplate

_LOCK = threading.RLock()
_cook = BaseTemplate._cook


def _serialised_cook(self, *args, **kw):
    with _LOCK:
        return _cook(self, *args, **kw)


if not getattr(BaseTemplate._cook, 'shequ_serialised', False):
    _serialised_cook.shequ_serialised = True
    BaseTemplate._cook = _serialised_cook
