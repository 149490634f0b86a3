"""CPU milliseconds per public page, one thread, no server: for before/after comparisons.

Builds the demo tree (config/demo.yaml) in a temp dir through tests/sitekit.py and requests
each page N times through WebTest, timing the process's CPU time (less disturbed by other
load on the machine than wall time). To compare with another checkout's code, run it with
that checkout first on the path (CACHE=memory times the page cache's hits instead):

    PYTHONPATH=/path/to/other/src:/path/to/other/tests .venv/bin/python bench/page_cpu.py
"""
import os
import sys
import tempfile
import time
from urllib.parse import quote

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.append(os.path.join(HERE, 'tests'))

PAGES = [
    ('root', '/'), ('county', '/sunwu/'), ('community', '/sunwu/qingxi/xingfu/'),
    ('catalogue', '/sunwu/qingxi/xingfu/services/'),
    ('guide', '/sunwu/qingxi/xingfu/services/dibao'),
    ('county-notices', '/sunwu/notices/'),
    ('notice', '/sunwu/qingxi/xingfu/notices/caiwu-2026q3'),
    ('document', '/sunwu/qingxi/xingfu/documents/huiyi-zhidu'),
    ('documents', '/sunwu/qingxi/xingfu/documents/'),
    ('duties', '/sunwu/qingxi/xingfu/duties/'),
    ('volunteers', '/sunwu/qingxi/xingfu/volunteers/'),
    ('search', '/sunwu/qingxi/xingfu/@@search?q=低保'),
]


def main(n=int(os.environ.get('N', '40'))):
    import shequ
    from sitekit import DEMO_FILE, Site
    print('code: %s' % os.path.dirname(shequ.__file__))
    with tempfile.TemporaryDirectory() as tmp:
        # CACHE=memory measures the page cache's hits; the default measures the pages
        site = Site(tmp, **{'shequ.page_cache': os.environ.get('CACHE', 'off')})
        site.load(DEMO_FILE)
        for name, path in PAGES:
            url = quote(path, safe='/?=@')
            for _ in range(5):
                site.app.get(url, status=200)
            started = time.process_time()
            for _ in range(n):
                site.app.get(url)
            print('%-15s %7.2f ms CPU' % (name, (time.process_time() - started) / n * 1000),
                  flush=True)
        site.close()


if __name__ == '__main__':
    main()
