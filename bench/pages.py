"""Page benchmark: every public page under waitress, against a bare traversal page.

For each tree (the demo, built in a temp dir; the province tree of `shequ province`, if
built) and each page-cache mode (`shequ.page_cache = off | memory`), it starts the app with
pserve under waitress (threads=4) on a loopback port, and a bare Pyramid + ZODB traversal
app (`bench/bare_app.py`) over the same database with the same waitress settings. Each
page is driven with `wrk` (8 connections; a Python load generator when wrk is missing),
alternating page and bare traversal of the same path in the same run (ROUNDS × SECONDS
each), and the table gives req/s, p50 and p99 (medians over the rounds) and the ratio of
req/s to the bare page. Then start-up time (process start → first 200 on `/`) and resident
memory (VmRSS after the page runs) of demo vs province.

The machine's other load shows in the figures: compare pages within one run.

Run: `make bench` (demo), `make bench-province` (builds the province tree first if
missing), or .venv/bin/python bench/pages.py [--trees demo,province] [--cache off,memory]
[--rounds 5] [--seconds 3] [--connections 8] [--pages county,catalogue …]
[--loader wrk|python]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import quote, urlsplit

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(HERE, '.venv', 'bin')
PROVINCE_DIR = os.path.join(HERE, 'var', 'province')

DEMO_PAGES = [
    ('root', '/'),
    ('county', '/sunwu/'),
    ('community', '/sunwu/qingxi/xingfu/'),
    ('catalogue', '/sunwu/qingxi/xingfu/services/'),
    ('guide', '/sunwu/qingxi/xingfu/services/dibao'),
    ('search', '/sunwu/qingxi/xingfu/@@search?q=低保'),
    ('county-notices', '/sunwu/notices/'),
    ('notice', '/sunwu/qingxi/xingfu/notices/caiwu-2026q3'),
    ('document', '/sunwu/qingxi/xingfu/documents/huiyi-zhidu'),
    ('search-json', '/sunwu/qingxi/xingfu/@@search.json?q=低保'),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def write_ini(folder, name, app_use, port, settings):
    """An ini with the app's settings and waitress on 127.0.0.1:port, 4 threads."""
    path = os.path.join(folder, name)
    with open(path, 'w', encoding='utf-8') as f:
        f.write('[app:main]\nuse = %s\n' % app_use)
        f.writelines('%s = %s\n' % item for item in settings.items())
        f.write('\n[server:main]\nuse = egg:waitress#main\nlisten = 127.0.0.1:%d\n'
                'threads = 4\n' % port)
    return path


def app_settings(folder, data_dir, cache):
    """The shequ settings of a bench server over the database in `data_dir`."""
    return {
        'zodbconn.uri': 'file://%s/Data.fs?blobstorage_dir=%s/blobs&connection_cache_size=20000'
                        % (data_dir, data_dir),
        'pyramid.default_locale_name': 'zh_CN',
        'shequ.themes_dir': os.path.join(HERE, 'themes'),
        'shequ.demo_file': os.path.join(HERE, 'config', 'demo.yaml'),
        'shequ.index_dir': os.path.join(data_dir, 'index'),
        'shequ.upload_tmp_dir': os.path.join(folder, 'uploads'),
        'shequ.login_throttle_file': os.path.join(folder, 'throttle.sqlite'),
        'shequ.synonyms_file': os.path.join(HERE, 'config', 'synonyms.txt'),
        'shequ.index_inline': 'false',
        'shequ.session_secret': 'bench-only-secret',
        # helper A's page cache reads this; before it exists the setting is simply unused
        'shequ.page_cache': cache,
    }


def bare_settings(data_dir):
    return {'zodbconn.uri': 'file://%s/Data.fs?blobstorage_dir=%s/blobs&read_only=1'
                            '&connection_cache_size=20000' % (data_dir, data_dir)}


