"""Search over a real index: query forms, scope, visibility, and keeping up with ZODB."""
import os
from datetime import timedelta

import pytest

from conftest import HERE, Site
from shequ.content import WITHDRAWN, utcnow
from shequ.tree.ops import modify, remove

DATA = os.path.join(HERE, 'tests', 'data', 'search')
CATALOGUE = os.path.join(DATA, 'catalogue.yaml')
XINGHUA = '/linhe/hedong/xinghua'


def paths(site, q, scope=XINGHUA, **params):
    res = site.app.get(scope + '/@@search.json', params=dict(q=q, **params)).json
    return [r['path'] for r in res['results']]


@pytest.fixture(scope='module')
def shared(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp('search-index'))
    site.load(CATALOGUE)
    yield site
    site.close()


@pytest.fixture
def loaded(site):
    site.load(CATALOGUE)
    return site


@pytest.mark.parametrize('query, slug', [
    ('居民身份证申领换领补领', 'shenfenzheng'),   # official name
    ('优待证', 'laonian-youdaizheng'),             # part of it
    ('新农合', 'jumin-yibao'),                     # everyday word
    ('殘疾人證', 'canjiren-zheng'),                # traditional characters
    ('canjirenzheng', 'canjiren-zheng'),          # full pinyin
    ('hunyin dengji', 'jiehun'),                  # pinyin with a space
    ('jzz', 'juzhuzheng'),                        # initials
    ('低包', 'dibao'),                            # homophone typo
    ('居住正', 'juzhuzheng'),
])
def test_each_query_form_finds_its_service_in_the_top_five(shared, query, slug):
    assert '/linhe/services/' + slug in paths(shared, query)[:5]


def test_community_search_never_shows_a_sibling_communitys_items(shared):
    found = paths(shared, '活动室 老年食堂 助餐', limit=50)
    assert '/linhe/hedong/xinghua/services/huodongshi' in found
    assert not [p for p in found if p.startswith('/linhe/hedong/taoyuan/')]


def test_county_search_covers_every_tenant_below(shared):
    found = paths(shared, '活动室', scope='/linhe', limit=50)
    assert {'/linhe/hedong/xinghua/services/huodongshi',
            '/linhe/hedong/taoyuan/services/huodongshi'} <= set(found)


def test_platform_search_fans_out_over_counties(shared):
    assert '/linhe/services/dibao' in paths(shared, '低保', scope='')


def test_inherited_standard_links_to_the_scope_tenants_view(shared):
    res = shared.app.get(XINGHUA + '/@@search.json', params={'q': '低保'}).json
    first = res['results'][0]
    assert first['path'] == '/linhe/services/dibao'
    assert first['url'] == 'http://localhost/linhe/hedong/xinghua/services/dibao'
    assert first['tenant'] == '临河区'


def test_json_answer_has_results_facets_and_highlighted_snippet(shared):
    res = shared.app.get(XINGHUA + '/@@search.json', params={'q': '低保', 'limit': 3}).json
    assert set(res) >= {'query', 'total', 'results', 'facets', 'suggestion'}
    assert set(res['results'][0]) >= {'path', 'url', 'title', 'type', 'tenant', 'snippet', 'score'}
    assert {'type', 'category', 'tenant'} <= set(res['facets'])
    assert any('<mark' in r['snippet'] for r in res['results'])


def test_category_facet_narrows_results(shared):
    res = shared.app.get(XINGHUA + '/@@search.json',
                         params={'q': '补贴', 'category': '农业农村'}).json
    assert res['results'] and {r['category'] for r in res['results']} == {'农业农村'}


def test_limit_and_offset_page_through_results(shared):
    first = paths(shared, '补贴', limit=2)
    second = paths(shared, '补贴', limit=2, offset=2)
    assert len(first) == 2 and not set(first) & set(second)


def test_pinyin_query_suggests_the_chinese_words(shared):
    res = shared.app.get(XINGHUA + '/@@search.json', params={'q': 'dibao'}).json
    assert res['suggestion'] == '低保'


def test_search_page_shows_results_with_tenant_and_highlight(shared):
    page = shared.app.get(XINGHUA + '/@@search', params={'q': '老年证'})
    assert '老年人优待证申领' in page.text and '<mark' in page.text and '临河区' in page.text


def test_search_page_with_no_match_suggests_most_used_services(shared):
    from webtest import TestApp
    for n in range(3):  # residents keep looking this one up (each counts once a day)
        TestApp(shared.wsgi, extra_environ={'REMOTE_ADDR': '198.51.100.%d' % n}).get(
            XINGHUA + '/@@search.json', params={'q': '低保审核确认'})
    page = shared.app.get(XINGHUA + '/@@search', params={'q': 'zzzzqqq'})
    assert 'class="empty"' in page.text and '最低生活保障审核确认' in page.text


