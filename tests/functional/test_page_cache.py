"""The anonymous page cache: exact on the next request after every kind of change, in
time for publish and expiry times, never shared with staff, never across counties."""
import re
import shutil
import socket
import subprocess
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from webtest import TestApp

from helpers import add_user, csrf, find, login
from sitekit import BASE_FILE, Site
from shequ.clock import utcnow
from shequ.notices import Notice
from shequ.tree import Tenant
from shequ.tree.ops import add, modify

SERVICE = '/sunwu/services/dibao'
COMMUNITY = '/sunwu/qingxi/xingfu'


def cache_of(res):
    return res.headers.get('X-Page-Cache')


def warm(app, path):
    """GET `path` until it is served from the cache; returns the cached answer."""
    app.get(path)
    res = app.get(path)
    assert cache_of(res) == 'hit', path
    return res


@pytest.fixture
def day_site(tmp_path):
    """The base tree with entries trusted for a day: only the times the cache knows of
    (publish and expiry times, shift changes, midnight) can end them earlier."""
    site = Site(tmp_path, **{'shequ.page_cache.max_age': '86400'})
    site.load(BASE_FILE)
    yield site
    site.close()


def staff(site, login_name='county-admin', role='admin', path='/sunwu'):
    with site.root() as root:
        add_user(root, login_name, role, path)
    return login(site, login_name)


def test_a_cached_page_changes_on_the_next_request_after_an_edit(demo):
    anon = TestApp(demo.wsgi)
    assert '最低生活保障申请' in warm(anon, SERVICE).text
    admin = staff(demo)
    form = admin.get(SERVICE + '/@@edit').forms['deform']
    form['title'] = '低保申请（新）'
    assert form.submit('save').status_int == 302
    res = anon.get(SERVICE)
    assert cache_of(res) == 'miss' and '低保申请（新）' in res.text


def test_publish_withdraw_and_delete_each_show_on_the_next_request(demo):
    admin = staff(demo)
    form = admin.get('/sunwu/notices/@@add?type=notice').forms['deform']
    form['title'], form['body'] = '停水通知', '<p>周三停水</p>'
    item = form.submit('save').location.replace('http://localhost', '').rstrip('/')
    anon = TestApp(demo.wsgi)
    assert '停水通知' not in warm(anon, '/sunwu/notices/').text

    admin.post(item + '/@@workflow', {'csrf_token': csrf(admin), 'transition': 'publish'})
    assert '停水通知' in anon.get('/sunwu/notices/').text
    assert '停水通知' in warm(anon, '/sunwu/notices/').text

    admin.post(item + '/@@workflow', {'csrf_token': csrf(admin), 'transition': 'withdraw'})
    assert '停水通知' not in anon.get('/sunwu/notices/').text

    admin.post(item + '/@@workflow', {'csrf_token': csrf(admin), 'transition': 'publish'})
    assert '停水通知' in warm(anon, '/sunwu/notices/').text
    admin.post(item + '/@@delete', {'csrf_token': csrf(admin), 'confirm': 'yes'})
    assert '停水通知' not in anon.get('/sunwu/notices/').text


def test_a_county_standard_changed_shows_on_a_community_page_below(demo):
    anon = TestApp(demo.wsgi)
    below = COMMUNITY + '/services/dibao'
    assert '0456-8225566' in warm(anon, below).text
    with demo.root() as root:
        modify(find(root, SERVICE), demo.registry, phone='0456-8220000')
    res = anon.get(below)
    assert cache_of(res) == 'miss' and '0456-8220000' in res.text


def test_a_tenant_setting_and_a_root_change_show_on_the_next_request(demo):
    anon = TestApp(demo.wsgi)
    warm(anon, COMMUNITY + '/')
    with demo.root() as root:
        county = root['sunwu']
        modify(county, demo.registry, action='settings', detail=['banner'],
               settings=dict(county.settings, banner='欢迎来到孙吴'))
    assert '欢迎来到孙吴' in anon.get(COMMUNITY + '/').text    # inherited below
    warm(anon, COMMUNITY + '/')
    with demo.root() as root:
        modify(root, demo.registry, title='黑龙江社区服务平台')    # every breadcrumb shows it
    res = anon.get(COMMUNITY + '/')
    assert cache_of(res) == 'miss' and '黑龙江社区服务平台' in res.text


