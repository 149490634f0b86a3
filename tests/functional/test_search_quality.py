"""Retrieval quality: everyday resident queries over a realistic catalogue, via @@search.json."""
import os

import pytest

from conftest import HERE, Site

DATA = os.path.join(HERE, 'tests', 'data', 'search')
DEFAULT_SCOPE = '/linhe/hedong/xinghua'


def read_queries():
    """(query, expected path, scope) from queries.txt."""
    cases = []
    with open(os.path.join(DATA, 'queries.txt'), encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            parts = line.split('\t')
            query, expected = parts[0], parts[1]
            scope = parts[2] if len(parts) > 2 else DEFAULT_SCOPE
            if not expected.startswith('/'):
                expected = '/linhe/services/' + expected
            cases.append((query, expected, scope))
    return cases


def in_scope(path, scope):
    """An item path visible at `scope`: below it, or a standard service owned above it."""
    owner = path.split('/services/')[0]
    return path.startswith(scope + '/') or scope.startswith(owner)


@pytest.fixture(scope='module')
def catalogue_site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp('catalogue'))
    site.load(os.path.join(DATA, 'catalogue.yaml'))
    yield site
    site.close()


@pytest.fixture(scope='module')
def answers(catalogue_site):
    """Every query's top five paths."""
    out = []
    for query, expected, scope in read_queries():
        found = catalogue_site.app.get(scope + '/@@search.json', params={'q': query, 'limit': 5}).json
        out.append((query, expected, scope, [r['path'] for r in found['results']]))
    return out


def test_everyday_queries_find_the_right_service_in_the_top_five(answers):
    misses = [(q, expected, paths) for q, expected, _s, paths in answers if expected not in paths]
    rate = 1 - len(misses) / len(answers)
    assert len(answers) >= 120
    assert rate >= 0.95, 'top-5 %.1f%%, misses: %s' % (rate * 100, misses)


def test_no_query_returns_an_item_outside_its_scope(answers):
    leaks = [(q, scope, p) for q, _e, scope, paths in answers for p in paths if not in_scope(p, scope)]
    assert not leaks
