"""The catalogue: by category with counts, by pinyin initial, paginated, on the tenant page."""
import re

import pytest


XINGFU = '/sunwu/qingxi/xingfu'


@pytest.fixture
def full_site(full_demo_site):
    """The full demo, read-only: its catalogue lives in config/demo.yaml."""
    return full_demo_site


def titles(page):
    return [a.text for a in page.html.select('.service-list li > a')]


def test_category_filter_shows_only_that_category(full_site):
    page = full_site.app.get(XINGFU + '/services/', {'category': '养老服务'})
    assert sorted(titles(page)) == sorted(
        ['老年人优待证办理', '高龄津贴申领', '经济困难老年人居家养老服务补贴申请', '社区长者食堂就餐登记'])


def test_category_list_shows_counts(full_site):
    page = full_site.app.get(XINGFU + '/services/')
    link = page.html.find('a', href=re.compile('category=%E5%85%BB%E8%80%81'))  # 养老
    assert link.find('span', class_='n').text == '4'


def test_catalogue_groups_services_under_category_headings(full_site):
    page = full_site.app.get(XINGFU + '/services/')
    headings = [h.text for h in page.html.select('.service-group h2')]
    assert headings[:3] == ['社会救助', '养老服务', '残疾人服务']


def test_letter_filter_shows_services_by_pinyin_initial(full_site):
    page = full_site.app.get(XINGFU + '/services/', {'letter': 'Z'})
    shown = titles(page)
    assert {'最低生活保障申请', '重点优抚对象定期抚恤补助申领', '职业技能培训补贴申请'} <= set(shown)
    assert '老年人优待证办理' not in shown and '城乡居民基本养老保险参保登记' not in shown


def test_letter_index_disables_letters_without_services(full_site):
    page = full_site.app.get(XINGFU + '/services/')
    off = [s.text for s in page.html.select('.by-letter .off')]
    assert 'V' in off and 'Z' not in off


def test_long_catalogue_is_paginated_by_whole_categories_and_keeps_the_filter(full_site):
    page = full_site.app.get('/sunwu/services/')
    assert 0 < len(titles(page)) <= 20
    next_link = page.html.find('a', rel='next')['href']
    page2 = full_site.app.get(next_link)
    assert titles(page2) and not set(titles(page2)) & set(titles(page))
    first = {h.text for h in page.html.select('.service-group h2')}
    second = {h.text for h in page2.html.select('.service-group h2')}
    assert first and second and not first & second       # no category is cut across pages
    filtered = full_site.app.get('/sunwu/services/', {'category': '社会救助', 'page': '1'})
    assert filtered.html.find('a', rel='next') is None


def test_inherited_services_carry_the_standard_badge(full_site):
    page = full_site.app.get(XINGFU + '/services/', {'category': '户籍证件'})
    badges = [b.text for b in page.html.select('.badge.standard')]
    assert '孙吴县统一标准' in badges and '清溪街道统一标准' in badges


def test_tenant_page_counts_inherited_services(full_site):
    page = full_site.app.get(XINGFU + '/')
    card = page.html.find(id='section-services')
    assert card.find('p', class_='more').text.split() == ['查看全部', '35', '项']


def test_street_hides_farm_subsidies_for_its_communities(full_site):
    farming = {'category': '农业农村'}
    assert '耕地地力保护补贴申领' not in titles(full_site.app.get(XINGFU + '/services/', farming))
    assert '耕地地力保护补贴申领' in titles(
        full_site.app.get('/sunwu/sunwuzhen/dongxing/services/', farming))


def test_village_override_shows_the_local_address_and_note(full_site):
    page = full_site.app.get('/sunwu/sunwuzhen/dongxing/services/gaoling-butie')
    assert '东兴村村委会便民代办点' in page.text
    assert '村代办员每周二、五到镇便民服务中心统一代办' in page.text
    assert '（本地）' in page.text


def test_every_service_page_of_the_demo_opens(full_site):
    for path in ('/sunwu', XINGFU, '/sunwu/chenqing/chenqingcun', '/sunwu/yanjiang/tianjiahe'):
        catalogue = full_site.app.get(path + '/services/')
        for page_no in range(1, 3):
            for link in full_site.app.get(path + '/services/', {'page': page_no}).html.select(
                    '.service-list li > a'):
                assert full_site.app.get(link['href']).status_int == 200
        assert catalogue.status_int == 200