def test_a_change_in_one_county_keeps_the_entries_of_another(demo):
    with demo.root() as root:
        add(root, 'aihui', Tenant('county', '爱辉区'), demo.registry)
    anon = TestApp(demo.wsgi)
    warm(anon, '/aihui/')
    warm(anon, '/sunwu/')
    with demo.root() as root:
        modify(find(root, SERVICE), demo.registry, title='低保')
    assert cache_of(anon.get('/sunwu/')) == 'miss'
    assert cache_of(anon.get('/aihui/')) == 'hit'


def test_a_future_notice_appears_and_an_expired_one_disappears_on_time(day_site):
    from datetime import datetime, time as clock_time
    from shequ.clock import CHINA_TZ
    start = datetime.combine(utcnow().date() + timedelta(days=1), clock_time(10, 0),
                             tzinfo=CHINA_TZ)      # no midnight in the way
    anon = TestApp(day_site.wsgi)
    with time_machine.travel(start, tick=False):
        with day_site.root() as root:
            notices = root['sunwu']['notices']
            add(notices, 'later', Notice(title='稍后的通知', state='published',
                                         publish_at=start + timedelta(minutes=20)), day_site.registry)
            add(notices, 'ending', Notice(title='即将截止的通知', state='published',
                                          expire_at=start + timedelta(minutes=40)), day_site.registry)
        page = warm(anon, '/sunwu/notices/').text
        assert '稍后的通知' not in page and '即将截止的通知' in page
    with time_machine.travel(start + timedelta(minutes=21), tick=False):
        page = anon.get('/sunwu/notices/')
        assert '稍后的通知' in page.text and '即将截止的通知' in page.text
        assert cache_of(anon.get('/sunwu/notices/')) == 'hit'
    with time_machine.travel(start + timedelta(minutes=41), tick=False):
        page = anon.get('/sunwu/notices/')
        assert '稍后的通知' in page.text and '即将截止的通知' not in page.text


def test_staff_never_get_a_cached_page_and_visitors_never_a_staff_page(demo):
    anon = TestApp(demo.wsgi)
    public = warm(anon, SERVICE)
    assert '@@edit' not in public.text
    admin = staff(demo)
    mine = admin.get(SERVICE)
    assert cache_of(mine) == 'bypass' and SERVICE + '/@@edit' in mine.text
    assert mine.headers['Cache-Control'] == 'private, no-store'
    # a staff page is never stored: the next visitor of a fresh path renders their own
    admin.get('/sunwu/services/')
    res = TestApp(demo.wsgi).get('/sunwu/services/')
    assert cache_of(res) == 'miss' and '@@contents' not in res.text


def test_a_page_that_starts_a_session_is_not_stored(demo):
    path = '/sunwu/volunteers/@@register'      # a form: its CSRF token starts a session
    first = TestApp(demo.wsgi).get(path)
    assert 'shequ_session' in first.headers.get('Set-Cookie', '')
    assert first.headers['Cache-Control'] == 'private, no-store' and 'ETag' not in first.headers
    second = TestApp(demo.wsgi).get(path)
    assert cache_of(second) == 'bypass' and 'Set-Cookie' in second.headers


def test_a_matching_if_none_match_gets_a_304_without_a_body(demo):
    anon = TestApp(demo.wsgi)
    res = anon.get(SERVICE)
    etag = res.headers['ETag']
    assert res.headers['Cache-Control'] == 'no-cache' and 'Last-Modified' in res.headers
    for _ in range(2):       # from the cache, and on a miss after a change
        again = anon.get(SERVICE, headers={'If-None-Match': etag}, status=304)
        assert again.body == b'' and again.headers['ETag'] == etag
    with demo.root() as root:
        modify(find(root, '/sunwu/services/tekun'), demo.registry, title='特困供养')
    assert anon.get(SERVICE, headers={'If-None-Match': etag}, status=304).body == b''
    assert anon.get(SERVICE, headers={'If-None-Match': '"other"'}).status_int == 200


