"""The notices section page, a notice page, feeds, the units-below list, QR and print."""
import base64
import html
import io
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import quote

import pytest
import zxingcpp
from PIL import Image

from conftest import BASE_FILE, Site
from helpers import add_user, login
from notices_support import XINGFU, add_notice
from shequ.clock import utcnow
from shequ.tree.ops import modify

QINGXI = '/sunwu/qingxi'
ATOM = '{http://www.w3.org/2005/Atom}'


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    """The demo tree plus notices in every state, shared read-only by this module."""
    site = Site(tmp_path_factory.mktemp('notices'))
    site.load(BASE_FILE)
    now = utcnow()
    with site.root() as root:
        add_notice(root, XINGFU, 'gongnuan', '冬季供暖开栓通知', publish_at=now - timedelta(days=3))
        add_notice(root, XINGFU, 'dibao', '低保评议结果公示', category='居务公开', pinned=True,
                   publish_at=now - timedelta(days=30))
        add_notice(root, XINGFU, 'chongyang', '重阳节慰问老人活动预告', category='活动预告',
                   publish_at=now - timedelta(days=1))
        add_notice(root, XINGFU, 'chehui', '已撤回的通知', state='withdrawn')
        add_notice(root, XINGFU, 'caogao', '草稿通知', state='draft')
        add_notice(root, XINGFU, 'weilai', '明天才发布的通知', publish_at=now + timedelta(days=1))
        add_notice(root, XINGFU, 'guoqi', '已过期的通知', publish_at=now - timedelta(days=9),
                   expire_at=now - timedelta(days=2))
        add_notice(root, '/sunwu/sunwuzhen/dongxing', 'yimiao', '流感疫苗接种通知',
                   publish_at=now - timedelta(days=2))
        for i in range(23):
            add_notice(root, '/sunwu/qingxi/chaoyang', 'n%02d' % i, '朝阳社区第%d号通知' % i,
                       category='党务公开' if i % 2 else '通知公告',
                       publish_at=now - timedelta(days=40 + i))
        add_user(root, 'wang', 'staff', XINGFU)
    yield site
    site.close()


def titles(page):
    return [a.text for a in page.html.select('.notices > .notice-list li > a')]


def decode(png):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, 'no QR code found in the image'
    return results[0].text


def test_list_shows_pinned_first_then_newest(site):
    page = site.app.get(XINGFU + '/notices/')
    assert titles(page) == ['低保评议结果公示', '重阳节慰问老人活动预告', '冬季供暖开栓通知']


def test_list_hides_withdrawn_draft_future_and_expired_notices(site):
    text = site.app.get(XINGFU + '/notices/').text
    for title in ('已撤回的通知', '草稿通知', '明天才发布的通知', '已过期的通知'):
        assert title not in text


def test_staff_see_unpublished_notices_in_the_list(site):
    app = login(site, 'wang')
    assert '草稿通知' in titles(app.get(XINGFU + '/notices/'))


def test_list_filters_by_category(site):
    page = site.app.get(XINGFU + '/notices/?category=' + quote('居务公开'))
    assert titles(page) == ['低保评议结果公示']


def test_an_unknown_category_shows_every_notice(site):
    assert len(titles(site.app.get(XINGFU + '/notices/?category=' + quote('<script>')))) == 3


def test_long_lists_are_paginated_and_keep_the_category(site):
    first = site.app.get('/sunwu/qingxi/chaoyang/notices/')
    assert len(titles(first)) == 20
    second = first.click(href='page=2')
    assert len(titles(second)) == 3
    filtered = site.app.get('/sunwu/qingxi/chaoyang/notices/?category=' + quote('党务公开'))
    assert len(titles(filtered)) == 11 and 'page=2' not in filtered.text


def test_notice_page_shows_its_text_date_and_qr_code(site):
    page = site.app.get(XINGFU + '/notices/gongnuan/')
    assert page.html.h1.text == '冬季供暖开栓通知'
    assert '发布日期' in page.text
    assert page.html.select_one('.board-qr img')['src'].endswith('@@qr.png?scale=4')


def test_unpublished_notice_page_is_refused_to_residents(site):
    res = site.app.get(XINGFU + '/notices/caogao/', status=302)
    assert '/@@login' in res.location


def test_section_page_links_its_feeds_in_the_head(site):
    head = site.app.get(XINGFU + '/notices/').html.head
    types = {link['type'] for link in head.select('link[rel=alternate]')}
    assert types == {'application/rss+xml', 'application/atom+xml'}


def test_rss_parses_and_has_only_public_notices(site):
    res = site.app.get(XINGFU + '/notices/@@rss.xml')
    assert res.content_type == 'application/rss+xml'
    channel = ET.fromstring(res.body).find('channel')
    items = [i.findtext('title') for i in channel.findall('item')]
    assert items == ['重阳节慰问老人活动预告', '冬季供暖开栓通知', '低保评议结果公示']
    assert channel.find('item').findtext('link') == \
        'http://localhost/sunwu/qingxi/xingfu/notices/chongyang/'


def test_atom_parses_and_has_only_public_notices(site):
    res = site.app.get(XINGFU + '/notices/@@atom.xml')
    assert res.content_type == 'application/atom+xml'
    feed = ET.fromstring(res.body)
    titles_ = [e.findtext(ATOM + 'title') for e in feed.findall(ATOM + 'entry')]
    assert titles_ == ['重阳节慰问老人活动预告', '冬季供暖开栓通知', '低保评议结果公示']


