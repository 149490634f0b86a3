"""Adding notices through the form: sanitised text, attachments, refused uploads, security."""
import pytest

from bombs import docx_bomb
from conftest import BASE_FILE, Site
from helpers import csrf, find
from notices_support import PDF, XINGFU, notice_fields, png_bytes, post_notice, staff_app

HOSTILE = ('<p onclick="steal()">请于本周五前缴纳医保费</p><script>alert(1)</script>'
           '<a href="javascript:alert(2)">点击</a><img src=x onerror="alert(3)">')


@pytest.fixture(scope='module')
def board(tmp_path_factory):
    """A demo site and a browser of Xingfu's staff, shared by the tests of this module."""
    site = Site(tmp_path_factory.mktemp('board'))
    site.load(BASE_FILE)
    yield site, staff_app(site)
    site.close()


def stored_titles(site, path=XINGFU):
    with site.root() as root:
        return [n.title for n in find(root, path + '/notices').values()]


@pytest.fixture
def small_site(tmp_path):
    """A demo site whose upload limit is 0.01 MB (about 10 KB)."""
    site = Site(tmp_path, **{'shequ.max_upload_mb': '0.01'})
    site.load(BASE_FILE)
    yield site
    site.close()


def test_hostile_body_is_stored_sanitised(board):
    demo, app = board
    res = post_notice(app, title='医保缴费提醒', body=HOSTILE)
    with demo.root() as root:
        body = find(root, XINGFU + '/notices/yi-bao-jiao-fei-ti-xing').body
    assert '请于本周五前缴纳医保费' in body
    assert '<script' not in body and 'onclick' not in body and 'javascript:' not in body
    assert 'onerror' not in body
    assert res.location.endswith('/notices/yi-bao-jiao-fei-ti-xing/')


def test_hostile_body_renders_without_script(board):
    demo, app = board
    res = post_notice(app, title='医保缴费须知', body=HOSTILE)
    page = demo.app.get(res.location)
    article = str(page.html.find('article'))
    assert '请于本周五前缴纳医保费' in article
    assert '<script' not in article and 'alert(' not in article


def test_pdf_and_image_download_with_their_types(board):
    demo, app = board
    post_notice(app, title='低保评议公示', category='居务公开',
                uploads=[('评议结果.pdf', PDF), ('现场照片.png', png_bytes())])
    page = demo.app.get(XINGFU + '/notices/di-bao-ping-yi-gong-shi/')
    links = {a.text: a['href'] for a in page.html.select('.attachments a[href*="@@download"]')}
    assert set(links) == {'评议结果.pdf', '现场照片.png'}
    pdf = demo.app.get(links['评议结果.pdf'])
    assert pdf.content_type == 'application/pdf' and pdf.body == PDF
    assert pdf.headers['Content-Disposition'].startswith('inline; filename="')
    assert "filename*=UTF-8''%E8%AF%84" in pdf.headers['Content-Disposition']
    png = demo.app.get(links['现场照片.png'])
    assert png.content_type == 'image/png' and png.body == png_bytes()
    assert png.headers['X-Content-Type-Options'] == 'nosniff'


def test_attachment_list_shows_the_size(board):
    demo, app = board
    post_notice(app, title='党员发展公示', category='党务公开', uploads=[('名单.pdf', PDF)])
    page = demo.app.get(XINGFU + '/notices/dang-yuan-fa-zhan-gong-shi/')
    assert '1 KB' in page.html.select_one('.attachments li').text


def test_hostile_attachment_name_cannot_escape_its_download(board):
    demo, app = board
    post_notice(app, title='会议纪要', uploads=[('..\\..\\evil;<b>%0d.pdf', PDF)])
    with demo.root() as root:
        att = find(root, XINGFU + '/notices/hui-yi-ji-yao').attachments[0]
        assert att.filename == 'evil__b__0d.pdf'
        url = '%s/notices/hui-yi-ji-yao/@@download/%s/x' % (XINGFU, att.id)
    disposition = demo.app.get(url).headers['Content-Disposition']
    assert '..' not in disposition and '\n' not in disposition and disposition.count('"') == 2


def test_upload_over_the_limit_is_refused_and_nothing_stored(small_site):
    app = staff_app(small_site)
    res = post_notice(app, status=400, title='超大附件', uploads=[('大文件.pdf', PDF + b'0' * 20000)])
    error = res.html.select_one('.invalid-feedback')
    assert error is not None and '文件过大' in error.text
    with small_site.root() as root:
        assert len(find(root, XINGFU + '/notices')) == 0


@pytest.mark.parametrize('name, data', [
    ('公告.html', b'<html><script>alert(1)</script></html>'),
    ('setup.exe', b'MZ\x90\x00'),
    ('伪装.pdf', b'MZ\x90\x00 not a pdf at all'),
])
def test_refused_file_type_is_refused_with_a_message_and_nothing_stored(board, name, data):
    demo, app = board
    res = post_notice(app, status=400, title='可疑附件' + name, uploads=[(name, data)])
    error = res.html.select_one('.invalid-feedback').text
    assert '不接受' in error or '不符' in error
    assert res.forms['deform']['title'].value == '可疑附件' + name
    assert '可疑附件' + name not in stored_titles(demo)


