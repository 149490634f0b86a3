"""Suggestions as you type: the keyboard alone reaches an item; without JS the form submits."""
from test_pages_in_chromium import WATCH_CSP

COMMUNITY = '/sunwu/qingxi/xingfu/'


def test_typing_a_prefix_then_arrow_down_and_enter_opens_the_item(browser, live_site):
    _site, base = live_site
    page = browser.new_page()
    page.add_init_script(WATCH_CSP)
    page.goto(base + COMMUNITY)
    box = page.locator('#search-q')
    box.focus()
    page.keyboard.type('laonian')
    listbox = page.locator('#' + box.get_attribute('aria-controls'))
    listbox.locator('[role=option]').first.wait_for()
    assert box.get_attribute('role') == 'combobox'
    assert box.get_attribute('aria-expanded') == 'true'
    first = listbox.locator('[role=option]').first
    assert first.inner_text().startswith('老年人优待证办理')
    page.keyboard.press('ArrowDown')
    assert box.get_attribute('aria-activedescendant') == first.get_attribute('id')
    assert first.get_attribute('aria-selected') == 'true'
    page.keyboard.press('Enter')
    page.wait_for_url('**/services/laonianzheng')
    assert page.locator('h1').inner_text().startswith('老年人优待证办理')
    assert page.evaluate('window.__csp') == []
    page.close()


def test_escape_closes_the_list_and_enter_then_searches(browser, live_site):
    _site, base = live_site
    page = browser.new_page()
    page.goto(base + COMMUNITY)
    box = page.locator('#search-q')
    box.focus()
    page.keyboard.type('低保')
    page.locator('.suggest-list [role=option]').first.wait_for()
    page.keyboard.press('Escape')
    assert box.get_attribute('aria-expanded') == 'false'
    page.keyboard.press('Enter')
    page.wait_for_url('**/@@search?q=*')
    assert '最低生活保障申请' in page.content()
    page.close()


def test_without_javascript_the_search_box_submits_the_form(browser, live_site):
    _site, base = live_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + COMMUNITY)
    assert page.locator('#search-q').get_attribute('role') is None
    page.fill('#search-q', '老年证')
    page.press('#search-q', 'Enter')
    page.wait_for_url('**/@@search?q=*')
    assert '老年人优待证办理' in page.content()
    context.close()
