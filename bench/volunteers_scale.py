"""Volunteers at scale: do a community's pages stay as fast with 5,000 volunteers and
100,000 ledger entries as with 10 volunteers and 200 entries?

Two FileStorage sites in a temp dir, both loaded with the full demo tree plus one bench
community (`/sunwu/qingxi/bench/`: three teams, an activity a month for 24 months and three
coming ones, a month of on-duty shifts around today so the home page's on-duty panel shows):

- SMALL: 10 volunteers and 200 ledger entries;
- BIG:   5,000 volunteers and 100,000 ledger entries.

Volunteers and hours are written through the volunteers package's own API, as its views
write them (`Register.add_volunteer`, `ledger.record_service`, `ledger.adjust`, an audit
entry per batch of hours and per adjustment), committing every 50 entries (about one
attendance form), in the order they were recorded: service dates spread over 24 months,
each recorded the day after, so the latest week is still in its publicity period (公示),
and 1 % of the entries corrected by an adjustment a few days later. Volunteer V000001 has
the same 60 entries in both sites; in BIG, V000002 has 2,000.

Then every page is fetched in process with WebTest (anonymous), alternating SMALL and BIG
in the same run after a warm-up, and the table gives median and p95 in ms and the
BIG ÷ SMALL ratio of the medians, then the storage sizes.

A figure, not an assertion: `.venv/bin/python bench/volunteers_scale.py [--quick] [--rounds 30]`
(`--quick`: 1,000 volunteers and 20,000 entries; `--profile PAGE` prints a cProfile of one
BIG page, e.g. `--profile honour`).
"""
import argparse
import cProfile
import datetime
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time

import transaction
from tqdm import tqdm
from webtest import TestApp

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, 'src'))

from shequ import main  # noqa: E402
from shequ.cli import load_file  # noqa: E402
from shequ.clock import CHINA_TZ  # noqa: E402
from shequ.security.audit import record  # noqa: E402
from shequ.tree import get_root  # noqa: E402
from shequ.volunteers import ledger  # noqa: E402
from shequ.volunteers.model import Volunteer, get_register, id_check_digit  # noqa: E402

COMMUNITY = ('sunwu', 'qingxi', 'bench')
BASE = '/' + '/'.join(COMMUNITY)
BATCH = 50
MONTHS = 24
SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕'
GIVEN = '秀英桂兰建国志强淑珍振华玉梅海涛丽娟德福春燕立新凤琴晓东美玲国栋明军红霞文杰'
SKILLS = ('急救', '陪诊', '理发', '普通话', '电工维修', '心理疏导', '文艺演出', '政策宣传', '防火巡查')
TEAMS = ('zhulao', 'anquan', 'wenming')
PAGES = [
    ('home', BASE + '/'),
    ('volunteer V000001 (60 entries)', BASE + '/volunteers/v/V000001'),
    ('volunteer V000002 (BIG: 2,000)', BASE + '/volunteers/v/V000002'),
    ('volunteers section', BASE + '/volunteers/'),
    ('@@honour', BASE + '/volunteers/@@honour'),
    ('@@publicity', BASE + '/volunteers/@@publicity'),
    ('roster week', BASE + '/duties/@@roster'),
]


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