def test_deleted_item_disappears_from_results(loaded):
    with loaded.root() as root:
        remove(root['linhe']['services'], 'dibao', loaded.registry)
    assert '/linhe/services/dibao' not in paths(loaded, '低保')


def test_withdrawn_item_disappears_from_results(loaded):
    with loaded.root() as root:
        item = root['linhe']['services']['dibao']
        modify(item, loaded.registry, state=WITHDRAWN)
    assert '/linhe/services/dibao' not in paths(loaded, '低保')


def test_future_item_appears_at_its_publish_time_without_reindexing(loaded):
    with loaded.root() as root:
        item = root['linhe']['services']['dibao']
        modify(item, loaded.registry, publish_at=utcnow() + timedelta(hours=1))
    from shequ.search.views import make_scope
    with loaded.root() as root:
        scope = make_scope(root['linhe'])
    search = loaded.registry.search
    later = (utcnow() + timedelta(hours=2)).timestamp()
    assert not [h for h in search.search('低保', scope).hits if h.path == '/linhe/services/dibao']
    assert [h for h in search.search('低保', scope, now=later).hits if h.path == '/linhe/services/dibao']


def test_removed_tenant_takes_its_items_out_of_the_index(loaded):
    with loaded.root() as root:
        remove(root['linhe']['hedong'], 'xinghua', loaded.registry)
    assert not [p for p in paths(loaded, '活动室', scope='/linhe', limit=50) if '/xinghua/' in p]


def test_hidden_standard_service_is_not_shown_below_the_hiding_tenant(loaded):
    with loaded.root() as root:
        root['linhe']['hedong']['services'].hidden_standard = ('dibao',)
    assert '/linhe/services/dibao' not in paths(loaded, '低保')
    assert '/linhe/services/dibao' in paths(loaded, '低保', scope='/linhe/shuangmiao')


def test_county_synonyms_take_effect_at_once(loaded):
    from shequ.search.synonyms import set_county_synonyms
    assert '/linhe/services/gongnuan' not in paths(loaded, '烧炕')[:5]
    with loaded.root() as root:
        set_county_synonyms(root['linhe'], '集中供热 = 烧炕')
    assert '/linhe/services/gongnuan' in paths(loaded, '烧炕')[:5]


def test_county_staff_edit_synonyms_from_the_web(loaded):
    from helpers import add_user, login
    with loaded.root() as root:
        add_user(root, 'linhe-staff', 'staff', '/linhe')
    app = login(loaded, 'linhe-staff')
    form = app.get('/linhe/@@synonyms').forms['synonyms-form']
    form['synonyms'] = '集中供热 = 烧炕'
    form.submit().follow()
    assert '/linhe/services/gongnuan' in paths(loaded, '烧炕')[:5]


def test_bad_synonym_line_is_refused_with_its_line_number_and_kept(loaded):
    from helpers import add_user, login
    with loaded.root() as root:
        add_user(root, 'linhe-staff', 'staff', '/linhe')
    app = login(loaded, 'linhe-staff')
    form = app.get('/linhe/@@synonyms').forms['synonyms-form']
    form['synonyms'] = '集中供热 = 烧炕\n= 没有正式名称'
    res = form.submit()
    assert res.status_int == 200 and '没有正式名称' in res.text and '2' in res.text
    with loaded.root() as root:
        from shequ.search.synonyms import county_synonyms
        assert not county_synonyms(root['linhe'])


def test_township_staff_cannot_edit_the_county_synonyms(loaded):
    from helpers import add_user, csrf, login
    with loaded.root() as root:
        add_user(root, 'town-staff', 'staff', '/linhe/hedong')
    app = login(loaded, 'town-staff')
    res = app.post('/linhe/@@synonyms', {'csrf_token': csrf(app), 'synonyms': '甲 = 乙'},
                   expect_errors=True)
    assert res.status_int == 403


def test_community_staff_search_never_shows_unpublished_work_from_above(loaded):
    from helpers import add_user, login
    from shequ.content import DRAFT
    with loaded.root() as root:
        add_user(root, 'xh-staff', 'staff', XINGHUA)
        item = root['linhe']['services']['dibao']
        modify(item, loaded.registry, state=DRAFT)
        own = root['linhe']['hedong']['xinghua']['services']['huodongshi']
        modify(own, loaded.registry, state=DRAFT)
    staff = login(loaded, 'xh-staff')
    res = staff.get(XINGHUA + '/@@search.json', params={'q': '低保'}).json
    assert '/linhe/services/dibao' not in [r['path'] for r in res['results']]
    res = staff.get(XINGHUA + '/@@search.json', params={'q': '活动室'}).json
    assert XINGHUA + '/services/huodongshi' in [r['path'] for r in res['results']]
    assert XINGHUA + '/services/huodongshi' not in paths(loaded, '活动室')  # anonymous


