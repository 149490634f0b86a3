"""The index journal and the indexer: same-transaction entries, no conflicts, convergence."""
import os
import shutil
import subprocess
import sys
import threading

import pytest
import transaction

from webtest import TestApp

from conftest import BASE_FILE, HERE, Site
from sitekit import SITE_LAYOUT, write_ini
from shequ.content import get_content_registry
from shequ.search.journal import get_journal
from shequ.tree import get_root
from shequ.tree.ops import add, modify

CATALOGUE = os.path.join(HERE, 'tests', 'data', 'search', 'catalogue.yaml')
SHEQU = os.path.join(os.path.dirname(sys.executable), 'shequ')


def found(site, q, scope='/linhe', limit=10):
    res = site.app.get(scope + '/@@search.json', params={'q': q, 'limit': limit}).json
    return [r['path'] for r in res['results']]


def add_service(root, registry, tenant_path, slug, title):
    tenant = root
    for name in tenant_path.strip('/').split('/'):
        tenant = tenant[name]
    item = get_content_registry(registry).create('service', title=title, category='测试')
    item.state = 'published'
    add(tenant['services'], slug, item, registry)


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
    """Two writers, many rounds: the journal's head is sealed into pages many times over."""
    site.load(CATALOGUE)
    managers = [transaction.TransactionManager() for _ in range(2)]
    conns = [site.db.open(transaction_manager=tm) for tm in managers]
    with site.root() as root:
        start = get_journal(root).end
    for i in range(150):
        for tm in managers:
            tm.begin()
        add_service(get_root(conns[0]), site.registry, '/linhe/hedong/xinghua', 'a%d' % i, '甲事项')
        add_service(get_root(conns[1]), site.registry, '/linhe/hedong/taoyuan', 'b%d' % i,
                    '收官事项' if i == 149 else '乙事项')
        for tm in managers:
            tm.commit()          # raises ConflictError if the journal made writers collide
    for conn in conns:
        conn.close()
    with site.root() as root:
        assert get_journal(root).end - start == 300
    assert '/linhe/hedong/taoyuan/services/b149' in found(site, '收官事项')


def test_applying_the_journal_twice_is_harmless(site):
    site.load(CATALOGUE)
    indexer = site.registry.search.indexer
    indexer.apply_db(site.db)
    os.remove(os.path.join(indexer.index_dir, 'cursors.json'))   # crash before the cursor
    indexer.apply_db(site.db, rebuild_missing=True)
    assert found(site, '低保').count('/linhe/services/dibao') == 1


def test_a_transaction_committing_late_is_still_applied(site):
    """A transaction that began first and commits after the indexer ran is not skipped."""
    site.load(CATALOGUE)
    indexer = site.registry.search.indexer
    managers = [transaction.TransactionManager() for _ in range(2)]
    conns = [site.db.open(transaction_manager=tm) for tm in managers]
    for tm in managers:
        tm.begin()
    add_service(get_root(conns[0]), site.registry, '/linhe', 'late', '迟到事项')
    add_service(get_root(conns[1]), site.registry, '/linhe', 'early', '先到事项')
    managers[1].commit()
    indexer.apply_db(site.db)            # the cursor moves past the early commit
    managers[0].commit()                 # began first, committed last
    indexer.apply_db(site.db)
    for conn in conns:
        conn.close()
    assert '/linhe/services/late' in found(site, '迟到事项')
    assert '/linhe/services/early' in found(site, '先到事项')


def test_pruned_journal_makes_a_lagging_replica_rebuild(site):
    site.load(CATALOGUE)
    indexer = site.registry.search.indexer
    for i in range(80):                  # enough transactions to seal journal pages
        with site.root() as root:
            modify(root['linhe']['services']['dibao'], site.registry, note='复核 %d' % i)
    indexer.apply_db(site.db)
    indexer.write_cursor('linhe', 0)     # a replica that has been away a long time
    with site.root() as root:
        assert get_journal(root).prune_before(lambda entry: False) > 0
    assert indexer.apply_db(site.db, prune=False) == 0      # a web request does not rebuild
    assert 'linhe' in indexer.waiting
    indexer.apply_db(site.db, prune=False, rebuild_missing=True)
    assert indexer.read_cursors()['linhe'] > 0
    assert '/linhe/services/dibao' in found(site, '低保')


