"""The in-process memo (`pagecache.memo`) under pages rendered without the page cache: a
change is seen on the next request, a future time on time, staff never share a visitor's
HTML, and the memo stays bounded."""
from datetime import datetime, time as clock_time, timedelta

import pytest
import time_machine
from webtest import TestApp

from helpers import add_user, find, login
from sitekit import BASE_FILE, Site
from shequ.clock import CHINA_TZ, utcnow
from shequ.notices import Notice
from shequ.pagecache.memo import Memo, get_memo
from shequ.tree.ops import add, modify

COMMUNITY = '/sunwu/qingxi/xingfu'


@pytest.fixture
def uncached(tmp_path):
    """The base tree with the page cache off: every page is rendered, the memo answers;
    entries trusted for a day, so only the times the memo knows of can end them earlier."""
    site = Site(tmp_path, **{'shequ.page_cache': 'off', 'shequ.page_cache.max_age': '86400'})
    site.load(BASE_FILE)
    yield site
    site.close()


def above_panel(res):
    panel = res.html.find(id='panel-notices-above')
    return panel.text if panel is not None else ''


def test_a_change_through_tree_ops_shows_on_the_next_request(uncached):
    anon = TestApp(uncached.wsgi)
    for _ in range(2):
        home = anon.get(COMMUNITY + '/')
        catalogue = anon.get(COMMUNITY + '/services/')
    assert len(get_memo(uncached.registry)) > 0
    assert '最低生活保障申请' in catalogue.text
    with uncached.root() as root:
        add(root['sunwu']['notices'], 'gongnuan',
            Notice(title='县城冬季供暖通知', state='published'), uncached.registry)
        modify(find(root, '/sunwu/services/dibao'), uncached.registry, title='低保申请（新）')
    assert '县城冬季供暖通知' in above_panel(anon.get(COMMUNITY + '/'))
    assert '低保申请（新）' in anon.get(COMMUNITY + '/services/').text
    assert '低保申请（新）' in anon.get(COMMUNITY + '/services/dibao').text
    assert '县城冬季供暖通知' not in above_panel(home)


def test_documents_list_and_page_change_on_the_next_request(uncached):
    from shequ.documents import Document
    anon = TestApp(uncached.wsgi)
    with uncached.root() as root:
        add(find(root, COMMUNITY + '/documents'), 'gongyue',
            Document(title='幸福社区居民公约', doc_type='convention', state='published',
                     text='<p>文明养犬，牵绳出行。</p>'), uncached.registry)
    for _ in range(2):
        listing = anon.get(COMMUNITY + '/documents/')
        page = anon.get(COMMUNITY + '/documents/gongyue')
    assert '幸福社区居民公约' in listing.text and '牵绳出行' in page.text
    with uncached.root() as root:
        modify(find(root, COMMUNITY + '/documents/gongyue'), uncached.registry,
               title='幸福社区居民公约（修订）', text='<p>文明养犬，夜间不扰民。</p>')
    assert '幸福社区居民公约（修订）' in anon.get(COMMUNITY + '/documents/').text
    page = anon.get(COMMUNITY + '/documents/gongyue')
    assert '夜间不扰民' in page.text and '牵绳出行' not in page.text
    with uncached.root() as root:
        modify(find(root, COMMUNITY + '/documents/gongyue'), uncached.registry,
               state='withdrawn')
    assert '幸福社区居民公约' not in anon.get(COMMUNITY + '/documents/').text
    gone = anon.get(COMMUNITY + '/documents/gongyue', status='*')
    assert gone.status_int in (302, 403, 404) and '夜间不扰民' not in gone.text


def test_hiding_and_local_fields_show_on_the_next_request(uncached):
    anon = TestApp(uncached.wsgi)
    assert '最低生活保障申请' in anon.get(COMMUNITY + '/services/').text
    with uncached.root() as root:
        from shequ.services.inherit import set_hidden
        set_hidden(find(root, COMMUNITY + '/services'), 'dibao', True,
                   registry=uncached.registry)
    assert '最低生活保障申请' not in anon.get(COMMUNITY + '/services/').text
    anon.get(COMMUNITY + '/services/dibao', status=404)


