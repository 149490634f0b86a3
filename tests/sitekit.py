"""A real app over a real FileStorage in a temp dir, loaded from YAML files."""
import os
from contextlib import contextmanager

import transaction
from webtest import TestApp

from shequ import main
from shequ.cli import load_file
from shequ.pagecache import watch_script_transaction
from shequ.tree import get_root

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_FILE = os.path.join(HERE, 'config', 'demo.yaml')      # the full demo `shequ init` loads
BASE_FILE = os.path.join(HERE, 'tests', 'data', 'base-tree.yaml')  # small and stable, for tests


def make_settings(tmp, **extra):
    """App settings for a throwaway database and index under `tmp`."""
    settings = {
        'zodbconn.uri': 'file://%s/Data.fs?blobstorage_dir=%s/blobs' % (tmp, tmp),
        'retry.attempts': '5',     # as development.ini and production.ini
        'pyramid.default_locale_name': 'zh_CN',
        'shequ.themes_dir': os.path.join(HERE, 'themes'),
        'shequ.demo_file': DEMO_FILE,
        'shequ.index_dir': os.path.join(str(tmp), 'index'),
        'shequ.synonyms_file': os.path.join(HERE, 'config', 'synonyms.txt'),
        'shequ.index_inline': 'true',
        'shequ.secure_cookies': 'false',
        'shequ.session_secret': 'test-only-secret',
        # real argon2id at a test's cost: the suite logs in hundreds of times
        # (`security.users.configure_hasher`; every shipped ini keeps the default)
        'shequ.argon2.time_cost': '1',
        'shequ.argon2.memory_kib': '256',
        'shequ.argon2.parallelism': '1',
    }
    settings.update(extra)
    return settings


class Site:
    """The WSGI app, a WebTest client and direct access to its database."""

    def __init__(self, tmp, **extra):
        self.settings = make_settings(tmp, **extra)
        self.wsgi = main({}, **self.settings)
        self.registry = self.wsgi.registry
        self.db = self.registry._zodb_databases['']
        self.app = TestApp(self.wsgi)

    @contextmanager
    def root(self):
        """The stored root in a transaction of its own, committed on success.

        Like a script: a change made here without `tree.ops` (so without an event) flushes
        every cached page; changes through `tree.ops` invalidate exactly their county.
        """
        tm = transaction.TransactionManager()
        conn = self.db.open(transaction_manager=tm)
        try:
            with tm:
                watch_script_transaction(conn)
                yield get_root(conn, create=True, registry=self.registry)
        finally:
            conn.close()

    def load(self, path):
        """Merge a tenant-tree file, as `shequ load` does."""
        with self.root() as root:
            return load_file(self.registry, root, path)

    def close(self):
        self.db.close()


# the layout Site uses in its folder, for an ini file the `shequ` command shares with a Site
SITE_LAYOUT = {
    'zodbconn.uri': 'file://%(here)s/Data.fs?blobstorage_dir=%(here)s/blobs',
    'shequ.index_dir': '%(here)s/index',
}


def write_ini(folder, **extra):
    """An ini file like development.ini for the `shequ` command, everything under `folder`."""
    settings = {
        'zodbconn.uri': 'file://%(here)s/var/Data.fs?blobstorage_dir=%(here)s/var/blobs',
        'pyramid.default_locale_name': 'zh_CN',
        'shequ.themes_dir': os.path.join(HERE, 'themes'),
        'shequ.demo_file': DEMO_FILE,
        'shequ.index_dir': '%(here)s/var/index',
        'shequ.synonyms_file': os.path.join(HERE, 'config', 'synonyms.txt'),
        'shequ.session_secret': 'test-only-secret',
    }
    settings.update(extra)
    path = os.path.join(str(folder), 'test.ini')
    with open(path, 'w', encoding='utf-8') as f:
        f.write('[app:main]\nuse = egg:shequ\n')
        f.writelines('%s = %s\n' % item for item in settings.items())
    return path


@contextmanager
def waitress_thread(wsgi, threads=4):
    """`wsgi` on waitress (`threads` worker threads) on a free loopback port; yields the
    base URL. On exit the loop is stopped and its thread joined before anything is closed:
    closing the sockets under a thread still in select() raised in that thread."""
    import threading

    from waitress.server import create_server
    server = create_server(wsgi, host='127.0.0.1', port=0, threads=threads)
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            server.asyncore.loop(timeout=0.2, map=server._map, count=1,
                                 use_poll=server.adj.asyncore_use_poll)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield 'http://127.0.0.1:%d' % int(server.effective_port)
    finally:
        stop.set()
        server.pull_trigger()
        thread.join(10)
        server.task_dispatcher.shutdown()
        server.asyncore.close_all(server._map)   # the listener, its trigger, any channel