class Server:
    """A pserve process; `start()` returns seconds from process start to the first 200."""

    def __init__(self, ini, port, env=None, probe='/'):
        self.ini, self.port, self.env, self.probe = ini, port, env, probe
        self.proc = None

    def start(self, timeout=600):
        started = time.perf_counter()
        self.log = open(self.ini + '.log', 'w')
        self.proc = subprocess.Popen([os.path.join(BIN, 'pserve'), self.ini],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError('server exited (%s); see %s.log' % (self.proc.returncode,
                                                                       self.ini))
            try:
                if get_status(self.port, self.probe) == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError('server did not answer within %d s' % timeout)

    def rss_mb(self):
        with open('/proc/%d/status' % self.proc.pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) / 1024.0
        return float('nan')

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def get_status(port, path):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    try:
        conn.request('GET', path)
        res = conn.getresponse()
        res.read()
        return res.status
    finally:
        conn.close()


# --- load generators: wrk when present, else threads with keep-alive http.client ---

_WRK_UNITS = {'us': 1e-3, 'ms': 1.0, 's': 1e3, 'm': 6e4}


def _ms(text):
    number, unit = re.match(r'([\d.]+)(us|ms|s|m)$', text).groups()
    return float(number) * _WRK_UNITS[unit]


def run_wrk(port, path, seconds, connections):
    """(req/s, p50 ms, p99 ms, non-2xx count) of one wrk run."""
    out = subprocess.run(['wrk', '-t2', '-c%d' % connections, '-d%ds' % seconds, '--latency',
                          '--timeout', '10s', 'http://127.0.0.1:%d%s' % (port, path)],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))
    p50 = _ms(re.search(r'^\s+50%\s+(\S+)', out, re.M).group(1))
    p99 = _ms(re.search(r'^\s+99%\s+(\S+)', out, re.M).group(1))
    bad = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', out)
    return rps, p50, p99, int(bad.group(1)) if bad else 0


