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
    page.fill('input[name=category]', '养老服务')
    page.click('button[name=publish]')
    page.wait_for_load_state()
    assert page.locator('h1').inner_text() == '社区食堂助餐登记'
    anonymous = browser.new_page()
    anonymous.goto(page.url)
    assert anonymous.locator('h1').inner_text() == '社区食堂助餐登记'
    anonymous.close()
    page.close()
