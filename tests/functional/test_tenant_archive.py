"""Tenant export and import (`shequ export` / `shequ import`): a county round-trips into an
empty database with identical pages and search results; attachments and revisions come
along; a damaged or foreign archive is refused with a clear message and nothing written."""
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile

import pytest
from webtest import TestApp, Upload

from document_files import document_form, make_pdf, staff_of_xingfu
from helpers import csrf, find
from sitekit import DEMO_FILE, SITE_LAYOUT, Site, write_ini
from shequ.cli.archive import ArchiveError, export_tenant, import_tenant, read_archive
from test_crawl import crawl

SHEQU = os.path.join(os.path.dirname(sys.executable), 'shequ')
QUERIES = ('低保', 'dibao', '居住证', '值班', '志愿', '老年人优待证 办理', 'title:*', '残疾 NOT 证')
DOC = '/sunwu/qingxi/xingfu/documents/zhi-ban-zhi-du/'


def normalise(html):
    """A page without what differs per request: nonces, CSRF tokens, the requests form's
    challenge, iCalendar stamps."""
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', html)
    html = re.sub(r"'nonce-[^']*'", "'nonce-'", html)
    # the requests form's question against automatic submissions is drawn per page
    html = re.sub(r'(<label for="challenge")[^<]*', r'\1', html)
    html = re.sub(r'(name="challenge_token" value=")[^"]*"', r'\1"', html)
    return re.sub(r'DTSTAMP:\S+', 'DTSTAMP:', html)      # iCalendar: when it was made


def pages(app, start, limit):
    """{path: normalised HTML} of every page a visitor reaches from `start`, below it."""
    statuses = crawl(app, start, limit)
    return {path: normalise(app.get(path).text) for path, status in statuses.items()
            if status == 200 and path.startswith(start)}


def search(app, scope):
    return [[(r['path'], r['title'], r['snippet']) for r in
             app.get(scope + '@@search.json', params={'q': q}).json['results']]
            for q in QUERIES]


@pytest.fixture
def pristine_demo(tmp_path):
    """The demo of its own: the shared `full_demo_site` collects search usage counts from
    other tests (`<index_dir>/usage.sqlite`, per machine, not tenant data and so not
    exported), and they reorder the services card on the tenant homes."""
    site = Site(tmp_path / 'source')
    site.load(DEMO_FILE)
    yield site
    site.close()


@pytest.mark.slow
def test_a_county_round_trips_into_an_empty_database(pristine_demo, tmp_path):
    full_demo_site = pristine_demo
    out = str(tmp_path / 'sunwu.zip')
    with full_demo_site.root() as root:
        manifest = export_tenant(root['sunwu'], out)
    copy = Site(tmp_path / 'copy')
    try:
        manifest, records, blobs = read_archive(out)
        with copy.root() as root:
            import_tenant(root, manifest, records, blobs, registry=copy.registry)
        source, target = TestApp(full_demo_site.wsgi), TestApp(copy.wsgi)
        before, after = pages(source, '/sunwu/', 250), pages(target, '/sunwu/', 250)
        print('\nround trip: %s, %d pages compared' % (manifest['counts'], len(before)))
        assert len(before) > 100 and sorted(before) == sorted(after)
        assert [p for p in before if before[p] != after[p]] == []
        assert search(source, '/sunwu/') == search(target, '/sunwu/')
        assert search(source, '/sunwu/qingxi/xingfu/') == search(target, '/sunwu/qingxi/xingfu/')
    finally:
        copy.close()


@pytest.fixture
def documents(site, tmp_path):
    """幸福社区 with a document published twice (two PDFs, two revisions)."""
    staff = staff_of_xingfu(site, tmp_path)
    document_form(staff, upload=Upload('v1.pdf', make_pdf('first roster'))).submit('publish')
    staff.post(DOC + '@@workflow', {'csrf_token': csrf(staff), 'transition': 'withdraw'})
    form = staff.get(DOC + '@@edit').forms['deform']
    form['text'] = '<p>第一条 值班人员七点半到岗。</p>'
    form['upload'] = Upload('v2.pdf', make_pdf('second roster'))
    assert form.submit('save').status_int == 302
    staff.post(DOC + '@@workflow', {'csrf_token': csrf(staff), 'transition': 'publish'})
    return site


