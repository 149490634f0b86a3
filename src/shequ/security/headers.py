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
import re
import secrets

from pyramid.tweens import EXCVIEW

NONCE_BYTES = 18
ATTRIBUTES = 'shequ.csp.attributes'
_INLINE_TAG = re.compile(r'<(script|style)(?=[\s>])', re.IGNORECASE)

HEADERS = {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
}


def csp_nonce(request):
    """This request's random nonce for inline scripts (made when first asked for)."""
    return secrets.token_urlsafe(NONCE_BYTES)


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
