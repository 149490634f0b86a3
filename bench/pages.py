"""Page benchmark: every public page under waitress, against a bare traversal page.

For each tree (the demo, built in a temp dir; the province tree of `shequ province`, if
built; `county20k`, one county of ≥ 20,000 indexed items, built by `shequ province` with
bench/county20k.ini the first time and reused) and each page-cache mode (`shequ.page_cache = off | memory`), it starts the app with
pserve under waitress (threads=4) on a loopback port, and a bare Pyramid + ZODB traversal
app (`bench/bare_app.py`) over the same database with the same waitress settings. Each
page is driven with `wrk` (8 connections; a Python load generator when wrk is missing),
alternating page and bare traversal of the same path in the same run (ROUNDS × SECONDS
each), and the table gives req/s, p50, p95 and p99 (medians over the rounds) and the ratio
of req/s to the bare page. Then start-up time (process start → first 200 on `/`) and
resident memory (VmRSS after the page runs) of demo vs province.

`--storage zeo` serves each tree as a province-scale deployment would: a ZEO server
(`runzeo`, its FileStorage and in-memory index of every object) and the app and bare
servers as its clients (the ZConfig of config/zodb-zeo.conf); RSS is then given for the
app server and the ZEO server separately. `--storage file` (default) is the one-process
FileStorage, whose index of every object's position lives in the app process.

`--trees county20k --pages search,search-json --connections 1` gives the search page
and search JSON on a ≥ 20,000-document county index (issue 14: p95 < 60 ms there).

The machine's other load shows in the figures: compare pages within one run.

Run: `make bench` (demo), `make bench-province` (builds the province tree first if
missing), or .venv/bin/python bench/pages.py [--trees demo,province] [--cache off,memory]
[--rounds 5] [--seconds 3] [--connections 8] [--pages county,catalogue …]
[--loader wrk|python] [--storage file|zeo]
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
# trees made by `shequ province`: folder, ini, and the generator's arguments (None: the
# province, built by `make bench-province` and never here, it takes ~10 minutes)
BUILT_TREES = {
    'province': (PROVINCE_DIR, os.path.join(HERE, 'bench', 'province.ini'), None),
    'county20k': (os.path.join(HERE, 'var', 'county20k'),
                  os.path.join(HERE, 'bench', 'county20k.ini'),
                  ['--counties', '1', '--townships', '40', '--communities', '10',
                   '--items', '20500']),
}

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


EXTRA_SETTINGS = {}     # from the command line (--answers)


def app_settings(folder, data_dir, cache, uri=None):
    """The shequ settings of a bench server over the database in `data_dir`."""
    return {
        'zodbconn.uri': uri or 'file://%s/Data.fs?blobstorage_dir=%s/blobs'
                               '&connection_cache_size=20000' % (data_dir, data_dir),
        'pyramid.default_locale_name': 'zh_CN',
        'shequ.themes_dir': os.path.join(HERE, 'themes'),
        'shequ.demo_file': os.path.join(HERE, 'config', 'demo.yaml'),
        'shequ.index_dir': os.path.join(data_dir, 'index'),
        'shequ.upload_tmp_dir': os.path.join(folder, 'uploads'),
        'shequ.login_throttle_file': os.path.join(folder, 'throttle.sqlite'),
        'shequ.synonyms_file': os.path.join(HERE, 'config', 'synonyms.txt'),
        'shequ.index_inline': 'false',
        'shequ.session_secret': 'bench-only-secret',
        'shequ.page_cache': cache,
        **EXTRA_SETTINGS,
    }


def bare_settings(data_dir, uri=None):
    return {'zodbconn.uri': uri or 'file://%s/Data.fs?blobstorage_dir=%s/blobs&read_only=1'
                                   '&connection_cache_size=20000' % (data_dir, data_dir)}


class ZeoServer:
    """`runzeo` serving the FileStorage of `data_dir` on a loopback port (tests/servers.py)."""

    def __init__(self, folder, data_dir, label):
        self.port = free_port()
        self.folder = os.path.join(folder, '%s-zeo' % label)
        os.makedirs(self.folder, exist_ok=True)
        conf = os.path.join(self.folder, 'zeo.conf')
        with open(conf, 'w') as f:
            f.write('<zeo>\n  address 127.0.0.1:%d\n</zeo>\n<filestorage 1>\n  path %s/Data.fs\n'
                    '  blob-dir %s/blobs\n</filestorage>\n' % (self.port, data_dir, data_dir))
        self.log = open(os.path.join(self.folder, 'zeo.log'), 'w')
        started = time.perf_counter()
        self.proc = subprocess.Popen([os.path.join(BIN, 'runzeo'), '-C', conf],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        while True:          # a big Data.fs.index takes a moment to load
            if self.proc.poll() is not None:
                raise RuntimeError('runzeo exited; see %s' % self.log.name)
            try:
                socket.create_connection(('127.0.0.1', self.port), timeout=1).close()
                break
            except OSError:
                if time.perf_counter() - started > 600:
                    raise RuntimeError('runzeo did not listen within 600 s')
                time.sleep(0.05)

    def uri(self, name, read_only=False):
        """A zconfig:// URI of a client with its own blob cache (config/zodb-zeo.conf)."""
        path = os.path.join(self.folder, '%s.conf' % name)
        with open(path, 'w') as f:
            f.write('%%import ZEO\n<zodb>\n  cache-size 20000\n  <clientstorage>\n'
                    '    server 127.0.0.1:%d\n    blob-dir %s/%s-blobcache\n'
                    '    shared-blob-dir false\n    server-sync true\n%s'
                    '  </clientstorage>\n</zodb>\n'
                    % (self.port, self.folder, name, '    read-only true\n' if read_only else ''))
        return 'zconfig://' + path

    def rss_mb(self):
        return rss_mb(self.proc.pid)

    def stop(self):
        stop_process(self.proc)
        self.log.close()


