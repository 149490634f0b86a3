"""Chameleon compiles one template at a time (CPython 3.11's `ast` fails when threads
compile at once, which gave 500s to the first burst of visitors after a start)."""
import threading
import time

from chameleon.template import BaseTemplate

from shequ.theming import chameleon_fixes


def test_template_compiling_is_serialised(monkeypatch):
    inside, most, calls = [0], [0], []
    lock = threading.Lock()

    def slow_cook(template, *args, **kw):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.02)
        with lock:
            inside[0] -= 1
        calls.append(args)
        return {}

    monkeypatch.setattr(chameleon_fixes, '_cook', slow_cook)
    threads = [threading.Thread(target=BaseTemplate._cook, args=(None, 'body', 'name', ()))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 6 and most[0] == 1
