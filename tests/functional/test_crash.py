"""SIGKILL in the middle of a stream of writes loses no acknowledged write.

An app server under waitress (`pserve`, FileStorage with blobs, indexing inline after each
commit as a one-process FileStorage deployment does) takes notices from two staff sessions
posting through the add form as fast as it answers. Every answer 302 with the new
notice's URL is an acknowledged write. After a number of them the process gets SIGKILL —
no shutdown of any kind, whatever commit or Whoosh write was in flight. Then `shequ indexer
--once` opens the crashed database (FileStorage drops a half-written transaction) and
brings the index up to date, the server starts again on the same files, and every
acknowledged notice is served, stored and found by search.
"""
import threading

import pytest

from conftest import BASE_FILE, Site
from helpers import PASSWORD, add_user, find
from servers import AppServer, Browser, shequ

pytestmark = pytest.mark.multiprocess

XINGFU = '/sunwu/qingxi/xingfu'
WORD = '停水'
KILL_AFTER = 20      # acknowledged writes before the SIGKILL
SESSIONS = 2


class Writer(threading.Thread):
    """One staff member posting notices until the server stops answering."""

    def __init__(self, app, number, acknowledged, lock, enough):
        super().__init__(daemon=True)
        self.app, self.number = app, number
        self.acknowledged, self.lock, self.enough = acknowledged, lock, enough
        self.browser = Browser(timeout=120)
        self.browser.log_in(app.url, 'staff%d' % number, PASSWORD)
        self.token = self.browser.csrf(app.url + XINGFU + '/notices/@@add?type=notice')
        self.refused = []
        self.cut_off = False           # a write was in flight when the server died

    def run(self):
        n = 0
        while True:
            n += 1
            title = '%s通知 %d-%d' % (WORD, self.number, n)
            try:
                res = self.browser.add_notice(self.app.url, XINGFU, title,
                                              body='<p>检修</p>', token=self.token)
            except OSError:            # the server is gone: this write was not acknowledged
                self.cut_off = True
                return
            if res.status != 302:
                self.refused.append(res.status)
                continue
            path = '/' + res.location.split('://', 1)[1].split('/', 1)[1].rstrip('/')
            with self.lock:
                self.acknowledged[path] = title
                if len(self.acknowledged) >= KILL_AFTER:
                    self.enough.set()


def test_sigkill_loses_no_acknowledged_write(tmp_path):
    seed = Site(tmp_path)
    seed.load(BASE_FILE)
    with seed.root() as root:
        for i in range(SESSIONS):
            add_user(root, 'staff%d' % i, 'staff', XINGFU)
    seed.close()
    uri = 'file://%s/Data.fs?blobstorage_dir=%s/blobs' % (tmp_path, tmp_path)
    app = AppServer(tmp_path / 'app', uri, **{'shequ.index_inline': 'true'}).start()
    try:
        acknowledged, lock, enough = {}, threading.Lock(), threading.Event()
        writers = [Writer(app, i, acknowledged, lock, enough) for i in range(SESSIONS)]
        for w in writers:
            w.start()
        assert enough.wait(300), 'the server acknowledged only %d writes' % len(acknowledged)
        app.process.kill()
        for w in writers:
            w.join(60)
        assert not any(w.is_alive() for w in writers)
        assert [w.refused for w in writers] == [[]] * SESSIONS
        with lock:
            acknowledged = dict(acknowledged)

        indexed = shequ('indexer', app.ini, '--once')
        assert indexed.returncode == 0, indexed.stdout[-3000:]

        app.start()
        browser = Browser()
        served = 0
        for path, title in acknowledged.items():
            page = browser.get(app.url + path + '/')
            assert page.status == 200 and title in page.text, (path, page.status)
            served += 1
        found = browser.search_all(app.url, XINGFU, WORD)
    finally:
        app.stop()
    site = Site(tmp_path)
    try:
        with site.root() as root:
            stored = {path for path in acknowledged if find(root, path) is not None}
            notices = find(root, XINGFU + '/notices')
            in_database = sum(1 for n in notices.values() if n.title.startswith(WORD))
    finally:
        site.close()
    print('acknowledged %d, served after restart %d, stored %d, found by search %d; '
          'writes cut off by the kill %d, notices in the database %d'
          % (len(acknowledged), served, len(stored), len(set(acknowledged) & found),
             sum(w.cut_off for w in writers), in_database))
    assert len(acknowledged) >= KILL_AFTER
    assert stored == set(acknowledged)
    assert set(acknowledged) <= found

