"""Real servers in subprocesses for the multi-process tests: ZEO, PostgreSQL, app servers.

Each server listens on a free loopback port and keeps its files in a folder of the test;
`stop()` ends only the process it started, by its pid. `Browser` is a plain HTTP client
with a cookie jar (urllib), posting the forms as a browser does.
"""
import glob
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from sitekit import HERE

BIN = os.path.dirname(sys.executable)
SECRET = 'test-only-secret'     # one session secret for every app server of a cluster
STARTUP_S = 90                  # the longest any server may take to start (2 busy cores)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def tail(path, lines=30):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return ''.join(f.readlines()[-lines:])
    except OSError:
        return ''


class Process:
    """One subprocess with its output in a log file."""

    def __init__(self, name, args, log, env=None):
        self.name, self.log = name, log
        out = open(log, 'ab')
        try:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env, cwd=HERE)
        finally:
            out.close()

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def wait_until(self, ready, what, timeout=STARTUP_S):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError('%s exited (%s) before %s:\n%s' % (
                    self.name, self.proc.returncode, what, tail(self.log)))
            if ready():
                return
            time.sleep(0.1)
        self.kill()                    # never leave a server behind a failed test
        raise RuntimeError('%s: no %s within %d s:\n%s' % (self.name, what, timeout,
                                                           tail(self.log)))

    def kill(self):
        """SIGKILL, as a crash would: no clean-up of any kind."""
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self, timeout=15):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


def accepts(port):
    def ready():
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1):
                return True
        except OSError:
            return False
    return ready


# --- ZEO ------------------------------------------------------------------------------------

class ZeoServer:
    """`runzeo` serving a FileStorage with blobs from `folder` (zeo.conf written there)."""

    def __init__(self, folder):
        self.folder = str(folder)
        self.port = free_port()
        self.conf = os.path.join(self.folder, 'zeo.conf')
        with open(self.conf, 'w') as f:
            f.write('<zeo>\n  address 127.0.0.1:%d\n</zeo>\n'
                    '<filestorage 1>\n  path %s/Data.fs\n  blob-dir %s/blobs\n</filestorage>\n'
                    % (self.port, self.folder, self.folder))
        self.process = Process('runzeo', [os.path.join(BIN, 'runzeo'), '-C', self.conf],
                               os.path.join(self.folder, 'zeo.log'))
        self.process.wait_until(accepts(self.port), 'listening on %d' % self.port)

    def uri(self, blob_cache):
        """The `zeo://` form of zodbconn.uri: a blob cache of the client's own."""
        return 'zeo://127.0.0.1:%d?blob_dir=%s&shared_blob_dir=false' % (self.port, blob_cache)

    def zconfig_uri(self, folder):
        """The `zconfig://` form, for `server-sync` (read-your-writes across app servers)."""
        os.makedirs(str(folder), exist_ok=True)
        path = os.path.join(str(folder), 'zodb.conf')
        with open(path, 'w') as f:
            f.write('%%import ZEO\n<zodb>\n  cache-size 20000\n  <clientstorage>\n'
                    '    server 127.0.0.1:%d\n    blob-dir %s/blobcache\n'
                    '    shared-blob-dir false\n    server-sync true\n'
                    '  </clientstorage>\n</zodb>\n' % (self.port, folder))
        return 'zconfig://' + path

    def stop(self):
        self.process.stop()


# --- PostgreSQL -----------------------------------------------------------------------------

def postgres_required():
    """`make test` and CI fail the RelStorage tests when PostgreSQL cannot run."""
    ci = os.environ.get('CI', '').strip().lower()
    return (os.environ.get('SHEQU_REQUIRE_POSTGRES') == '1'
            or ci not in ('', '0', 'false', 'no'))


def postgres_unavailable(message):
    if postgres_required():
        pytest.fail(message + ' (SHEQU_REQUIRE_POSTGRES=1: `make server-deps` installs it)',
                    pytrace=False)
    pytest.skip(message)


def postgres_bin():
    """The newest Debian PostgreSQL's bin folder, or None."""
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/initdb'),
                   key=lambda p: int(re.search(r'/(\d+)/bin', p).group(1)))
    return os.path.dirname(found[-1]) if found else None


