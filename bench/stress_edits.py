"""Concurrent staff edits through the real forms on a real waitress server.

N staff sessions (default 8) of one community each edit their *own* notice through the
`@@edit` form, as fast as the server answers, for a fixed time (default 20 s), against a
waitress server with 4 threads over a FileStorage with the full demo tree. Prints the edits
saved, edits per second, the answers that were not a redirect (HTTP 500 above all), the
ConflictErrors that `pyramid_retry` had to retry (by class of the conflicting object),
and whether every session's last edit is what the database holds.

A figure, not an assertion: run `.venv/bin/python bench/stress_edits.py [--seconds 20]`.
"""
import argparse
import collections
import http.cookiejar
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import transaction
from bs4 import BeautifulSoup
from pyramid_retry import IBeforeRetry
from waitress.server import create_server

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, 'src'))

from shequ import main  # noqa: E402
from shequ.cli import load_file  # noqa: E402
from shequ.content import get_content_registry  # noqa: E402
from shequ.security import User, get_users, grant  # noqa: E402
from shequ.tree import get_root  # noqa: E402
from shequ.tree.ops import add  # noqa: E402

COMMUNITY = ('sunwu', 'qingxi', 'xingfu')
PASSWORD = 'bench-password-123'


def settings_for(tmp):
    return {
        'zodbconn.uri': 'file://%s/Data.fs?blobstorage_dir=%s/blobs' % (tmp, tmp),
        'retry.attempts': '3',
        'pyramid.default_locale_name': 'zh_CN',
        'shequ.themes_dir': os.path.join(HERE, 'themes'),
        'shequ.index_dir': os.path.join(tmp, 'index'),
        'shequ.synonyms_file': os.path.join(HERE, 'config', 'synonyms.txt'),
        'shequ.index_inline': 'true',
        'shequ.session_secret': 'bench-only-secret',
    }


def prepare(app, sessions):
    """Load the demo tree, one staff account per session and one notice each to edit."""
    db = app.registry._zodb_databases['']
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    with tm:
        root = get_root(conn, create=True, registry=app.registry)
        load_file(app.registry, root, os.path.join(HERE, 'config', 'demo.yaml'))
    paths = []
    with tm:
        root = get_root(conn)
        tenant = root
        for name in COMMUNITY:
            tenant = tenant[name]
        users = get_users(root, create=True)
        content = get_content_registry(app.registry)
        for i in range(sessions):
            login = 'staff%d' % i
            users.add(User(login, '工作人员%d' % i, PASSWORD))
            grant(tenant, login, 'staff')
            item = content.create('notice', title='压力测试通知 %d' % i, category='通知公告',
                                  body='<p>测试</p>')
            item.state = 'published'
            add(tenant['notices'], 'bench-%d' % i, item, app.registry)
            paths.append('/' + '/'.join(COMMUNITY) + '/notices/bench-%d' % i)
    conn.close()
    return db, paths


def form_fields(html, form_id):
    """The fields a browser would submit from the form `form_id`, in order."""
    form = BeautifulSoup(html, 'html.parser').find('form', id=form_id)
    fields = []
    for el in form.find_all(['input', 'textarea', 'select']):
        name = el.get('name')
        if not name:
            continue
        if el.name == 'textarea':
            fields.append((name, el.text))
        elif el.name == 'select':
            opt = el.find('option', selected=True) or el.find('option')
            fields.append((name, opt.get('value', opt.text) if opt else ''))
        elif el.get('type') in ('checkbox', 'radio'):
            if el.has_attr('checked'):
                fields.append((name, el.get('value', 'on')))
        elif el.get('type') in ('submit', 'button', 'file'):
            continue
        else:
            fields.append((name, el.get('value', '')))
    return fields


class Session:
    """One staff member's browser: cookies, login, and a loop of edits."""

    def __init__(self, base, login, path):
        self.base, self.login, self.path = base, login, path
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
        self.statuses = collections.Counter()
        self.saved = 0
        self.last_title = None

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + url, body, timeout=60) as res:
                return res.status, res.read().decode('utf-8')
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode('utf-8', 'replace')

    def sign_in(self):
        status, html = self.request('/@@login')
        fields = dict(form_fields(html, 'login-form'))
        fields.update(login=self.login, password=PASSWORD)
        status, _html = self.request('/@@login', fields)
        assert status == 302, status

    def run(self, until):
        n = 0
        while time.monotonic() < until:
            status, html = self.request(self.path + '/@@edit')
            if status != 200:
                self.statuses[status] += 1
                continue
            n += 1
            title = '%s 第 %d 次修改' % (self.login, n)
            fields = [(k, title if k == 'title' else v) for k, v in form_fields(html, 'deform')]
            fields.append(('save', 'save'))
            status, _html = self.request(self.path + '/@@edit', fields)
            self.statuses[status] += 1
            if status == 302:
                self.saved += 1
                self.last_title = title


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kw):
        return None


def main_(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sessions', type=int, default=8)
    parser.add_argument('--seconds', type=float, default=20.0)
    parser.add_argument('--threads', type=int, default=4)
    args = parser.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix='shequ-stress-')
    try:
        app = main({}, **settings_for(tmp))
        retries = collections.Counter()

        def count_retry(event):
            exc = event.exception
            retries[type(exc).__name__ + (': ' + exc.get_class_name() if hasattr(
                exc, 'get_class_name') and exc.get_class_name() else '')] += 1
        app.registry.registerHandler(count_retry, (IBeforeRetry,))
        db, paths = prepare(app, args.sessions)
        sock = socket.socket()
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
        sock.close()
        server = create_server(app, host='127.0.0.1', port=port, threads=args.threads)
        threading.Thread(target=server.run, daemon=True).start()
        base = 'http://127.0.0.1:%d' % port
        sessions = [Session(base, 'staff%d' % i, paths[i]) for i in range(args.sessions)]
        for s in sessions:
            s.sign_in()
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=s.run, args=(until,)) for s in sessions]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        server.close()
        time.sleep(1.5)      # the inline indexer's retry timer (1 s) finishes before the close
        statuses = sum((s.statuses for s in sessions), collections.Counter())
        saved = sum(s.saved for s in sessions)
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        tm.begin()
        root = get_root(conn)
        stored = 0
        for s in sessions:
            node = root
            for name in s.path.strip('/').split('/'):
                node = node[name]
            stored += node.title == s.last_title
        tm.abort()
        conn.close()
        db.close()
        print('staff sessions: %d, each editing its own notice of one community, %.0f s, '
              'waitress %d threads' % (args.sessions, elapsed, args.threads))
        print('edits saved: %d (%.1f per second)' % (saved, saved / elapsed))
        print('answers to the edit POSTs and form GETs: %s' % dict(sorted(statuses.items())))
        print('server errors (5xx): %d' % sum(n for code, n in statuses.items() if code >= 500))
        print('conflicts retried by pyramid_retry: %d %s' % (sum(retries.values()),
                                                             dict(retries) if retries else ''))
        print('last edit of each session stored: %d of %d' % (stored, len(sessions)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main_()
