"""Sub-site settings from the web (`@@settings`), host names, themes, colours, emblems,
elder mode and `shequ settings`: inheritance, validation, permissions, audit."""
import os
import shutil
import struct
import zlib

import pytest
from webtest import TestApp

from helpers import add_user, find, login
from sitekit import BASE_FILE, HERE, Site
from shequ.security.audit import get_audit_log, newest
from shequ.tree import Tenant
from shequ.tree.ops import add

XINGFU = '/sunwu/qingxi/xingfu'


def png(width=2, height=2):
    """A small valid PNG."""
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
                + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    raw = b''.join(b'\x00' + b'\xb7\x1c\x1c' * width for _ in range(height))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


@pytest.fixture
def county(demo):
    """The base tree with a county administrator, a community's staff and a second county
    with its own administrator."""
    with demo.root() as root:
        add_user(root, 'admin-sunwu', 'admin', '/sunwu', name='县管理员')
        add_user(root, 'staff-xingfu', 'staff', XINGFU, name='社区工作人员')
        add(root, 'aihui', Tenant('county', '爱辉区'), demo.registry)
        add_user(root, 'admin-aihui', 'admin', '/aihui', name='爱辉区管理员')
    return demo


def settings_form(app, path):
    return app.get(path + '/@@settings').forms['settings-form']


def stored(site, path):
    with site.root() as root:
        return dict(find(root, path).settings)


def field_error(page, key):
    box = page.html.select_one('#setting-%s' % key.replace('.', '-'))
    error = box.select_one('.field-error')
    return error.text.strip() if error else None


def test_settings_inherit_three_levels_down_and_can_be_reset(county):
    app = login(county, 'admin-sunwu')
    form = settings_form(app, '/sunwu')
    form['theme'] = 'qingshan'
    form['contact-hotline'] = '0456-12345'
    form['site_title'] = '孙吴县社区服务网'
    form['short_name'] = '孙吴社区网'
    form.submit().follow()
    village = county.app.get(XINGFU + '/')
    assert village.html.select_one('.site-title .brand-short').text == '孙吴社区网'
    assert village.html.select_one('.site-title .unit').text == '幸福社区'
    hrefs = [link['href'] for link in village.html.select('link[rel=stylesheet]')]
    assert any(h.split('?')[0].endswith('/_themes/qingshan/qingshan.css') for h in hrefs), hrefs
    assert '0456-12345' in village.html.select_one('footer').text
    assert village.html.select_one('.site-title .brand-full').text == '孙吴县社区服务网'
    assert village.html.select_one('.site-title')['href'] == 'http://localhost/sunwu/'
    # the street overrides the theme; the community two levels below the county follows it
    form = settings_form(app, '/sunwu/qingxi')
    form['theme'] = 'default'
    form.submit().follow()
    hrefs = [link['href'] for link in county.app.get(XINGFU + '/').html.select('link[rel=stylesheet]')]
    assert not any('qingshan' in h for h in hrefs)
    page = app.get(XINGFU + '/@@settings')
    theme_box = page.html.select_one('#setting-theme').text
    assert '继承自 清溪街道' in theme_box and '政务红' in theme_box
    assert '继承自 孙吴县' in page.html.select_one('#setting-contact-hotline').text
    # back to inheriting: the street's own theme goes, the county's applies again
    page = app.get('/sunwu/qingxi/@@settings')
    assert '本级设置' in page.html.select_one('#setting-theme').text
    reset = page.forms['reset-form']
    res = reset.submit('reset', value='theme').follow()
    assert '已恢复继承' in res.text
    assert 'theme' not in stored(county, '/sunwu/qingxi')
    hrefs = [link['href'] for link in county.app.get(XINGFU + '/').html.select('link[rel=stylesheet]')]
    assert any('qingshan' in h for h in hrefs)


def test_contact_keys_inherit_one_by_one(county):
    app = login(county, 'admin-sunwu')
    form = settings_form(app, XINGFU)
    form['contact-phone'] = '0456-8231199'
    form.submit().follow()
    footer = county.app.get(XINGFU + '/').html.select_one('footer').text
    assert '0456-8231199' in footer
    assert 'zwfw@sunwu.example.gov.cn' in footer          # the county's e-mail still applies
    assert stored(county, XINGFU)['contact']['phone'] == '0456-8231199'


