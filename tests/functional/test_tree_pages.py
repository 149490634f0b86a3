"""Every demo tenant answers with its title, kind and breadcrumbs; errors are friendly."""
import yaml

from conftest import DEMO_FILE
from helpers import add_user, login
from shequ.content import PUBLISHED
from shequ.notices import Notice
from shequ.tree.ops import add, modify

KIND_LABELS = {'county': '县', 'district': '区', 'township': '乡镇', 'street': '街道',
               'community': '社区', 'village': '村'}


def demo_tenants():
    """(path, entry, county title) for every tenant in config/demo.yaml."""
    with open(DEMO_FILE, encoding='utf-8') as f:
        data = yaml.safe_load(f)
    out = []

    def walk(entries, prefix, county):
        for entry in entries:
            path = prefix + entry['slug'] + '/'
            top = county or entry['title']
            out.append((path, entry, top))
            walk(entry.get('children') or [], path, top)
    walk(data['tenants'], '/', None)
    return out


def test_demo_tree_is_big_enough():
    tenants = demo_tenants()
    kinds = [e['kind'] for _p, e, _c in tenants]
    assert kinds.count('county') + kinds.count('district') >= 1
    assert kinds.count('township') + kinds.count('street') >= 3
    assert kinds.count('community') + kinds.count('village') >= 8
    assert 'community' in kinds and 'village' in kinds


def test_platform_home_lists_counties(demo_site):
    res = demo_site.app.get('/')
    assert '孙吴县' in res.text
    res = res.click('孙吴县')
    assert res.status_int == 200 and '<h1>孙吴县' in res.text


def test_every_demo_tenant_page(full_demo_site):
    for path, entry, county in demo_tenants():
        res = full_demo_site.app.get(path)
        assert res.status_int == 200, path
        assert '<h1>%s' % entry['title'] in res.text, path
        assert KIND_LABELS[entry['kind']] in res.text, path
        crumbs = res.html.select('nav.breadcrumbs a')
        if path.count('/') > 2:
            assert county in [a.get_text() for a in crumbs], path
            assert crumbs[0].get_text() == '城乡社区服务平台'


def test_click_down_from_county_to_community(demo_site):
    res = demo_site.app.get('/sunwu/')
    res = res.click('清溪街道', index=0)
    res = res.click('幸福社区', index=0)
    assert res.request.path == '/sunwu/qingxi/xingfu/'


def test_tenant_lists_subtenants_and_sections(demo_site):
    res = demo_site.app.get('/sunwu/qingxi/')
    links = [a.get_text() for a in res.html.select('.tenant-list a')]
    assert {'幸福社区', '朝阳社区', '兴安社区'} <= set(links)
    menu = [a.get_text(strip=True) for a in res.html.select('nav.sections a')]
    # home-page cards and, for a visitor, the menu only for sections with something in
    # them (the street's own service)
    cards = [h.get_text(strip=True) for h in res.html.select('.section-card h2')]
    assert cards == ['办事指南']
    assert menu == cards


def test_empty_sections_leave_a_visitors_menu_but_not_the_staffs(demo):
    """Staff see every section, in the declared order, to add to an empty one; a visitor
    is not sent to a box with nothing in it — except the one they are looking at."""
    with demo.root() as root:
        add_user(root, 'qx-staff', 'staff', '/sunwu/qingxi')
    visitor = demo.app.get('/sunwu/qingxi/')
    assert menu_of(visitor) == ['办事指南']
    here = demo.app.get('/sunwu/qingxi/notices/')
    assert menu_of(here) == ['办事指南', '通知公告']
    assert here.html.select_one('nav.sections a[aria-current]').get_text(strip=True) == '通知公告'
    staff = login(demo, 'qx-staff')
    assert menu_of(staff.get('/sunwu/qingxi/')) == [
        '办事指南', '通知公告', '工作事项与值班', '志愿服务', '制度文件', '居民诉求']
    # a draft changes nothing for a visitor; once published, the section is back
    with demo.root() as root:
        notice = Notice(title='停水通知', category='通知公告')
        add(root['sunwu']['qingxi']['notices'], 'tingshui', notice, demo.registry)
    assert menu_of(demo.app.get('/sunwu/qingxi/')) == ['办事指南']
    with demo.root() as root:
        modify(root['sunwu']['qingxi']['notices']['tingshui'], demo.registry, state=PUBLISHED)
    assert menu_of(demo.app.get('/sunwu/qingxi/')) == ['办事指南', '通知公告']


def menu_of(res):
    return [a.get_text(strip=True) for a in res.html.select('nav.sections a')]


def test_empty_section_says_so(demo_site):
    res = demo_site.app.get('/sunwu/qingxi/xingfu/notices/')
    assert '暂无内容' in res.text


def test_footer_shows_tenant_contact(demo_site):
    res = demo_site.app.get('/sunwu/qingxi/xingfu/')
    assert '幸福路 5 号' in res.html.select_one('footer').get_text()


def test_unknown_path_is_a_friendly_404(demo_site):
    res = demo_site.app.get('/sunwu/no-such-place/', status=404)
    assert '页面不存在' in res.text
    assert 'Traceback' not in res.text


def test_english_is_the_second_locale(demo_site):
    from webtest import TestApp
    app = TestApp(demo_site.wsgi)  # own cookie jar: the locale cookie must not leak
    res = app.get('/sunwu/?_LOCALE_=en')
    assert 'Service guides' in res.text
    assert res.headers.get('Set-Cookie', '').startswith('_LOCALE_=en')


def test_server_error_shows_plain_page_without_traceback(tmp_path):
    from conftest import Site
    site = Site(tmp_path)
    try:
        def boom(request):
            raise RuntimeError('secret internals')
        # a view that fails, added to a fresh configurator run of the same app
        from pyramid.config import Configurator
        config = Configurator(registry=site.registry)
        config.add_view(boom, name='boom', context='shequ.tree.Root')
        config.commit()
        res = site.app.get('/@@boom', status=500)
        assert '服务器出错了' in res.text
        # its one style carries the page's CSP nonce, so the page is styled under the policy
        nonce = res.html.find('style')['nonce']
        assert nonce and "'nonce-%s'" % nonce in res.headers['Content-Security-Policy']
        assert 'secret internals' not in res.text and 'Traceback' not in res.text
    finally:
        site.close()


def test_theme_css_is_served_locally(demo_site):
    res = demo_site.app.get('/sunwu/')
    href = res.html.select_one('link[rel=stylesheet]')['href']
    assert href.startswith('http://localhost/_themes/default/')
    css = demo_site.app.get(href.replace('http://localhost', ''))
    assert 'max-width: 600px' in css.text
    assert 'url(http' not in css.text and '@import' not in css.text


def test_the_login_link_on_the_login_page_does_not_nest_logins(demo_site):
    """A login link on every page comes back to that page; on the login page itself it
    keeps the page's own destination (a crawler once followed a chain of nested logins)."""
    from urllib.parse import parse_qs, urlsplit

    def login_link(page):
        link = [a['href'] for a in page.html.select('a[href]') if '@@login' in a['href']][0]
        return parse_qs(urlsplit(link).query)['came_from'][0]
    assert login_link(demo_site.app.get('/sunwu/notices/')) == 'http://localhost/sunwu/notices/'
    page = demo_site.app.get('/sunwu/@@login', {'came_from': 'http://localhost/sunwu/services/'})
    assert login_link(page) == 'http://localhost/sunwu/services/'
    assert '@@login' not in login_link(demo_site.app.get('/sunwu/@@login'))
