"""Evolution steps: registered per package, recorded on the root by name, run by
`shequ evolve`, and required before the app serves a database."""
import pytest

from conftest import BASE_FILE
from evolve_support import STEP
from helpers import add_user, login
from sitekit import SITE_LAYOUT, Site, write_ini
from shequ.cli import main as shequ
from shequ.evolve import EvolveNeeded, pending_steps
from shequ.tree import Section, Tenant, walk_tenants

WITH_STEP = {'pyramid.includes': 'evolve_support'}


def stored_site(tmp_path, change=None):
    """A database holding the base tree (and `change(root)` applied), the app closed."""
    site = Site(tmp_path)
    site.load(BASE_FILE)
    if change is not None:
        with site.root() as root:
            change(root)
    site.close()


def refused(tmp_path, **extra):
    """The EvolveNeeded an app over the database in `tmp_path` refuses to start with."""
    with pytest.raises(EvolveNeeded) as info:
        Site(tmp_path, **extra)
    return info.value


def test_new_root_records_every_registered_step(tmp_path):
    site = Site(tmp_path, **WITH_STEP)
    try:
        with site.root() as root:
            assert {STEP, 'add_missing_sections'} <= set(root.evolved)
            assert pending_steps(root, site.registry) == []
            assert not hasattr(root, 'test_step_runs')   # recorded, never run
    finally:
        site.close()


def test_empty_database_is_served(tmp_path):
    site = Site(tmp_path, **WITH_STEP)
    try:
        assert site.app.get('/').status_int == 200
    finally:
        site.close()


def test_app_refuses_a_pending_step_and_shequ_evolve_runs_it_once(tmp_path, capsys):
    stored_site(tmp_path)
    exc = refused(tmp_path, **WITH_STEP)
    assert [s.name for s in exc.steps] == [STEP]
    assert '请先运行: shequ evolve' in str(exc) and STEP in str(exc)

    ini = write_ini(tmp_path, **SITE_LAYOUT, **WITH_STEP)
    capsys.readouterr()
    assert shequ(['load', ini, BASE_FILE]) == 1           # other commands refuse too
    assert 'shequ evolve %s' % ini in capsys.readouterr().err
    assert shequ(['evolve', ini]) == 0
    assert STEP in capsys.readouterr().out
    assert shequ(['evolve', ini]) == 0
    assert '已是最新' in capsys.readouterr().out

    site = Site(tmp_path, **WITH_STEP)
    try:
        with site.root() as root:
            assert root.test_step_runs == 1
            assert STEP in root.evolved
        assert site.app.get('/sunwu/').status_int == 200
    finally:
        site.close()


def test_a_newly_declared_section_is_added_by_evolve_not_by_a_request(tmp_path):
    def before_volunteers(root):
        for tenant in walk_tenants(root):
            del tenant.data['volunteers']
            tenant._num.change(-1)
        root.sections_ensured = tuple(n for n in root.sections_ensured if n != 'volunteers')
    stored_site(tmp_path, before_volunteers)
    exc = refused(tmp_path)
    assert [s.name for s in exc.steps] == ['add_missing_sections']
    assert shequ(['evolve', write_ini(tmp_path, **SITE_LAYOUT)]) == 0
    site = Site(tmp_path)
    try:
        with site.root() as root:
            tenants = list(walk_tenants(root))
            assert tenants and all(isinstance(t.get('volunteers'), Section) for t in tenants)
            assert 'volunteers' in root.sections_ensured
            add_user(root, 'evolve-staff', 'staff', '/sunwu')
        page = login(site, 'evolve-staff').get('/sunwu/qingxi/')
        # the section menu as staff see it (every section, empty or not: a visitor's menu,
        # like the home-page cards, shows only sections with something in them)
        cards = [a.get_text(strip=True) for a in page.html.select('nav.sections a')]
        assert cards == ['办事指南', '通知公告', '工作事项与值班', '志愿服务', '制度文件', '居民诉求']
        # a sub-tenant may not take the newly declared name
        with site.root() as root, pytest.raises(ValueError):
            root['sunwu'].add('volunteers', Tenant('township', '错误'), registry=site.registry)
    finally:
        site.close()


def test_a_database_from_before_duty_lists_gets_their_section_by_evolve(tmp_path):
    def before_duties(root):
        for tenant in walk_tenants(root):
            del tenant.data['duties']
            tenant._num.change(-1)
        root.sections_ensured = tuple(n for n in root.sections_ensured if n != 'duties')
    stored_site(tmp_path, before_duties)
    assert [s.name for s in refused(tmp_path).steps] == ['add_missing_sections']
    assert shequ(['evolve', write_ini(tmp_path, **SITE_LAYOUT)]) == 0
    site = Site(tmp_path)
    try:
        with site.root() as root:
            assert all(isinstance(t.get('duties'), Section) for t in walk_tenants(root))
        assert site.app.get('/sunwu/qingxi/xingfu/duties/').status_int == 200
    finally:
        site.close()


LATER_STEPS = ['security.drop_lockout_fields', 'security.append_only_audit_logs',
               'content.times_in_utc', 'search.append_only_journal',
               'content.newest_index', 'services.title_pinyin', 'notices.below_index',
               'pagecache.add_page_states']