def test_a_quoted_false_in_a_tenant_file_is_false(county, tmp_path):
    path = tmp_path / 'tree.yaml'
    path.write_text('tenants:\n  - slug: sunwu\n    kind: county\n    title: 孙吴县\n'
                    '    settings:\n      require_review: "false"\n      volunteer_publicity_days: "10"\n',
                    encoding='utf-8')
    county.load(str(path))
    settings = stored(county, '/sunwu')
    assert settings['require_review'] is False
    assert settings['volunteer_publicity_days'] == 10
    # the form shows it as "no", and saving it unchanged keeps a real boolean
    app = login(county, 'admin-sunwu')
    form = settings_form(app, '/sunwu')
    assert form['require_review'].value == 'false'
    form['require_review'] = 'true'
    form.submit().follow()
    assert stored(county, '/sunwu')['require_review'] is True


def test_only_administrators_of_the_tenant_may_change_settings(county):
    staff = login(county, 'staff-xingfu')
    staff.get(XINGFU + '/@@settings', status=403)
    other = login(county, 'admin-aihui')
    other.get('/sunwu/@@settings', status=403)
    other.get(XINGFU + '/@@settings', status=403)
    token = other.get('/aihui/@@settings').forms['settings-form']['csrf_token'].value
    other.post('/sunwu/@@settings', {'csrf_token': token, 'theme': 'qingshan'}, status=403)
    county.app.get('/sunwu/@@settings', status=(302, 403))
    assert 'theme' not in stored(county, '/sunwu')
    # the toolbar offers the form only to those who may use it
    assert '站点设置' not in staff.get(XINGFU + '/').text
    assert '站点设置' in login(county, 'admin-sunwu').get(XINGFU + '/').text


def test_a_post_without_the_csrf_token_changes_nothing(county):
    app = login(county, 'admin-sunwu')
    app.post('/sunwu/@@settings', {'theme': 'qingshan'}, status=400)
    app.post('/sunwu/@@settings', {'reset': 'contact.phone'}, status=400)
    assert 'theme' not in stored(county, '/sunwu')
    assert stored(county, '/sunwu')['contact']['phone']


@pytest.mark.parametrize('key, value, message', [
    ('primary_colour', 'red', '#rrggbb'),
    ('primary_colour', '#ffcc00', '对比度'),
    ('accent_colour', '#333333', '对比度'),
    ('hosts', 'http://sunwu.example.cn/', '不是有效的域名'),
    ('contact-phone', '电话请问门卫', '电话号码'),
    ('contact-email', 'not-an-address', '邮箱'),
    ('volunteer_publicity_days', '45', '30'),
])
def test_bad_values_are_refused_next_to_their_field(county, key, value, message):
    app = login(county, 'admin-sunwu')
    before = stored(county, '/sunwu')
    form = settings_form(app, '/sunwu')
    form['site_title'] = '不应保存'
    form[key] = value
    page = form.submit(status=400)
    error = field_error(page, key.replace('-', '.'))
    assert error and message in error, (key, error)
    assert '未保存任何内容' in page.text
    assert page.forms['settings-form'][key].value == value       # what was typed stays
    assert stored(county, '/sunwu') == before


def test_a_colour_that_fails_contrast_names_a_darker_one(county):
    app = login(county, 'admin-sunwu')
    form = settings_form(app, '/sunwu')
    form['primary_colour'] = '#ff6666'
    error = field_error(form.submit(status=400), 'primary_colour')
    assert '4.5:1' in error and '可改用加深后的 #' in error


def test_changes_are_audited_with_the_changed_keys(county):
    app = login(county, 'admin-sunwu')
    form = settings_form(app, '/sunwu/qingxi')
    form['primary_colour'] = '#0f5e5a'
    form['banner'] = '本周六上午停水，请提前储水。'
    form.submit().follow()
    with county.root() as root:
        entries = newest(get_audit_log(root['sunwu']['qingxi']))
    entry = entries[0]
    assert entry['login'] == 'admin-sunwu' and entry['action'] == 'settings'
    assert 'primary_colour' in entry['title'] and 'banner' in entry['title']
    assert entry['path'] == '/sunwu/qingxi'
    # saving again unchanged writes nothing
    settings_form(app, '/sunwu/qingxi').submit().follow()
    with county.root() as root:
        assert len(newest(get_audit_log(root['sunwu']['qingxi']))) == len(entries)


