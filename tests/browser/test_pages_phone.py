"""A resident's phone (375×667): the first screen answers, wide tables read as cards."""
import os

import pytest

from helpers import PASSWORD, add_user

pytestmark = pytest.mark.browser

PHONE = {'width': 375, 'height': 667}
XINGFU = '/sunwu/qingxi/xingfu'
SHOTS = os.environ.get('SHEQU_SCREENSHOTS', '/tmp')


def phone_page(browser, base, path):
    page = browser.new_page(viewport=PHONE)
    page.goto(base + path)
    page.wait_for_load_state('networkidle')
    return page


def no_sideways_scrolling(page):
    return page.evaluate('document.documentElement.scrollWidth') <= PHONE['width']


@pytest.mark.parametrize('path', [XINGFU + '/services/', '/sunwu/services/',
                                  '/sunwu/services/?category=社会救助'])
def test_catalogue_indexes_leave_the_first_service_on_the_first_screen(browser, live_site, path):
    _site, base = live_site
    page = phone_page(browser, base, path)
    first = page.locator('.service-list li a').first.bounding_box()
    assert first is not None and first['y'] + first['height'] <= PHONE['height'], first
    # the category strip is still there and reachable by swiping
    strip = page.locator('.by-category ul')
    assert strip.is_visible() and strip.evaluate('e => e.scrollWidth > e.clientWidth')
    assert no_sideways_scrolling(page)
    page.screenshot(path=os.path.join(SHOTS, 'shequ-phone-catalogue.png'))
    page.close()


def test_service_materials_read_as_one_card_per_material(browser, live_site):
    _site, base = live_site
    page = phone_page(browser, base, XINGFU + '/services/dibao')
    table = page.locator('table.materials')
    assert page.locator('table.materials thead').is_hidden()
    rows = table.locator('tbody tr')
    assert rows.count() >= 2
    first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    assert first['width'] > 300 and second['y'] >= first['y'] + first['height']   # stacked
    label = rows.nth(0).locator('td[data-label]').first.evaluate(
        "td => getComputedStyle(td, '::before').content")
    assert '原件' in label or '份数' in label
    assert no_sideways_scrolling(page)
    page.screenshot(path=os.path.join(SHOTS, 'shequ-phone-materials.png'), full_page=True)
    page.close()


def test_finance_table_reads_as_cards_with_amounts(browser, live_site):
    _site, base = live_site
    page = phone_page(browser, base, XINGFU + '/notices/caiwu-2026q3')
    assert page.locator('.notice-table thead').is_hidden()
    row = page.locator('.notice-table tbody tr').first
    assert row.evaluate('r => getComputedStyle(r).display') == 'block'
    assert no_sideways_scrolling(page)
    page.close()


def test_home_page_offers_the_phone_number_on_the_first_screen(browser, live_site):
    _site, base = live_site
    page = phone_page(browser, base, XINGFU + '/')
    call = page.locator('#home-contact a[href^="tel:"]').first
    box = call.bounding_box()
    assert box and box['y'] + box['height'] <= PHONE['height'] and box['height'] >= 44
    assert no_sideways_scrolling(page)
    page.screenshot(path=os.path.join(SHOTS, 'shequ-phone-home.png'))
    page.close()


def test_staff_form_shows_required_marks_errors_and_remove_buttons(browser, live_site):
    site, base = live_site
    with site.root() as root:
        add_user(root, 'phone-staff', 'staff', XINGFU, name='手机测试员')
    page = browser.new_page(viewport=PHONE)
    page.goto(base + '/@@login')
    page.fill('#login', 'phone-staff')
    page.fill('#password', PASSWORD)
    page.click('#login-form button[type=submit]')
    page.wait_for_load_state()
    page.goto(base + XINGFU + '/services/@@add?type=service')
    mark = page.locator('.item-title .form-label').evaluate(
        "l => getComputedStyle(l, '::after').content")
    assert '*' in mark
    materials = page.locator('.deform-seq', has=page.locator('.deform-seq-add')).first
    materials.locator('.deform-seq-add').first.click()
    remove = materials.locator('.deform-close-button').last
    box = remove.bounding_box()
    assert box and box['width'] >= 40 and box['height'] >= 30       # visible, not an empty icon
    before = materials.locator('.deform-seq-item').count()
    remove.click()
    assert materials.locator('.deform-seq-item').count() == before - 1
    page.fill('input[name=title]', '电话校验')
    page.select_option('select[name=category]', '社区服务')
    page.fill('input[name=phone]', '打这个电话')
    page.click('button[name=save]')
    page.wait_for_load_state()
    error = page.locator('.item-phone .invalid-feedback')
    assert '不是有效的电话号码' in error.inner_text()
    assert error.evaluate('e => getComputedStyle(e).color') == 'rgb(176, 0, 32)'
    assert no_sideways_scrolling(page)
    page.screenshot(path=os.path.join(SHOTS, 'shequ-phone-form-error.png'), full_page=True)
    page.close()


def test_notice_form_shows_the_finance_table_only_for_finance(browser, live_site):
    site, base = live_site
    with site.root() as root:
        add_user(root, 'finance-staff', 'staff', XINGFU, name='财务测试员')
    page = browser.new_page(viewport=PHONE)
    page.goto(base + '/@@login')
    page.fill('#login', 'finance-staff')
    page.fill('#password', PASSWORD)
    page.click('#login-form button[type=submit]')
    page.wait_for_load_state()
    page.goto(base + XINGFU + '/notices/@@add?type=notice')
    page.wait_for_load_state('networkidle')
    assert page.locator('.item-table').is_hidden() and page.locator('.item-table_paste').is_hidden()
    page.select_option('select[name=category]', '财务公开')
    assert page.locator('.item-table').is_visible() and page.locator('.item-table_paste').is_visible()
    page.fill('input[name=title]', '手机上粘贴的财务公开')
    page.fill('textarea[name=table_paste]', '2026-09-01\t办公经费\t1200\t\t\n')
    page.click('button[name=save]')
    page.wait_for_load_state()
    assert page.locator('h1').inner_text() == '手机上粘贴的财务公开'
    assert '1,200.00' in page.locator('.notice-table').inner_text()
    page.goto(base + XINGFU + '/notices/@@add?type=notice')
    page.select_option('select[name=category]', '通知公告')
    assert page.locator('.item-table').is_hidden()
    page.close()