def rss_mb(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024.0
    return float('nan')


def stop_process(proc):
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
        return rss_mb(self.proc.pid)

    def stop(self):
        stop_process(self.proc)
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


LATENCY_LUA = os.path.join(HERE, 'bench', 'latency.lua')


def run_wrk(port, path, seconds, connections):
    """(req/s, p50 ms, p95 ms, p99 ms, non-2xx count) of one wrk run."""
    out = subprocess.run(['wrk', '-t%d' % min(2, connections), '-c%d' % connections,
                          '-d%ds' % seconds, '--timeout', '10s', '-s', LATENCY_LUA,
                          'http://127.0.0.1:%d%s' % (port, path)],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))
    pct = {int(p): int(us) / 1000.0 for p, us in re.findall(r'^percentile (\d+) (\d+)$', out,
                                                            re.M)}
    bad = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', out)
    return rps, pct[50], pct[95], pct[99], int(bad.group(1)) if bad else 0


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
        return 0.0, float('nan'), float('nan'), float('nan'), bad[0]
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    return len(latencies) / elapsed, pick(0.50), pick(0.95), pick(0.99), bad[0]


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


def built_tree(label):
    """A tree built by `shequ province` (its folder and sample pages), or None.

    county20k is built here the first time (a few minutes), then reused like the province.
    """
    folder, ini, arguments = BUILT_TREES[label]
    marker = os.path.join(folder, 'province.json')
    complete = False
    if os.path.exists(marker):
        with open(marker, encoding='utf-8') as f:
            complete = json.load(f).get('complete')
    if not complete and arguments is not None:
        print('building %s (%s) …' % (label, folder), flush=True)
        os.makedirs(folder, exist_ok=True)
        subprocess.run([os.path.join(BIN, 'shequ'), 'province', ini] + arguments, check=True,
                       stdout=subprocess.DEVNULL)
    if not os.path.exists(marker):
        return None
    with open(marker, encoding='utf-8') as f:
        info = json.load(f)
    if not info.get('complete'):
        return None
    print('%s: %d items, county %s indexed (%d documents)' % (
        label, info['items'], info['indexed_county'], info['indexed_docs']), flush=True)
    return folder, [tuple(p) for p in info['pages']]


def province_tree():
    """The province tree built by `shequ province`, or None (kept for older callers)."""
    return built_tree('province')


def encoded(path):
    parts = urlsplit(path)
    return quote(parts.path) + ('?' + quote(parts.query, safe='=&') if parts.query else '')


def bench_tree(label, data, pages, folder, args, results, startup):
    """Run every page of one tree, in each cache mode, alternating with the bare app."""
    bare_port = free_port()
    zeo = ZeoServer(folder, data, label) if args.storage == 'zeo' else None
    try:
        bare_ini = write_ini(folder, '%s-bare.ini' % label, 'call:bare_app:main', bare_port,
                             bare_settings(data, zeo and zeo.uri('bare', read_only=True)))
        bench_modes(label, data, pages, folder, args, results, startup, zeo, bare_ini,
                    bare_port)
    finally:
        if zeo is not None:
            zeo.stop()


STARTS = 3