def test_township_page_lists_the_latest_notice_of_a_community(site):
    page = site.app.get(QINGXI + '/notices/')
    below = page.html.select_one('#notices-below')
    assert below.h2.text == '下级单位最新通知'
    first = below.select_one('li')
    assert first.select_one('.unit').text == '幸福社区'
    assert first.a.text == '重阳节慰问老人活动预告'
    assert '已撤回的通知' not in below.text and '明天才发布的通知' not in below.text


def test_county_page_lists_notices_of_every_level_below(site):
    below = site.app.get('/sunwu/notices/').html.select_one('#notices-below').text
    assert '流感疫苗接种通知' in below and '东兴村' in below
    assert '重阳节慰问老人活动预告' in below


def test_community_page_has_no_units_below_list(site):
    assert site.app.get(XINGFU + '/notices/').html.select_one('#notices-below') is None


def test_feed_below_includes_the_communities_with_their_names(site):
    res = site.app.get(QINGXI + '/notices/@@rss.xml?below=1')
    items = [i.findtext('title') for i in ET.fromstring(res.body).iter('item')]
    assert items[0] == '[幸福社区] 重阳节慰问老人活动预告'
    assert not any('已撤回' in t or '明天才发布' in t for t in items)


def test_feed_without_below_has_only_the_tenants_own_notices(site):
    res = site.app.get(QINGXI + '/notices/@@atom.xml')
    assert ET.fromstring(res.body).findall(ATOM + 'entry') == []


def test_qr_code_decodes_to_the_notice_url(site):
    png = site.app.get(XINGFU + '/notices/gongnuan/@@qr.png').body
    assert decode(png) == 'http://localhost/sunwu/qingxi/xingfu/notices/gongnuan/'


def test_print_sheet_qr_code_decodes_to_the_notice_url(site):
    page = site.app.get(XINGFU + '/notices/gongnuan/@@print')
    src = page.html.select_one('.qr img')['src']
    assert src.startswith('data:image/png;base64,')
    png = base64.b64decode(src.split(',', 1)[1])
    assert decode(png) == 'http://localhost/sunwu/qingxi/xingfu/notices/gongnuan/'


def test_print_sheet_has_no_navigation_chrome(site):
    page = site.app.get(XINGFU + '/notices/gongnuan/@@print')
    html = page.html
    assert html.body['class'] == ['print']
    assert html.find('nav') is None and html.find('header') is None
    assert html.find('footer') is None and html.find('form') is None
    assert 'print.css' in html.head.link['href']
    assert html.h1.text == '冬季供暖开栓通知'


def test_print_sheet_of_an_unpublished_notice_is_refused(site):
    res = site.app.get(XINGFU + '/notices/chehui/@@print', status=302)
    assert '/@@login' in res.location


# --- feeds: no character breaks them, and no markup comes alive in a reader ---------

MARKUP_AS_TEXT = '<p>&lt;script&gt;alert(1)&lt;/script&gt; 与 &lt;img src=x onerror=alert(2)&gt;停水通知</p>'


@pytest.fixture
def feed_site(tmp_path):
    site = Site(tmp_path)
    site.load(BASE_FILE)
    yield site
    site.close()


def test_control_characters_never_break_the_feeds(feed_site):
    with feed_site.root() as root:
        add_notice(root, XINGFU, 'tingshui', '停水\x0b通知\x1b[31m\x7f', body='<p>停\x01水</p>',
                   publish_at=utcnow() - timedelta(hours=1))
        modify(root['sunwu']['qingxi']['xingfu'], feed_site.registry, title='幸福\x08社区')
    rss = ET.fromstring(feed_site.app.get(XINGFU + '/notices/@@rss.xml').body)
    assert [i.findtext('title') for i in rss.iter('item')] == ['停水通知[31m']
    assert rss.find('channel').findtext('title') == '幸福社区 · 通知公告'
    assert rss.find('channel/item').findtext('description') == '停水'
    atom = ET.fromstring(feed_site.app.get(XINGFU + '/notices/@@atom.xml').body)
    assert [e.findtext(ATOM + 'title') for e in atom.findall(ATOM + 'entry')] == ['停水通知[31m']
    below = ET.fromstring(feed_site.app.get(QINGXI + '/notices/@@rss.xml?below=1').body)
    assert [i.findtext('title') for i in below.iter('item')] == ['[幸福社区] 停水通知[31m']


def test_feed_description_is_text_a_reader_cannot_run_as_markup(feed_site):
    with feed_site.root() as root:
        add_notice(root, XINGFU, 'tingshui', '停水通知', body=MARKUP_AS_TEXT,
                   publish_at=utcnow() - timedelta(hours=1))
    plain = '<script>alert(1)</script> 与 <img src=x onerror=alert(2)>停水通知'
    item = ET.fromstring(feed_site.app.get(XINGFU + '/notices/@@rss.xml').body).find('channel/item')
    description = item.findtext('description')   # readers render this as HTML
    assert '<' not in description and html.unescape(description) == plain
    encoded = item.findtext('{http://purl.org/rss/1.0/modules/content/}encoded')
    assert '<script' not in encoded and '<img' not in encoded and '停水通知' in encoded
    entry = ET.fromstring(feed_site.app.get(XINGFU + '/notices/@@atom.xml').body).find(ATOM + 'entry')
    summary = entry.find(ATOM + 'summary')
    assert summary.get('type', 'text') == 'text' and summary.text == plain
