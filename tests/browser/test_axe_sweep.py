"""axe-core over every public page type and every staff form, in both themes, in elder mode
and at 375 px; the test fails listing (url, rule, impact, target) of each serious or
critical violation.

Modes and pages (one browser context per mode and per visitor, pages reused, so the whole
sweep stays well under three minutes):

- default theme (政务红), 1280 px: every URL below, public pages as an anonymous visitor and
  staff forms as a county administrator;
- 青山 theme (`qingshan`, set on the county before the run), 1280 px: the same full list,
  since a theme changes every colour (contrast is most of what axe finds);
- elder mode (长辈模式 cookie), 375 px: the public pages and a representative set of forms
  (PUBLIC_SUBSET, STAFF_SUBSET);
- 375 px, default theme: the same subsets.

TinyMCE is waited for before a rich-text form is checked, so its toolbar and editing
iframe are part of the check.
"""
import pytest

from helpers import PASSWORD, add_user
from sitekit import DEMO_FILE, Site, waitress_thread
from shequ.clock import utcnow
from shequ.tree.ops import modify

pytestmark = pytest.mark.browser

C = '/sunwu/'
T = '/sunwu/qingxi/'
X = '/sunwu/qingxi/xingfu/'
VOL = X + 'volunteers/'
DESKTOP = {'width': 1280, 'height': 900}
PHONE = {'width': 375, 'height': 812}

# what shows that a mode is in force on a page (print views carry the print sheets only)
QINGSHAN = ("!location.pathname.startsWith('/sunwu/') || !document.querySelector('nav.sections')"
            " || [...document.styleSheets].some(s => (s.href || '').split('?')[0].endsWith('/qingshan.css'))")
BODY_PX = 'parseFloat(getComputedStyle(document.body).fontSize)'
ELDER = BODY_PX + ' >= 20'
NOT_ELDER = BODY_PX + ' < 20'

PUBLIC = [
    '/', C, T, X,
    C + 'services/', C + 'services/dibao', X + 'services/', X + 'services/dibao',
    C + 'notices/', X + 'notices/', X + 'notices/caiwu-2026q3',
    X + 'documents/', X + 'documents/jumin-gongyue', X + 'documents/jumin-gongyue/@@history',
    X + 'documents/jumin-gongyue/@@revision/1', X + 'documents/jumin-gongyue/@@diff?a=1&b=2',
    C + 'duties/', C + 'duties/yifa-lvzhi', X + 'duties/', X + 'duties/xingfu-fuwu',
    X + 'duties/@@roster', X + 'duties/@@roster-month', X + '@@duty-today',
    VOL, VOL + 'v/V000001', VOL + 'zhulao', VOL + 'yizhen-2026-09',
    VOL + '@@publicity', VOL + '@@honour', VOL + '@@register', VOL + '@@verify',
    X + '@@search?q=低保', X + '@@search?q=扑朔迷离的火星签证', '/@@login',
    VOL + '@@registered', '/@@search?q=低保',
    # print views (A4 for the 公开栏) are pages too
    X + 'services/dibao/@@print', X + 'services/dibao/@@poster', X + 'notices/caiwu-2026q3/@@print',
    X + 'documents/jumin-gongyue/@@print', C + 'duties/yifa-lvzhi/@@print',
    X + 'duties/@@roster-print',
    X + 'requests/', X + 'requests/@@submit', X + 'requests/@@track',
    C + 'requests/@@statistics',
]
STAFF = [
    C + 'services/@@add?type=service', X + 'notices/@@add?type=notice',
    X + 'documents/@@add?type=document', C + 'duties/@@add?type=duty_list',
    VOL + '@@add?type=volunteer_team', VOL + '@@add?type=volunteer_activity',
    C + 'services/dibao/@@edit', X + 'services/dibao/@@override',
    X + 'notices/caiwu-2026q3/@@edit', X + 'notices/caiwu-2026q3/@@delete',
    X + 'notices/caiwu-2026q3/@@review-edit',
    X + 'documents/jumin-gongyue/@@edit', C + 'duties/yifa-lvzhi/@@edit',
    VOL + 'zhulao/@@edit', VOL + 'yizhen-2026-09/@@edit', VOL + 'yizhen-2026-09/@@signups',
    C + '@@settings', X + '@@settings', C + '@@members', C + '@@audit', C + '@@synonyms',
    X + 'services/@@contents', X + 'notices/@@contents', X + 'duties/@@contents',
    X + 'duties/@@roster-edit', X + 'duties/@@roster-import',
    VOL + '@@registrations', VOL + '@@staff', VOL + 'v/V000001/@@edit',
    VOL + 'v/V000001/@@adjust', VOL + 'v/V000001/@@ledger', VOL + 'v/V000001/@@certificate',
    X + 'notices/caiwu-2026q3',            # an item with the staff toolbar and workflow box
    X + 'requests/@@inbox', X + 'requests/r/SW20261021-0010', X + 'requests/@@api-keys',
    C + '@@holidays',
]
PUBLIC_SUBSET = [
    X, C + 'services/', X + 'services/dibao', X + 'notices/caiwu-2026q3',
    X + 'documents/jumin-gongyue/@@diff?a=1&b=2', X + 'duties/@@roster', VOL,
    VOL + 'yizhen-2026-09', VOL + '@@register', X + '@@search?q=低保', '/@@login',
    X + 'requests/@@submit',
]
STAFF_SUBSET = [
    X + 'notices/@@add?type=notice', C + 'services/dibao/@@edit', X + '@@settings',
    C + '@@members', C + '@@audit', X + 'duties/@@roster-edit', VOL + 'v/V000001/@@adjust',
    X + 'requests/@@inbox',
]