def bench_modes(label, data, pages, folder, args, results, startup, zeo, bare_ini, bare_port):
    env = dict(os.environ, PYTHONPATH=os.path.join(HERE, 'bench'))
    for cache in args.cache:
        port = free_port()
        ini = write_ini(folder, '%s-%s.ini' % (label, cache), 'egg:shequ', port,
                        app_settings(folder, data, cache, zeo and zeo.uri('app-' + cache)))
        app = Server(ini, port)
        bare = Server(bare_ini, bare_port, env=env)
        try:
            # start-up: the first start (the database may be cold in the OS cache), then
            # the median of STARTS more, stopped and started again
            first = app.start()
            again = []
            for _ in range(STARTS):
                app.stop()
                again.append(app.start())
            seconds = (first, statistics.median(again))
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
            startup.setdefault(label, []).append(
                (cache, seconds, app.rss_mb(), zeo.rss_mb() if zeo else None))
        finally:
            app.stop()
            bare.stop()


def summarise(runs, bare_runs):
    med = lambda values: statistics.median(values)  # noqa: E731
    rps = med([r[0] for r in runs])
    bare_rps = med([r[0] for r in bare_runs])
    return (rps, med([r[1] for r in runs]), med([r[2] for r in runs]),
            med([r[3] for r in runs]), bare_rps, med([r[3] for r in bare_runs]),
            rps / bare_rps if bare_rps else float('nan'), sum(r[4] for r in runs))


HEADER = '%-9s %-7s %-15s %8s %8s %8s %8s %9s %9s %7s %5s' % (
    'tree', 'cache', 'page', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'bare r/s', 'bare p99',
    '÷bare', 'bad')


def print_row(label, cache, name, row):
    rps, p50, p95, p99, bare_rps, bare_p99, ratio, bad = row
    print('%-9s %-7s %-15s %8.0f %8.1f %8.1f %8.1f %9.0f %9.1f %7.2f %5d' % (
        label, cache, name, rps, p50, p95, p99, bare_rps, bare_p99, ratio, bad), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--trees', default='demo', help='demo,province,county20k')
    parser.add_argument('--cache', default='off,memory', help='page cache modes: off,memory')
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--seconds', type=int, default=3)
    parser.add_argument('--connections', type=int, default=8)
    parser.add_argument('--pages', default='', help='only these page names (comma-separated)')
    parser.add_argument('--answers', type=int, default=None,
                        help='shequ.search.answers: search answers kept per process (0: none, '
                             'so every search runs its query; default: the app\'s)')
    parser.add_argument('--loader', choices=('wrk', 'python'), default=LOADER['name'],
                        help='load generator (default: wrk when installed)')
    parser.add_argument('--storage', choices=('file', 'zeo'), default='file',
                        help='file: one-process FileStorage; zeo: a ZEO server and its clients')
    args = parser.parse_args(argv)
    LOADER['name'] = args.loader
    args.cache = [c for c in args.cache.split(',') if c]
    args.pages = [p for p in args.pages.split(',') if p]
    trees = [t for t in args.trees.split(',') if t]
    if args.answers is not None:
        EXTRA_SETTINGS['shequ.search.answers'] = str(args.answers)
    print('load generator: %s, %d connections, %d rounds × %d s, page and bare alternating; '
          'storage %s;%s load average %s' % (
              'wrk' if args.loader == 'wrk' else 'python threads', args.connections,
              args.rounds, args.seconds, args.storage,
              '' if args.answers is None else ' search answers kept: %d;' % args.answers,
              ' '.join('%.2f' % n for n in os.getloadavg())))
    print(HEADER, flush=True)
    results, startup = [], {}
    with tempfile.TemporaryDirectory(prefix='shequ-bench-') as folder:
        for label in trees:
            if label == 'demo':
                data, pages = build_demo(folder)
            else:
                found = built_tree(label)
                if found is None:
                    print('no %s tree at %s: run `make bench-province` (or `shequ '
                          'province`) first' % (label, BUILT_TREES[label][0]))
                    continue
                data, pages = found
            bench_tree(label, data, pages, folder, args, results, startup)
    print('\nstart-up (process start → first 200 on /: the first start, then the median of %d '
          'more) and RSS after the page runs (%s)'
          % (STARTS, 'app server; ZEO server apart' if args.storage == 'zeo' else
             'app server holding the FileStorage'))
    for label, rows in startup.items():
        for cache, seconds, rss, zeo_rss in rows:
            print('  %-9s cache=%-7s start-up %6.2f s, then %6.2f s   RSS %7.1f MB%s' % (
                label, cache, seconds[0], seconds[1], rss,
                '   ZEO server RSS %7.1f MB' % zeo_rss if zeo_rss is not None else ''))
    if 'demo' in startup:
        demo = startup['demo'][0]
        for label in startup:
            if label == 'demo':
                continue
            other = startup[label][0]
            print('  %s ÷ demo: start-up %.2f× (first start %.2f×), app RSS %.2f×%s' % (
                label, other[1][1] / demo[1][1], other[1][0] / demo[1][0], other[2] / demo[2],
                ', ZEO server RSS %.2f×' % (other[3] / demo[3]) if demo[3] else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