def test_colours_come_as_a_versioned_stylesheet(county):
    app = login(county, 'admin-sunwu')
    form = settings_form(app, '/sunwu')
    form['primary_colour'] = '#1F4E79'
    form.submit().follow()
    assert stored(county, '/sunwu')['primary_colour'] == '#1f4e79'
    page = county.app.get(XINGFU + '/services/')
    href = [link['href'] for link in page.html.select('link[rel=stylesheet]') if 'theme.css' in link['href']]
    assert len(href) == 1 and href[0].startswith('http://localhost%s/@@theme.css?v=' % XINGFU)
    css = county.app.get(href[0])
    assert css.content_type == 'text/css' and '--primary: #1f4e79;' in css.text
    assert 'immutable' in css.headers['Cache-Control']
    assert 'style=' not in page.text and '<style' not in page.text
    # no colour set anywhere: no colour stylesheet at all
    with county.root() as root:
        root['sunwu'].settings = type(root['sunwu'].settings)()
    page = county.app.get(XINGFU + '/')
    assert not [link for link in page.html.select('link') if 'theme.css' in link['href']]


def test_the_banner_shows_on_home_pages_below(county):
    app = login(county, 'admin-sunwu')
    form = settings_form(app, '/sunwu')
    form['banner'] = '防汛期间请关注村（社区）通知。'
    form.submit().follow()
    assert '防汛期间请关注' in county.app.get(XINGFU + '/').html.select_one('.banner').text
    assert county.app.get(XINGFU + '/services/').html.select_one('.banner') is None


def test_sections_can_be_hidden_and_reordered(county):
    app = login(county, 'admin-sunwu')
    form = settings_form(app, '/sunwu/qingxi')
    form['sections-mode'] = 'custom'
    for checkbox in form.fields['section']:
        checkbox.checked = checkbox._value in ('services', 'notices')
    form['order-notices'] = '1'
    form['order-services'] = '2'
    form.submit().follow()
    assert stored(county, '/sunwu/qingxi')['sections'] == ['notices', 'services']
    # staff see the chosen sections in the chosen order, empty or not
    staff_page = app.get(XINGFU + '/')
    assert [a.text for a in staff_page.html.select('nav.sections a')] == ['通知公告', '办事指南']
    # a visitor only the ones with something in them (xingfu has no notice), like the cards
    page = county.app.get(XINGFU + '/')
    menu = [a.text for a in page.html.select('nav.sections a')]
    assert menu == ['办事指南']
    cards = [h.text for h in page.html.select('.section-card h2')]
    assert cards == menu


