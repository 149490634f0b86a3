"""What applies from above: notices and documents of ancestors, never a sibling's items."""
import os

import pytest

from conftest import HERE, Site

TREE = os.path.join(HERE, 'tests', 'data', 'search', 'above.yaml')
HEPING = '/ansu/chengguan/heping'


@pytest.fixture(scope='module')
def above_site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp('above'))
    site.load(TREE)
    yield site
    site.close()


def search(site, scope, q, **params):
    return site.app.get(scope + '/@@search.json', params=dict(q=q, **params)).json


def paths(found):
    return [r['path'] for r in found['results']]


def test_a_county_notice_is_found_from_a_community_below_and_labelled_with_its_issuer(above_site):
    found = search(above_site, HEPING, '暖气费')
    county = [r for r in found['results'] if r['path'] == '/ansu/notices/gongnuan']
    assert county, paths(found)
    assert county[0]['issuer'] == '安素县 · 通知公告'
    assert county[0]['from_above'] is True


def test_a_street_document_is_found_from_a_community_below(above_site):
    found = search(above_site, HEPING, '防汛预案')
    assert paths(found)[:1] == ['/ansu/chengguan/documents/fangxun']
    assert found['results'][0]['issuer'].startswith('城关街道 · ')


def test_an_equally_relevant_local_item_ranks_above_one_from_above(above_site):
    found = paths(search(above_site, HEPING, '供暖'))
    assert found.index('/ansu/chengguan/heping/notices/gongnuan-jianxiu') < \
        found.index('/ansu/notices/gongnuan')


def test_a_sibling_communitys_notice_is_never_found(above_site):
    assert '/ansu/chengguan/xinmin/notices/tingshui' not in paths(search(above_site, HEPING, '停水'))
    assert paths(search(above_site, '/ansu/chengguan/xinmin', '停水'))[:1] == \
        ['/ansu/chengguan/xinmin/notices/tingshui']


def test_a_hidden_standard_stays_hidden_below_the_hiding_tenant(above_site):
    assert '/ansu/services/gengdi' not in paths(search(above_site, HEPING, '耕地补贴'))
    assert '/ansu/services/gengdi' in paths(search(above_site, '/ansu', '耕地补贴'))


def test_the_level_facet_narrows_to_here_or_above(above_site):
    found = search(above_site, HEPING, '供暖')
    levels = {f['value']: f for f in found['facets']['level']}
    assert levels['here']['label'] == '本社区' and levels['above']['label'] == '上级'
    above = paths(search(above_site, HEPING, '供暖', level='above'))
    here = paths(search(above_site, HEPING, '供暖', level='here'))
    assert above == ['/ansu/notices/gongnuan']
    assert here == ['/ansu/chengguan/heping/notices/gongnuan-jianxiu']


def test_the_search_page_names_the_issuer(above_site):
    page = above_site.app.get(HEPING + '/@@search', params={'q': '暖气费'})
    assert '安素县 · 通知公告' in page.text


@pytest.mark.parametrize('typed', ['最低', 'zuidi', 'zdsh'])
def test_suggestions_answer_hanzi_pinyin_and_initials(above_site, typed):
    found = above_site.app.get(HEPING + '/@@suggest.json', params={'q': typed}).json
    assert found['suggestions'][0]['title'] == '最低生活保障申请'
    assert found['suggestions'][0]['url'].endswith(HEPING + '/services/dibao')


def test_suggestions_put_services_first_and_keep_scope(above_site):
    found = above_site.app.get(HEPING + '/@@suggest.json', params={'q': 'gongnuan'}).json
    titles = [s['title'] for s in found['suggestions']]
    assert '关于城区冬季集中供暖时间和收费标准的通知' in titles
    assert '和平社区供暖管网检修安排' in titles
    sibling = above_site.app.get(HEPING + '/@@suggest.json', params={'q': '新民'}).json
    assert sibling['suggestions'] == []
    hidden = above_site.app.get(HEPING + '/@@suggest.json', params={'q': '耕地'}).json
    assert hidden['suggestions'] == []
    services = above_site.app.get('/ansu/@@suggest.json', params={'q': 'g'}).json
    kinds = [s['type'] for s in services['suggestions']]
    assert kinds == sorted(kinds, key=lambda k: k != 'service')


def test_the_search_form_works_without_javascript(above_site):
    page = above_site.app.get(HEPING + '/')
    form = page.forms[[k for k, f in page.forms.items() if f.action.endswith('@@search')][0]]
    form['q'] = '供暖'
    result = form.submit()
    assert '和平社区供暖管网检修安排' in result.text
