"""County sub-sites in Chromium: settings through the form, themes, colours, emblem, a
county's own host name, elder mode, reflow at 320 px and 200 % text, screenshots, axe."""
import os
import struct
import zlib

import pytest

from helpers import PASSWORD, add_user
from sitekit import DEMO_FILE, Site, waitress_thread
from shequ.tree.ops import modify

XINGFU = '/sunwu/qingxi/xingfu/'
PHONE = {'width': 375, 'height': 812}
WATCH_CSP = '''window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));'''
NO_SIDEWAYS_SCROLL = 'document.documentElement.scrollWidth <= window.innerWidth'


def png(width=64, height=64):
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
                + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    raw = b''.join(b'\x00' + b'\xf2\xc2\x30' * width for _ in range(height))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


@pytest.fixture(scope='module')
def sub_site(tmp_path_factory):
    """A served demo site of this module's own (its settings change), on a free port.

    `localhost` is configured as the county's host name; 127.0.0.1 is the platform.
    """
    site = Site(tmp_path_factory.mktemp('subsites'))
    site.load(DEMO_FILE)
    with site.root() as root:
        add_user(root, 'sub-admin', 'admin', '/sunwu', name='县站点管理员')
    with waitress_thread(site.wsgi) as base:
        yield site, base
    site.close()


def set_settings(site, path, **settings):
    with site.root() as root:
        node = root
        for part in [p for p in path.split('/') if p]:
            node = node[part]
        merged = dict(node.settings)
        for key, value in settings.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        modify(node, site.registry, settings=merged)


