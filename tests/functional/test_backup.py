"""`shequ backup` / `shequ restore`: repozo and the blob folder, restored identical.

A site with notices and attachments (blobs) is backed up while it is open (as a running
server would hold it), written to again, backed up incrementally, and restored into an
empty place: the restored Data.fs is byte for byte the original, with the same
transactions and `lastTransaction()`, the same blob files, and it serves the same pages.
A restore onto an existing database is refused unless `--force`, and never while another
process has the database open.
"""
import os
import re
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import BASE_FILE, Site
from notices_support import PDF, XINGFU, png_bytes, post_notice, staff_app
from sitekit import SITE_LAYOUT, write_ini
from shequ.cli import main as shequ

# what differs per request: nonces, tokens, and the question of the requests form
NONCE = re.compile(r'(nonce|value)="[^"]*"|nonce-[A-Za-z0-9+/=_-]+|(<label for="challenge")[^<]*')
SKIP = ('@@logout', '@@elder', '@@login', '_LOCALE_=', '@@search', '@@qr', '.png', '.ics')


def blob_files(folder):
    """{relative path: bytes} of every committed blob file under `folder`."""
    out = {}
    for dirpath, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != 'tmp']
        for name in files:
            if name.endswith('.blob'):
                path = os.path.join(dirpath, name)
                with open(path, 'rb') as f:
                    out[os.path.relpath(path, folder)] = f.read()
    return out


def transactions(site):
    return [t.tid for t in site.db.storage.iterator()]


