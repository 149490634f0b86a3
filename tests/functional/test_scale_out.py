"""Two app servers on one database, as production runs them: ZEO, then RelStorage.

A real ZEO server (or a PostgreSQL cluster of the test's own) holds the database; two app
servers under waitress (`pserve`) in their own processes each have their own index folder,
blob cache and `shequ indexer`, as two machines would. Staff log in once (the session is
recorded in the shared database, so the cookie works on both), publish notices through the
forms of both servers in turn, and every write is read back through the *other* server at
once; an attachment uploaded on one is downloaded from the other. Then both indexers
converge: the same search on both servers finds every new notice.
"""
import contextlib
import time

import pytest

from conftest import BASE_FILE, Site
from helpers import PASSWORD, add_user
from notices_support import PDF
from servers import AppServer, Browser, ZeoServer, start_indexer

pytestmark = pytest.mark.multiprocess

XINGFU = '/sunwu/qingxi/xingfu'
WRITES = 6
WORD = '防汛演练'
CONVERGE_S = 90      # how long the indexers may take to catch up (2 busy cores), not a figure


def seed(folder, uri):
    """The base tree and a staff account, written through the database of the cluster."""
    site = Site(folder, **{'zodbconn.uri': uri})
    try:
        site.load(BASE_FILE)
        with site.root() as root:
            add_user(root, 'wang', 'staff', XINGFU)
    finally:
        site.close()


def converged(browser, base, paths):
    found = {hit['path'] for hit in browser.search(base, XINGFU, WORD)['results']}
    return paths <= found


def exercise(tmp_path, uris):
    """Write through both app servers, read through the other, wait for both indexers."""
    with contextlib.ExitStack() as stack:
        servers = []
        for name in ('a', 'b'):
            app = AppServer(tmp_path / name, uris(tmp_path / name), name=name)
            stack.callback(app.stop)
            servers.append(app.start(wait=False))
        for app in servers:
            app.wait()
            indexer = start_indexer(app.ini, str(tmp_path / app.name / 'indexer.log'))
            stack.callback(indexer.stop)
        a, b = servers
        browser = Browser()
        browser.log_in(a.url, 'wang', PASSWORD)
        paths, read_back = set(), 0
        for i in range(WRITES):
            writer, reader = (a, b) if i % 2 == 0 else (b, a)
            title = '%s通知 第%d号 (%s)' % (WORD, i + 1, writer.name)
            upload = ('演练方案-%d.pdf' % i, PDF) if i < 2 else None
            res = browser.add_notice(writer.url, XINGFU, title, body='<p>演练安排</p>',
                                     upload=upload)
            assert res.status == 302, (res.status, [l for l in res.text.splitlines() if 'error' in l][:10])
            path = res.location.split('://', 1)[1].split('/', 1)[1].rstrip('/')
            path = '/' + path
            paths.add(path)
            page = browser.get(reader.url + path + '/')
            assert page.status == 200 and title in page.text, (reader.name, page.status)
            read_back += 1
            if upload:
                link = next(part.split('"')[0] for part in page.text.split('href="')[1:]
                            if '@@download' in part.split('"')[0])
                if link.startswith('http'):
                    link = '/' + link.split('://', 1)[1].split('/', 1)[1]
                data = browser.get(reader.url + link)
                assert data.status == 200 and data.body == upload[1], link
        # both machines' indexers follow the shared journal to every new notice
        deadline = time.monotonic() + CONVERGE_S
        while time.monotonic() < deadline:
            if all(converged(browser, app.url, paths) for app in servers):
                break
            time.sleep(0.3)
        found = [len(paths & {hit['path'] for hit in browser.search(app.url, XINGFU, WORD)
                                      ['results']}) for app in servers]
        print('writes acknowledged %d, read back through the other server %d, '
              'found by search on a %d, on b %d' % (len(paths), read_back, *found))
        assert found == [WRITES, WRITES]


def test_two_app_servers_on_zeo(tmp_path):
    zeo = ZeoServer(tmp_path)
    try:
        seed(tmp_path / 'seed', zeo.uri(tmp_path / 'seed-blobs'))
        # the app servers use zconfig:// for server-sync (see production.ini)
        exercise(tmp_path, zeo.zconfig_uri)
    finally:
        zeo.stop()


def test_two_app_servers_on_relstorage_postgresql(postgres, tmp_path):
    name = postgres.create_database('shequ', 'shequ-test-pw')

    def uri(folder):
        return postgres.uri(name, name, 'shequ-test-pw', '%s/blobcache' % folder)
    seed(tmp_path / 'seed', uri(tmp_path / 'seed'))
    exercise(tmp_path, uri)
