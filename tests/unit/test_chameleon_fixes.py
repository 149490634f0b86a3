"""Chameleon compiles one template at a time (CPython 3.11's `ast` fails when threads
compile at once, which gave 500s to the first burst of visitors after a start)."""
import threading
import time

from chameleon.loader import MemoryLoader
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


def test_a_template_is_compiled_once_per_process_and_again_when_it_changes(monkeypatch):
    from chameleon.zpt.template import PageTemplate
    compiled = []
    compile_ = BaseTemplate._compile

    def counting(self, body, builtins):
        compiled.append(body)
        return compile_(self, body, builtins)

    monkeypatch.setattr(BaseTemplate, '_compile', counting)
    monkeypatch.setattr(chameleon_fixes, '_COOKED', {})
    # as in production: no CHAMELEON_CACHE (the test run sets one for its subprocesses)
    monkeypatch.setattr(BaseTemplate, 'loader', MemoryLoader())
    body = '<p tal:content="name">x</p><!-- %s -->' % time.time()
    # two applications (two registries) each make their own template object
    assert PageTemplate(body)(name='甲') == '<p>甲</p>' + body[body.index('<!--'):]
    assert PageTemplate(body)(name='乙').startswith('<p>乙</p>')
    assert len(compiled) == 1
    assert PageTemplate(body.replace('<p', '<div').replace('</p>', '</div>'))(
        name='丙').startswith('<div>丙</div>')
    assert len(compiled) == 2
