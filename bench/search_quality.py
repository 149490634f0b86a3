"""Search quality: recall@5 and MRR by class of resident query, over the demo county and the
existing evaluation catalogue, through @@search.json of a real app.

Run: .venv/bin/python bench/search_quality.py [--misses]
"""
import argparse
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(HERE, 'src'))
sys.path.insert(0, os.path.join(HERE, 'tests'))

from searchquality import misses, read_queries, run, score  # noqa: E402
from sitekit import DEMO_FILE, Site  # noqa: E402

CATALOGUE = os.path.join(HERE, 'tests', 'data', 'search')


def existing_cases():
    """The existing held-out set (tests/data/search/queries.txt) as one class."""
    cases = []
    with open(os.path.join(CATALOGUE, 'queries.txt'), encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            parts = line.split('\t')
            expected = parts[1] if parts[1].startswith('/') else '/linhe/services/' + parts[1]
            cases.append(('existing', parts[0], parts[2] if len(parts) > 2 else
                          '/linhe/hedong/xinghua', (expected,)))
    return cases


def report(title, answers, show_misses):
    print('== %s' % title)
    print('  %-12s %5s %9s %6s' % ('class', 'n', 'recall@5', 'MRR'))
    for kind, (n, recall, mrr) in score(answers).items():
        print('  %-12s %5d %9.3f %6.3f' % (kind, n, recall, mrr))
    leaks = [(q, s, a[6]) for a in answers for q, s in [(a[1], a[2])] if a[6]]
    print('  leaks: %d' % len(leaks))
    if show_misses:
        for miss in misses(answers):
            print('  miss', *miss)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--misses', action='store_true', help='list the queries that missed')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='shequ-quality-') as tmp:
        site = Site(os.path.join(tmp, 'demo'))
        site.load(DEMO_FILE)
        cases = read_queries()
        start = time.perf_counter()
        answers = run(site.app, cases)
        took = time.perf_counter() - start
        report('demo county: %d resident queries (%.1f ms a query)'
               % (len(cases), took * 1000 / len(cases)), answers, args.misses)
        site.close()
        site = Site(os.path.join(tmp, 'catalogue'))
        site.load(os.path.join(CATALOGUE, 'catalogue.yaml'))
        cases = existing_cases()
        report('existing evaluation catalogue: %d queries' % len(cases), run(site.app, cases),
               args.misses)
        site.close()


if __name__ == '__main__':
    main()