class PostgresCluster:
    """A PostgreSQL cluster of its own in a temp folder, on a free loopback port.

    Run as the `postgres` user (with runuser) when the tests run as root, as CI does;
    the folder lives outside pytest's root-only temp folder so that user may write it.
    """

    def __init__(self):
        self.bin = postgres_bin()
        if self.bin is None:
            postgres_unavailable('Debian postgresql is not installed')
        self.folder = tempfile.mkdtemp(prefix='shequ-pg-')
        self.data = os.path.join(self.folder, 'data')
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.folder, 'postgres', 'postgres')
        try:
            self._run('initdb', '-D', self.data, '-A', 'trust', '-U', 'postgres',
                      '-E', 'UTF8', '--locale=C', '--no-sync')
            self._run('pg_ctl', '-D', self.data, '-w', '-t', '60',
                      '-l', os.path.join(self.folder, 'server.log'),
                      '-o', '-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off'
                      % (self.port, self.folder), 'start')
        except (subprocess.CalledProcessError, OSError) as exc:
            log = tail(os.path.join(self.folder, 'server.log'))
            self.stop()
            postgres_unavailable('PostgreSQL could not start: %s\n%s\n%s' % (
                exc, getattr(exc, 'output', '') or '', log))

    def _run(self, tool, *args):
        command = [os.path.join(self.bin, tool)] + list(args)
        if self.as_postgres:
            command = ['runuser', '-u', 'postgres', '--'] + command
        return subprocess.run(command, check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              cwd=self.folder, timeout=120, text=True)

    def create_database(self, user, password):
        """A new database owned by a new login role of its own; returns its name."""
        import psycopg2
        name = user = '%s_%s' % (user, uuid.uuid4().hex[:8])
        conn = psycopg2.connect(host='127.0.0.1', port=self.port, user='postgres',
                                dbname='postgres')
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("CREATE ROLE %s LOGIN PASSWORD '%s'" % (user, password))
            cur.execute('CREATE DATABASE %s OWNER %s' % (name, user))
        conn.close()
        return name

    def uri(self, name, user, password, blob_cache):
        """RelStorage's `postgres://` form: history-free, blobs in the database."""
        return ('postgres://%s:%s@127.0.0.1:%d/%s?keep_history=false&blob_dir=%s'
                '&shared_blob_dir=false' % (user, password, self.port, name, blob_cache))

    def stop(self):
        if os.path.exists(os.path.join(self.data, 'postmaster.pid')):
            try:
                self._run('pg_ctl', '-D', self.data, '-w', '-m', 'fast', 'stop')
            except (subprocess.CalledProcessError, OSError):
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


# --- app servers ----------------------------------------------------------------------------

def write_server_ini(folder, port, uri, **extra):
    """An ini like production.ini: this machine's index and uploads under `folder`."""
    folder = str(folder)
    settings = {
        'zodbconn.uri': uri,
        'retry.attempts': '5',
        'pyramid.default_locale_name': 'zh_CN',
        'shequ.themes_dir': os.path.join(HERE, 'themes'),
        'shequ.index_dir': os.path.join(folder, 'index'),
        'shequ.upload_tmp_dir': os.path.join(folder, 'uploads'),
        'shequ.synonyms_file': os.path.join(HERE, 'config', 'synonyms.txt'),
        'shequ.index_inline': 'false',
        'shequ.secure_cookies': 'false',
        'shequ.session_secret': SECRET,
    }
    settings.update(extra)
    path = os.path.join(folder, 'server.ini')
    with open(path, 'w', encoding='utf-8') as f:
        f.write('[app:main]\nuse = egg:shequ\n')
        f.writelines('%s = %s\n' % item for item in settings.items())
        f.write('\n[server:main]\nuse = egg:waitress#main\nlisten = 127.0.0.1:%d\nthreads = 4\n'
                % port)
    return path


class AppServer:
    """`pserve server.ini` (waitress) over the database `uri`, its files under `folder`."""

    def __init__(self, folder, uri, name='app', **extra):
        self.folder = str(folder)
        os.makedirs(self.folder, exist_ok=True)
        self.name, self.uri, self.extra = name, uri, extra
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.ini = write_server_ini(self.folder, self.port, uri, **extra)
        self.process = None

    def start(self, wait=True):
        self.process = Process(self.name, [os.path.join(BIN, 'pserve'), self.ini],
                               os.path.join(self.folder, self.name + '.log'))
        if wait:
            self.wait()
        return self

    def wait(self):
        self.process.wait_until(accepts(self.port), 'listening on %d' % self.port)

    def stop(self):
        if self.process:
            self.process.stop()


