"""Security headers on every answer, and a Content-Security-Policy on every HTML page.

Pages run only scripts from this site and inline scripts carrying the request's nonce
(`request.csp_nonce`: form.pt's `deform.load()`, and deform's own widget scripts, which
`nonce_inline` marks). Styles come from this site, or a `<style>` element with the nonce.
Inline event handlers (`onclick=…`) and style attributes do not run or apply, except the
exact values a page declares with `allow_inline_attributes` (allowed by hash with
'unsafe-hashes': deform's sequence widget has two `onclick`s and one `style`); write a
script file instead. No page allows 'unsafe-inline' or 'unsafe-eval': TinyMCE 6 (deform's
rich-text editor) styles itself from script, which the policy does not restrict (checked
in Chromium by tests/browser).
"""
import base64
import hashlib
import os
import re
import threading

from pyramid.tweens import EXCVIEW

NONCE_BYTES = 18
POOL_NONCES = 256
ATTRIBUTES = 'shequ.csp.attributes'
_INLINE_TAG = re.compile(r'<(script|style)(?=[\s>])', re.IGNORECASE)

HEADERS = {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
}


class _NoncePool(threading.local):
    """Random bytes from `os.urandom`, POOL_NONCES nonces' worth at a time per thread, each
    byte handed out once. One read per page let go of the GIL on every page, and the
    thread then waited behind the others for it under load. A forked child draws afresh
    (`_forks`), never sharing its parent's bytes."""
    data, pos, fork = b'', 0, -1


_pool = _NoncePool()
_forks = [0]
if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=lambda: _forks.__setitem__(0, _forks[0] + 1))


def random_bytes(n):
    """`n` fresh bytes from the operating system's CSPRNG, drawn in batches."""
    pool = _pool
    if pool.fork != _forks[0] or pool.pos + n > len(pool.data):
        pool.data, pool.pos, pool.fork = os.urandom(n * POOL_NONCES), 0, _forks[0]
    start = pool.pos
    pool.pos = start + n
    return pool.data[start:start + n]


def csp_nonce(request):
    """This request's random nonce for inline scripts (made when first asked for)."""
    return base64.urlsafe_b64encode(random_bytes(NONCE_BYTES)).rstrip(b'=').decode('ascii')


def nonce_inline(request, html):
    """`html` rendered by deform's own templates, its `<script>` and `<style>` tags given
    the nonce.

    Only for markup from templates: user values in it are escaped, so every `<script` or
    `<style` left is a template's own tag.
    """
    return _INLINE_TAG.sub(lambda m: '<%s nonce="%s"' % (m.group(1), request.csp_nonce), html)


def allow_inline_attributes(request, handlers=(), styles=()):
    """Let event handler and style attributes with exactly these values work on this page."""
    allowed = request.environ.setdefault(ATTRIBUTES, {'script': set(), 'style': set()})
    allowed['script'].update(handlers)
    allowed['style'].update(styles)


def _hash(value):
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(value.encode('utf-8')).digest()
                                            ).decode('ascii')


def _sources(request, kind):
    sources = "'self' 'nonce-%s'" % request.csp_nonce
    values = request.environ.get(ATTRIBUTES, {}).get(kind)
    if values:
        sources += " 'unsafe-hashes' " + ' '.join(_hash(v) for v in sorted(values))
    return sources


def content_security_policy(request):
    return '; '.join((
        "default-src 'self'",
        'script-src ' + _sources(request, 'script'),
        'style-src ' + _sources(request, 'style'),
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def security_headers_tween_factory(handler, registry):
    def tween(request):
        response = handler(request)
        headers = response.headers
        for name, value in HEADERS.items():
            headers.setdefault(name, value)
        if response.content_type == 'text/html' and 'Content-Security-Policy' not in headers:
            headers['Content-Security-Policy'] = content_security_policy(request)
        return response
    return tween


def includeme(config):
    config.add_request_method(csp_nonce, 'csp_nonce', reify=True)
    # over the exception view, so error pages get the headers too
    config.add_tween('shequ.security.headers.security_headers_tween_factory', over=EXCVIEW)
    config.add_static_view('_security', 'shequ.security:static', cache_max_age=3600)
