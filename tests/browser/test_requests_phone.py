"""The request form and the staff inbox on a phone (375 px): no sideways scrolling, no CSP
violation, the form usable without JavaScript; screenshots for people to look at."""
import os

import pytest

from helpers import PASSWORD, add_user

pytestmark = pytest.mark.browser

PHONE = {'width': 375, 'height': 667}
XINGFU = '/sunwu/qingxi/xingfu'


def watch(page):
    """CSP violations and failed loads (the browser's own favicon guess aside)."""
    problems = []
    page.on('console', lambda m: problems.append(m.text)
            if 'Content Security Policy' in m.text else None)
    page.on('response', lambda r: problems.append('%s %s' % (r.status, r.url))
            if r.status >= 400 and not r.url.endswith('/favicon.ico') else None)
    return problems


def test_the_request_form_works_on_a_phone_without_javascript(browser, live_site,
                                                             screenshot_dir):
    _site, base = live_site
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    problems = watch(page)
    page.goto(base + XINGFU + '/requests/@@submit')
    page.screenshot(path=os.path.join(screenshot_dir, 'requests-submit-375.png'),
                    full_page=True)
    question = page.locator('label[for=challenge]').inner_text()
    from shequ.requests.abuse import parse_answer
    import re
    a, b = re.search(r'([零一二三四五六七八九十]+)加([零一二三四五六七八九十]+)', question).groups()
    page.check('input[name=kind][value=zixun]')
    page.select_option('#category', '证明办理')
    page.fill('#description', '请问开具居住证明需要带什么材料？')
    page.fill('#name', '手机测试居民')
    page.fill('#phone', '13911112222')
    page.fill('#challenge', str(parse_answer(a) + parse_answer(b)))
    page.click('form.plain-form button[type=submit]')
    page.wait_for_load_state()
    assert page.locator('.tracking-number').inner_text().startswith('SW')
    assert not problems, problems
    context.close()


def test_the_inbox_reads_on_a_phone(browser, live_site, screenshot_dir):
    site, base = live_site
    with site.root() as root:
        add_user(root, 'phone-inbox', 'staff', XINGFU, name='手机收件')
    page = browser.new_page(viewport=PHONE)
    problems = watch(page)
    page.goto(base + '/@@login')
    page.fill('#login', 'phone-inbox')
    page.fill('#password', PASSWORD)
    page.click('#login-form button[type=submit]')
    page.wait_for_load_state()
    page.goto(base + XINGFU + '/requests/@@inbox')
    assert page.locator('table.stack tbody tr').count() >= 3
    assert page.evaluate('document.documentElement.scrollWidth') <= PHONE['width']
    page.screenshot(path=os.path.join(screenshot_dir, 'requests-inbox-375.png'),
                    full_page=True)
    page.goto(base + XINGFU + '/requests/@@statistics')
    assert page.evaluate('document.documentElement.scrollWidth') <= PHONE['width']
    assert not problems, problems
    page.close()
