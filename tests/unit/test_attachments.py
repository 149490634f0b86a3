"""Upload checks, safe download names and text extraction of attachments."""
import io
import subprocess
import sys
import zipfile

import pytest

from bombs import docx_bomb, make_docx
from shequ.content import extract as extract_module
from shequ.content.attachments import check_upload, content_disposition, safe_filename
from shequ.content.extract import (MEMORY, TIMEOUT, TOO_LARGE, UNREADABLE, Refused, check_zip,
                                   extract, extract_here, extract_text)

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


# --- extraction is bounded: a bomb is refused in a child with capped time and memory ---

MEASURE = '''
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))   # protects the machine
from shequ.content.extract import extract_text
text = extract_text('bomb.docx', open(sys.argv[1], 'rb').read())
# this process's own peak (VmHWM: ru_maxrss would count the parent it was forked from)
own = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM'))
print(len(text), max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
'''


def test_docx_bomb_is_refused_within_200_mb(tmp_path):
    """Measured in a fresh process: its peak memory or its child's. (No time limit here:
    a busy machine would fail it; that the bomb is never opened is the next test.)"""
    path = tmp_path / 'bomb.docx'
    path.write_bytes(docx_bomb())
    res = subprocess.run([sys.executable, '-c', MEASURE, str(path)], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    length, peak_kb = map(int, res.stdout.split())
    assert length == 0
    assert peak_kb < 200 * 1024, 'used %d MB' % (peak_kb // 1024)


def test_the_bomb_is_refused_as_too_large_before_it_is_opened():
    assert extract('bomb.docx', docx_bomb()) == ('', TOO_LARGE)


def _zip(members, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', compression) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return out.getvalue()


def test_zip_checks_count_size_and_ratio(monkeypatch):
    check_zip(_zip([('a.xml', b'<a/>' * 1000)]))                   # small and ordinary
    with pytest.raises(Refused):                                   # compresses 1000:1
        check_zip(_zip([('sheet.xml', b'\0' * (4 * MB))]))
    monkeypatch.setattr(extract_module, 'MAX_MEMBERS', 3)
    with pytest.raises(Refused):
        check_zip(_zip([('%d.xml' % n, b'x') for n in range(4)]))
    monkeypatch.setattr(extract_module, 'MAX_UNZIPPED', 10)
    with pytest.raises(Refused):
        check_zip(_zip([('a.xml', b'0123456789a')], zipfile.ZIP_STORED))


def test_text_is_cut_at_the_limit():
    text = extract_here('docx', make_docx('甲' * 100, '乙' * 100), limit=150)
    assert text == '甲' * 100 + '\n' + '乙' * 49


def test_a_child_past_its_time_or_memory_is_stopped_and_the_refusal_recorded():
    data = make_docx('值班')
    assert extract('a.docx', data) == ('值班', None)
    assert extract('a.docx', data, timeout=0.01) == ('', TIMEOUT)
    assert extract('a.docx', data, memory=30 * MB) == ('', MEMORY)


BIG_PARENT = '''
import sys
big = bytearray(600 * 1024 * 1024)      # the parent's resident set: past half the cap
for i in range(0, len(big), 4096):
    big[i] = 1
from shequ.content.extract import extract
print(extract('broken.pdf', sys.stdin.buffer.read()).refused)
'''


def test_a_big_parent_does_not_make_a_broken_file_look_out_of_memory():
    """getrusage's peak survives exec: a server grown past half the child's cap made every
    broken file 'memory'. The child measures its own address space (/proc VmHWM)."""
    res = subprocess.run([sys.executable, '-c', BIG_PARENT], input=PDF + b'garbage',
                         capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode().split()[-1] == UNREADABLE


def test_other_kinds_have_no_text_and_no_refusal():
    assert extract('photo.png', b'\x89PNG\r\n\x1a\n') == ('', None)
    assert extract('broken.pdf', PDF + b'garbage') == ('', UNREADABLE)
