"""The resident query set over the demo county: reading it, running it, scoring it."""
import os
from collections import OrderedDict

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUERIES = os.path.join(HERE, 'tests', 'data', 'search', 'resident-queries.tsv')
DEFAULT_SCOPE = '/sunwu/qingxi/xingfu'
ISSUED_BELOW = ('notice', 'document')      # kinds that apply below their tenant
STANDARD_KINDS = ('service', 'duty_list')   # kinds whose standards are lent below


def read_queries(path=QUERIES):
    """[(class, query, scope, expected paths or () for must-return-nothing)]."""
    cases = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            kind, query, scope, expected = line.split('\t')
            cases.append((kind, query, scope or DEFAULT_SCOPE,
                          () if expected == '-' else tuple(expected.split('|'))))
    return cases


def visible_at(result, scope):
    """Whether a result may be shown at `scope`: its own tree, or issued above it."""
    owner = result['tenant_path']
    if owner == scope or owner.startswith(scope + '/'):
        return True
    if scope.startswith(owner + '/'):
        return result['type'] in ISSUED_BELOW + STANDARD_KINDS
    return False


def run(app, cases):
    """[(class, query, scope, expected, top-5 paths, total, leaks)] through @@search.json."""
    out = []
    for kind, query, scope, expected in cases:
        found = app.get(scope + '/@@search.json', params={'q': query, 'limit': 5}).json
        paths = [r['path'] for r in found['results']]
        leaks = [r['path'] for r in found['results'] if not visible_at(r, scope)]
        out.append((kind, query, scope, expected, paths, found['total'], leaks))
    return out


def score(answers):
    """{class: (count, recall@5, MRR)} plus 'all'; a must-return-nothing query scores 1
    when nothing is returned."""
    by_class = OrderedDict()
    for kind, _q, _s, expected, paths, total, _l in answers:
        if expected:
            ranks = [paths.index(p) + 1 for p in expected if p in paths]
            rr = 1.0 / min(ranks) if ranks else 0.0
        else:
            rr = 1.0 if total == 0 else 0.0
        by_class.setdefault(kind, []).append(rr)
        by_class.setdefault('all', []).append(rr)
    all_ = by_class.pop('all')
    by_class['all'] = all_
    return OrderedDict((k, (len(v), sum(1 for r in v if r > 0) / len(v), sum(v) / len(v)))
                       for k, v in by_class.items())


def misses(answers):
    return [(kind, q, scope, paths) for kind, q, scope, expected, paths, total, _l in answers
            if (expected and not set(expected) & set(paths)) or (not expected and total)]
