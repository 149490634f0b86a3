"""One error policy: bad input answers 400 with a plain Chinese page before any change, and
never a 500 or a traceback in the log (issue 11, finding 9)."""
import logging
import random

import pytest
from webtest import TestApp

from conftest import BASE_FILE, Site
from helpers import add_draft, csrf, find
from notices_support import XINGFU, post_notice, staff_app

REFUSED = '提交的内容未被接受'


@pytest.fixture(scope='module')
def board(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp('bad-input'), **{'shequ.max_field_chars': '5000'})
    site.load(BASE_FILE)
    yield site, staff_app(site)
    site.close()


def _tracebacks(caplog):
    return [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize('url', [
    '/sunwu/@@search?q=%ff%fe', '/sunwu/@@search.json?q=%c3%28', '/sunwu/%ff/services/',
    '/sunwu/qingxi/@@search?q=%E4%BD', '/sunwu/services/?page=%ff',
])
def test_text_that_is_not_utf8_is_a_400_without_a_traceback(board, caplog, url):
    site, _staff = board
    res = site.app.get(url, status=400)
    assert '无法识别的字符' in res.text
    assert _tracebacks(caplog) == []


def test_control_characters_in_a_form_are_refused_and_nothing_is_stored(board, caplog):
    site, staff = board
    res = post_notice(staff, title='停水\x07通知', status=400)
    assert '控制字符' in res.text and REFUSED in res.text
    with site.root() as root:
        assert not [n for n in find(root, XINGFU + '/notices').values() if '停水' in n.title]
    assert _tracebacks(caplog) == []


def test_a_field_past_the_size_limit_is_refused(board):
    site, staff = board
    res = post_notice(staff, title='长文', body='<p>%s</p>' % ('很长的正文' * 2000), status=400)
    assert '最多 5000 个字' in res.text


def test_nan_as_an_amount_is_a_form_error_not_a_500(board):
    site, staff = board
    res = post_notice(staff, title='三季度财务收支', category='财务公开',
                      rows=[{'date': '2026-10-01', 'item': '上级补助', 'income': 'NaN'}],
                      status=400)
    assert '请填写以元为单位的金额' in res.text


def test_a_non_ascii_next_after_a_workflow_change_is_a_proper_redirect(board):
    site, staff = board
    with site.root() as root:
        add_draft(root, XINGFU, 'caogao-next')
    res = staff.post(XINGFU + '/services/caogao-next/@@workflow',
                     {'csrf_token': csrf(staff), 'transition': 'publish',
                      'next': '/sunwu/qingxi/xingfu/services/?q=低保 申请'}, status=302)
    assert res.headers['Location'].isascii() and '%E4%BD%8E' in res.headers['Location']
    with site.root() as root:
        assert find(root, XINGFU + '/services/caogao-next').state == 'published'


def test_a_fuzz_of_malformed_requests_never_answers_5xx(board, caplog):
    """Random bytes in paths, queries, form fields and headers, anonymous and as staff."""
    site, staff = board
    rnd = random.Random(20261202)
    junk = ['%ff', '%00', '%c3%28', '..%2f', '%2e%2e/', '\u202e', '<script>', "' OR 1=1 --",
            '{{7*7}}', '${x}', 'NaN', '-1', '9' * 40, 'a' * 300, '"', '\\', '%', '&', '=', '#',
            '低保', 'AND OR NOT', '*', '?', '~2', '"unclosed', 'title:(', '^', '[1 TO', '\x01']
    paths = ['/', '/sunwu/', '/sunwu/services/', '/sunwu/services/dibao', '/sunwu/@@search',
             '/sunwu/@@search.json', XINGFU + '/notices/', XINGFU + '/notices/@@rss',
             '/sunwu/services/dibao/@@print', '/sunwu/services/dibao/@@qr', '/@@login']
    statuses = []
    anonymous = TestApp(site.wsgi)
    for i in range(400):
        app = staff if i % 3 == 0 else anonymous
        path = rnd.choice(paths)
        noise = ''.join(rnd.choice(junk) for _ in range(rnd.randint(1, 4)))
        kind = rnd.randint(0, 3)
        try:
            if kind == 0:
                res = app.get(path + noise.replace('#', '%23'), expect_errors=True)
            elif kind == 1:
                res = app.get(path, params={'q': noise, 'page': noise, 'type': noise,
                                            'category': noise, 'tenant': noise},
                              expect_errors=True)
            elif kind == 2:
                res = app.post(path, {'csrf_token': csrf(app) if app is staff else noise,
                                      'q': noise, 'login': noise, 'password': noise},
                               expect_errors=True)
            else:
                res = app.get(path, headers={'Accept-Language': noise[:50].encode(
                    'utf-8', 'replace').decode('latin-1'), 'Referer': 'http://x/' + noise[:20]},
                              expect_errors=True)
        except UnicodeError:
            continue       # WebTest itself could not send it: no request reached the app
        statuses.append(res.status_int)
    assert statuses and max(statuses) < 500, sorted(set(statuses))
    assert _tracebacks(caplog) == []


def test_anonymous_workflow_answers_do_not_tell_the_state(board):
    """A published item, a draft and a withdrawn one answer an anonymous POST alike."""
    site, _staff = board
    with site.root() as root:
        add_draft(root, XINGFU, 'caogao-hidden')
    anonymous = TestApp(site.wsgi)
    token = csrf(anonymous)
    answers = set()
    for path in ('/sunwu/services/dibao', XINGFU + '/services/caogao-hidden'):
        res = anonymous.post(path + '/@@workflow', {'csrf_token': token, 'transition': 'withdraw'},
                             expect_errors=True)
        answers.add((res.status_int, res.headers.get('Location', '').split('came_from')[0]))
    assert len(answers) == 1, answers
    with site.root() as root:
        assert find(root, '/sunwu/services/dibao').state == 'published'