def test_a_future_notice_appears_on_the_home_at_its_time(uncached):
    start = datetime.combine(utcnow().date() + timedelta(days=1), clock_time(10, 0),
                             tzinfo=CHINA_TZ)      # no midnight in the way
    anon = TestApp(uncached.wsgi)
    with time_machine.travel(start, tick=False):
        with uncached.root() as root:
            add(root['sunwu']['notices'], 'later',
                Notice(title='稍后的通知', state='published',
                       publish_at=start + timedelta(minutes=20)), uncached.registry)
            add(root['sunwu']['notices'], 'ending',
                Notice(title='即将截止的通知', state='published',
                       expire_at=start + timedelta(minutes=40)), uncached.registry)
        for _ in range(2):
            text = above_panel(anon.get(COMMUNITY + '/'))
            assert '稍后的通知' not in text and '即将截止的通知' in text
    with time_machine.travel(start + timedelta(minutes=21), tick=False):
        text = above_panel(anon.get(COMMUNITY + '/'))
        assert '稍后的通知' in text and '即将截止的通知' in text
    with time_machine.travel(start + timedelta(minutes=41), tick=False):
        text = above_panel(anon.get(COMMUNITY + '/'))
        assert '稍后的通知' in text and '即将截止的通知' not in text


def test_the_duty_panel_changes_when_the_shift_starts(uncached):
    from shequ.duties.roster import china_now, write_days
    day = china_now().date() + timedelta(days=1)
    shift = {'start': '10:00', 'end': '12:00', 'name': '王值班', 'post': '网格员',
             'duty_phone': '0456-8231108', 'private_phone': '', 'note': ''}
    with uncached.root() as root:
        write_days(find(root, COMMUNITY + '/duties'), {day: [shift]}, uncached.registry)
    anon = TestApp(uncached.wsgi)
    at = datetime.combine(day, clock_time(9, 30), tzinfo=CHINA_TZ)
    with time_machine.travel(at, tick=False):
        for _ in range(2):
            page = anon.get(COMMUNITY + '/').text
            assert '王值班' in page and 'class="shift now"' not in page
    with time_machine.travel(at + timedelta(minutes=31), tick=False):
        assert 'class="shift now"' in anon.get(COMMUNITY + '/').text


def test_staff_never_get_a_visitors_html_nor_leave_theirs(uncached):
    with uncached.root() as root:
        add_user(root, 'clerk', 'staff', '/sunwu')
    staff = login(uncached, 'clerk')
    memo = get_memo(uncached.registry)
    memo.clear()
    for _ in range(2):
        mine = staff.get('/sunwu/')
        assert mine.html.find(id='panel-search-staff') is not None
    assert not [key for key in memo._entries if key[0] == 'html']   # staff store no HTML
    anon = TestApp(uncached.wsgi)
    for _ in range(2):
        assert anon.get('/sunwu/').html.find(id='panel-search-staff') is None
    assert [key for key in memo._entries if key[0] == 'html']
    assert staff.get('/sunwu/').html.find(id='panel-search-staff') is not None