def test_conditional_get_works_with_the_cache_off(tmp_path):
    site = Site(tmp_path, **{'shequ.page_cache': 'off'})
    try:
        site.load(BASE_FILE)
        anon = TestApp(site.wsgi)
        res = anon.get(SERVICE)
        assert cache_of(res) == 'bypass'
        anon.get(SERVICE, headers={'If-None-Match': res.headers['ETag']}, status=304)
    finally:
        site.close()


def test_each_hit_gets_its_own_nonce_in_header_and_body(demo):
    path = SERVICE + '/@@print'
    anon = TestApp(demo.wsgi)
    anon.get(path)
    nonces = []
    for _ in range(2):
        res = anon.get(path)
        assert cache_of(res) == 'hit'
        nonce = re.search(r"'nonce-([^']+)'", res.headers['Content-Security-Policy']).group(1)
        assert 'nonce="%s"' % nonce in res.text and '\x00' not in res.text
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_static_urls_are_versioned_and_cached_for_a_year(demo):
    page = TestApp(demo.wsgi).get(SERVICE).text
    css = re.search(r'href="http://localhost(/_themes/default/style\.css\?v=[0-9a-f]{12})"', page)
    assert css, 'no versioned theme stylesheet'
    res = demo.app.get(css.group(1))
    assert res.headers['Cache-Control'] == 'public, max-age=31536000, immutable'
    assert 'immutable' not in demo.app.get('/_themes/default/style.css').headers['Cache-Control']


def _second_app(site, tmp_path, **settings):
    """Another application (its own registry and memory cache) over the same database,
    as a second app server over ZEO or RelStorage would be."""
    other = Site(tmp_path, **settings)
    other.db.close()
    other.registry._zodb_databases[''] = other.db = site.db
    return other