def legacy(generation):
    """Make a root look like one of the numbered generations: no names, no section set.

    (Its audit logs and journal are already of today's kind, so the steps registered
    since then, which convert those, are recorded as done; test_legacy_logs covers them.)
    """
    def change(root):
        root.evolved.clear()
        root.evolved.update({name: None for name in LATER_STEPS})
        del root.sections_ensured
        root.generation = generation
        county = root['sunwu']
        if generation == 0:
            del county.data['notices']
            county._num.change(-1)
    return change


def test_generation_1_root_counts_as_having_its_sections(tmp_path):
    stored_site(tmp_path, legacy(1))
    site = Site(tmp_path)
    try:
        with site.root() as root:
            assert pending_steps(root, site.registry) == []
            assert 'volunteers' in root['sunwu']
            add_user(root, 'evolve-staff', 'staff', '/sunwu')
        cards = login(site, 'evolve-staff').get('/sunwu/').html.select('nav.sections a')
        assert [h.get_text(strip=True) for h in cards] == ['办事指南', '通知公告', '工作事项与值班',
                                                           '志愿服务', '制度文件', '居民诉求']
    finally:
        site.close()
    # a step registered since then is still pending
    assert [s.name for s in refused(tmp_path, **WITH_STEP).steps] == [STEP]


def test_generation_0_root_needs_the_section_step(tmp_path):
    stored_site(tmp_path, legacy(0))
    assert [s.name for s in refused(tmp_path).steps] == ['add_missing_sections']
    assert shequ(['evolve', write_ini(tmp_path, **SITE_LAYOUT)]) == 0
    site = Site(tmp_path)
    try:
        with site.root() as root:
            assert 'notices' in root['sunwu']
            assert 'add_missing_sections' in root.evolved
            assert root.generation == 0                    # left as it was
    finally:
        site.close()


def test_legacy_audit_logs_and_journal_are_converted_by_evolve(tmp_path):
    """A database from before the append-only logs: every audit entry is kept."""
    from BTrees.LOBTree import LOBTree
    from shequ.clock import utcnow
    from shequ.search.journal import IndexJournal
    from shequ.security.audit import AuditLog, get_audit_log, newest

    def make_old(root):
        for name in ('security.append_only_audit_logs', 'search.append_only_journal'):
            del root.evolved[name]
        county = root['sunwu']
        del county.audit
        old = county.audit_log = AuditLog()
        old.data = LOBTree()
        for i in range(3):
            old.data[1000 + i] = {'time': utcnow(), 'login': 'li', 'name': '李', 'action': 'edit',
                                  'path': '/sunwu/notices/n%d' % i, 'title': '通知 %d' % i}
        del root.changes
        root.search_journal = IndexJournal()
    stored_site(tmp_path, make_old)
    assert [s.name for s in refused(tmp_path).steps] == ['security.append_only_audit_logs',
                                                         'search.append_only_journal']
    assert shequ(['evolve', write_ini(tmp_path, **SITE_LAYOUT)]) == 0
    site = Site(tmp_path)
    try:
        with site.root() as root:
            county = root['sunwu']
            assert [e['title'] for e in newest(get_audit_log(county))] == ['通知 2', '通知 1', '通知 0']
            assert not hasattr(county, 'audit_log') and not hasattr(root, 'search_journal')
            assert root.changes.end == 1                 # one entry: every county
        res = site.app.get('/sunwu/@@search.json', params={'q': '低保'}).json
        assert '/sunwu/services/dibao' in [r['path'] for r in res['results']]
    finally:
        site.close()


def test_china_time_stamps_stored_by_older_forms_become_utc(tmp_path):
    from datetime import datetime, timezone
    from shequ.clock import CHINA_TZ

    def make_old(root):
        del root.evolved['content.times_in_utc']
        item = root['sunwu']['services']['dibao']
        item.publish_at = datetime(2026, 12, 1, 8, 0, tzinfo=CHINA_TZ)
    stored_site(tmp_path, make_old)
    assert [s.name for s in refused(tmp_path).steps] == ['content.times_in_utc']
    assert shequ(['evolve', write_ini(tmp_path, **SITE_LAYOUT)]) == 0
    site = Site(tmp_path)
    try:
        with site.root() as root:
            stamp = root['sunwu']['services']['dibao'].publish_at
            assert stamp == datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)
            assert stamp.utcoffset().total_seconds() == 0
    finally:
        site.close()


def test_the_old_lockout_fields_are_dropped_from_users(tmp_path):
    from shequ.security import User, get_users

    def make_old(root):
        del root.evolved['security.drop_lockout_fields']
        user = get_users(root, create=True).add(User('li', '李', 'long-password-1'))
        user.failed_logins, user.locked_until = 4, None
    stored_site(tmp_path, make_old)
    assert [s.name for s in refused(tmp_path).steps] == ['security.drop_lockout_fields']
    assert shequ(['evolve', write_ini(tmp_path, **SITE_LAYOUT)]) == 0
    site = Site(tmp_path)
    try:
        with site.root() as root:
            user = get_users(root).get('li')
            assert 'failed_logins' not in user.__dict__ and 'locked_until' not in user.__dict__
    finally:
        site.close()