def test_the_layouts_crumbs_menu_and_contact_change_on_the_next_request(uncached):
    """Breadcrumbs, the section menu and the footer's contact are shared by visitors
    (`visitor_value`); staff compute their own (an empty section is in their menu)."""
    def chrome(res):
        return ([a.text for a in res.html.select('nav.breadcrumbs a')],
                [a.text for a in res.html.select('nav.sections a')],
                res.html.select_one('footer .contact').text)
    page = COMMUNITY + '/services/dibao'
    anon = TestApp(uncached.wsgi)
    for _ in range(2):
        crumbs, menu, contact = chrome(anon.get(page))
    assert '幸福社区' in crumbs and menu == ['办事指南'] and '0456-8231101' in contact
    assert [key for key in get_memo(uncached.registry)._entries if key[0] == 'value']
    with uncached.root() as root:
        add_user(root, 'clerk', 'staff', COMMUNITY)
        community = find(root, COMMUNITY)
        settings = dict(community.settings)
        settings['contact'] = dict(settings['contact'], phone='0456-8239999')
        modify(community, uncached.registry, title='幸福社区（更名）', settings=settings)
        add(community['notices'], 'tingshui', Notice(title='停水通知', state='published'),
            uncached.registry)
    crumbs, menu, contact = chrome(anon.get(page))
    assert '幸福社区（更名）' in crumbs and '0456-8239999' in contact
    assert menu == ['办事指南', '通知公告']
    staff_menu = chrome(login(uncached, 'clerk').get(page))[1]
    assert {'办事指南', '通知公告', '制度文件', '志愿服务'} <= set(staff_menu)
    assert chrome(anon.get(page))[1] == ['办事指南', '通知公告']


def test_the_platform_homes_county_list_changes_on_the_next_request(uncached):
    anon = TestApp(uncached.wsgi)
    for _ in range(2):
        counties = [a.text for a in anon.get('/').html.select('ul.tenant-list a')]
    assert '孙吴县' in counties
    with uncached.root() as root:
        modify(root['sunwu'], uncached.registry, title='孙吴县（新）')
    assert '孙吴县（新）' in [a.text for a in anon.get('/').html.select('ul.tenant-list a')]


def test_search_results_shared_by_visitors_change_with_the_index(tmp_path):
    """Shared search results are keyed by the answer's index state too: an item the
    indexer process indexes after its commit shows on the next request after that."""
    site = Site(tmp_path, **{'shequ.page_cache': 'off', 'shequ.index_inline': 'false'})
    try:
        site.load(BASE_FILE)
        search = site.registry.search
        search.recheck = 0          # the indexer is another process: look at once
        search.indexer.apply_db(site.db)
        page, q = COMMUNITY + '/@@search', {'q': '低保'}
        anon = TestApp(site.wsgi)

        def titles():
            return [a.text for a in anon.get(page, q).html.select('ol.results h2 a')]
        for _ in range(2):
            assert '最低生活保障申请' in titles()
        assert [k for k in get_memo(site.registry)._entries
                if k[0] == 'html' and k[1][0] == 'search.results']
        with site.root() as root:
            modify(find(root, '/sunwu/services/dibao'), site.registry, title='低保申请（改）')
        assert '低保申请（改）' not in titles()       # committed, not yet indexed
        search.indexer.apply_db(site.db)              # as `shequ indexer` would
        assert '低保申请（改）' in titles()
    finally:
        site.close()


def test_a_memoised_panel_gets_each_requests_nonce(uncached):
    from shequ.duties.roster import china_now, write_days
    shift = {'start': '00:00', 'end': '23:59', 'name': '王值班', 'post': '网格员',
             'duty_phone': '0456-8231108', 'private_phone': '', 'note': ''}
    with uncached.root() as root:
        write_days(find(root, COMMUNITY + '/duties'), {china_now().date(): [shift]},
                   uncached.registry)
    anon = TestApp(uncached.wsgi)
    nonces = set()
    for _ in range(3):
        res = anon.get(COMMUNITY + '/')
        style = res.html.find(id='panel-on-duty').find('style')
        assert style['nonce'] in res.headers['Content-Security-Policy']
        nonces.add(style['nonce'])
    assert len(nonces) == 3 and '\x00' not in res.text


def test_the_memo_is_bounded_and_entries_end_on_time():
    memo = Memo(max_entries=3)
    for n in range(5):
        memo.put(n, 'v%d' % n, until=100)
    assert len(memo) == 3 and memo.get(0, 50) != 'v0'
    assert memo.get(4, 50) == 'v4'
    assert memo.get(4, 100) != 'v4' and len(memo) == 2