def test_two_app_servers_see_each_others_changes_on_the_next_request(demo, tmp_path):
    other = _second_app(demo, tmp_path / 'other')
    a, b = TestApp(demo.wsgi), TestApp(other.wsgi)
    warm(a, SERVICE)
    warm(b, SERVICE)
    admin = staff(other)       # the change is made through the second server
    form = admin.get(SERVICE + '/@@edit').forms['deform']
    form['title'] = '低保（第二台服务器改）'
    form.submit('save')
    assert '低保（第二台服务器改）' in a.get(SERVICE).text


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which('redis-server')
    if server is None:
        pytest.skip('redis-server is not installed (make server-deps installs it)')
    port = _free_port()
    proc = subprocess.Popen([server, '--port', str(port), '--bind', '127.0.0.1', '--save', '',
                             '--appendonly', 'no', '--dir', str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(('127.0.0.1', port), 0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield 'redis://127.0.0.1:%d/0' % port
    finally:
        proc.terminate()
        proc.wait(10)


def test_app_servers_share_a_redis_cache_and_its_invalidation(tmp_path, redis_url):
    settings = {'shequ.page_cache': redis_url}
    first = Site(tmp_path / 'a', **settings)
    try:
        first.load(BASE_FILE)
        second = _second_app(first, tmp_path / 'b', **settings)
        a, b = TestApp(first.wsgi), TestApp(second.wsgi)
        assert cache_of(a.get(SERVICE)) == 'miss'
        assert cache_of(b.get(SERVICE)) == 'hit'      # stored by the other server
        with first.root() as root:
            modify(find(root, SERVICE), first.registry, title='低保（共享缓存）')
        res = b.get(SERVICE)
        assert cache_of(res) == 'miss' and '低保（共享缓存）' in res.text
        assert cache_of(a.get(SERVICE)) == 'hit'
    finally:
        first.close()


def test_older_databases_get_their_page_states_from_evolve_never_from_a_get(demo):
    from shequ.evolve import evolve, pending_steps
    with demo.root() as root:
        del root.page_state
        del root['sunwu'].page_state
        del root.evolved['pagecache.add_page_states']
    assert TestApp(demo.wsgi).get('/sunwu/').status_int == 200
    with demo.root() as root:
        assert getattr(root['sunwu'], 'page_state', None) is None
        assert [s.name for s in pending_steps(root, demo.registry)] == ['pagecache.add_page_states']
        evolve(root, demo.registry, commit=lambda: None)
        assert root['sunwu'].page_state.generation() == 0


def test_the_duty_panel_marks_the_shift_running_now_when_it_starts(day_site):
    demo = day_site
    from datetime import datetime, time as clock_time
    from shequ.clock import CHINA_TZ
    from shequ.duties.roster import china_now, write_days
    day = china_now().date() + timedelta(days=1)
    shift = {'start': '10:00', 'end': '12:00', 'name': '王值班', 'post': '网格员',
             'duty_phone': '0456-8231108', 'private_phone': '', 'note': ''}
    with demo.root() as root:
        write_days(find(root, COMMUNITY + '/duties'), {day: [shift]}, demo.registry)
    anon = TestApp(demo.wsgi)
    at = datetime.combine(day, clock_time(9, 30), tzinfo=CHINA_TZ)
    with time_machine.travel(at, tick=False):
        page = warm(anon, COMMUNITY + '/').text
        assert '王值班' in page and 'class="shift now"' not in page
    with time_machine.travel(at + timedelta(minutes=31), tick=False):
        res = anon.get(COMMUNITY + '/')
        assert cache_of(res) == 'miss' and 'class="shift now"' in res.text


def test_elder_mode_and_the_locale_have_entries_of_their_own(demo):
    plain = TestApp(demo.wsgi)
    warm(plain, '/sunwu/')
    elder = TestApp(demo.wsgi)
    elder.set_cookie('shequ_elder', '1')
    res = elder.get('/sunwu/')
    assert cache_of(res) == 'miss' and 'elder' in res.html.html.get('class', [])
    english = TestApp(demo.wsgi)
    english.set_cookie('_LOCALE_', 'en')
    res = english.get('/sunwu/')
    assert cache_of(res) == 'miss' and res.html.html['lang'].startswith('en')
    assert cache_of(plain.get('/sunwu/')) == 'hit'


def test_a_post_that_writes_without_an_event_refreshes_its_county_only(demo):
    with demo.root() as root:
        add_user(root, 'county-admin', 'admin', '/sunwu')
    anon = TestApp(demo.wsgi)
    warm(anon, '/sunwu/')
    warm(anon, '/')
    admin = login(demo, 'county-admin')    # at the root: it writes the session record there
    assert cache_of(anon.get('/sunwu/')) == 'hit'
    assert cache_of(anon.get('/')) == 'miss'
    warm(anon, '/sunwu/')
    admin.post('/sunwu/@@logout', {'csrf_token': csrf(admin, '/sunwu/')})   # sessions: no event
    assert cache_of(anon.get('/sunwu/')) == 'miss'


# --- search answers: keyed by the index state they were computed from ---

SEARCH = COMMUNITY + '/@@search'
SEARCH_JSON = COMMUNITY + '/@@search.json'


def titles(res):
    return [r['title'] for r in res.json['results']]


def shown(res):
    """The hits' titles of a JSON answer, the text of a page."""
    return titles(res) if res.content_type == 'application/json' else res.text


def test_a_search_answer_is_a_hit_and_changes_on_the_next_request_after_an_edit(demo):
    anon = TestApp(demo.wsgi)
    assert '最低生活保障申请' in warm(anon, SEARCH + '?q=' + quote('低保')).text
    assert '最低生活保障申请' in titles(warm(anon, SEARCH_JSON + '?q=' + quote('低保')))
    assert '最低生活保障申请' in titles(warm(anon, '/@@search.json?q=' + quote('低保')))
    admin = staff(demo)
    form = admin.get(SERVICE + '/@@edit').forms['deform']
    form['title'] = '低保申请（新）'
    assert form.submit('save').status_int == 302
    for path in (SEARCH + '?q=' + quote('低保'), '/@@search.json?q=' + quote('低保'),
                 SEARCH_JSON + '?q=' + quote('低保')):
        res = anon.get(path)
        assert cache_of(res) == 'miss' and '低保申请（新）' in shown(res), path
        assert cache_of(anon.get(path)) == 'hit'
    assert '最低生活保障申请' not in titles(res)


def test_publish_withdraw_and_delete_each_show_in_a_cached_search(demo):
    admin = staff(demo)
    form = admin.get('/sunwu/notices/@@add?type=notice').forms['deform']
    form['title'], form['body'] = '停水通知', '<p>周三停水</p>'
    item = form.submit('save').location.replace('http://localhost', '').rstrip('/')
    anon = TestApp(demo.wsgi)
    path = SEARCH_JSON + '?q=' + quote('停水')
    assert '停水通知' not in titles(warm(anon, path))
    admin.post(item + '/@@workflow', {'csrf_token': csrf(admin), 'transition': 'publish'})
    assert '停水通知' in titles(anon.get(path))
    assert '停水通知' in titles(warm(anon, path))
    admin.post(item + '/@@workflow', {'csrf_token': csrf(admin), 'transition': 'withdraw'})
    assert '停水通知' not in titles(anon.get(path))
    admin.post(item + '/@@workflow', {'csrf_token': csrf(admin), 'transition': 'publish'})
    assert '停水通知' in titles(warm(anon, path))
    admin.post(item + '/@@delete', {'csrf_token': csrf(admin), 'confirm': 'yes'})
    assert '停水通知' not in titles(anon.get(path))


def test_a_cached_search_follows_a_deferred_indexer_not_the_database(tmp_path):
    from shequ.search.subscribers import get_search
    site = Site(tmp_path, **{'shequ.index_inline': 'false'})
    try:
        site.load(BASE_FILE)
        indexer = get_search(site.registry).indexer
        indexer.apply_db(site.db, rebuild_missing=True)
        anon = TestApp(site.wsgi)
        paths = (SEARCH_JSON + '?q=' + quote('低保'), '/@@search.json?q=' + quote('低保'))
        for path in paths:
            assert '最低生活保障申请' in titles(warm(anon, path))
        with site.root() as root:
            modify(find(root, SERVICE), site.registry, title='低保申请（新）')
        for path in paths:      # the index does not know yet: neither does the cache
            assert '最低生活保障申请' in titles(warm(anon, path))
        suggest = COMMUNITY + '/@@suggest.json?q=' + quote('低保')
        assert '低保申请（新）' not in [s['title'] for s in warm(anon, suggest).json['suggestions']]
        indexer.apply_db(site.db)
        for path in paths:      # the database did not change since: the index state did
            res = anon.get(path)
            assert cache_of(res) == 'miss' and '低保申请（新）' in titles(res), path
        res = anon.get(suggest)
        assert cache_of(res) == 'miss'
        assert '低保申请（新）' in [s['title'] for s in res.json['suggestions']]
    finally:
        site.close()


def test_a_root_search_changes_after_a_change_in_any_county(demo):
    with demo.root() as root:
        add(root, 'aihui', Tenant('county', '爱辉区'), demo.registry)
        add(root['aihui']['notices'], 'tingdian',
            Notice(title='爱辉停电通知', state='published'), demo.registry)
    anon = TestApp(demo.wsgi)
    path = '/@@search.json?q=' + quote('停电')
    assert '爱辉停电通知' in titles(warm(anon, path))
    # another county's search
    assert '爱辉停电通知' not in titles(warm(anon, SEARCH_JSON + '?q=' + quote('停电')))
    with demo.root() as root:
        modify(root['aihui']['notices']['tingdian'], demo.registry, title='爱辉停电通知（改期）')
    res = anon.get(path)
    assert cache_of(res) == 'miss' and '爱辉停电通知（改期）' in titles(res)


def test_cached_search_hits_still_count_usage_once_per_visitor_and_day(demo):
    from shequ.search.subscribers import get_search
    usage = get_search(demo.registry).usage
    one = TestApp(demo.wsgi, extra_environ={'REMOTE_ADDR': '198.51.100.23'})
    two = TestApp(demo.wsgi, extra_environ={'REMOTE_ADDR': '203.0.113.40'})
    res = warm(one, SEARCH_JSON + '?q=' + quote('低保'))
    top = res.json['results'][0]['path']
    assert usage.counts([top]) == {top: 1}        # the miss counted, the hit did not again
    res = two.get(SEARCH_JSON + '?q=' + quote('低保'))
    assert cache_of(res) == 'hit' and usage.counts([top]) == {top: 2}
    assert cache_of(two.get(SEARCH + '?q=' + quote('低保'))) in ('miss', 'hit')
    assert cache_of(two.get(SEARCH + '?q=' + quote('低保'))) == 'hit'
    assert usage.counts([top]) == {top: 2}        # same visitor, same day
    etag = one.get(SEARCH_JSON + '?q=' + quote('低保')).headers['ETag']
    three = TestApp(demo.wsgi, extra_environ={'REMOTE_ADDR': '192.0.2.7'})
    res = three.get(SEARCH_JSON + '?q=' + quote('低保'), headers={'If-None-Match': etag},
                    status=304)
    assert cache_of(res) == 'hit' and usage.counts([top]) == {top: 3}


def test_staff_never_get_a_cached_search_nor_store_one(demo):
    admin = staff(demo)
    form = admin.get('/sunwu/notices/@@add?type=notice').forms['deform']
    form['title'], form['body'] = '停水通知', '<p>周三停水</p>'
    form.submit('save')
    path = '/sunwu/@@search.json?q=' + quote('停水')
    anon = TestApp(demo.wsgi)
    assert '停水通知' not in titles(warm(anon, path))
    for _ in range(2):
        mine = admin.get(path)
        assert cache_of(mine) == 'bypass' and '停水通知' in titles(mine)   # their draft
    # a staff answer is never stored: the next visitor of a fresh query renders their own
    admin.get('/sunwu/@@search?q=' + quote('停水'))
    res = TestApp(demo.wsgi).get('/sunwu/@@search?q=' + quote('停水'))
    assert cache_of(res) == 'miss' and '停水通知' not in res.text


def test_a_cached_search_shows_a_future_notice_on_time_from_the_index_times(day_site):
    from datetime import datetime, time as clock_time
    from shequ.clock import CHINA_TZ
    start = datetime.combine(utcnow().date() + timedelta(days=1), clock_time(10, 0),
                             tzinfo=CHINA_TZ)      # no midnight in the way
    anon = TestApp(day_site.wsgi)
    path = '/sunwu/@@search.json?q=' + quote('通知')
    with time_machine.travel(start, tick=False):
        with day_site.root() as root:
            notices = root['sunwu']['notices']
            add(notices, 'later', Notice(title='稍后的停水通知', state='published',
                                         publish_at=start + timedelta(minutes=20)),
                day_site.registry)
        with day_site.root() as root:
            # as if the database predated noting times: only the index knows this one
            for state in (root.page_state, root['sunwu'].page_state):
                state.transitions.clear()
        assert '稍后的停水通知' not in titles(warm(anon, path))
    with time_machine.travel(start + timedelta(minutes=21), tick=False):
        res = anon.get(path)
        assert cache_of(res) == 'miss' and '稍后的停水通知' in titles(res)


def test_a_hit_counts_a_visitor_once_a_day_without_asking_the_database_again(tmp_path):
    from shequ.search.usage import UsageCounter
    usage, day = UsageCounter(str(tmp_path)), 86400
    usage.hit('/a/services/x', '198.51.100.23', now=10 * day)       # the search itself
    for _ in range(3):
        usage.hit_once('/a/services/x', '198.51.100.23', now=10 * day + 60)
    usage.hit_once('/a/services/x', '203.0.113.40', now=10 * day + 60)
    assert usage.counts(['/a/services/x']) == {'/a/services/x': 2}
    usage.hit_once('/a/services/x', '198.51.100.23', now=11 * day)  # a new day counts again
    assert usage.counts(['/a/services/x']) == {'/a/services/x': 3}
    calls = []
    usage.hit = lambda *args: calls.append(args) or True
    usage.hit_once('/a/services/x', '198.51.100.23', now=11 * day + 5)   # noted: no query
    usage.hit_once('/a/services/y', '198.51.100.23', now=11 * day + 5)
    assert calls == [('/a/services/y', '198.51.100.23', 11 * day + 5)]
