"""Search benchmark: Whoosh county indexes of 20k and 100k generated documents vs SQLite FTS5.

Prints indexing documents per second, query p50/p95 at county and community scope for
typical resident queries, then the same figures for SQLite FTS5 (C) over the same
pre-segmented text, and the ratio. Run: .venv/bin/python bench/search.py [--sizes 20000,100000]
"""
import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time

from pyramid.registry import Registry
from whoosh import index as whoosh_index

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, 'src'))

from shequ.search.analysis import words  # noqa: E402
from shequ.search.schema import make_schema  # noqa: E402
from shequ.search.results import Scope  # noqa: E402
from shequ.search.service import SearchService  # noqa: E402

SERVICES = [
    ('最低生活保障审核确认', '社会救助'), ('特困人员认定', '社会救助'), ('临时救助申请', '社会救助'),
    ('老年人优待证申领', '养老服务'), ('高龄老人津贴发放', '养老服务'), ('养老机构入住申请', '养老服务'),
    ('残疾人证新办', '残疾人服务'), ('残疾人两项补贴申请', '残疾人服务'), ('社会保障卡挂失与补换', '社会保障'),
    ('城乡居民基本养老保险参保登记', '社会保障'), ('养老保险待遇领取资格认证', '社会保障'),
    ('城乡居民医疗保险缴费', '医疗保障'), ('异地就医备案', '医疗保障'), ('门诊慢特病待遇认定', '医疗保障'),
    ('就业失业登记', '就业创业'), ('创业担保贷款申请', '就业创业'), ('出生登记', '户籍证件'),
    ('户口迁移', '户籍证件'), ('居住证办理', '户籍证件'), ('家庭医生签约服务', '卫生健康'),
    ('公共租赁住房申请', '住房保障'), ('住宅专项维修资金使用申请', '住房保障'), ('法律援助申请', '法律服务'),
    ('退役军人优待证申领', '退役军人'), ('耕地地力保护补贴', '农业农村'), ('义务教育新生入学登记', '教育'),
    ('内地居民结婚登记', '婚姻登记'), ('生育登记服务', '生育'), ('基本殡葬服务费用减免', '殡葬'),
    ('住房公积金提取', '公积金'), ('集中供热报停', '水电气暖'), ('社区活动室预约', '社区服务'),
]
NOTICE_TOPICS = ['停水通知', '疫苗接种安排', '垃圾分类宣传', '防汛值班表', '志愿者招募', '医保缴费提醒',
                 '居务公开', '财务公开', '党务公开', '文艺演出', '义诊活动', '消防安全检查']
SENTENCES = [
    '居民可携带身份证和户口簿到社区便民服务站办理', '符合条件的家庭经审核后按月发放补贴',
    '办理时限为十五个工作日，不收取任何费用', '可以委托他人代办，需提供委托书',
    '审核结果在社区公示七天，无异议后发放', '详情请咨询社区工作人员或拨打服务热线',
    '申请人应当如实填写家庭收入和财产情况', '网上可通过政务服务网提交申请材料',
    '街道办事处负责受理和初审，区民政局审批', '请各位居民相互转告，按时参加',
]
QUERIES = ['低保', '老年证', '社保卡丢了', '孩子上户口', '殘疾人證', 'canjirenzheng', 'jzz', '低包',
           '房子漏水找谁', '公积金提取', '新农合', '暖气不热', '结婚登记', '找工作']


PREFIXES = ['低', '老年', 'laon', 'lnr', 'canji', 'sbk', 'gongj', '停水', 'fangx', 'j', '医保', 'yib']


def generate(n, seed=7):
    """`n` documents over one county: 20 townships × 25 communities each."""
    rng = random.Random(seed)
    tenants = ['/bench/t%d/c%d' % (t, c) for t in range(20) for c in range(25)]
    docs = []
    for i in range(n):
        tenant = rng.choice(tenants)
        ancestors = ['/bench', tenant.rsplit('/', 1)[0], tenant]
        if rng.random() < 0.5:
            title, category = rng.choice(SERVICES)
            kind, section = 'service', 'services'
        else:
            title, category = rng.choice(NOTICE_TOPICS) + '（第%d期）' % rng.randint(1, 99), '通知'
            kind, section = 'notice', 'notices'
        body = '。'.join(rng.sample(SENTENCES, 4)) + '。'
        docs.append({
            'path': '%s/%s/x%d' % (tenant, section, i), 'owner': tenant,
            'tenants': ' '.join(ancestors), 'section': section, 'slug': 'x%d' % i, 'type': kind,
            'category': category, 'standard': False, 'state': 'published',
            'title': title, 'keywords': '', 'meta': category, 'body': body,
            'grams': title, 'py': title, 'pyw': title, 'modified': 0})
    return docs, tenants


def percentiles(times):
    times = sorted(times)
    return statistics.median(times) * 1000, times[int(len(times) * 0.95) - 1] * 1000


