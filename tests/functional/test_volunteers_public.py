"""The public never sees a volunteer's phone, identity number or full name: not on any page
a visitor can reach in the full demo, nor in search results, JSON answers or feeds."""
import re
from urllib.parse import quote

from webtest import TestApp

from helpers import add_user, find, login
from shequ.tree import walk_tenants
from shequ.volunteers.model import get_register
from test_crawl import assert_no_failures, crawl

XINGFU = '/sunwu/qingxi/xingfu/volunteers'


def private_strings(site):
    """Every demo volunteer's phone, identity number and full name (3+ characters)."""
    found = set()
    with site.root() as root:
        for tenant in walk_tenants(root):
            section = tenant.get('volunteers')
            register = get_register(section) if section is not None else None
            for volunteer in (register.volunteers.values() if register is not None else ()):
                found |= {volunteer.phone, volunteer.id_number}
                if len(volunteer.name) >= 3:
                    found.add(volunteer.name)
    assert len(found) > 60
    return found


def leaks(text, secrets):
    return sorted(s for s in secrets if s in text)


def test_no_public_page_shows_private_details_of_a_volunteer(full_demo_site):
    secrets = private_strings(full_demo_site)
    app = TestApp(full_demo_site.wsgi)
    pages = {}
    original_get = app.get

    def get(path, *args, **kw):
        res = original_get(path, *args, **kw)
        pages[path] = res
        return res
    app.get = get
    statuses = {}
    for start in (XINGFU + '/', '/sunwu/qingxi/chaoyang/volunteers/',
                  '/sunwu/sunwuzhen/dongxing/volunteers/', '/sunwu/volunteers/@@honour',
                  '/sunwu/qingxi/xingfu/'):
        statuses.update(crawl(app, start, limit=150))
    assert_no_failures(statuses)
    visited = set(statuses)
    assert XINGFU + '/' in visited and XINGFU + '/@@honour' in visited
    assert any('/volunteers/v/V0000' in p for p in visited)
    assert any(p.startswith(XINGFU + '/@@publicity') for p in visited)
    for path, res in pages.items():
        assert not leaks(res.text, secrets), (path, leaks(res.text, secrets)[:5])


def test_search_and_json_answers_name_no_volunteer(full_demo_site):
    secrets = private_strings(full_demo_site)
    app = TestApp(full_demo_site.wsgi)
    for name in ('王秀英', '李建国'):           # the page repeats the query; the results may not
        res = app.get('/sunwu/@@search.json?q=%s' % quote(name)).json
        assert not leaks(str(res['results']) + str(res['facets']), secrets)
    for word in ('志愿', '义诊', '服务队', '巡山', '139'):
        for view in ('@@search.json', '@@search'):
            res = app.get('/sunwu/%s?q=%s' % (view, quote(word)))
            assert not leaks(res.text, secrets), (word, view)
    hits = app.get('/sunwu/@@search.json?q=%s' % quote('义诊')).json
    assert any(r['type'] == 'volunteer_activity' for r in hits['results'])
    assert any(f['value'] == 'volunteer_activity' and f['label'] == '志愿活动'
               for f in hits['facets']['type'])
    activity = app.get(XINGFU + '/yizhen-2026-09/@@signups.json').json
    assert not leaks(str(activity), secrets) and set(activity) == {
        'title', 'places', 'free', 'signed_up'}


def test_public_volunteer_page_masks_and_staff_see_the_record(full_demo_site):
    with full_demo_site.root() as root:
        volunteer = get_register(find(root, XINGFU)).get('V000001')
        name, phone, id_number = volunteer.name, volunteer.phone, volunteer.id_number
        add_user(root, 'xf-vol-staff', 'staff', '/sunwu/qingxi/xingfu')
    page = TestApp(full_demo_site.wsgi).get(XINGFU + '/v/V000001')
    assert name not in page.text and phone not in page.text and id_number not in page.text
    assert page.html.select_one('h1').text.startswith(name[0] + '*' * (len(name) - 2)
                                                      + name[-1])
    staff = login(full_demo_site, 'xf-vol-staff')
    private = staff.get(XINGFU + '/v/V000001')
    assert name in private.text and phone in private.text
    assert id_number not in private.text                  # masked even for staff pages
    assert id_number in staff.get(XINGFU + '/v/V000001/@@edit').text


def test_a_volunteer_who_left_has_no_public_page(full_demo_site):
    from shequ.volunteers.model import LEFT
    with full_demo_site.root() as root:
        volunteer = get_register(find(root, '/sunwu/qingxi/chaoyang/volunteers')).get('V000003')
        status, volunteer.status = volunteer.status, LEFT
    try:
        res = TestApp(full_demo_site.wsgi).get('/sunwu/qingxi/chaoyang/volunteers/v/V000003',
                                              expect_errors=True)
        assert res.status_int in (302, 403, 404)
    finally:
        with full_demo_site.root() as root:
            get_register(find(root, '/sunwu/qingxi/chaoyang/volunteers')).get(
                'V000003').status = status


def test_the_crawl_as_staff_reaches_the_volunteer_pages(full_demo_site):
    with full_demo_site.root() as root:
        add_user(root, 'xf-crawler', 'staff', '/sunwu/qingxi/xingfu')
    app = login(full_demo_site, 'xf-crawler')
    statuses = crawl(app, XINGFU + '/', limit=150)
    statuses.update(crawl(app, XINGFU + '/v/V000001/', limit=60))
    statuses.update(crawl(app, XINGFU + '/songcan-2026-12/', limit=30))
    assert_no_failures(statuses)
    for page in ('@@registrations', '@@staff', '/@@signups', '/@@ledger', '/@@certificate',
                 '/@@adjust', '/@@edit'):
        assert any(page in p for p in statuses), page
    assert re.search('V000001', ' '.join(statuses))