def run_python(port, path, seconds, connections):
    """The same figures from `connections` threads, each with one keep-alive connection."""
    latencies, bad = [], [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
        mine = []
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            try:
                conn.request('GET', path)
                res = conn.getresponse()
                res.read()
                status = res.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
                status = 0
            mine.append((time.perf_counter() - t) * 1000)
            if status >= 400 or status == 0:
                with lock:
                    bad[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        return 0.0, float('nan'), float('nan'), bad[0]
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    return len(latencies) / elapsed, pick(0.50), pick(0.99), bad[0]


LOADER = {'name': 'wrk' if shutil.which('wrk') else 'python'}


def load(port, path, seconds, connections):
    runner = run_wrk if LOADER['name'] == 'wrk' else run_python
    return runner(port, path, seconds, connections)


# --- the trees ---

def build_demo(folder):
    """The demo tree (config/demo.yaml) with its search index, by `shequ init`."""
    data = os.path.join(folder, 'demo')
    os.makedirs(data)
    ini = write_ini(folder, 'demo-init.ini', 'egg:shequ', free_port(),
                    app_settings(folder, data, 'off'))
    subprocess.run([os.path.join(BIN, 'shequ'), 'init', ini], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return data, DEMO_PAGES


def province_tree():
    """The province tree built by `shequ province` (its folder and sample pages), or None."""
    marker = os.path.join(PROVINCE_DIR, 'province.json')
    if not os.path.exists(marker):
        return None
    with open(marker, encoding='utf-8') as f:
        info = json.load(f)
    return PROVINCE_DIR, [tuple(p) for p in info['pages']]


def encoded(path):
    parts = urlsplit(path)
    return quote(parts.path) + ('?' + quote(parts.query, safe='=&') if parts.query else '')


def bench_tree(label, data, pages, folder, args, results, startup):
    """Run every page of one tree, in each cache mode, alternating with the bare app."""
    bare_port = free_port()
    bare_ini = write_ini(folder, '%s-bare.ini' % label, 'call:bare_app:main', bare_port,
                         bare_settings(data))
    env = dict(os.environ, PYTHONPATH=os.path.join(HERE, 'bench'))
    for cache in args.cache:
        port = free_port()
        ini = write_ini(folder, '%s-%s.ini' % (label, cache), 'egg:shequ', port,
                        app_settings(folder, data, cache))
        app = Server(ini, port)
        bare = Server(bare_ini, bare_port, env=env)
        try:
            seconds = app.start()
            bare.start()
            for name, path in pages:
                if args.pages and name not in args.pages:
                    continue
                url = encoded(path)
                status = get_status(port, url)
                if status != 200:
                    print('  %s %s: status %d, skipped' % (label, path, status), flush=True)
                    continue
                load(port, url, 1, args.connections)       # warm both up
                load(bare_port, url, 1, args.connections)
                runs, bare_runs = [], []
                for _round in range(args.rounds):
                    runs.append(load(port, url, args.seconds, args.connections))
                    bare_runs.append(load(bare_port, url, args.seconds, args.connections))
                row = summarise(runs, bare_runs)
                results.append((label, cache, name) + row)
                print_row(label, cache, name, row)
            startup.setdefault(label, []).append((cache, seconds, app.rss_mb()))
        finally:
            app.stop()
            bare.stop()


def summarise(runs, bare_runs):
    med = lambda values: statistics.median(values)  # noqa: E731
    rps = med([r[0] for r in runs])
    bare_rps = med([r[0] for r in bare_runs])
    return (rps, med([r[1] for r in runs]), med([r[2] for r in runs]), bare_rps,
            rps / bare_rps if bare_rps else float('nan'), sum(r[3] for r in runs))


HEADER = '%-9s %-7s %-15s %8s %8s %8s %9s %7s %5s' % (
    'tree', 'cache', 'page', 'req/s', 'p50 ms', 'p99 ms', 'bare r/s', '÷bare', 'bad')


def print_row(label, cache, name, row):
    rps, p50, p99, bare_rps, ratio, bad = row
    print('%-9s %-7s %-15s %8.0f %8.1f %8.1f %9.0f %7.2f %5d' % (
        label, cache, name, rps, p50, p99, bare_rps, ratio, bad), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--trees', default='demo', help='demo,province')
    parser.add_argument('--cache', default='off,memory', help='page cache modes: off,memory')
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--seconds', type=int, default=3)
    parser.add_argument('--connections', type=int, default=8)
    parser.add_argument('--pages', default='', help='only these page names (comma-separated)')
    parser.add_argument('--loader', choices=('wrk', 'python'), default=LOADER['name'],
                        help='load generator (default: wrk when installed)')
    args = parser.parse_args(argv)
    LOADER['name'] = args.loader
    args.cache = [c for c in args.cache.split(',') if c]
    args.pages = [p for p in args.pages.split(',') if p]
    trees = [t for t in args.trees.split(',') if t]
    print('load generator: %s, %d connections, %d rounds × %d s, page and bare alternating'
          % ('wrk' if args.loader == 'wrk' else 'python threads', args.connections, args.rounds,
             args.seconds))
    print(HEADER, flush=True)
    results, startup = [], {}
    with tempfile.TemporaryDirectory(prefix='shequ-bench-') as folder:
        for label in trees:
            if label == 'demo':
                data, pages = build_demo(folder)
            else:
                found = province_tree()
                if found is None:
                    print('no province tree at %s: run `make bench-province` (or `shequ '
                          'province`) first' % PROVINCE_DIR)
                    continue
                data, pages = found
            bench_tree(label, data, pages, folder, args, results, startup)
    print('\nstart-up (process start → first 200 on /) and RSS after the page runs')
    for label, rows in startup.items():
        for cache, seconds, rss in rows:
            print('  %-9s cache=%-7s start-up %6.2f s   RSS %7.1f MB' % (label, cache, seconds,
                                                                        rss))
    if 'demo' in startup and 'province' in startup:
        demo, prov = startup['demo'][0], startup['province'][0]
        print('  province ÷ demo: start-up %.2f×, RSS %.2f×' % (prov[1] / demo[1],
                                                               prov[2] / demo[2]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
