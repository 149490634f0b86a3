"""Follow every link of the full demo, as a visitor and as a county administrator:
no page may fail, in either locale."""
from urllib.parse import urljoin, urlsplit

from webtest import TestApp

from helpers import add_user, login

LIMIT = 800
SKIP = ('@@logout', '@@elder', '@@login', '_LOCALE_=', '@@download', '.png', '.xml', '.csv', '.xlsx', '.css', '.js', '@@qr')


def crawl(app, start='/', limit=LIMIT):
    """Every internal page reachable from `start` with GET; returns {path: status}."""
    seen, queue, statuses = {start}, [start], {}
    while queue and len(statuses) < limit:
        path = queue.pop(0)
        res = app.get(path, expect_errors=True)
        statuses[path] = res.status_int
        if res.status_int != 200 or 'html' not in res.content_type:
            continue
        for a in res.html.select('a[href]'):
            url = urljoin('http://localhost' + path, a['href'])
            parts = urlsplit(url)
            if parts.netloc != 'localhost' or any(s in url for s in SKIP):
                continue
            target = parts.path + ('?' + parts.query if parts.query else '')
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return statuses


def assert_no_failures(statuses):
    broken = {p: s for p, s in statuses.items() if s >= 500 or s == 404}
    assert not broken, broken


def test_every_page_a_visitor_can_reach_works(full_demo_site):
    statuses = crawl(TestApp(full_demo_site.wsgi))
    assert len(statuses) > 150
    assert any('/duties/' in p for p in statuses) and any(
        p.endswith('/duties/zhengming-shixiang/@@print') for p in statuses)
    # the kinds of issue 12 are reached too: roster views, today's duty, volunteers' pages
    for page in ('/duties/@@roster', '/duties/@@roster-print', '/@@duty-today',
                 '/volunteers/@@honour', '/volunteers/@@publicity', '/volunteers/v/V'):
        assert any(page in p for p in statuses), page
    assert_no_failures(statuses)


def test_every_page_an_administrator_can_reach_works(full_demo_site):
    with full_demo_site.root() as root:
        add_user(root, 'crawler-admin', 'admin', '/sunwu', name='巡检')
    statuses = crawl(login(full_demo_site, 'crawler-admin'), '/sunwu/qingxi/', limit=600)
    assert any('@@edit' in p for p in statuses) and any('@@members' in p for p in statuses)
    assert_no_failures(statuses)


def test_english_pages_work_too(full_demo_site):
    app = TestApp(full_demo_site.wsgi)
    app.get('/?_LOCALE_=en')
    statuses = crawl(app, '/sunwu/qingxi/xingfu/', limit=200)
    assert_no_failures(statuses)
