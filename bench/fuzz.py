"""Malformed requests against a real waitress server: count 5xx answers and tracebacks.

Sends N requests (default 2000) built from hostile pieces — broken UTF-8, control
characters, path tricks, Whoosh query syntax, script-looking strings, huge values,
malformed multipart bodies, odd headers — to the pages and forms of the demo site, as an
anonymous visitor and as a logged-in staff member, over raw HTTP (so bytes a client
library would refuse still reach the server). Prints the answers by status, the 5xx
count, the log records carrying a traceback, and whether the stored data changed (the
change journal's length before and after).

A figure, not an assertion: `.venv/bin/python bench/fuzz.py [--requests 2000]`.
"""
import argparse
import collections
import http.client
import logging
import os
import random
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.parse

import transaction
from waitress.server import create_server

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, 'src'))
sys.path.insert(0, os.path.join(HERE, 'bench'))

from shequ.tree import get_root  # noqa: E402
from stress_edits import PASSWORD, form_fields, prepare, settings_for  # noqa: E402

from shequ import main  # noqa: E402

PIECES = [b'%ff', b'%00', b'%c3%28', b'..%2f', b'%2e%2e/', b'\xe2\x80\xae', b'<script>alert(1)</script>',
          b"' OR 1=1 --", b'{{7*7}}', b'${x}', b'NaN', b'-1', b'9' * 40, b'a' * 3000, b'"', b'\\',
          b'%', b'&', b'=', b'\xff\xfe', b'\xc3', '低保'.encode(), b'AND OR NOT', b'*', b'?', b'~2',
          b'"unclosed', b'title:(', b'^', b'[1 TO', b'\x01', b'\x1b[31m', b'\r\n', b'%0d%0aX: y',
          b'//evil.example/', b'http://evil.example/', b'@@', b'../../etc/passwd']
PATHS = ['/', '/sunwu/', '/sunwu/services/', '/sunwu/services/dibao', '/sunwu/@@search',
         '/sunwu/@@search.json', '/sunwu/qingxi/xingfu/notices/', '/sunwu/qingxi/xingfu/notices/@@rss',
         '/sunwu/qingxi/xingfu/notices/@@atom', '/sunwu/services/dibao/@@print',
         '/sunwu/services/dibao/@@qr', '/@@login', '/sunwu/qingxi/xingfu/notices/@@add?type=notice',
         '/sunwu/qingxi/xingfu/notices/bench-0/@@edit', '/sunwu/qingxi/xingfu/notices/bench-0/@@workflow',
         '/sunwu/@@synonyms', '/sunwu/qingxi/xingfu/@@members', '/sunwu/documents/']


