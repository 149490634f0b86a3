"""QR codes (segno) for any page: `@@qr.png` and `@@qr.svg` encode the page's URL."""
import io

import segno
from pyramid.response import Response
from pyramid.view import view_config


def qr_png(url, scale=8, border=4):
    """PNG bytes of a QR code for `url`."""
    out = io.BytesIO()
    segno.make(url, error='m').save(out, kind='png', scale=scale, border=border)
    return out.getvalue()


def qr_svg(url, scale=4):
    """SVG markup of a QR code for `url` (inline in print pages)."""
    out = io.BytesIO()
    segno.make(url, error='m').save(out, kind='svg', scale=scale, xmldecl=False,
                                    svgns=True, nl=False)
    return out.getvalue().decode('utf-8')


def _scale(request, default):
    try:
        return min(max(int(request.params.get('scale', default)), 2), 40)
    except ValueError:
        return default


@view_config(name='qr.png', permission='view')
def qr_png_view(context, request):
    """A QR code of any page's URL (`?scale=` for posters); the ACL refuses unpublished items."""
    body = qr_png(request.resource_url(context), scale=_scale(request, 8))
    return Response(body=body, content_type='image/png', cache_control='public, max-age=86400')
