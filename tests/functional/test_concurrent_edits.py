"""Many staff editing at once through the real forms on a real waitress server (real
sockets, real threads) over one FileStorage: no 500, no lost update, and on one item
exactly one save wins per version while the others get the conflict page (409)."""
import collections
import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from bs4 import BeautifulSoup
from pyramid_retry import IBeforeRetry

from helpers import PASSWORD, add_user, find
from sitekit import waitress_thread
from shequ.content import get_content_registry
from shequ.tree.ops import add

pytestmark = pytest.mark.slow
THREADS = 8
ROUNDS = 3
COMMUNITY = '/sunwu/qingxi/xingfu'


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kw):
        return None


def form_fields(html, form_id):
    """The fields a browser would submit from the form `form_id`."""
    form = BeautifulSoup(html, 'html.parser').find('form', id=form_id)
    fields = []
    for el in form.find_all(['input', 'textarea', 'select']):
        name, kind = el.get('name'), el.get('type')
        if not name or kind in ('submit', 'button', 'file'):
            continue
        if el.name == 'textarea':
            fields.append((name, el.text))
        elif el.name == 'select':
            opt = el.find('option', selected=True) or el.find('option')
            fields.append((name, opt.get('value', opt.text) if opt else ''))
        elif kind in ('checkbox', 'radio'):
            if el.has_attr('checked'):
                fields.append((name, el.get('value', 'on')))
        else:
            fields.append((name, el.get('value', '')))
    return fields


class Browser:
    """One staff member's browser over real HTTP: cookies, no redirects followed."""

    def __init__(self, base, login):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
        status, html = self.request('/@@login')
        fields = dict(form_fields(html, 'login-form'), login=login, password=PASSWORD)
        assert self.request('/@@login', fields)[0] == 302

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + url, body, timeout=120) as res:
                return res.status, res.read().decode('utf-8')
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode('utf-8', 'replace')

    def edit_form(self, path):
        status, html = self.request(path + '/@@edit')
        assert status == 200, status
        return form_fields(html, 'deform')

    def save(self, path, fields, title):
        fields = [(k, title if k == 'title' else v) for k, v in fields] + [('save', 'save')]
        return self.request(path + '/@@edit', fields)


@pytest.fixture
def served(demo):
    """The demo site on waitress (4 threads) with THREADS staff and one notice each."""
    paths = []
    with demo.root() as root:
        tenant = find(root, COMMUNITY)
        content = get_content_registry(demo.registry)
        for i in range(THREADS):
            add_user(root, 'staff%d' % i, 'staff', COMMUNITY)
            item = content.create('notice', title='并发测试 %d' % i, category='通知公告',
                                  body='<p>测试</p>')
            item.state = 'published'
            add(tenant['notices'], 'edit-%d' % i, item, demo.registry)
            paths.append(COMMUNITY + '/notices/edit-%d' % i)
    retries = collections.Counter()
    demo.registry.registerHandler(
        lambda event: retries.update([type(event.exception).__name__]), (IBeforeRetry,))
    with waitress_thread(demo.wsgi) as base:
        browsers = [Browser(base, 'staff%d' % i) for i in range(THREADS)]
        yield demo, browsers, paths, retries


def _at_once(browsers, work):
    """Run work(i, browser) in one thread per browser, released together by a barrier."""
    barrier = threading.Barrier(len(browsers))
    results, errors = [None] * len(browsers), []

    def run(i, browser):
        try:
            results[i] = work(i, browser, barrier)
        except BaseException as exc:      # surfaced below, never swallowed
            errors.append(exc)
            barrier.abort()
    threads = [threading.Thread(target=run, args=(i, b)) for i, b in enumerate(browsers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors
    return results


def test_many_staff_editing_different_items_all_succeed(served):
    demo, browsers, paths, retries = served
    statuses = collections.Counter()

    def work(i, browser, barrier):
        last = None
        for n in range(ROUNDS):
            fields = browser.edit_form(paths[i])
            barrier.wait()
            title = 'staff%d 第 %d 次' % (i, n)
            status, _html = browser.save(paths[i], fields, title)
            statuses[status] += 1
            if status == 302:
                last = title
        return last
    finals = _at_once(browsers, work)
    print('\ndifferent items: %d threads x %d rounds, answers %s, retries %s'
          % (THREADS, ROUNDS, dict(statuses), dict(retries)))
    assert statuses == {302: THREADS * ROUNDS}
    with demo.root() as root:
        stored = [find(root, path).title for path in paths]
    assert stored == finals == ['staff%d 第 %d 次' % (i, ROUNDS - 1) for i in range(THREADS)]


def test_many_staff_saving_one_item_exactly_one_wins_per_version(served):
    demo, browsers, paths, retries = served
    target = paths[0]
    statuses = collections.Counter()
    winners = []
    for n in range(ROUNDS):
        def work(i, browser, barrier):
            fields = browser.edit_form(target)
            barrier.wait()
            title = 'round %d by staff%d' % (n, i)
            status, html = browser.save(target, fields, title)
            statuses[status] += 1
            if status == 409:
                assert '已有他人修改并保存了这一条目' in html
                assert title in html        # what was typed is kept
            return title if status == 302 else None
        saved = [t for t in _at_once(browsers, work) if t]
        assert len(saved) == 1, saved
        winners.append(saved[0])
    print('\none item: %d threads x %d rounds, answers %s, retries %s'
          % (THREADS, ROUNDS, dict(statuses), dict(retries)))
    assert statuses == {302: ROUNDS, 409: ROUNDS * (THREADS - 1)}
    with demo.root() as root:
        assert find(root, target).title == winners[-1]