def bench_whoosh(folder, docs, tenants, rounds):
    os.makedirs(os.path.join(folder, 'bench'))
    ix = whoosh_index.create_in(os.path.join(folder, 'bench'), make_schema())
    start = time.perf_counter()
    writer = ix.writer(limitmb=256)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    rate = len(docs) / (time.perf_counter() - start)
    service = SearchService({'shequ.index_dir': folder,
                             'shequ.synonyms_file': os.path.join(HERE, 'config', 'synonyms.txt')},
                            Registry('bench'))
    community = tenants[17]
    scopes = {'county': Scope(counties=['bench'], path='/bench'),
              'community': Scope(counties=['bench'], path=community,
                                 above=['/bench', community.rsplit('/', 1)[0]])}
    figures = {}
    for name, scope in scopes.items():
        service.search('预热', scope)
        times, cpu = [], []
        for _ in range(rounds):
            for q in QUERIES:
                t, c = time.perf_counter(), time.process_time()
                service.search(q, scope, limit=10)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
        figures[name] = percentiles(times)
        figures['cpu ' + name] = percentiles(cpu)
    searcher = service.searcher('bench')
    start = time.perf_counter()
    service.prefixes('bench', searcher)
    figures['prefix build'] = time.perf_counter() - start
    for name, scope in scopes.items():
        times = []
        for _ in range(rounds):
            for q in PREFIXES:
                t = time.perf_counter()
                service.suggest(q, scope)
                times.append(time.perf_counter() - t)
        figures['suggest ' + name] = percentiles(times)
    return rate, figures


def bench_fts5(docs, tenants, rounds):
    db = sqlite3.connect(':memory:')
    db.execute("CREATE VIRTUAL TABLE d USING fts5(path UNINDEXED, title, body, tenants)")
    start = time.perf_counter()
    rows = []
    for doc in docs:
        scope = ' '.join(p.strip('/').replace('/', 'x') for p in doc['tenants'].split())
        rows.append((doc['path'], ' '.join(words(doc['title'])), ' '.join(words(doc['body'])), scope))
    db.executemany('INSERT INTO d VALUES (?, ?, ?, ?)', rows)
    db.commit()
    rate = len(docs) / (time.perf_counter() - start)
    community = tenants[17].strip('/').replace('/', 'x')
    figures = {}
    for name, scope in (('county', 'bench'), ('community', community)):
        times = []
        for _ in range(rounds):
            for q in QUERIES:
                t = time.perf_counter()
                terms = ' OR '.join('"%s"' % w for w in words(q)) or '"%s"' % q
                db.execute('SELECT path, bm25(d, 0, 4, 1, 0) FROM d WHERE d MATCH ? '
                           'ORDER BY bm25(d, 0, 4, 1, 0) LIMIT 10',
                           ('{title body}: (%s) AND tenants: "%s"' % (terms, scope),)).fetchall()
                times.append(time.perf_counter() - t)
        figures[name] = percentiles(times)
    return rate, figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='20000,100000')
    parser.add_argument('--rounds', type=int, default=5)
    args = parser.parse_args()
    words('预热')
    for size in (int(s) for s in args.sizes.split(',')):
        docs, tenants = generate(size)
        folder = tempfile.mkdtemp(prefix='shequ-bench-')
        try:
            w_rate, w_fig = bench_whoosh(folder, docs, tenants, args.rounds)
        finally:
            shutil.rmtree(folder)
        f_rate, f_fig = bench_fts5(docs, tenants, args.rounds)
        print('== %d documents in one county index (%d queries × %d rounds per scope)'
              % (size, len(QUERIES), args.rounds))
        print('  indexing   whoosh %7.0f docs/s   fts5 %8.0f docs/s   ratio %.1f×'
              % (w_rate, f_rate, f_rate / w_rate))
        for scope in ('county', 'community'):
            (wp50, wp95), (fp50, fp95) = w_fig[scope], f_fig[scope]
            print('  %-9s  whoosh p50 %6.1f ms p95 %6.1f ms   fts5 p50 %5.2f ms p95 %5.2f ms   '
                  'p95 ratio %.0f×' % (scope, wp50, wp95, fp50, fp95, wp95 / max(fp95, 1e-6)))
        for scope in ('county', 'community'):
            print('  %-9s  whoosh CPU p50 %6.1f ms p95 %6.1f ms (process time: less disturbed '
                  'by other load)' % ((scope,) + w_fig['cpu ' + scope]))
        print('  suggest    prefix list built in %.2f s (once per index state)'
              % w_fig['prefix build'])
        for scope in ('county', 'community'):
            p50, p95 = w_fig['suggest ' + scope]
            print('  suggest %-9s p50 %5.2f ms p95 %5.2f ms (%d prefixes × %d rounds)'
                  % (scope, p50, p95, len(PREFIXES), args.rounds))
        sys.stdout.flush()


if __name__ == '__main__':
    main()