def _files(site):
    """Every revision's and the current attachment's bytes of the document."""
    with site.root() as root:
        doc = find(root, DOC)
        blobs = [a.blob for a in [doc.attachment] + [r.attachment for r in doc.revision_list()]
                 if a is not None]
        return [b.open('r').read() for b in blobs], [r.number for r in doc.revision_list()]


def test_attachments_and_revisions_come_along_through_the_commands(documents, tmp_path):
    out = str(tmp_path / 'xingfu.zip')
    with documents.root() as root:
        manifest = export_tenant(find(root, '/sunwu/qingxi'), out)
    assert manifest['counts']['blobs'] >= 2
    target = tmp_path / 'target'
    target.mkdir()
    ini = write_ini(target, **SITE_LAYOUT)
    # another database: a county to put the street under, then the import
    copy = Site(target)
    copy.load(os.path.join(os.path.dirname(__file__), '..', 'data', 'base-tree.yaml'))
    copy.close()
    res = subprocess.run([SHEQU, 'import', ini, out, '/sunwu', '--name', 'qingxi-2'],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert '已导入 /sunwu/qingxi → /sunwu/qingxi-2' in res.stdout
    copy = Site(target)
    try:
        with copy.root() as root:
            doc = find(root, DOC.replace('qingxi', 'qingxi-2'))
            files = [a.blob.open('r').read() for a in
                     [doc.attachment] + [r.attachment for r in doc.revision_list()]]
            numbers = [r.number for r in doc.revision_list()]
        assert (files, numbers) == _files(documents)
        page = copy.app.get(DOC.replace('qingxi', 'qingxi-2') + '@@history')
        assert page.text.count('@@revision/') >= 2
        found = copy.app.get('/sunwu/qingxi-2/@@search.json', params={'q': '值班'}).json
        assert any('zhi-ban-zhi-du' in r['path'] for r in found['results'])
    finally:
        copy.close()


def _rewrite(src, dst, change):
    """A copy of the archive `src` with `change(name, data)` applied to each member."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, 'w') as b:
        for name in a.namelist():
            data = change(name, a.read(name))
            if data is not None:
                b.writestr(name, data)
    return dst


def _manifest_with(**fields):
    def change(name, data):
        if name != 'manifest.json':
            return data
        return json.dumps(dict(json.loads(data), **fields)).encode()
    return change


@pytest.fixture
def archive(demo, tmp_path):
    out = str(tmp_path / 'qingxi.zip')
    with demo.root() as root:
        export_tenant(find(root, '/sunwu/qingxi'), out)
    return out


def _evil(src, dst, class_name):
    """objects.json naming another class, the checksums made to match."""
    with zipfile.ZipFile(src) as a:
        records = json.loads(a.read('objects.json'))
        manifest = json.loads(a.read('manifest.json'))
        records[1][1] = class_name
        body = json.dumps(records).encode()
        manifest['files']['objects.json'] = hashlib.sha256(body).hexdigest()
        return _rewrite(src, dst, lambda n, d: body if n == 'objects.json' else
                        json.dumps(manifest).encode() if n == 'manifest.json' else d)


BAD = {
    'truncated': (lambda src, dst: open(dst, 'wb').write(
        open(src, 'rb').read()[:os.path.getsize(src) // 2]), '损坏'),
    'not a zip': (lambda src, dst: open(dst, 'wb').write(b'tenants: []\n'), '损坏'),
    'altered member': (lambda src, dst: _rewrite(src, dst, lambda n, d: d.replace(
        '清溪'.encode(), '别处'.encode()) if n == 'objects.json' else d), '校验和不符'),
    'missing member': (lambda src, dst: _rewrite(src, dst, lambda n, d: None if n.startswith(
        'objects') else d), '清单不符'),
    'foreign format': (lambda src, dst: _rewrite(src, dst, _manifest_with(format='other')),
                       '不是 shequ 单位导出文件'),
    'future version': (lambda src, dst: _rewrite(src, dst, _manifest_with(version=99)),
                       '不支持的导出格式版本'),
    'forbidden class': (lambda src, dst: _evil(src, dst, 'os:system'), '不允许的类型'),
    'unknown class': (lambda src, dst: _evil(src, dst, 'shequ.tree:Nothing'), '不存在'),
    'imported name': (lambda src, dst: _evil(src, dst, 'shequ.tree:re.Pattern'), '不允许的类型'),
    'not stored': (lambda src, dst: _evil(src, dst, 'shequ.cli.archive:Exporter'), '不允许的类型'),
}


@pytest.mark.parametrize('how', sorted(BAD))
def test_a_damaged_or_foreign_archive_is_refused_and_nothing_written(demo, archive, tmp_path,
                                                                     how):
    make, message = BAD[how]
    bad = str(tmp_path / 'bad.zip')
    make(archive, bad)
    before = demo.db.lastTransaction()
    with pytest.raises(ArchiveError) as exc:
        manifest, records, blobs = read_archive(bad)
        with demo.root() as root:
            import_tenant(root['sunwu'], manifest, records, blobs, name='copy',
                          registry=demo.registry)
    assert message in str(exc.value)
    assert demo.db.lastTransaction() == before
    with demo.root() as root:
        assert 'copy' not in root['sunwu']


def test_the_import_command_refuses_a_damaged_archive_without_a_traceback(archive, tmp_path):
    target = tmp_path / 'target'
    target.mkdir()
    ini = write_ini(target, **SITE_LAYOUT)
    bad = str(tmp_path / 'bad.zip')
    BAD['truncated'][0](archive, bad)
    res = subprocess.run([SHEQU, 'import', ini, bad, '/'], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 2
    assert '导入失败，未写入任何内容' in res.stderr and 'Traceback' not in res.stderr
    copy = Site(target)
    try:
        with copy.root() as root:
            assert list(root.tenants()) == []
    finally:
        copy.close()


def test_an_import_where_the_name_is_taken_or_the_level_wrong_is_refused(demo, archive):
    manifest, records, blobs = read_archive(archive)
    with demo.root() as root:
        with pytest.raises(ArchiveError, match='已有名为 qingxi'):
            import_tenant(root['sunwu'], manifest, records, blobs, registry=demo.registry)
        with pytest.raises(ArchiveError, match='不能放在'):
            import_tenant(root['sunwu']['qingxi']['xingfu'], manifest, records, blobs,
                          name='x', registry=demo.registry)


def test_an_import_under_another_parent_in_the_same_database(demo, archive):
    manifest, records, blobs = read_archive(archive)
    with demo.root() as root:
        import_tenant(root['sunwu'], manifest, records, blobs, name='qingxi-copy',
                      registry=demo.registry)
    app = TestApp(demo.wsgi)
    original = normalise(app.get('/sunwu/qingxi/xingfu/').text)
    copied = normalise(app.get('/sunwu/qingxi-copy/xingfu/').text)
    assert copied.replace('qingxi-copy', 'qingxi') == original
    with demo.root() as root:
        assert root['sunwu']['qingxi-copy']['xingfu'].__parent__ is root['sunwu']['qingxi-copy']
        # the copy is its own: changing it leaves the original alone
        root['sunwu']['qingxi-copy'].title = '复制的街道'
    with demo.root() as root:
        assert root['sunwu']['qingxi'].title != '复制的街道'



def test_the_commands_export_and_import_within_one_database(tmp_path):
    folder = tmp_path / 'db'
    folder.mkdir()
    ini = write_ini(folder, **SITE_LAYOUT)
    site = Site(folder)
    site.load(os.path.join(os.path.dirname(__file__), '..', 'data', 'base-tree.yaml'))
    site.close()
    out = str(tmp_path / 'qingxi.zip')
    res = subprocess.run([SHEQU, 'export', ini, '/sunwu/qingxi', out], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert '已导出 /sunwu/qingxi' in res.stdout
    res = subprocess.run([SHEQU, 'export', ini, '/sunwu/nowhere', out + '.2'],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and '找不到单位' in res.stderr
    res = subprocess.run([SHEQU, 'import', ini, out, '/sunwu', '--name', 'qingxi-b'],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    site = Site(folder)
    try:
        assert site.app.get('/sunwu/qingxi-b/xingfu/').status_int == 200
        assert '老旧小区改造' in site.app.get('/sunwu/qingxi-b/services/zhuzhai-weixiu').text
    finally:
        site.close()