def test_an_emblem_is_uploaded_checked_and_shown_below(county):
    app = login(county, 'admin-sunwu')
    form = settings_form(app, '/sunwu')
    form['emblem'] = ('huizhang.svg', b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    page = form.submit(status=400)
    assert 'SVG' in field_error(page, 'emblem')
    form = settings_form(app, '/sunwu')
    form['emblem'] = ('huizhang.png', b'GIF89a not a png at all')
    assert '不是有效的 PNG' in field_error(form.submit(status=400), 'emblem')
    form = settings_form(app, '/sunwu')
    form['emblem'] = ('huizhang.png', png())
    form.submit().follow()
    img = county.app.get(XINGFU + '/').html.select_one('.site-title img.emblem')
    assert img['src'].startswith('http://localhost/sunwu/@@emblem?v=')
    res = county.app.get(img['src'])
    assert res.content_type == 'image/png' and res.body == png()
    assert 'huizhang.png' in app.get(XINGFU + '/@@settings').html.select_one('#setting-emblem').text
    # the county's own emblem can be dropped again
    page = app.get('/sunwu/@@settings')
    page.forms['reset-form'].submit('reset', value='emblem').follow()
    assert county.app.get(XINGFU + '/').html.select_one('img.emblem') is None


def test_a_configured_host_serves_the_county_without_its_slug(county):
    app = login(county, 'admin-sunwu')
    form = settings_form(app, '/sunwu')
    form['hosts'] = 'sunwu.example.cn\nWWW.Sunwu.Example.cn'
    form.submit().follow()
    assert stored(county, '/sunwu')['hosts'] == ['sunwu.example.cn', 'www.sunwu.example.cn']
    host = TestApp(county.wsgi, extra_environ={'HTTP_HOST': 'sunwu.example.cn'})
    home = host.get('/')
    assert home.html.find('h1').text.startswith('孙吴县')
    hrefs = [a['href'] for a in home.html.find_all('a', href=True)]
    assert 'http://sunwu.example.cn/services/' in hrefs
    assert 'http://sunwu.example.cn/qingxi/' in hrefs
    assert not [h for h in hrefs if '/sunwu/' in h], hrefs
    # the port is ignored and the name is case-insensitive
    other = TestApp(county.wsgi, extra_environ={'HTTP_HOST': 'WWW.SUNWU.example.cn:8080'})
    assert other.get('/').html.find('h1').text.startswith('孙吴县')
    # pages below, static files, search and login stay on the host
    page = host.get('/qingxi/xingfu/')
    assert page.html.select_one('.breadcrumbs a')['href'] == 'http://sunwu.example.cn/'
    for link in page.html.select('link[rel=stylesheet]'):
        assert host.get(link['href']).status_int == 200
    results = host.get('/@@search', {'q': '低保'})
    links = [a['href'] for a in results.html.select('.results a')]
    assert links and all(h.startswith('http://sunwu.example.cn/') and '/sunwu/' not in h for h in links)
    form = host.get('/@@login').forms['login-form']
    form['login'] = 'admin-sunwu'
    form['password'] = 'correct-horse-9'
    assert form.submit().status_int == 302
    assert host.get('/@@settings').status_int == 200
    # an unknown host gets the platform, and a client cannot pick a virtual root itself
    assert '孙吴县' in county.app.get('/', extra_environ={'HTTP_HOST': 'other.example.cn'}).text
    plain = county.app.get('/', extra_environ={'HTTP_HOST': 'other.example.cn',
                                              'HTTP_X_VHM_ROOT': '/sunwu'})
    assert plain.html.find('h1').text == county.app.get('/').html.find('h1').text


def test_a_host_taken_by_another_tenant_is_refused(county):
    app = login(county, 'admin-sunwu')
    form = settings_form(app, '/sunwu')
    form['hosts'] = 'sunwu.example.cn'
    form.submit().follow()
    other = login(county, 'admin-aihui')
    form = settings_form(other, '/aihui')
    form['hosts'] = 'aihui.example.cn\nsunwu.example.cn'
    page = form.submit(status=400)
    assert '已被其他单位（/sunwu）使用' in field_error(page, 'hosts')
    assert 'hosts' not in stored(county, '/aihui')
    # dropping the host frees it for the other county, at once
    page = app.get('/sunwu/@@settings')
    page.forms['reset-form'].submit('reset', value='hosts').follow()
    form = settings_form(other, '/aihui')
    form['hosts'] = 'sunwu.example.cn'
    form.submit().follow()
    host = TestApp(county.wsgi, extra_environ={'HTTP_HOST': 'sunwu.example.cn'})
    assert host.get('/').html.find('h1').text.startswith('爱辉区')


def test_removing_a_tenant_frees_its_hosts(county):
    from shequ.tree.ops import remove
    with county.root() as root:
        from shequ.tree.ops import modify
        modify(root['aihui'], county.registry, settings={'hosts': ['aihui.example.cn']})
        assert dict(root.hosts) == {'aihui.example.cn': '/aihui'}
        remove(root, 'aihui', county.registry)
        assert dict(root.hosts) == {}


def test_elder_mode_is_a_plain_link_remembered_in_a_cookie(county):
    app = TestApp(county.wsgi)
    page = app.get(XINGFU + '/')
    assert 'elder' not in (page.html.find('html').get('class') or [])
    link = page.html.select_one('a.elder-toggle')
    assert link.text == '长辈模式（大字）'
    res = app.get(link['href'])
    assert res.status_int == 302 and res.location == 'http://localhost%s/' % XINGFU
    assert 'shequ_elder=1' in res.headers['Set-Cookie']
    page = app.get('/sunwu/services/')
    assert 'elder' in page.html.find('html')['class']
    app.get(page.html.select_one('a.elder-toggle')['href'])
    assert 'elder' not in (app.get('/sunwu/').html.find('html').get('class') or [])
    # never sends a visitor off the site
    res = app.get('/@@elder', {'on': '1', 'came_from': 'https://evil.example/'})
    assert res.location == 'http://localhost/'


def test_a_theme_is_a_folder_with_optional_template_overrides(tmp_path):
    themes = tmp_path / 'themes'
    shutil.copytree(os.path.join(HERE, 'themes'), themes)
    mine = themes / 'hongse'
    (mine / 'templates').mkdir(parents=True)
    (mine / 'static').mkdir()
    (mine / 'theme.yaml').write_text('name: hongse\ntitle: 测试主题\nextends: default\n'
                                     'css: [extra.css]\n', encoding='utf-8')
    (mine / 'static' / 'extra.css').write_text('body { color: #000; }', encoding='utf-8')
    layout = open(os.path.join(HERE, 'src/shequ/theming/templates/layout.pt'), encoding='utf-8').read()
    (mine / 'templates' / 'layout.pt').write_text(
        layout.replace('<main id="main" class="wrap">',
                       '<main id="main" class="wrap"><p id="from-theme">主题模板</p>'), encoding='utf-8')
    site = Site(tmp_path / 'db', **{'shequ.themes_dir': str(themes)})
    try:
        site.load(BASE_FILE)
        with site.root() as root:
            add_user(root, 'admin-sunwu', 'admin', '/sunwu')
        app = login(site, 'admin-sunwu')
        form = settings_form(app, '/sunwu')
        assert ('hongse', '测试主题') in [(v, t) for v, _s, t in form['theme'].options]
        form['theme'] = 'hongse'
        form.submit().follow()
        page = site.app.get(XINGFU + '/')
        assert page.html.select_one('#from-theme').text == '主题模板'
        hrefs = [link['href'] for link in page.html.select('link[rel=stylesheet]')]
        assert hrefs[0].split('?')[0].endswith('/_themes/default/style.css')
        assert hrefs[1].split('?')[0].endswith('/_themes/default/pages.css')
        assert hrefs[2].split('?')[0].endswith('/_themes/hongse/extra.css')
        assert site.app.get(hrefs[2]).text.startswith('body')
    finally:
        site.close()


def test_settings_from_the_command_line(county, tmp_path, capsys):
    from sitekit import write_ini
    from shequ.cli import main
    county.close()
    ini = write_ini(tmp_path, **{'zodbconn.uri': county.settings['zodbconn.uri'],
                                 'shequ.index_dir': county.settings['shequ.index_dir']})
    assert main(['settings', ini, XINGFU, 'theme=qingshan', 'contact.hotline=110',
                 'sections=notices, services']) == 0
    out = capsys.readouterr().out
    assert 'theme = qingshan  （本级设置）' in out
    assert 'contact.email = zwfw@sunwu.example.gov.cn  （继承自 孙吴县 /sunwu）' in out
    assert 'sections = notices, services  （本级设置）' in out
    assert main(['settings', ini, XINGFU, 'require_review=perhaps']) == 2
    assert 'require_review' in capsys.readouterr().err
    assert main(['settings', ini, XINGFU, 'primary_colour=#ffff00']) == 2
    assert '对比度' in capsys.readouterr().err
    assert main(['settings', ini, XINGFU, '--reset', 'theme']) == 0
    out = capsys.readouterr().out
    assert 'theme = （未设置）' in out
    site = Site(tmp_path / 'unused', **{'zodbconn.uri': county.settings['zodbconn.uri'],
                                        'shequ.index_dir': county.settings['shequ.index_dir']})
    try:
        with site.root() as root:
            settings = dict(root['sunwu']['qingxi']['xingfu'].settings)
            log = newest(get_audit_log(root['sunwu']['qingxi']['xingfu']))
        assert 'theme' not in settings and settings['contact']['hotline'] == '110'
        assert log[0]['login'] == 'cli' and 'theme' in log[0]['title']
    finally:
        site.close()


def test_host_names_from_a_tenant_file_open_the_tenant(county, tmp_path):
    path = tmp_path / 'hosts.yaml'
    path.write_text('tenants:\n  - slug: sunwu\n    kind: county\n    title: 孙吴县\n'
                    '    settings:\n      hosts: [sunwu.example.cn]\n      theme: qingshan\n',
                    encoding='utf-8')
    county.load(str(path))
    home = county.app.get('/', extra_environ={'HTTP_HOST': 'sunwu.example.cn'})
    assert home.html.find('h1').text.startswith('孙吴县')
    assert any('qingshan' in link['href'] for link in home.html.select('link[rel=stylesheet]'))
