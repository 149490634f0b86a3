"""The index journal and the indexer: same-transaction entries, no conflicts, convergence."""
import os
import subprocess
import sys

import pytest
import transaction

from conftest import HERE, Site
from sitekit import SITE_LAYOUT, write_ini
from shequ.content import get_content_registry
from shequ.search.journal import get_journal, make_key
from shequ.tree import get_root

CATALOGUE = os.path.join(HERE, 'tests', 'data', 'search', 'catalogue.yaml')
SHEQU = os.path.join(os.path.dirname(sys.executable), 'shequ')


def found(site, q, scope='/linhe'):
    res = site.app.get(scope + '/@@search.json', params={'q': q}).json
    return [r['path'] for r in res['results']]


def add_service(root, registry, tenant_path, slug, title):
    tenant = root
    for name in tenant_path.strip('/').split('/'):
        tenant = tenant[name]
    item = get_content_registry(registry).create('service', title=title, category='测试')
    item.state = 'published'
    tenant['services'].add(slug, item, registry=registry)


def test_an_aborted_change_leaves_no_journal_entry(site):
    site.load(CATALOGUE)
    with site.root() as root:
        before = len(get_journal(root))
    tm = transaction.TransactionManager()
    conn = site.db.open(transaction_manager=tm)
    tm.begin()
    add_service(get_root(conn), site.registry, '/linhe', 'x', '测试事项')
    tm.abort()
    conn.close()
    with site.root() as root:
        assert len(get_journal(root)) == before


def test_concurrent_content_writers_do_not_conflict_on_the_journal(site):
    site.load(CATALOGUE)
    managers = [transaction.TransactionManager() for _ in range(2)]
    conns = [site.db.open(transaction_manager=tm) for tm in managers]
    for tm in managers:
        tm.begin()
    add_service(get_root(conns[0]), site.registry, '/linhe/hedong/xinghua', 'a', '甲事项')
    add_service(get_root(conns[1]), site.registry, '/linhe/hedong/taoyuan', 'b', '乙事项')
    for tm in managers:
        tm.commit()          # raises ConflictError if the journal made writers collide
    for conn in conns:
        conn.close()
    assert '/linhe/hedong/taoyuan/services/b' in found(site, '乙事项')


def test_applying_the_journal_twice_is_harmless(site):
    site.load(CATALOGUE)
    indexer = site.registry.search.indexer
    indexer.apply_db(site.db)
    os.remove(os.path.join(indexer.index_dir, 'journal-cursor.json'))   # crash before cursor
    indexer.apply_db(site.db)
    assert found(site, '低保').count('/linhe/services/dibao') == 1


def test_a_transaction_committing_late_is_still_applied(site):
    site.load(CATALOGUE)
    indexer = site.registry.search.indexer
    indexer.apply_db(site.db)
    cursor, _recent = indexer.read_cursor()
    with site.root() as root:           # an entry whose key is older than the cursor
        add_service(root, site.registry, '/linhe', 'late', '迟到事项')
        journal = get_journal(root)
        late_key = make_key(int(cursor.split('.')[0]) - 10 ** 9)
        journal.entries[late_key] = ('/linhe/services/late',)
    indexer.apply_db(site.db)
    assert '/linhe/services/late' in found(site, '迟到事项')


def test_pruned_journal_makes_a_lagging_replica_rebuild(site):
    site.load(CATALOGUE)
    indexer = site.registry.search.indexer
    indexer.apply_db(site.db)
    indexer.write_cursor('00000000000000000001.0', set())
    with site.root() as root:
        get_journal(root).prune(make_key())
    indexer.apply_db(site.db, prune=False)
    assert '/linhe/services/dibao' in found(site, '低保')


@pytest.fixture
def ini(tmp_path):
    return write_ini(tmp_path, **SITE_LAYOUT, **{'shequ.index_inline': 'false'})


def test_index_converges_after_shequ_indexer_runs_again(tmp_path, ini):
    site = Site(tmp_path, **{'shequ.index_inline': 'false'})
    site.load(CATALOGUE)      # committed to ZODB; as if killed before the index update
    assert found(site, '低保') == []
    site.close()
    run = subprocess.run([SHEQU, 'indexer', ini, '--once'], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    site = Site(tmp_path, **{'shequ.index_inline': 'false'})
    assert '/linhe/services/dibao' in found(site, '低保')
    site.close()


def test_reindex_rebuilds_one_tenant_from_zodb(tmp_path, ini):
    site = Site(tmp_path, **{'shequ.index_inline': 'false'})
    site.load(CATALOGUE)
    site.close()
    run = subprocess.run([SHEQU, 'reindex', ini, '--tenant', '/linhe/hedong'],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    site = Site(tmp_path, **{'shequ.index_inline': 'false'})
    assert '/linhe/hedong/xinghua/services/huodongshi' in found(site, '活动室')
    assert '/linhe/services/dibao' not in found(site, '低保')     # outside the tenant
    site.close()