def month_back(day, n):
    """The first of the month `n` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, 1)


def bench_tree(today):
    """A tenant-tree file (as text) for the bench community: teams, activities, shifts."""
    lines = ['tenants:', '- slug: sunwu', '  kind: county', '  title: 孙吴县', '  children:',
             '  - slug: qingxi', '    kind: street', '    title: 清溪街道', '    children:',
             '    - slug: bench', '      kind: community', '      title: 压测社区',
             '      shifts:']
    for offset in range(-15, 16):
        day = (today + datetime.timedelta(days=offset)).isoformat()
        lines.append("      - {date: %s, start: '08:30', end: '17:00', name: 王丽, post: 社区书记, "
                     "duty_phone: '0456-8239901'}" % day)
        lines.append("      - {date: %s, start: '17:00', end: '08:30', name: 刘洋, post: 值班主任, "
                     "duty_phone: '0456-8239908', private_phone: '139 0456 9901'}" % day)
    lines += ['      volunteers:', '        teams:']
    for slug, title in zip(TEAMS, ('助老服务队', '平安巡防队', '文明实践服务队')):
        lines += ['        - slug: %s' % slug, '          title: 压测社区%s' % title,
                  "          phone: '0456-6219900'"]
    lines.append('        activities:')
    for slug, title, starts, team in activities(today):
        lines += ['        - slug: %s' % slug, '          title: %s' % title,
                  '          team: %s' % team, "          starts: '%sT09:00'" % starts.isoformat(),
                  "          ends: '%sT11:00'" % starts.isoformat(), '          place: 压测社区广场',
                  '          places: 30', "          skills: ''"]
    return '\n'.join(lines) + '\n'


def activities(today):
    """(slug, title, date, team) of an activity on the 15th of each of the last 24 months
    and three coming ones."""
    out = []
    for n in range(MONTHS, 0, -1):
        day = month_back(today, n - 1).replace(day=15)
        out.append(('huodong-%s' % day.strftime('%Y-%m'), '%d年%d月社区志愿服务' % (
            day.year, day.month), day, TEAMS[n % 3]))
    for n in (1, 2, 3):
        day = today + datetime.timedelta(days=7 * n)
        out.append(('jihua-%d' % n, '近期志愿活动 %d' % n, day, TEAMS[n % 3]))
    return out


def person(rng, i):
    """Fields of a made-up volunteer number `i`."""
    year = rng.randint(1950, 2004)
    first17 = '230000%04d%02d%02d%03d' % (year, rng.randint(1, 12), rng.randint(1, 28), i % 1000)
    return dict(name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                gender=rng.choice(('男', '女')), birth_year=year,
                phone='139%08d' % rng.randint(0, 10 ** 8 - 1),
                id_number=first17 + id_check_digit(first17),
                skills=tuple(rng.sample(SKILLS, 2)), team=TEAMS[i % 3],
                registered=datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 700))


def entries_for(rng, count, now, today):
    """`count` service entries (service date, recorded time, minutes, activity month)."""
    out = []
    for _ in range(count):
        age = rng.randint(1, MONTHS * 30)
        day = today - datetime.timedelta(days=age)
        recorded = datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time(9, 0), CHINA_TZ
        ).astimezone(datetime.timezone.utc) + datetime.timedelta(minutes=rng.randint(0, 480))
        recorded = min(recorded, now - datetime.timedelta(minutes=rng.randint(1, 600)))
        out.append((recorded, day, rng.choice((60, 90, 120, 150, 180, 240))))
    return out


def plan(volunteers, total, now, today):
    """Every write in recorded order: ('service', time, number, date, minutes, key) and
    ('adjust', time, key, minutes). V000001 gets the same 60 entries whatever the size;
    in a big site V000002 gets 2,000."""
    events = []
    fixed = entries_for(random.Random(1), 60, now, today)
    for n, (t, day, minutes) in enumerate(fixed):
        events.append(('service', t, 'V000001', day, minutes, ('V000001', n)))
    heavy = 2000 if volunteers >= 1000 else 0
    if heavy:
        for n, (t, day, minutes) in enumerate(entries_for(random.Random(2), heavy, now, today)):
            events.append(('service', t, 'V000002', day, minutes, ('V000002', n)))
    rng = random.Random(3)
    rest = total - len(events)
    others = range(3 if heavy else 2, volunteers + 1)
    for n, (t, day, minutes) in enumerate(entries_for(rng, rest, now, today)):
        number = 'V%06d' % others[n % len(others)]
        events.append(('service', t, number, day, minutes, (number, 'r', n)))
    adjustments = []
    for event in rng.sample(events, max(len(events) // 100, 1)):
        when = event[1] + datetime.timedelta(days=3)
        if when < now:
            adjustments.append(('adjust', when, event[5], rng.choice((-30, 30))))
    events.extend(adjustments)
    events.sort(key=lambda e: e[1])
    return events


def build(tmp, volunteers, total, label):
    """A site with the demo tree and the bench community at the given size."""
    app = main({}, **settings_for(tmp))
    db = app.registry._zodb_databases['']
    now = ledger.now()
    today = now.astimezone(CHINA_TZ).date()
    tree = os.path.join(tmp, 'bench.yaml')
    with open(tree, 'w', encoding='utf-8') as f:
        f.write(bench_tree(today))
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    started = time.monotonic()
    with tm:
        root = get_root(conn, create=True, registry=app.registry)
        load_file(app.registry, root, os.path.join(HERE, 'config', 'demo.yaml'))
    with tm:
        load_file(app.registry, get_root(conn), tree)
    loaded = time.monotonic() - started

    def section():
        node = get_root(conn)
        for name in COMMUNITY:
            node = node[name]
        return node, node['volunteers']

    rng = random.Random(0)
    started = time.monotonic()
    tm.begin()
    tenant, sec = section()
    register = get_register(sec, create=True)
    for i in tqdm(range(1, volunteers + 1), desc='%s volunteers' % label, unit='',
                  file=sys.stderr, leave=False):
        fields = person(rng, i)
        register.add_volunteer(lambda number: Volunteer(number, **fields))
        if i % 500 == 0:
            tm.commit()
            tm.begin()
            tenant, sec = section()
            register = get_register(sec)
    tm.commit()
    made = time.monotonic() - started

    months = {a[2].strftime('%Y-%m'): a for a in activities(today)}
    days = ledger.publicity_days(sec)
    events = plan(volunteers, total, now, today)
    started = time.monotonic()
    recorded = {}
    tm.begin()
    tenant, sec = section()
    register = get_register(sec)
    in_batch = 0
    for event in tqdm(events, desc='%s ledger' % label, unit='', file=sys.stderr, leave=False):
        if event[0] == 'service':
            _kind, at, number, day, minutes, key = event
            slug, title, _start, _team = months.get(day.strftime('%Y-%m'), (
                '', '社区志愿服务', None, None))
            path = BASE + '/volunteers/' + slug if slug else ''
            entry = ledger.record_service(register, register.get(number), minutes, day, days,
                                          'bench-staff', path, title, at=at)
            recorded[key] = entry
        else:
            _kind, at, key, minutes = event
            corrected = recorded[key]
            volunteer = register.get(key[0])
            ledger.adjust(register, volunteer, corrected, minutes, '录入有误，按签到表更正', days,
                          'bench-staff', at=at)
            record(tenant, None, 'volunteer-adjust', BASE + '/volunteers/v/' + key[0],
                   '%s 更正 %s' % (key[0], corrected['id']))
        in_batch += 1
        if in_batch >= BATCH:
            record(tenant, None, 'volunteer-hours', BASE + '/volunteers', '%d 条' % in_batch)
            tm.commit()
            tm.begin()
            tenant, sec = section()
            register = get_register(sec)
            in_batch = 0
    tm.commit()
    written = time.monotonic() - started
    conn.close()
    size = os.path.getsize(os.path.join(tmp, 'Data.fs'))
    adjustments = sum(1 for e in events if e[0] == 'adjust')
    print('%s: demo + bench community loaded in %.1f s; %d volunteers in %.1f s; %d entries '
          '(%d adjustments) in %.1f s (%.0f per second); Data.fs %.1f MB' % (
              label, loaded, volunteers, made, len(events), adjustments, written,
              len(events) / max(written, 1e-9), size / 1e6), flush=True)
    return app, db


def packed_size(db, tmp):
    db.pack()
    return os.path.getsize(os.path.join(tmp, 'Data.fs'))


def timed(app, url):
    started = time.perf_counter()
    res = app.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert res.status_int == 200, (url, res.status)
    return elapsed


def p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def main_(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true',
                        help='1,000 volunteers and 20,000 entries in BIG, fewer rounds')
    parser.add_argument('--rounds', type=int, default=None)
    parser.add_argument('--profile', default=None,
                        help='print a cProfile of one BIG page (a name from the table)')
    parser.add_argument('--keep', action='store_true', help='keep the temp dir')
    args = parser.parse_args(argv)
    big_v, big_n = (1000, 20000) if args.quick else (5000, 100000)
    rounds = args.rounds or (10 if args.quick else 30)
    tmp = tempfile.mkdtemp(prefix='shequ-volscale-')
    try:
        small_dir, big_dir = os.path.join(tmp, 'small'), os.path.join(tmp, 'big')
        os.makedirs(small_dir)
        os.makedirs(big_dir)
        small_app, small_db = build(small_dir, 10, 200, 'SMALL')
        big_app, big_db = build(big_dir, big_v, big_n, 'BIG')
        small, big = TestApp(small_app), TestApp(big_app)
        for _name, url in PAGES:              # warm-up: templates, caches, ZODB caches
            for _ in range(3):
                timed(small, url)
                timed(big, url)
        times = {name: ([], []) for name, _url in PAGES}
        for _ in tqdm(range(rounds), desc='rounds', file=sys.stderr, leave=False):
            for name, url in PAGES:
                times[name][0].append(timed(small, url))
                times[name][1].append(timed(big, url))
        print('\n%d rounds, WebTest in process, anonymous; SMALL: 10 volunteers, 200 entries; '
              'BIG: %d volunteers, %d entries' % (rounds, big_v, big_n))
        print('%-32s %10s %10s %10s %10s %8s' % ('page', 'SMALL p50', 'SMALL p95', 'BIG p50',
                                                 'BIG p95', 'BIG÷SMALL'))
        for name, _url in PAGES:
            s, b = times[name]
            ratio = statistics.median(b) / statistics.median(s)
            print('%-32s %10.1f %10.1f %10.1f %10.1f %8.2f%s' % (
                name, statistics.median(s), p95(s), statistics.median(b), p95(b), ratio,
                '  <- scales badly' if ratio > 1.5 else ''))
        if args.profile:
            url = dict(PAGES).get(args.profile) or next(
                u for n, u in PAGES if args.profile in n)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(5):
                big.get(url)
            profile.disable()
            pstats.Stats(profile, stream=sys.stdout).sort_stats('cumulative').print_stats(30)
        print('\nstorage: SMALL Data.fs %.1f MB (packed %.1f MB), BIG Data.fs %.1f MB '
              '(packed %.1f MB)' % (
                  os.path.getsize(os.path.join(small_dir, 'Data.fs')) / 1e6,
                  packed_size(small_db, small_dir) / 1e6,
                  os.path.getsize(os.path.join(big_dir, 'Data.fs')) / 1e6,
                  packed_size(big_db, big_dir) / 1e6))
        small_db.close()
        big_db.close()
    finally:
        if args.keep:
            print('kept', tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main_()