class Counter(logging.Handler):
    """Counts log records that carry a traceback (or are errors)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.tracebacks = []

    def emit(self, record):
        if record.exc_info or record.levelno >= logging.ERROR:
            self.tracebacks.append(record.getMessage()[:200])


def raw(port, method, target, headers=(), body=b''):
    """One request over a fresh connection, bytes as given; returns the status (0 on a drop)."""
    sock = socket.create_connection(('127.0.0.1', port), timeout=30)
    try:
        head = b'%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n' % (method, target)
        for name, value in headers:
            head += name + b': ' + value + b'\r\n'
        if body:
            head += b'Content-Length: %d\r\n' % len(body)
        sock.sendall(head + b'\r\n' + body)
        data = b''
        while b'\r\n' not in data:
            chunk = sock.recv(4096)
            if not chunk:
                return 0
            data += chunk
        match = re.match(rb'HTTP/1\.[01] (\d{3})', data)
        return int(match.group(1)) if match else 0
    finally:
        sock.close()


def staff_cookie(port):
    """Log in as the first bench staff member; returns (cookie header, csrf token)."""
    conn = http.client.HTTPConnection('127.0.0.1', port)
    conn.request('GET', '/@@login')
    res = conn.getresponse()
    html = res.read().decode()
    cookie = res.getheader('Set-Cookie').split(';')[0]
    fields = dict(form_fields(html, 'login-form'))
    fields.update(login='staff0', password=PASSWORD)
    conn.request('POST', '/@@login', urllib.parse.urlencode(fields),
                 {'Content-Type': 'application/x-www-form-urlencoded', 'Cookie': cookie})
    res = conn.getresponse()
    res.read()
    cookie = (res.getheader('Set-Cookie') or cookie).split(';')[0]
    conn.request('GET', '/sunwu/qingxi/xingfu/notices/bench-0/@@edit', headers={'Cookie': cookie})
    html = conn.getresponse().read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return cookie.encode(), (token.group(1) if token else '').encode()


def journal_end(db):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    tm.begin()
    end = get_root(conn).changes.end
    tm.abort()
    conn.close()
    return end


def main_(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--requests', type=int, default=2000)
    parser.add_argument('--seed', type=int, default=11)
    args = parser.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix='shequ-fuzz-')
    counter = Counter()
    logging.getLogger().addHandler(counter)
    logging.getLogger().setLevel(logging.INFO)
    try:
        app = main({}, **settings_for(tmp))
        db, _paths = prepare(app, 1)
        sock = socket.socket()
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
        sock.close()
        server = create_server(app, host='127.0.0.1', port=port, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        cookie, token = staff_cookie(port)
        before = journal_end(db)
        rnd = random.Random(args.seed)
        statuses = collections.Counter()
        for i in range(args.requests):
            staff = i % 2 == 0
            path = rnd.choice(PATHS).encode()
            noise = b''.join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 4)))
            headers = [(b'Cookie', cookie)] if staff else []
            kind = rnd.randint(0, 4)
            if kind == 0:        # junk in the path
                target = path + b'/' + noise.replace(b' ', b'%20').replace(b'\r\n', b'')
                status = raw(port, b'GET', target.replace(b'#', b'%23'), headers)
            elif kind == 1:      # junk in the query
                q = urllib.parse.quote_from_bytes(noise).encode()
                target = path + (b'&' if b'?' in path else b'?') + b'q=' + q + b'&page=' + q
                status = raw(port, b'GET', target, headers)
            elif kind == 2:      # a urlencoded form with junk (a forged CSRF token when anonymous)
                body = b'csrf_token=' + (token if staff else b'x') + b'&title=' + noise + \
                    b'&category=' + noise + b'&body=' + noise + b'&transition=' + noise + \
                    b'&next=' + noise + b'&login=' + noise + b'&password=' + noise + b'&save=save'
                status = raw(port, b'POST', path, headers + [
                    (b'Content-Type', b'application/x-www-form-urlencoded')], body)
            elif kind == 3:      # a broken multipart body
                body = (b'--XX\r\nContent-Disposition: form-data; name="title"\r\n\r\n' + noise +
                        b'\r\n--XX\r\nContent-Disposition: form-data; name="upload"; filename="' +
                        noise[:40].replace(b'"', b'') + b'"\r\n\r\n' + noise * 3)
                status = raw(port, b'POST', path, headers + [
                    (b'Content-Type', b'multipart/form-data; boundary=XX')], body)
            else:                # odd headers
                status = raw(port, b'GET', path, headers + [
                    (b'Accept-Language', noise[:60].replace(b'\r\n', b'')),
                    (b'Referer', b'http://x/' + noise[:60].replace(b'\r\n', b'')),
                    (b'X-Forwarded-For', noise[:30].replace(b'\r\n', b''))])
            statuses[status] += 1
        after = journal_end(db)
        time.sleep(1.5)      # answers still being written (we read only status lines) finish
        server.close()
        db.close()
        errors = sum(n for code, n in statuses.items() if code >= 500)
        print('requests: %d (half as a logged-in staff member), over raw HTTP to waitress'
              % args.requests)
        print('answers by status: %s' % dict(sorted(statuses.items())))
        print('5xx answers: %d; dropped connections: %d' % (errors, statuses.get(0, 0)))
        print('log records with a traceback or at ERROR: %d' % len(counter.tracebacks))
        for line in counter.tracebacks[:5]:
            print('  ', line)
        print('stored changes (journal entries) during the run: %d' % (after - before))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main_()
