"""Upload checks, safe download names and text extraction of attachments."""
import io

import pytest

from shequ.content.attachments import check_upload, content_disposition, safe_filename
from shequ.content.extract import extract_text

MB = 1024 * 1024
PDF = b'%PDF-1.4\n%\xe2\xe3\n'


@pytest.mark.parametrize('name, expected', [
    ('../../etc/passwd', 'passwd'),
    ('C:\\Windows\\system32\\evil.pdf', 'evil.pdf'),
    ('居务公开"; filename=x.html', '居务公开__ filename=x.html'),
    ('a\r\nSet-Cookie: x.pdf', 'aSet-Cookie_ x.pdf'),
    ('..', 'file'),
    ('', 'file'),
])
def test_hostile_names_cannot_escape(name, expected):
    assert safe_filename(name) == expected


def test_download_header_keeps_chinese_name_encoded():
    class Att:
        filename = safe_filename('2026年第三季度财务公开.pdf')
        content_type = 'application/pdf'
    header = content_disposition(Att)
    assert header.startswith('inline; filename="')
    assert "filename*=UTF-8''2026%E5%B9%B4" in header
    assert '\n' not in header and '/' not in header.split('filename*=')[1]


def test_word_files_download_as_attachment():
    class Att:
        filename = 'a.docx'
        content_type = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
    assert content_disposition(Att).startswith('attachment;')


def test_accepts_a_real_pdf():
    assert check_upload('通知.pdf', PDF + b'x' * 100, 20 * MB) == ('application/pdf', None)


def test_refuses_too_big_with_a_message():
    ctype, error = check_upload('big.pdf', PDF + b'x' * (2 * MB), 1 * MB)
    assert ctype is None and 'too big' in error and error.mapping['limit'] == '1 MB'
    _ctype, error = check_upload('big.pdf', PDF + b'x' * 20000, 10240)
    assert error.mapping['limit'] == '10 KB'


@pytest.mark.parametrize('name, data', [
    ('page.html', b'<html><script>alert(1)</script>'),
    ('run.exe', b'MZ\x90\x00'),
    ('image.svg', b'<svg onload="alert(1)"/>'),
    ('fake.pdf', b'<html>not a pdf</html>'),
    ('fake.png', PDF),
])
def test_refuses_wrong_types_and_disguised_files(name, data):
    ctype, error = check_upload(name, data, 20 * MB)
    assert ctype is None and error


def test_extracts_docx_and_xlsx_text():
    import docx
    from openpyxl import Workbook
    doc = docx.Document()
    doc.add_paragraph('幸福社区居民公约：邻里和睦，垃圾分类。')
    buf = io.BytesIO()
    doc.save(buf)
    assert '垃圾分类' in extract_text('公约.docx', buf.getvalue())
    wb = Workbook()
    wb.active.append(['收入', '上级补助', 12000])
    buf = io.BytesIO()
    wb.save(buf)
    assert '上级补助 12000' in extract_text('财务.xlsx', buf.getvalue())


def test_broken_file_extracts_nothing_instead_of_failing():
    assert extract_text('broken.pdf', PDF + b'garbage') == ''


def test_slugs_keep_numbers_and_latin_words_whole():
    from shequ.content.naming import slugify
    assert slugify('2025年第三季度财务公开') == '2025-nian-di-san-ji-du-cai-wu-gong-kai'
    assert slugify('abc通知') == 'abc-tong-zhi'
    assert slugify('!!') == 'item'
