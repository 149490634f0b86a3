"""No personal phone, identity number or full volunteer name on anything the public can get.

One crawl of the full demo as an anonymous visitor follows every link (pages, print views,
RSS/Atom feeds, `.ics`, `.csv`, `.xlsx`, JSON answers), adds searches (HTML and JSON) for
every volunteer's full name, phone and identity number and every private duty phone, and
the sign-up JSON of every activity; every answer is decoded to text (JSON unescaped, XLSX
cells read with openpyxl, iCalendar lines unfolded and unescaped, URLs percent-decoded)
and searched for every secret of `config/demo.yaml`, read from the file itself:

- every volunteer's `phone`, `id_number` and full `name`;
- every shift's `private_phone` (as written, and with its spaces and dashes removed);
- every resident request's `name`, `phone` and `email` (the crawl adds each tenant's
  Open311 answers, JSON and XML, lists and single requests, which no page links to).

Volunteer names of two characters would be skipped (their masked form 李* and the
public display names of staff on duty make a bare two-character grep meaningless); the demo
has none, and the test says so if that changes. A self-check proves the secrets and the
decoders work: the same checker finds them in staff-only pages and the staff XLSX export.
"""
import io
import json
import re
from urllib.parse import quote, unquote, urljoin, urlsplit

import openpyxl
import yaml
from webtest import TestApp

from helpers import add_user, login
from sitekit import DEMO_FILE

LIMIT = 3000
SKIP = ('@@logout', '@@login', '@@download', '.png', '.css', '.js', '.svg', '.pdf', '.docx')
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


def demo_secrets():
    """({secret text: what it is}, [two-character names skipped]) from config/demo.yaml."""
    with open(DEMO_FILE, encoding='utf-8') as f:
        tree = yaml.safe_load(f)
    secrets, short = {}, []

    def walk(tenants, path):
        for tenant in tenants:
            here = path + '/' + tenant['slug']
            for v in (tenant.get('volunteers') or {}).get('volunteers', ()):
                what = '%s volunteer %s' % (here, v['number'])
                secrets[str(v['phone'])] = what + ' phone'
                secrets[str(v['id_number'])] = what + ' id number'
                if len(v['name']) >= 3:
                    secrets[v['name']] = what + ' name'
                else:
                    short.append(v['name'])
            for req in tenant.get('requests') or ():
                what = '%s request %s' % (here, req['number'])
                secrets[str(req['phone'])] = what + ' phone'
                if req.get('email'):
                    secrets[req['email']] = what + ' email'
                if len(req['name']) >= 3:
                    secrets[req['name']] = what + ' name'
                else:
                    short.append(req['name'])
            for shift in tenant.get('shifts') or ():
                phone = shift.get('private_phone')
                if phone:
                    secrets[phone] = '%s private phone of %s' % (here, shift['name'])
                    secrets[re.sub(r'[\s\-]', '', phone)] = '%s private phone of %s' % (
                        here, shift['name'])
            walk(tenant.get('children') or (), here)

    walk(tree['tenants'], '')
    return secrets, short


SECRETS, SHORT_NAMES = demo_secrets()


