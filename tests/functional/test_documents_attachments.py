"""Document attachments: PDF/DOCX accepted and searchable; anything else refused, safely served."""

import pytest
from webtest import Upload

from bombs import docx_bomb
from conftest import Site
from document_files import SECTION, document_form, make_docx, make_pdf, staff_of_xingfu, tree_file
from helpers import add_user, find, login


@pytest.fixture
def staff(site, tmp_path):
    return staff_of_xingfu(site, tmp_path)


add_form = document_form  # noqa: E305


def test_docx_attachment_text_is_extracted_into_search_fields(site, staff):
    data = make_docx('值班人员须于早八点前到岗签到', '节假日值班表由社区书记审定')
    res = add_form(staff, upload=Upload('值班安排.docx', data)).submit('publish')
    assert res.status_int == 302
    with site.root() as root:
        doc = find(root, SECTION + '/zhi-ban-zhi-du')
        assert doc.attachment.filename == '值班安排.docx'
        fields = doc.search_fields()
    assert '值班人员须于早八点前到岗签到' in fields['body']
    assert '社区实行工作日轮流值班' in fields['body'] and '<p>' not in fields['body']
    assert fields['category'] == '工作制度'


def test_pdf_attachment_is_stored_and_downloads_with_its_type(site, staff):
    data = make_pdf('Flood control duty roster 2024')
    item_url = add_form(staff, upload=Upload('roster.pdf', data)).submit('publish').location
    page = staff.get(item_url)
    res = page.click(href='@@download')
    assert res.content_type == 'application/pdf' and res.body == data
    with site.root() as root:
        assert 'Flood control duty roster' in find(root, SECTION + '/zhi-ban-zhi-du').search_fields()['body']


@pytest.mark.parametrize('name, data', [
    ('setup.exe', b'MZ\x90\x00' + b'\x00' * 200),
    ('page.html', b'<html><script>alert(1)</script></html>'),
    ('disguised.docx', b'MZ\x90\x00 not really a word file'),
    ('disguised.pdf', b'<html><script>alert(1)</script></html>'),
    ('photo.png', b'\x89PNG\r\n\x1a\n' + b'\x00' * 50),
])
def test_refused_file_type_gets_a_chinese_message_and_nothing_is_stored(site, staff, name, data):
    res = add_form(staff, '会议制度', upload=Upload(name, data)).submit('publish', status=400)
    error = res.html.select_one('.item-upload').text       # next to the upload field
    assert '不接受此类型的文件' in error or '文件内容与扩展名' in error
    assert '会议制度' in res.text                      # what was typed is kept
    with site.root() as root:
        assert len(find(root, SECTION)) == 0


def test_over_limit_upload_is_refused_with_the_limit_named(tmp_path):
    site = Site(tmp_path, **{'shequ.max_upload_mb': '0.01'})
    try:
        site.load(tree_file(tmp_path))
        with site.root() as root:
            add_user(root, 'wang', 'staff', '/sunwu/qingxi/xingfu')
        app = login(site, 'wang')
        big = make_pdf('x' * 40) + b'%' + b'0' * 20000
        res = add_form(app, upload=Upload('big.pdf', big)).submit('publish', status=400)
        error = res.html.select_one('.item-upload').text
        assert '文件过大' in error and '上限' in error
        with site.root() as root:
            assert len(find(root, SECTION)) == 0
    finally:
        site.close()


def test_hostile_attachment_name_cannot_escape_its_download(site, staff):
    hostile = '../../../etc/cron.d/<evil>|%0d%0aX-Evil:\u202e1.pdf'
    item_url = add_form(staff, upload=Upload(hostile, make_pdf('hello'))).submit('publish').location
    with site.root() as root:
        att = find(root, SECTION + '/zhi-ban-zhi-du').attachment
        assert '/' not in att.filename and not att.filename.startswith('.')
        assert '\u202e' not in att.filename and '<' not in att.filename
        att_id, filename = att.id, att.filename
    res = staff.get(item_url + '@@download/' + att_id + '/x')
    disposition = res.headers['Content-Disposition']
    assert '\r' not in disposition and '\n' not in disposition and '/' not in disposition
    assert disposition.count('"') == 2 and 'X-Evil' not in res.headers
    assert "filename*=UTF-8''" in disposition
    assert res.headers['X-Content-Type-Options'] == 'nosniff'
    assert filename.endswith('.pdf')


# --- a decompression bomb is stored, but its text is refused within bounds -----------

def test_docx_bomb_upload_is_stored_with_a_note_for_staff(site, staff):
    bomb = docx_bomb()
    form = add_form(staff, upload=Upload('炸弹.docx', bomb))
    res = form.submit('publish')
    assert res.status_int == 302
    page = staff.get(res.location)
    note = page.html.select_one('.doc-attachment .text-not-indexed')
    assert note is not None and '附件文字未编入搜索' in note.text and '解压后过大' in note.text
    assert page.click(href='@@download').body == bomb       # the file itself is kept
    with site.root() as root:
        doc = find(root, SECTION + '/zhi-ban-zhi-du')
        assert doc.attachment.text == '' and doc.attachment.text_refused == 'too_large'
    # residents download the file too, but the note is for staff only
    anonymous = site.app.get(res.location)
    assert anonymous.html.select_one('.doc-attachment a')['href'].endswith('/%E7%82%B8%E5%BC%B9.docx')
    assert '未编入搜索' not in anonymous.text


def test_a_readable_attachment_has_no_note(site, staff):
    res = add_form(staff, upload=Upload('a.docx', make_docx('值班'))).submit('publish')
    assert not staff.get(res.location).html.select('.text-not-indexed')
