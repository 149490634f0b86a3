"""A4 print guides and QR posters: no navigation chrome, and QR codes that decode to the page."""
import re

from helpers import add_user, login
from services_helpers import decode_png, decode_svg

XINGFU = '/sunwu/qingxi/xingfu'


def test_print_guide_has_no_navigation_chrome(demo_site):
    page = demo_site.app.get(XINGFU + '/services/dibao/@@print')
    assert '<nav' not in page.text
    assert page.html.find('form') is None and 'type="search"' not in page.text
    assert 'print.css' in page.text and 'style.css' not in page.text


def test_print_guide_carries_the_merged_guide(demo_site):
    page = demo_site.app.get(XINGFU + '/services/dibao/@@print')
    assert page.html.find('h1').text == '最低生活保障申请'
    assert '本事项由孙吴县统一制定标准' in page.text
    assert [th.text for th in page.html.select('table.materials th')][1:] == [
        '材料名称', '原件/复印件', '份数', '是否必需', '备注']


def test_print_qr_code_decodes_to_the_inherited_page_url(demo_site):
    page = demo_site.app.get(XINGFU + '/services/dibao/@@print')
    svg = re.search(r'<svg.*?</svg>', page.text, re.S).group(0)
    assert decode_svg(svg) == 'http://localhost%s/services/dibao/' % XINGFU


def test_print_qr_code_of_a_county_service_decodes_to_its_page(demo_site):
    page = demo_site.app.get('/sunwu/services/tekun/@@print')
    svg = re.search(r'<svg.*?</svg>', page.text, re.S).group(0)
    assert decode_svg(svg) == 'http://localhost/sunwu/services/tekun/'


def test_qr_png_of_an_inherited_guide_decodes_to_the_community_page(demo_site):
    res = demo_site.app.get(XINGFU + '/services/dibao/@@qr.png')
    assert res.content_type == 'image/png'
    assert decode_png(res.body) == 'http://localhost%s/services/dibao/' % XINGFU


def test_guide_page_links_to_its_print_view(demo_site):
    page = demo_site.app.get(XINGFU + '/services/dibao')
    assert page.html.find('a', href='http://localhost%s/services/dibao/@@print' % XINGFU)


def test_staff_print_a_qr_poster_with_title_unit_and_phone(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', XINGFU)
    app = login(demo, 'wang')
    page = app.get(XINGFU + '/services/dibao/@@poster')
    assert '<nav' not in page.text
    assert page.html.find('h1').text == '最低生活保障申请'
    assert '幸福社区' in page.html.find('p', class_='unit').text
    assert '0456-8225566' in page.text
    svg = re.search(r'<svg.*?</svg>', page.text, re.S).group(0)
    assert decode_svg(svg) == 'http://localhost%s/services/dibao/' % XINGFU
