"""A tenant's colours as a stylesheet, its emblem, and the elder-mode switch.

Colours reach the page as CSS custom properties in `@@theme.css?v=<hash of the CSS>`, a
stylesheet of this site, so the Content-Security-Policy needs no inline style; the
versioned URL may be cached for a year, and a change of colours changes the URL.
"""
import hashlib

from persistent import Persistent
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.response import FileResponse, Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config
from ZODB.blob import Blob

from ..security.redirects import same_site_url
from ..tree import Root, Tenant, lineage_tenants, setting_source
from ..tree.settings import DARK_TEXT, WHITE, mix
from .layout import ELDER_COOKIE

YEAR = 365 * 86400

# emblems: PNG, JPEG or WebP, by extension and magic bytes (SVG can carry script: refused)
EMBLEM_KINDS = {
    'png': ('image/png', (b'\x89PNG\r\n\x1a\n',)),
    'jpg': ('image/jpeg', (b'\xff\xd8\xff',)),
    'jpeg': ('image/jpeg', (b'\xff\xd8\xff',)),
    'webp': ('image/webp', (b'RIFF',)),
}
EMBLEM_MAX_BYTES = 512 * 1024


class Emblem(Persistent):
    """A tenant's emblem or logo, kept as a blob."""

    def __init__(self, filename, content_type, data):
        self.filename = filename
        self.content_type = content_type
        self.size = len(data)
        self.digest = hashlib.sha256(data).hexdigest()
        self.blob = Blob()
        with self.blob.open('w') as f:
            f.write(data)


def emblem_problem(filename, data):
    """Why `data` named `filename` cannot be an emblem (a Chinese sentence), or None."""
    ext = (filename or '').rsplit('.', 1)[-1].lower() if '.' in (filename or '') else ''
    kind = EMBLEM_KINDS.get(ext)
    if kind is None:
        return '徽标只接受 PNG、JPEG 或 WebP 图片（出于安全原因不接受 SVG）。'
    if len(data) > EMBLEM_MAX_BYTES:
        return '徽标图片不能超过 512 KB。'
    if not data.startswith(kind[1]) or (ext == 'webp' and data[8:12] != b'WEBP'):
        return '文件内容与扩展名不符，不是有效的 %s 图片。' % ext.upper()
    return None


def make_emblem(filename, data):
    ext = filename.rsplit('.', 1)[-1].lower()
    return Emblem(filename, EMBLEM_KINDS[ext][0], data)


def effective_emblem(resource):
    """(emblem, tenant holding it) along the lineage, or (None, None)."""
    for tenant in lineage_tenants(resource):
        emblem = getattr(tenant, 'emblem', None)
        if emblem is not None:
            return emblem, tenant
    return None, None


def colours_css(tenant):
    """(css, version) of the tenant's (inherited) colours; (None, None) if none is set."""
    primary, _p = setting_source(tenant, 'primary_colour')
    accent, _a = setting_source(tenant, 'accent_colour')
    if primary is None and accent is None:
        return None, None
    rules = []
    if primary:
        rules += ['--primary: %s;' % primary, '--primary-dark: %s;' % mix(primary, '#000000', .25),
                  '--primary-soft: %s;' % mix(primary, WHITE, .9), '--on-primary: %s;' % WHITE]
    if accent:
        rules += ['--accent: %s;' % accent, '--on-accent: %s;' % DARK_TEXT]
    css = ':root {\n  %s\n}\n' % '\n  '.join(rules)
    return css, hashlib.sha256(css.encode('utf-8')).hexdigest()[:12]


@view_config(context=Tenant, name='theme.css', permission=NO_PERMISSION_REQUIRED)
def theme_css(context, request):
    css, version = colours_css(context)
    response = Response(css or '', content_type='text/css', charset='utf-8')
    if version is not None and request.params.get('v') == version:
        response.cache_control = 'public, max-age=%d, immutable' % YEAR
    else:
        response.cache_control = 'public, max-age=60'
    return response


@view_config(context=Tenant, name='emblem', permission=NO_PERMISSION_REQUIRED)
def emblem_view(context, request):
    emblem = getattr(context, 'emblem', None)
    if emblem is None:
        raise HTTPNotFound()
    response = FileResponse(emblem.blob.committed(), request=request,
                            content_type=emblem.content_type)
    if request.params.get('v') == emblem.digest[:12]:
        response.cache_control = 'public, max-age=%d, immutable' % YEAR
    else:
        response.cache_control = 'public, max-age=60'
    response.headers['Content-Disposition'] = 'inline'
    return response


@view_config(context=Root, name='elder', permission=NO_PERMISSION_REQUIRED)
@view_config(context=Tenant, name='elder', permission=NO_PERMISSION_REQUIRED)
def elder_view(context, request):
    """Switch elder mode (长辈模式) on or off, remembered in a cookie for a year.

    A plain link, so it works without scripts and without a session: it changes nothing
    but how this browser shows the pages (like `?_LOCALE_=`).
    """
    on = request.params.get('on') == '1'
    target = same_site_url(request, request.params.get('came_from'), request.resource_url(context))
    response = HTTPFound(location=target)
    if on:
        response.set_cookie(ELDER_COOKIE, '1', max_age=YEAR, samesite='Lax', httponly=True,
                            path='/')
    else:
        response.delete_cookie(ELDER_COOKIE, path='/')
    return response
