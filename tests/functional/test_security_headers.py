"""Every answer says nosniff, no framing and a strict referrer policy; every HTML page has
a Content-Security-Policy that runs no inline script without the page's nonce."""
import base64
import hashlib
import re

import pytest
from webtest import TestApp

from helpers import add_user, login

PAGES = ['/', '/sunwu/', '/sunwu/services/', '/sunwu/services/dibao', '/sunwu/@@search?q=dibao',
         '/@@login', '/sunwu/services/dibao/@@print', '/no/such/page']


def policy(res):
    return dict(part.strip().split(' ', 1) for part in
                res.headers['Content-Security-Policy'].split(';'))


def check_common(res):
    assert res.headers['X-Content-Type-Options'] == 'nosniff'
    assert res.headers['X-Frame-Options'] == 'DENY'
    assert res.headers['Referrer-Policy'] == 'strict-origin-when-cross-origin'


@pytest.mark.parametrize('path', PAGES)
def test_html_pages_carry_the_security_headers(demo_site, path):
    res = TestApp(demo_site.wsgi).get(path, expect_errors=True)
    assert res.content_type == 'text/html'
    check_common(res)
    csp = policy(res)
    assert csp['frame-ancestors'] == "'none'" and csp['object-src'] == "'none'"
    assert csp['script-src'].startswith("'self' 'nonce-")
    assert 'unsafe-inline' not in res.headers['Content-Security-Policy']
    assert 'unsafe-eval' not in res.headers['Content-Security-Policy']


def test_each_answer_has_its_own_nonce(demo_site):
    app = TestApp(demo_site.wsgi)
    assert policy(app.get('/sunwu/'))['script-src'] != policy(app.get('/sunwu/'))['script-src']


def test_other_answers_carry_the_headers_but_no_page_policy(demo_site):
    app = TestApp(demo_site.wsgi)
    for res in (app.get('/sunwu/@@search.json', params={'q': '低保'}),
                app.get('/sunwu/services/dibao/@@qr.png')):
        check_common(res)
        assert 'Content-Security-Policy' not in res.headers


def test_form_pages_give_every_inline_script_and_style_the_nonce(demo):
    from shequ.content.forms import DEFORM_HANDLERS
    with demo.root() as root:
        add_user(root, 'wang', 'admin', '/sunwu')
    app = login(demo, 'wang')
    for path in ('/sunwu/notices/@@add?type=notice', '/sunwu/services/@@add?type=service',
                 '/sunwu/@@members'):
        res = app.get(path)
        check_common(res)
        nonce = re.search(r"'nonce-([^']+)'", policy(res)['script-src']).group(1)
        tags = re.findall(r'<(?:script|style)\b[^>]*>', res.text)
        inline = [t for t in tags if 'src=' not in t]
        assert all('nonce="%s"' % nonce in t for t in inline), inline
        handlers = set(re.findall(r'\son[a-z]+="([^"]*)"', res.text))
        assert handlers <= set(DEFORM_HANDLERS)        # each allowed by its hash
        for value in handlers:
            digest = base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()
            assert "'sha256-%s'" % digest in policy(res)['script-src']