def axe_problems(page):
    """Serious and critical axe-core violations of the page (axe bundled, no CDN)."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page)
    return ['%s (%s): %s' % (v['id'], v['impact'], v['nodes'][0]['target'])
            for v in results.response['violations'] if v['impact'] in ('serious', 'critical')]


def test_axe_finds_a_real_violation(browser):
    """The check below is not vacuous: axe (vendored) reports an image without a text."""
    page = browser.new_page()
    page.set_content('<html lang="zh-CN"><head><title>t</title></head><body><main>'
                     '<input type="text"><a href="/x"><img src="data:,"></a></main></body></html>')
    problems = axe_problems(page)
    assert any(p.startswith('image-alt') for p in problems) and any(
        p.startswith('label') for p in problems), problems
    page.close()


def log_in(page, base, login_name='sub-admin'):
    page.goto(base + '/@@login')
    page.fill('#login', login_name)
    page.fill('#password', PASSWORD)
    page.click('#login-form button[type=submit]')
    page.wait_for_load_state()


def test_an_administrator_changes_theme_colour_and_emblem_seen_below(browser, sub_site, tmp_path):
    site, base = sub_site
    emblem = tmp_path / 'huizhang.png'
    emblem.write_bytes(png())
    page = browser.new_page()
    page.add_init_script(WATCH_CSP)
    log_in(page, base)
    page.goto(base + '/sunwu/@@settings')
    assert axe_problems(page) == []
    page.select_option('#f-theme', 'qingshan')
    page.fill('#f-primary_colour', '#1f4e79')
    page.set_input_files('#f-emblem', str(emblem))
    page.click('#settings-form button[name=save]')
    page.wait_for_load_state()
    assert '设置已保存' in page.locator('.flash').inner_text()
    assert page.evaluate('window.__csp') == []
    village = browser.new_page()
    village.add_init_script(WATCH_CSP)
    village.goto(base + XINGFU)
    nav = village.evaluate("getComputedStyle(document.querySelector('nav.sections')).backgroundColor")
    assert nav == 'rgb(31, 78, 121)'
    sheets = village.evaluate('[...document.styleSheets].map(s => s.href)')
    assert any(s.split('?')[0].endswith('/_themes/qingshan/qingshan.css') for s in sheets)
    assert village.evaluate("document.querySelector('img.emblem').naturalWidth") == 64
    assert village.evaluate('window.__csp') == []
    village.close()
    page.close()
    set_settings(site, '/sunwu', theme=None, primary_colour=None)


def test_a_county_host_name_serves_the_county_without_its_slug(browser, sub_site):
    site, base = sub_site
    set_settings(site, '/sunwu', hosts=['localhost'])
    county = base.replace('127.0.0.1', 'localhost')
    page = browser.new_page()
    page.goto(county + '/')
    assert page.locator('h1').inner_text().startswith('孙吴县')
    hrefs = page.evaluate('[...document.querySelectorAll("a[href]")].map(a => a.href)')
    assert county + '/services/' in hrefs
    assert not [h for h in hrefs if '/sunwu/' in h]
    page.click('nav.sections a >> nth=0')
    page.wait_for_load_state()
    assert page.url == county + '/services/'
    page.goto(base + '/')
    assert not page.locator('h1').inner_text().startswith('孙吴县')     # the platform
    page.close()
    set_settings(site, '/sunwu', hosts=None)


def test_elder_mode_enlarges_text_and_is_remembered(browser, sub_site):
    _site, base = sub_site
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(base + XINGFU)
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.click('a.elder-toggle')
    page.wait_for_load_state()
    assert page.url == base + XINGFU
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 20 > normal
    page.goto(base + '/sunwu/services/')
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
    heights = page.evaluate(
        "[...document.querySelectorAll('nav.sections a, .site-header button, a.elder-toggle')]"
        ".map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 48, heights
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.click('a.elder-toggle')
    page.wait_for_load_state()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") < 20
    context.close()


@pytest.mark.parametrize('elder', [False, True])
def test_pages_reflow_at_320_px_and_at_200_percent_text(browser, sub_site, elder):
    _site, base = sub_site
    paths = (XINGFU, '/sunwu/', '/sunwu/services/', '/sunwu/services/dibao', '/sunwu/notices/',
             '/sunwu/@@search?q=低保')
    context = browser.new_context(viewport={'width': 320, 'height': 640})
    if elder:
        context.add_cookies([{'name': 'shequ_elder', 'value': '1', 'url': base}])
    page = context.new_page()
    for path in paths:
        page.goto(base + path)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), ('320px', path)
    context.close()
    # 200 % zoom is a 640 px wide layout viewport; the browser's text size doubled on top
    context = browser.new_context(viewport={'width': 640, 'height': 800}, device_scale_factor=2)
    if elder:
        context.add_cookies([{'name': 'shequ_elder', 'value': '1', 'url': base}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send('Page.enable')
    cdp.send('Page.setFontSizes', {'fontSizes': {'standard': 32, 'fixed': 26}})
    for path in paths:
        page.goto(base + path)
        root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert root >= 32, root              # relative sizes follow the browser's setting
        assert page.evaluate(NO_SIDEWAYS_SCROLL), ('200%', path)
    context.close()


def test_screenshots_and_accessibility_of_the_home_page(browser, sub_site, screenshot_dir):
    """Home page in both themes, in elder mode and on a phone: saved as artefacts, and no
    serious or critical axe-core violation."""
    site, base = sub_site
    shots = {}
    for name, theme, elder, viewport in (
            ('home-zhenghong', 'default', False, {'width': 1280, 'height': 900}),
            ('home-qingshan', 'qingshan', False, {'width': 1280, 'height': 900}),
            ('home-elder', 'default', True, PHONE),
            ('home-375', 'default', False, PHONE),
            ('home-qingshan-375', 'qingshan', False, PHONE)):
        set_settings(site, '/sunwu', theme=theme)
        context = browser.new_context(viewport=viewport)
        if elder:
            context.add_cookies([{'name': 'shequ_elder', 'value': '1', 'url': base}])
        page = context.new_page()
        page.goto(base + XINGFU)
        assert axe_problems(page) == [], name
        path = os.path.join(screenshot_dir, name + '.png')
        page.screenshot(path=path, full_page=True)
        shots[name] = path
        context.close()
    set_settings(site, '/sunwu', theme=None)
    # the settings form, on a phone in elder mode, as a clerk would use it
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{'name': 'shequ_elder', 'value': '1', 'url': base}])
    page = context.new_page()
    log_in(page, base)
    page.goto(base + '/sunwu/qingxi/@@settings')
    assert axe_problems(page) == [], 'settings'
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shots['settings'] = os.path.join(screenshot_dir, 'settings-elder-375.png')
    page.screenshot(path=shots['settings'], full_page=True)
    context.close()
    print('\nscreenshots: %s' % ', '.join(sorted(shots.values())))
    for path in shots.values():
        assert os.path.getsize(path) > 10000