@pytest.fixture(scope='module')
def axe_site(tmp_path_factory):
    """A served demo site of its own (the theme changes): a county administrator, a
    document with two revisions and a notice with an edit awaiting review."""
    site = Site(tmp_path_factory.mktemp('axe'))
    site.load(DEMO_FILE)
    with site.root() as root:
        add_user(root, 'axe-admin', 'admin', '/sunwu', name='县管理员')
        xingfu = root['sunwu']['qingxi']['xingfu']
        doc = xingfu['documents']['jumin-gongyue']
        modify(doc, site.registry, text=doc.text + '<p>八、本公约自公布之日起施行。</p>')
        assert len(doc.revision_list()) >= 2
        notice = xingfu['notices']['caiwu-2026q3']
        modify(notice, site.registry, pending_edit={
            'fields': {'title': notice.title + '（更正）'}, 'login': 'axe-admin',
            'name': '县管理员', 'time': utcnow()})
    with waitress_thread(site.wsgi) as base:
        yield site, base
    site.close()


def set_theme(site, theme):
    with site.root() as root:
        county = root['sunwu']
        settings = dict(county.settings)
        if theme is None:
            settings.pop('theme', None)
        else:
            settings['theme'] = theme
        modify(county, site.registry, settings=settings)


def axe_js():
    from importlib.resources import files
    return str(files('axe_playwright_python') / 'axe.min.js')


AXE_JS = axe_js()


def sweep(browser, base, urls, viewport, elder=False, staff=False, check=None):
    """[(url, rule, impact, target)] of every serious or critical violation on `urls`.

    `check`, a JavaScript expression, must hold on every page (the mode is really on)."""
    context = browser.new_context(viewport=viewport)
    context.add_init_script(path=AXE_JS)       # in every frame, TinyMCE's iframe included
    if elder:
        context.add_cookies([{'name': 'shequ_elder', 'value': '1', 'url': base}])
    page = context.new_page()
    if staff:
        page.goto(base + '/@@login')
        page.fill('#login', 'axe-admin')
        page.fill('#password', PASSWORD)
        page.click('#login-form button[type=submit]')
        page.wait_for_load_state()
    found = []
    for url in urls:
        response = page.goto(base + url)
        assert response.status == 200, (url, response.status)
        if check:
            assert page.evaluate(check), (url, check)
        if page.locator('textarea.tinymce').count():
            page.wait_for_selector('.tox-tinymce', timeout=15000)
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        for v in results['violations']:
            if v['impact'] in ('serious', 'critical'):
                for node in v['nodes']:
                    found.append((url, v['id'], v['impact'], node['target']))
    context.close()
    return found


def report(found):
    return '\n'.join('%s  %s (%s)  %s' % f for f in found)


def test_axe_default_theme_desktop(browser, axe_site):
    site, base = axe_site
    found = sweep(browser, base, PUBLIC, DESKTOP) + sweep(browser, base, STAFF, DESKTOP, staff=True)
    assert not found, '\n' + report(found)


def test_axe_qingshan_theme_desktop(browser, axe_site):
    site, base = axe_site
    set_theme(site, 'qingshan')
    try:
        found = (sweep(browser, base, PUBLIC, DESKTOP, check=QINGSHAN)
                 + sweep(browser, base, STAFF, DESKTOP, staff=True, check=QINGSHAN))
    finally:
        set_theme(site, None)
    assert not found, '\n' + report(found)


@pytest.mark.parametrize('elder', [True, False], ids=['elder-375', 'plain-375'])
def test_axe_on_a_phone(browser, axe_site, elder):
    site, base = axe_site
    check = ELDER if elder else NOT_ELDER
    found = (sweep(browser, base, PUBLIC_SUBSET, PHONE, elder=elder, check=check)
             + sweep(browser, base, STAFF_SUBSET, PHONE, elder=elder, staff=True, check=check))
    assert not found, '\n' + report(found)