def shequ(*args, timeout=300):
    """Run the `shequ` command; returns the CompletedProcess (output in .stdout)."""
    return subprocess.run([os.path.join(BIN, 'shequ')] + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          stdin=subprocess.DEVNULL, cwd=HERE, timeout=timeout)


def start_indexer(ini, log, interval='0.2'):
    """`shequ indexer CONFIG_URI`, the production indexing process of one machine."""
    return Process('indexer', [os.path.join(BIN, 'shequ'), 'indexer', ini,
                               '--interval', interval], log)


# --- a browser over plain HTTP ----------------------------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kw):
        return None


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode('utf-8', 'replace')

    @property
    def location(self):
        return self.headers.get('Location')

    def json(self):
        return json.loads(self.body)


def multipart(fields):
    """multipart/form-data of (name, value) pairs, in order; a value (filename, bytes) is a file."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        if isinstance(value, tuple):
            filename, data = value
            head = ('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                    'Content-Type: application/octet-stream\r\n\r\n'
                    % (boundary, name, urllib.parse.quote(filename)))
            parts.append(head.encode('utf-8') + data + b'\r\n')
        else:
            parts.append(('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                          % (boundary, name, value)).encode('utf-8'))
    parts.append(('--%s--\r\n' % boundary).encode())
    return b''.join(parts), 'multipart/form-data; boundary=' + boundary


class Browser:
    """Cookies and forms over HTTP. Cookies ignore ports, so one Browser logged in on one
    app server of a cluster is logged in on every one (they share the session secret)."""

    def __init__(self, timeout=60):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.timeout = timeout

    def request(self, url, data=None, content_type=None):
        req = urllib.request.Request(url, data=data)
        if content_type:
            req.add_header('Content-Type', content_type)
        try:
            with self.opener.open(req, timeout=self.timeout) as res:
                return Answer(res.status, res.headers, res.read())
        except urllib.error.HTTPError as err:
            return Answer(err.code, err.headers, err.read())

    def get(self, url):
        return self.request(url)

    def post(self, url, fields):
        body, content_type = multipart(fields)
        return self.request(url, body, content_type)

    def csrf(self, url):
        page = self.get(url)
        assert page.status == 200, (url, page.status, page.text[:300])
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        assert match, page.text[:500]
        return match.group(1)

    def log_in(self, base, login, password):
        token = self.csrf(base + '/@@login')
        res = self.post(base + '/@@login', [('csrf_token', token), ('login', login),
                                            ('password', password), ('came_from', '/'),
                                            ('submit', 'submit')])
        assert res.status == 302, (res.status, res.text[:500])

    def add_notice(self, base, tenant_path, title, body='', upload=None, token=None):
        """Publish a notice through the add form; returns the answer (302 and its URL)."""
        url = base + tenant_path + '/notices/@@add?type=notice'
        token = token or self.csrf(url)
        fields = [('_charset_', 'UTF-8'), ('__formid__', 'deform'), ('title', title),
                  ('category', '通知公告'), ('body', body), ('__start__', 'table:sequence'),
                  ('__end__', 'table:sequence'), ('__start__', 'new_attachments:sequence')]
        if upload:
            fields += [('__start__', 'upload:mapping'), ('upload', upload),
                       ('__end__', 'upload:mapping')]
        fields += [('__end__', 'new_attachments:sequence'), ('publish_at', ''),
                   ('expire_at', ''), ('csrf_token', token), ('publish', 'publish')]
        return self.post(url, fields)

    def search(self, base, tenant_path, q, limit=50, offset=0):
        res = self.get(base + tenant_path + '/@@search.json?' + urllib.parse.urlencode(
            {'q': q, 'limit': limit, 'offset': offset}))
        assert res.status == 200, (res.status, res.text[:300])
        return res.json()

    def search_all(self, base, tenant_path, q):
        """The paths of every hit, page by page."""
        found, offset = set(), 0
        while True:
            page = self.search(base, tenant_path, q, offset=offset)
            found.update(hit['path'] for hit in page['results'])
            offset += len(page['results'])
            if not page['results'] or offset >= page['total']:
                return found
