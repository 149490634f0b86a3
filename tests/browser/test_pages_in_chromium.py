"""Pages work on a phone and the staff forms work with their (local) scripts."""
from helpers import add_user, PASSWORD

PHONE = {'width': 375, 'height': 812}


def test_tenant_page_fits_a_phone_screen(browser, live_site):
    _site, base = live_site
    page = browser.new_page(viewport=PHONE)
    page.goto(base + '/sunwu/qingxi/xingfu/')
    assert page.locator('h1').inner_text().startswith('幸福社区')
    assert page.evaluate('document.documentElement.scrollWidth') <= PHONE['width']
    box = page.locator('#search-q').bounding_box()
    assert box and box['width'] > 150 and box['x'] + box['width'] <= PHONE['width']
    page.screenshot(path='/tmp/shequ-phone.png', full_page=True)
    page.close()


def test_no_request_leaves_the_site(browser, live_site):
    _site, base = live_site
    page = browser.new_page()
    outside = []
    page.on('request', lambda r: None if r.url.startswith(base) else outside.append(r.url))
    page.goto(base + '/sunwu/services/dibao')
    page.goto(base + '/@@login')
    assert outside == []
    page.close()


def test_staff_log_in_and_publish_through_the_form(browser, live_site):
    site, base = live_site
    with site.root() as root:
        add_user(root, 'browser-staff', 'staff', '/sunwu/qingxi/xingfu', name='浏览器测试员')
    page = browser.new_page()
    page.goto(base + '/sunwu/qingxi/xingfu/services/')
    page.click('text=工作人员登录')
    page.fill('#login', 'browser-staff')
    page.fill('#password', PASSWORD)
    page.click('#login-form button[type=submit]')
    page.wait_for_url(base + '/sunwu/qingxi/xingfu/services/')
    assert '浏览器测试员' in page.content()
    page.goto(base + '/sunwu/qingxi/xingfu/services/@@add?type=service')
    page.fill('input[name=title]', '社区食堂助餐登记')
    page.select_option('select[name=category]', '养老服务')
    page.click('button[name=publish]')
    page.wait_for_load_state()
    assert page.locator('h1').inner_text() == '社区食堂助餐登记'
    anonymous = browser.new_page()
    anonymous.goto(page.url)
    assert anonymous.locator('h1').inner_text() == '社区食堂助餐登记'
    anonymous.close()
    page.close()


WATCH_CSP = '''window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample));'''


def staff_page(browser, site, base, login_name, role, path):
    with site.root() as root:
        add_user(root, login_name, role, path)
    page = browser.new_page()
    page.add_init_script(WATCH_CSP)
    errors = []
    page.on('console', lambda m: errors.append(m.text) if 'Content Security Policy' in m.text
            else None)
    page.goto(base + '/@@login')
    page.fill('#login', login_name)
    page.fill('#password', PASSWORD)
    page.click('#login-form button[type=submit]')
    page.wait_for_load_state()
    return page, errors


def test_the_rich_text_editor_works_under_the_content_security_policy(browser, live_site):
    site, base = live_site
    page, errors = staff_page(browser, site, base, 'browser-editor', 'staff', '/sunwu')
    page.goto(base + '/sunwu/notices/@@add?type=notice')
    page.wait_for_selector('.tox-tinymce', timeout=15000)      # TinyMCE has drawn itself
    frame = page.frame_locator('.tox-edit-area iframe')
    frame.locator('body').click()
    page.locator('.tox-tbtn[aria-label="Bold"], .tox-tbtn[aria-label="加粗"], '
                 '.tox-tbtn[aria-label="粗体"]').first.click()
    frame.locator('body').type('编辑器可以输入')
    page.locator('.tox-mbtn').first.click()          # a menu drops down, positioned by script
    page.wait_for_selector('.tox-menu')
    page.keyboard.press('Escape')
    assert '<strong>编辑器可以输入</strong>' in page.evaluate('tinymce.activeEditor.getContent()')
    # deform's sequence buttons (onclick handlers, allowed by hash) add and remove a file row
    files = page.locator('.deform-seq', has=page.locator('input[type=file]'))
    rows = files.locator('.deform-seq-item')
    before = rows.count()
    files.locator('.deform-seq-add').click()
    assert rows.count() == before + 1
    # (an icon-font button, drawn empty without the font: clicked from script)
    rows.last.locator('.deform-close-button').evaluate('b => b.click()')
    assert rows.count() == before
    page.fill('input[name=title]', '编辑器测试')
    page.select_option('select[name=category]', index=1)
    page.click('button[name=save]')
    page.wait_for_load_state()
    assert page.locator('h1').inner_text() == '编辑器测试'
    assert page.evaluate('window.__csp') == [] and errors == []
    page.close()


def test_pages_and_their_scripts_break_no_content_security_policy(browser, live_site):
    site, base = live_site
    page, errors = staff_page(browser, site, base, 'browser-admin', 'admin', '/sunwu')
    for path in ('/sunwu/', '/sunwu/services/dibao', '/sunwu/services/dibao/@@print',
                 '/sunwu/@@search?q=低保', '/sunwu/@@members', '/sunwu/services/@@add?type=service',
                 '/sunwu/documents/@@add?type=document'):
        page.goto(base + path)
        page.wait_for_load_state('networkidle')
        assert page.evaluate('window.__csp') == [], path
    assert errors == []
    # the members page asks before revoking, from its script file (no inline handler)
    page.goto(base + '/sunwu/@@members')
    asked = []
    page.on('dialog', lambda d: (asked.append(d.message), d.dismiss()))
    page.locator('form[data-confirm] button').first.click()
    assert asked and page.url.endswith('/sunwu/@@members')
    page.close()
