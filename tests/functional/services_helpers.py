"""Shared bits of the service-catalogue tests: the demo file and a decoder for QR images."""
import io

import cairosvg
import zxingcpp
from PIL import Image

from conftest import DEMO_FILE

SERVICES_FILE = DEMO_FILE  # the demo catalogue lives in config/demo.yaml


def decode_png(png):
    """The text of the QR code in a PNG image (decoded, not compared with its source)."""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, 'no QR code found in the image'
    return results[0].text


def decode_svg(svg):
    """Rasterise an inline SVG QR code and decode it."""
    png = cairosvg.svg2png(bytestring=svg.encode('utf-8'), output_width=400,
                           background_color='white')
    return decode_png(png)