def test_one_bad_document_does_not_stop_indexing(site):
    """A poisoned item is skipped and recorded; its county and the others go on."""
    site.load(BASE_FILE)
    site.load(CATALOGUE)
    with site.root() as root:
        root['linhe']['services']['dibao'].materials = 5       # stored data a kind cannot read
        modify(root['linhe']['services']['dibao'], site.registry, title='最低生活保障（新）')
        add_service(root, site.registry, '/linhe', 'xin', '新增便民事项')
        add_service(root, site.registry, '/sunwu', 'xin', '孙吴新增事项')
    indexer = site.registry.search.indexer
    assert '/linhe/services/xin' in found(site, '新增便民事项')
    assert '/sunwu/services/xin' in found(site, '孙吴新增事项', scope='/sunwu')
    assert list(indexer.failed()) == ['/linhe/services/dibao']
    with site.root() as root:
        root['linhe']['services']['dibao'].materials = ()      # repaired
        modify(root['linhe']['services']['dibao'], site.registry, title='最低生活保障')
    assert indexer.failed() == {}
    assert '/linhe/services/dibao' in found(site, '低保')


def test_searches_while_an_index_is_missing_never_fail(site):
    """The index folder removed (fresh deploy, rebuild): 8 visitors at once get answers."""
    site.load(CATALOGUE)
    # removed by another process: a thread sees it at its next look at the disk, at most
    # shequ.search.recheck_seconds later (test_search_index); here, at once
    site.registry.search.recheck = 0
    assert '/linhe/services/dibao' in found(site, '低保')
    indexer = site.registry.search.indexer
    shutil.rmtree(indexer.county_dir('linhe'))
    statuses, errors = [], []

    def visitor():
        app = TestApp(site.wsgi)
        try:
            for _ in range(5):
                for url, q in (('/linhe/hedong/xinghua/@@search', '低保'),
                               ('/linhe/@@search.json', '活动室'), ('/@@search.json', '低保')):
                    res = app.get(url, params={'q': q}, expect_errors=True)
                    statuses.append(res.status_int)
        except Exception as exc:       # noqa: BLE001 — any failure fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=visitor) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and set(statuses) == {200}, (errors, sorted(set(statuses)))
    res = site.app.get('/linhe/@@search.json', params={'q': '低保'}).json
    assert res['results'] == [] and res['complete'] is False
    page = site.app.get('/linhe/@@search', params={'q': '低保'})
    assert '搜索索引正在建立' in page.text
    # no web request rebuilt the index in-process; the indexer process does
    assert not indexer.has_index('linhe')
    indexer.apply_db(site.db, rebuild_missing=True)
    res = site.app.get('/linhe/@@search.json', params={'q': '低保'}).json
    assert '/linhe/services/dibao' in [r['path'] for r in res['results']] and res['complete']


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
    # the partial rebuild moved no cursor: the indexer still applies everyone else's changes
    run = subprocess.run([SHEQU, 'indexer', ini, '--once'], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    site = Site(tmp_path, **{'shequ.index_inline': 'false'})
    assert '/linhe/services/dibao' in found(site, '低保')
    assert '/linhe/shuangmiao/qianjin' in ' '.join(found(site, '村', limit=50))
    site.close()


def test_shequ_indexer_failed_lists_what_could_not_be_indexed(tmp_path, ini):
    site = Site(tmp_path, **{'shequ.index_inline': 'false'})
    site.load(CATALOGUE)
    with site.root() as root:
        root['linhe']['services']['dibao'].materials = 5
    site.close()
    run = subprocess.run([SHEQU, 'indexer', ini, '--once'], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    run = subprocess.run([SHEQU, 'indexer', ini, '--failed'], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 1 and '/linhe/services/dibao' in run.stdout, run.stdout
    site = Site(tmp_path, **{'shequ.index_inline': 'false'})
    assert '/linhe/hedong/xinghua/services/huodongshi' in found(site, '活动室')
    site.close()