def crawl(app, starts, limit=40):
    """{path: (status, normalised body)} of `starts` and the pages reachable from them."""
    seen, queue, pages = set(starts), list(starts), {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        res = app.get(path, expect_errors=True)
        body = res.body if 'html' not in res.content_type else NONCE.sub('', res.text)
        pages[path] = (res.status_int, body)
        if res.status_int != 200 or 'html' not in res.content_type:
            continue
        for a in res.html.select('a[href]'):
            parts = urlsplit(urljoin('http://localhost' + path, a['href']))
            target = parts.path + ('?' + parts.query if parts.query else '')
            if parts.netloc == 'localhost' and target not in seen and not any(
                    s in target for s in SKIP):
                seen.add(target)
                queue.append(target)
    return pages


@pytest.fixture
def original(tmp_path):
    site = Site(tmp_path / 'live')
    site.load(BASE_FILE)
    yield site, staff_app(site)
    site.close()


def test_backup_incremental_restore_is_identical(original, tmp_path, capsys):
    site, staff = original
    live = tmp_path / 'live'
    ini = write_ini(live, **SITE_LAYOUT)
    backups = tmp_path / 'backups'
    notices = [post_notice(staff, title='备份前的通知', uploads=[('名单.pdf', PDF)]).location]

    assert shequ(['backup', ini, str(backups)]) == 0
    assert '完整备份' in capsys.readouterr().out
    notices.append(post_notice(staff, title='备份后的通知',
                               uploads=[('照片.png', png_bytes())]).location)
    assert shequ(['backup', ini, str(backups)]) == 0
    assert '增量备份' in capsys.readouterr().out
    repository = os.listdir(backups / 'filestorage')
    assert any(n.endswith('.fs') for n in repository)
    assert any(n.endswith('.deltafs') for n in repository)

    restored_dir = tmp_path / 'restored'
    restored_dir.mkdir()
    restored_ini = write_ini(restored_dir, **SITE_LAYOUT)
    assert shequ(['restore', restored_ini, str(backups)]) == 0
    assert 'shequ reindex' in capsys.readouterr().out

    with open(live / 'Data.fs', 'rb') as a, open(restored_dir / 'Data.fs', 'rb') as b:
        assert a.read() == b.read()
    originals = blob_files(live / 'blobs')
    assert len(originals) == 2 and blob_files(restored_dir / 'blobs') == originals
    copy = Site(restored_dir)
    try:
        assert copy.db.storage.lastTransaction() == site.db.storage.lastTransaction()
        assert transactions(copy) == transactions(site)
        # the notices, their attachments, then whatever links lead to
        starts = [urlsplit(url).path for url in notices]
        starts += [urlsplit(a['href']).path for url in starts
                   for a in site.app.get(url).html.select('a[href*="@@download"]')]
        starts.append(XINGFU + '/notices/')
        before = crawl(site.app, starts)
        after = crawl(copy.app, starts)
        assert sum('@@download' in p for p in before) == 2 and len(before) == 40
        assert before.keys() == after.keys()
        assert [p for p in before if before[p] != after[p]] == []

        # the database is open (a server runs): refused, even with --force
        assert shequ(['restore', restored_ini, str(backups), '--force']) == 1
        assert '正在被使用' in capsys.readouterr().err
    finally:
        copy.close()

    # a target that holds a database: refused unless --force, which keeps the old files
    size = (restored_dir / 'Data.fs').stat().st_size
    assert shequ(['restore', restored_ini, str(backups)]) == 2
    assert '--force' in capsys.readouterr().err
    assert (restored_dir / 'Data.fs').stat().st_size == size
    assert shequ(['restore', restored_ini, str(backups), '--force']) == 0
    kept = [n for n in os.listdir(restored_dir) if 'before-restore' in n]
    assert any(n.startswith('Data.fs.before-restore') for n in kept)
    assert any(n.startswith('blobs.before-restore') for n in kept)


def test_backup_of_a_zeo_uri_says_where_to_run_it(tmp_path, capsys):
    ini = write_ini(tmp_path, **{'zodbconn.uri': 'zeo://127.0.0.1:8100?blob_dir=/tmp/x'})
    assert shequ(['backup', ini, str(tmp_path / 'b')]) == 2
    assert '--data-fs' in capsys.readouterr().err
    assert not (tmp_path / 'b').exists()


def test_restore_from_a_folder_without_a_backup_is_refused(tmp_path, capsys):
    ini = write_ini(tmp_path, **SITE_LAYOUT)
    (tmp_path / 'empty').mkdir()
    assert shequ(['restore', ini, str(tmp_path / 'empty')]) == 2
    assert 'repozo' in capsys.readouterr().err
    assert not (tmp_path / 'Data.fs').exists()


@pytest.mark.multiprocess
def test_relstorage_backup_with_pg_dump_restores_identical(postgres, tmp_path, capsys):
    names = {role: postgres.create_database(role, 'pw-' + role) for role in ('shequ', 'copy')}

    def uri(role):
        return postgres.uri(names[role], names[role], 'pw-' + role,
                            tmp_path / role / 'blobcache')
    site = Site(tmp_path / 'shequ', **{'zodbconn.uri': uri('shequ')})
    try:
        site.load(BASE_FILE)
        notice = post_notice(staff_app(site), title='数据库备份演练',
                             uploads=[('名单.pdf', PDF)])
        ini = write_ini(tmp_path / 'shequ', **{'zodbconn.uri': uri('shequ')})
        assert shequ(['backup', ini, str(tmp_path / 'dumps')]) == 0
        assert 'pg_dump' in capsys.readouterr().out
        (tmp_path / 'copy').mkdir()
        copy_ini = write_ini(tmp_path / 'copy', **{'zodbconn.uri': uri('copy')})
        assert shequ(['restore', copy_ini, str(tmp_path / 'dumps')]) == 0
        # now the copy holds a database: refused without --force
        assert shequ(['restore', copy_ini, str(tmp_path / 'dumps')]) == 2
        assert '--force' in capsys.readouterr().err
        copy = Site(tmp_path / 'copy', **{'zodbconn.uri': uri('copy')})
        try:
            assert copy.db.storage.lastTransaction() == site.db.storage.lastTransaction()
            page = urlsplit(notice.location).path
            starts = [page] + [urlsplit(a['href']).path for a in site.app.get(page).html
                               .select('a[href*="@@download"]')]
            before, after = crawl(site.app, starts, 10), crawl(copy.app, starts, 10)
            assert len(before) == 10 and before == after
            assert after[starts[1]] == (200, PDF)
        finally:
            copy.close()
    finally:
        site.close()