def test_removing_an_attachment_asks_first_then_removes_it(board):
    demo, app = board
    post_notice(app, title='主题党日活动', uploads=[('通知.pdf', PDF)])
    notice = XINGFU + '/notices/zhu-ti-dang-ri-huo-dong/'
    remove = app.get(notice).click('删除附件')
    assert '通知.pdf' in remove.text
    with demo.root() as root:
        assert len(find(root, notice).attachments) == 1
    remove.forms['remove-attachment-form'].submit().follow()
    with demo.root() as root:
        assert find(root, notice).attachments == ()


def test_editing_adds_attachments_and_keeps_the_old_ones(board):
    demo, app = board
    post_notice(app, title='疫苗接种通知', uploads=[('接种点.pdf', PDF)])
    notice = XINGFU + '/notices/yi-miao-jie-zhong-tong-zhi/'
    token = csrf(app, notice + '@@edit')
    fields = notice_fields(token, '疫苗接种通知', uploads=[('流程图.png', png_bytes())],
                           button='save')
    app.post(notice + '@@edit', fields, content_type='multipart/form-data', status=302)
    with demo.root() as root:
        names = [a.filename for a in find(root, notice).attachments]
    assert names == ['接种点.pdf', '流程图.png']


def test_an_unknown_category_is_refused(board):
    demo, app = board
    res = post_notice(app, status=400, title='随便发', category='广告')
    assert res.forms['deform']['title'].value == '随便发'
    assert '随便发' not in stored_titles(demo)


def test_staff_of_another_community_cannot_add_a_notice_here(board):
    demo, _app = board
    app = staff_app(demo, 'zhao', '/sunwu/qingxi/chaoyang')
    token = csrf(app, '/sunwu/qingxi/chaoyang/notices/@@add?type=notice')
    res = app.post(XINGFU + '/notices/@@add?type=notice', notice_fields(token, '越权通知'),
                   content_type='multipart/form-data', expect_errors=True)
    assert res.status_int in (302, 403) and '/@@login' in (res.location or '/@@login')
    assert '越权通知' not in stored_titles(demo)


def test_staff_of_another_community_cannot_edit_a_notice_here(board):
    demo, app = board
    post_notice(app, title='停水通知')
    other = staff_app(demo, 'qian', '/sunwu/qingxi/chaoyang')
    res = other.get(XINGFU + '/notices/ting-shui-tong-zhi/@@edit', expect_errors=True)
    assert res.status_int in (302, 403)
    token = csrf(other, '/sunwu/qingxi/chaoyang/notices/@@add?type=notice')
    other.post(XINGFU + '/notices/ting-shui-tong-zhi/@@edit',
               notice_fields(token, '被篡改', button='save'),
               content_type='multipart/form-data', expect_errors=True)
    with demo.root() as root:
        assert find(root, XINGFU + '/notices/ting-shui-tong-zhi').title == '停水通知'


def test_a_bomb_attachment_is_kept_and_staff_see_its_text_was_not_indexed(board):
    demo, app = board
    res = post_notice(app, title='炸弹附件', uploads=[('统计.docx', docx_bomb()), ('名单.pdf', PDF)])
    notes = [li.select_one('.text-not-indexed') for li in app.get(res.location).html.select('.attachments li')]
    assert '附件文字未编入搜索' in notes[0].text and notes[1] is None
    assert '未编入搜索' not in demo.app.get(res.location).text        # residents: the files only


def test_a_removed_attachment_leaves_the_public_page_and_stays_with_staff(board):
    demo, app = board
    post_notice(app, title='低保名单公示', uploads=[('名单-含身份证号.pdf', PDF), ('名单.png', png_bytes())])
    notice = XINGFU + '/notices/di-bao-ming-dan-gong-shi/'
    link = demo.app.get(notice).html.select_one('.attachments a[href*="@@download"]')['href']
    assert demo.app.get(link).body == PDF                       # public while it is attached
    remove = app.get(notice).click('删除附件', index=0)
    remove.forms['remove-attachment-form'].submit().follow()
    public = demo.app.get(notice)
    assert '名单-含身份证号.pdf' not in public.text and not public.html.select('.removed-attachments')
    assert demo.app.get(link, status=404)
    staff = app.get(notice).html.select_one('.removed-attachments')
    assert '已移除的附件' in staff.text and staff.a.text == '名单-含身份证号.pdf'
    assert app.get(staff.a['href']).body == PDF                 # staff still download it
    assert app.get(link).body == PDF
    with demo.root() as root:
        item = find(root, notice)
        assert [a.filename for a in item.attachments] == ['名单.png']
        assert '名单-含身份证号' not in item.search_fields()['body']
