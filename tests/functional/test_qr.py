"""QR codes decode (with a real decoder) to the page they were made for."""
import io

import zxingcpp
from PIL import Image


def decode(png):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, 'no QR code found in the image'
    return results[0].text


def test_tenant_qr_code_decodes_to_its_url(demo_site):
    res = demo_site.app.get('/sunwu/qingxi/xingfu/@@qr.png')
    assert res.content_type == 'image/png'
    assert decode(res.body) == 'http://localhost/sunwu/qingxi/xingfu/'


def test_item_qr_code_decodes_to_its_url(demo_site):
    res = demo_site.app.get('/sunwu/services/dibao/@@qr.png?scale=3')
    assert decode(res.body) == 'http://localhost/sunwu/services/dibao/'


def test_qr_code_of_an_unpublished_item_is_refused_to_visitors(demo):
    from helpers import add_draft
    with demo.root() as root:
        add_draft(root, '/sunwu', 'draft-qr')
    assert demo.app.get('/sunwu/services/draft-qr/@@qr.png', expect_errors=True).status_int == 302