def as_text(res):
    """Everything an answer says, as searchable text."""
    ctype = res.content_type or ''
    if ctype == XLSX or res.body[:2] == b'PK':
        book = openpyxl.load_workbook(io.BytesIO(res.body), read_only=True)
        return '\n'.join(str(cell) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    text = res.body.decode('utf-8-sig', 'replace')
    if 'json' in ctype:
        text += '\n' + json.dumps(json.loads(text), ensure_ascii=False)
    if 'calendar' in ctype:
        text = re.sub(r'\r?\n[ \t]', '', text).replace('\\,', ',').replace('\\;', ';')
    return text + '\n' + unquote(text)


def leaks(text, asked=''):
    """What `text` gives away; `asked` (what the visitor searched for) may be echoed."""
    return sorted({what for secret, what in SECRETS.items()
                   if secret in text and secret != asked})


def asked(path):
    """The search term of a search URL, which its answer may repeat."""
    match = re.search(r'[?&]q=([^&]*)', path)
    return unquote(match.group(1)) if match else ''


def links(res, path):
    """Internal URLs an HTML answer points to (links and feeds in the head)."""
    if 'html' not in (res.content_type or ''):
        return []
    out = []
    for el in res.html.select('a[href], link[href]'):
        url = urljoin('http://localhost' + path, el['href'])
        parts = urlsplit(url)
        if parts.netloc != 'localhost' or any(s in parts.path for s in SKIP):
            continue
        out.append(parts.path + ('?' + parts.query if parts.query else ''))
    return out


def shape(url):
    """A URL without its query values: the week, month and page links of one page lead to
    endless periods of the same template, so each path is followed once per set of keys."""
    parts = urlsplit(url)
    return parts.path, tuple(sorted({k.split('=')[0] for k in parts.query.split('&') if k}))


def crawl(app, starts, limit=LIMIT):
    """{url: answer text} of every 200 reachable from `starts` with GET (one locale)."""
    seen, queue, found = {shape(s) for s in starts}, list(starts), {}
    while queue and len(found) < limit:
        path = queue.pop(0)
        res = app.get(path, expect_errors=True)
        if res.status_int != 200:
            continue
        found[path] = (res.content_type, as_text(res))
        for target in links(res, path):
            if shape(target) not in seen and '_LOCALE_' not in target:
                seen.add(shape(target))
                queue.append(target)
    return found


def searches():
    """Search pages and JSON for every secret, at the root (which searches every county)
    and in the secret's own tenant, and for a few words about volunteers and duty."""
    urls = []
    for secret, what in SECRETS.items():
        tenant = what.split(' ', 1)[0] + '/'
        urls += ['%s@@%s?q=%s' % (scope, view, quote(secret)) for scope in ('/', tenant)
                 for view in ('search', 'search.json')]
    for term in ('志愿者', '志愿服务', '值班', '值班电话', '身份证', '手机', '诉求', '投诉'):
        urls += ['/sunwu/qingxi/xingfu/@@%s?q=%s' % (view, quote(term))
                 for view in ('search', 'search.json')]
    return urls


def open311_urls():
    """Every tenant's Open311 request list and every demo request by id, JSON and XML."""
    urls = []
    for secret, what in SECRETS.items():
        if ' request ' not in what:
            continue
        tenant, _r, number = what.split(' ')[:3]
        for scope in ('/sunwu', tenant):
            api = scope + '/requests/open311/v2/'
            for fmt in ('json', 'xml'):
                urls += [api + 'requests.%s?start_date=2026-01-01T00:00:00%%2B08:00' % fmt,
                         api + 'requests/%s.%s' % (number, fmt)]
    return sorted(set(urls))


def test_secrets_come_from_the_demo_file():
    kinds = {what.rsplit(' ', 1)[-1] for what in SECRETS.values()}
    assert {'phone', 'number', 'name'} <= kinds
    assert sum('private phone' in w for w in SECRETS.values()) >= 2
    assert sum(w.endswith(' name') for w in SECRETS.values()) >= 30
    assert sum(' request ' in w and w.endswith(' phone') for w in SECRETS.values()) >= 20
    assert not SHORT_NAMES, 'two-character volunteer names are not checked: %s' % SHORT_NAMES


def test_the_checker_finds_secrets_on_staff_pages(full_demo_site):
    """The test can fail: staff pages and the staff XLSX export do show the secrets."""
    with full_demo_site.root() as root:
        add_user(root, 'privacy-staff', 'staff', '/sunwu/qingxi/xingfu', name='隐私检查')
    staff = login(full_demo_site, 'privacy-staff')
    base = '/sunwu/qingxi/xingfu/'
    edit = staff.get(base + 'volunteers/v/V000001/@@edit')
    assert {'/sunwu/qingxi/xingfu volunteer V000001 phone',
            '/sunwu/qingxi/xingfu volunteer V000001 id number',
            '/sunwu/qingxi/xingfu volunteer V000001 name'} <= set(leaks(as_text(edit)))
    export = staff.get(base + 'volunteers/@@roster.xlsx')
    assert export.content_type == XLSX
    assert len(leaks(as_text(export))) >= 15
    request_page = staff.get(base + 'requests/r/SW20260903-0001')
    assert {'/sunwu/qingxi/xingfu request SW20260903-0001 phone',
            '/sunwu/qingxi/xingfu request SW20260903-0001 name'} <= set(
        leaks(as_text(request_page)))
    week = staff.get(base + 'duties/@@roster?date=2026-12-01')
    assert any('private phone' in w for w in leaks(as_text(week)))
    # and the anonymous crawl's decoders see what a browser sees
    public = TestApp(full_demo_site.wsgi).get(base + 'volunteers/v/V000001')
    assert '王*英' in as_text(public) and not leaks(as_text(public))


def test_no_secret_on_anything_the_public_can_get(full_demo_site):
    app = TestApp(full_demo_site.wsgi)
    found = crawl(app, ['/'])
    assert len(found) < LIMIT      # the whole site, not the first LIMIT answers
    kinds = {ctype for ctype, _text in found.values()}
    # the crawl did reach every kind of answer it must check
    assert {'text/html', 'text/calendar', 'text/csv', XLSX} <= kinds, kinds
    assert any('rss' in c or 'atom' in c or c.endswith('xml') for c in kinds), kinds
    assert sum('/volunteers/v/' in p for p in found) >= 30
    assert any(p.endswith('@@honour') for p in found) and any(
        p.endswith('@@publicity') for p in found)
    extra = searches()
    extra += [p.split('?')[0].rstrip('/') + '/@@signups.json' for p in found
              if re.search(r'/volunteers/[a-z0-9-]+/?$', p.split('?')[0])]
    answers = 0
    for path in extra:
        res = app.get(path, expect_errors=True)
        if res.status_int == 200:
            answers += 1
            found[path] = (res.content_type, as_text(res))
    assert answers >= len(searches())
    for path in open311_urls():
        res = app.get(path)
        found[path] = (res.content_type, as_text(res))
    assert sum('SW2026' in text for p, (_c, text) in found.items() if 'open311' in p) >= 40
    assert any(p.endswith('/requests/@@statistics') for p in found)
    assert any(p.endswith('@@signups.json') for p in found)
    problems = {path: leaks(text, asked(path)) for path, (_ctype, text) in found.items()
                if leaks(text, asked(path))}
    assert not problems, problems