def test_snippets_escape_what_staff_typed(loaded):
    with loaded.root() as root:
        item = root['linhe']['services']['dibao']
        modify(item, loaded.registry, summary='<script>alert(1)</script><img src=x onerror=alert(2)> 低保复核说明')
    html = loaded.app.get(XINGHUA + '/@@search', params={'q': '低保复核'}).text
    assert '低保复核</mark>' in html                       # the item was found and highlighted
    assert '<script>alert(1)' not in html and '<img src=x' not in html


def test_most_used_services_survive_a_restart(tmp_path):
    first = Site(tmp_path)
    first.load(CATALOGUE)
    for _ in range(3):
        paths(first, '异地就医备案')
    first.close()
    again = Site(tmp_path)  # a new process on the same data
    try:
        res = again.app.get(XINGHUA + '/@@search.json', params={'q': 'zzzzqqq'}).json
        assert res['total'] == 0
        assert res['popular'][0]['title'] == '异地就医备案'
    finally:
        again.close()


def test_an_index_written_by_another_process_is_searched_within_the_recheck(tmp_path):
    """A web process that does not index (`shequ indexer` does) looks at the disk at most
    once per `shequ.search.recheck_seconds`, and at once after its own writes."""
    from shequ.search.indexer import Indexer
    site = Site(tmp_path, **{'shequ.index_inline': 'false', 'shequ.page_cache': 'off'})
    try:
        site.load(CATALOGUE)
        search = site.registry.search
        search.indexer.apply_db(site.db)               # its first index, written by itself
        now = [100.0]
        search.clock = lambda: now[0]
        assert '/linhe/services/dibao' in paths(site, '低保')

        def retitle(word):
            with site.root() as root:
                item = root['linhe']['services']['dibao']
                modify(item, site.registry, title=item.title + word)
        retitle('鸵鸟')
        other = Indexer(search.index_dir, search.indexer.content)     # the indexer process
        other.apply_db(site.db)
        now[0] += 0.5
        assert paths(site, '鸵鸟') == []           # still the state it looked at
        now[0] += 0.6
        assert paths(site, '鸵鸟') == ['/linhe/services/dibao']

        retitle('企鹅')
        search.indexer.apply_db(site.db)               # written by this process: seen at once
        assert paths(site, '企鹅') == ['/linhe/services/dibao']
    finally:
        site.close()


def test_a_remembered_answer_changes_with_the_index_time_and_synonyms(loaded):
    """Answers are kept per index state, time slot and synonym list
    (`SearchService._answers`): each change shows on the next search, and a kept answer
    still counts its top hit's use per visitor."""
    from shequ.search.synonyms import set_county_synonyms
    from shequ.search.views import make_scope
    search = loaded.registry.search
    for _ in range(2):
        assert paths(loaded, '低保')[0] == '/linhe/services/dibao'
    assert search._answers
    with loaded.root() as root:
        modify(root['linhe']['services']['dibao'], loaded.registry, state=WITHDRAWN)
    assert '/linhe/services/dibao' not in paths(loaded, '低保')
    with loaded.root() as root:
        modify(root['linhe']['services']['dibao'], loaded.registry, state='published',
               publish_at=utcnow() + timedelta(hours=1))
    with loaded.root() as root:
        scope = make_scope(root['linhe'])
    later = (utcnow() + timedelta(hours=2)).timestamp()
    for _ in range(2):
        assert '/linhe/services/dibao' not in [h.path for h in search.search('低保', scope).hits]
        assert '/linhe/services/dibao' in [h.path for h in
                                           search.search('低保', scope, now=later).hits]
    assert '/linhe/services/gongnuan' not in paths(loaded, '烧炕')[:5]
    with loaded.root() as root:
        set_county_synonyms(root['linhe'], '集中供热 = 烧炕')
    assert '/linhe/services/gongnuan' in paths(loaded, '烧炕')[:5]
    top = search.search('烧炕', scope).hits[0].path
    before = search.usage.counts([top]).get(top, 0)
    for visitor in ('10.0.0.1', '10.0.0.2', '10.0.0.2'):
        search.search('烧炕', scope, visitor=visitor)
    assert search.usage.counts([top]).get(top, 0) == before + 2
