"""`shequ backup` and `shequ restore`: the whole database, with the standard tools.

FileStorage (`file://`): ZODB's `repozo` makes a full backup the first time and
incremental ones after it (a full one again after a pack), into DEST/filestorage; then the
blob folder is copied into DEST/blobs file by file. The order matters: repozo first, blobs
after, so every blob a backed-up transaction names was on disk before repozo read that
transaction (blob files never change once committed, so copying the new ones is
incremental too; none is ever deleted from the backup, so an earlier date restores with
its blobs). Neither step needs the server stopped; do not pack while a backup runs.

ZEO: the same, on the ZEO server's machine, against its Data.fs and blob folder
(`--data-fs`, `--blob-dir`). RelStorage on PostgreSQL (`postgres://`): `pg_dump` in its
custom format (blobs live in the database), restored with `pg_restore`.

Restore refuses a target that already holds a database unless `--force` (which keeps the
old files beside the new ones, renamed), and refuses a FileStorage a running process has
open. The search indexes are derived data: rebuild them after a restore.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import time
from urllib.parse import parse_qsl, urlsplit

from pyramid.paster import get_appsettings

from . import command

REPOZO = [sys.executable, '-m', 'ZODB.scripts.repozo']
FILESTORAGE_DIR = 'filestorage'
BLOBS_DIR = 'blobs'
PG_DUMP_GLOB = 'shequ-*.dump'


class Refused(Exception):
    """Nothing was done; the message says why (exit code 2, or 1 for a busy database)."""

    def __init__(self, message, code=2):
        super().__init__(message)
        self.code = code


# --- where the database is ----------------------------------------------------------------

class Target:
    """What zodbconn.uri names: a FileStorage (path, blob dir) or a PostgreSQL database."""

    def __init__(self, kind, path=None, blob_dir=None, dsn=None, uri=None):
        self.kind, self.path, self.blob_dir, self.dsn, self.uri = kind, path, blob_dir, dsn, uri


def target_of(config_uri, args):
    settings = get_appsettings(config_uri)
    uri = (settings.get('zodbconn.uri') or '').strip()
    if args.data_fs:
        return Target('file', os.path.abspath(args.data_fs),
                      os.path.abspath(args.blob_dir) if args.blob_dir else None, uri=uri)
    scheme = uri.split(':', 1)[0]
    if scheme == 'file':
        rest = uri.split('file://', 1)[1]
        path, _, query = rest.partition('?')
        options = dict(parse_qsl(query))
        blob_dir = args.blob_dir or options.get('blobstorage_dir')
        return Target('file', os.path.normpath(path),
                      os.path.normpath(blob_dir) if blob_dir else None, uri=uri)
    if scheme == 'postgres':
        parts = urlsplit(uri.replace('postgres://', 'http://', 1))
        dsn = {'host': parts.hostname, 'port': parts.port, 'user': parts.username,
               'password': parts.password, 'dbname': parts.path.lstrip('/')}
        return Target('postgres', dsn={k: v for k, v in dsn.items() if v}, uri=uri)
    if scheme in ('zeo', 'zconfig'):
        raise Refused('数据库在 ZEO 服务器上 (%s)。请在 ZEO 服务器所在的机器上运行本命令，'
                      '并用 --data-fs 和 --blob-dir 指明服务器的 Data.fs 和 blob 目录。' % uri)
    raise Refused('不支持为这种数据库备份或恢复: %s' % (uri or '(未配置 zodbconn.uri)'))


# --- FileStorage: repozo, then blobs -------------------------------------------------------

def copy_blobs(source, dest):
    """Copy every committed blob file (and the layout marker) that `dest` lacks.

    Returns how many files were copied. A file is written beside its place and renamed,
    so an interrupted copy never leaves a partial blob under the real name.
    """
    copied = 0
    if not source or not os.path.isdir(source):
        return 0
    for folder, dirs, files in os.walk(source):
        rel = os.path.relpath(folder, source)
        if rel == '.':
            dirs[:] = [d for d in dirs if d != 'tmp']      # uncommitted uploads
        target = os.path.join(dest, rel) if rel != '.' else dest
        os.makedirs(target, exist_ok=True)
        for name in files:
            if name.endswith('.part') or (rel == '.' and name != '.layout'):
                continue
            src, dst = os.path.join(folder, name), os.path.join(target, name)
            if os.path.exists(dst) and os.path.getsize(dst) == os.path.getsize(src):
                continue
            shutil.copy2(src, dst + '.part')
            os.replace(dst + '.part', dst)
            copied += 1
    return copied


def _newest_backup_second(repository):
    """The UTC second of the newest repozo file (repozo names files by the second)."""
    stamps = [m.group(1) for m in (re.match(r'(\d{4}(?:-\d\d){5})\.', name)
                                   for name in os.listdir(repository)) if m]
    return max(stamps) if stamps else None


def _run(argv, env=None):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True, env=env)
    if result.returncode:
        name = 'repozo' if argv[0] == sys.executable else os.path.basename(argv[0])
        raise Refused('%s 失败 (退出码 %d):\n%s' % (name, result.returncode,
                                                   result.stdout.strip()), code=1)
    return result.stdout


def backup_filestorage(target, dest, full=False):
    if not os.path.isfile(target.path):
        raise Refused('找不到数据库文件: %s' % target.path)
    repository = os.path.join(dest, FILESTORAGE_DIR)
    os.makedirs(repository, exist_ok=True)
    # repozo names its files by the second: never two backups in one second
    newest = _newest_backup_second(repository)
    while newest and time.strftime('%Y-%m-%d-%H-%M-%S', time.gmtime()) <= newest:
        time.sleep(0.2)
    before = set(os.listdir(repository))
    _run(REPOZO + ['-B', '-r', repository, '-f', target.path] + (['-F'] if full else []))
    written = sorted(set(os.listdir(repository)) - before)
    blobs = copy_blobs(target.blob_dir, os.path.join(dest, BLOBS_DIR))
    kind = ('完整备份' if any(n.endswith('.fs') for n in written)
            else '增量备份' if written else '数据库自上次备份以来没有变化')
    print('%s: %s → %s' % (kind, target.path, repository))
    print('已复制 %d 个新的附件文件 (blob) 到 %s' % (blobs, os.path.join(dest, BLOBS_DIR)))


def _lock_free(path):
    """Whether no process has the FileStorage at `path` open (its lock file is free)."""
    import zc.lockfile
    try:
        lock = zc.lockfile.LockFile(path + '.lock')
    except zc.lockfile.LockError:
        return False
    lock.close()
    return True


def _holds_data(target):
    if os.path.exists(target.path) and os.path.getsize(target.path) > 0:
        return True
    if target.blob_dir and os.path.isdir(target.blob_dir):
        return any(name not in ('.layout', 'tmp') for name in os.listdir(target.blob_dir))
    return False


def restore_filestorage(target, source, force=False, date=None):
    repository = os.path.join(source, FILESTORAGE_DIR)
    if not os.path.isdir(repository) or not any(
            n.endswith('.fs') for n in os.listdir(repository)):
        raise Refused('%s 里没有 repozo 备份 (应有 %s/ 目录)。' % (source, FILESTORAGE_DIR))
    os.makedirs(os.path.dirname(target.path) or '.', exist_ok=True)
    if os.path.exists(target.path) and not _lock_free(target.path):
        raise Refused('数据库 %s 正在被使用：请先停止服务器和索引进程。' % target.path, code=1)
    if _holds_data(target) and not force:
        raise Refused('目标已有数据库 (%s)，未做任何改动。确认要覆盖时加 --force '
                      '(旧文件会改名保留)。' % target.path)
    restoring = target.path + '.restoring'
    for leftover in (restoring, restoring + '.index'):
        if os.path.exists(leftover):
            os.remove(leftover)
    _run(REPOZO + ['-R', '-w', '-r', repository, '-o', restoring]
         + (['-D', date] if date else []))
    stamp = time.strftime('%Y%m%d-%H%M%S', time.gmtime())
    kept = []
    for suffix in ('', '.index', '.tmp'):
        if os.path.exists(target.path + suffix):
            aside = '%s%s.before-restore-%s' % (target.path, suffix, stamp)
            os.replace(target.path + suffix, aside)
            kept.append(aside)
    if target.blob_dir and os.path.isdir(target.blob_dir) and os.listdir(target.blob_dir):
        aside = '%s.before-restore-%s' % (target.blob_dir.rstrip('/'), stamp)
        os.replace(target.blob_dir, aside)
        kept.append(aside)
    if os.path.exists(restoring + '.index'):
        os.replace(restoring + '.index', target.path + '.index')
    os.replace(restoring, target.path)
    blobs = copy_blobs(os.path.join(source, BLOBS_DIR), target.blob_dir) \
        if target.blob_dir else 0
    print('已从 %s 恢复数据库到 %s，附件文件 %d 个。' % (source, target.path, blobs))
    for path in kept:
        print('原有文件已保留为 %s' % path)


# --- PostgreSQL: pg_dump and pg_restore -----------------------------------------------------

def pg_tool(name):
    """The newest Debian PostgreSQL's own binary, else the one on PATH."""
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/' + name),
                   key=lambda p: int(re.search(r'/(\d+)/bin', p).group(1)))
    return found[-1] if found else (shutil.which(name) or name)


def _pg_args(dsn):
    args = []
    for key, flag in (('host', '--host'), ('port', '--port'), ('user', '--username')):
        if dsn.get(key):
            args += [flag, str(dsn[key])]
    return args


def _pg_env(dsn):
    env = dict(os.environ)
    if dsn.get('password'):
        env['PGPASSWORD'] = dsn['password']
    return env


def _shown(argv, dsn):
    prefix = 'PGPASSWORD=… ' if dsn.get('password') else ''
    return prefix + ' '.join(argv)


def backup_postgres(target, dest, dry_run=False):
    os.makedirs(dest, exist_ok=True)
    out = os.path.join(dest, 'shequ-%s.dump' % time.strftime('%Y%m%d-%H%M%S', time.gmtime()))
    argv = [pg_tool('pg_dump'), '--format=custom', '--file', out] + _pg_args(target.dsn) + [
        target.dsn['dbname']]
    if dry_run:
        print(_shown(argv, target.dsn))
        return
    _run(argv, env=_pg_env(target.dsn))
    print('已用 pg_dump 备份数据库 %s 到 %s' % (target.dsn['dbname'], out))


def _pg_has_tables(dsn):
    import psycopg2
    conn = psycopg2.connect(**dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = 'public'")
            return cur.fetchone()[0] > 0
    finally:
        conn.close()


def restore_postgres(target, source, force=False, dry_run=False):
    dump = source
    if os.path.isdir(source):
        dumps = sorted(glob.glob(os.path.join(source, PG_DUMP_GLOB)))
        if not dumps:
            raise Refused('%s 里没有 pg_dump 备份 (%s)。' % (source, PG_DUMP_GLOB))
        dump = dumps[-1]
    argv = [pg_tool('pg_restore'), '--no-owner', '--exit-on-error'] + (
        ['--clean', '--if-exists'] if force else []) + _pg_args(target.dsn) + [
        '--dbname', target.dsn['dbname'], dump]
    if dry_run:
        print(_shown(argv, target.dsn))
        return
    if _pg_has_tables(target.dsn) and not force:
        raise Refused('目标数据库 %s 已有数据表，未做任何改动。确认要覆盖时加 --force。'
                      % target.dsn['dbname'])
    _run(argv, env=_pg_env(target.dsn))
    print('已用 pg_restore 从 %s 恢复数据库 %s。' % (dump, target.dsn['dbname']))


# --- the commands ---------------------------------------------------------------------------

def _common(sub, metavar, place_help):
    sub.add_argument('config_uri', help='配置文件，如 production.ini')
    sub.add_argument('place', metavar=metavar, help=place_help)
    sub.add_argument('--data-fs', help='FileStorage 文件 (ZEO 服务器上的 Data.fs)；默认取自 zodbconn.uri')
    sub.add_argument('--blob-dir', help='blob 目录；默认取自 zodbconn.uri')
    sub.add_argument('--dry-run', action='store_true',
                     help='PostgreSQL: 只显示 pg_dump/pg_restore 命令')


@command('backup', '备份整个数据库 (FileStorage: repozo 与 blob 目录；PostgreSQL: pg_dump)')
def cmd_backup(args, parser):
    try:
        target = target_of(args.config_uri, args)
        if target.kind == 'postgres':
            backup_postgres(target, args.place, dry_run=args.dry_run)
        else:
            backup_filestorage(target, args.place, full=args.full)
    except Refused as exc:
        print(exc, file=sys.stderr)
        return exc.code
    return 0


def _backup_arguments(sub):
    _common(sub, 'DEST', '备份目录 (FileStorage: 每次备份用同一个目录，之后为增量备份)')
    sub.add_argument('--full', action='store_true', help='FileStorage: 强制完整备份')


cmd_backup.arguments = _backup_arguments


@command('restore', '从 shequ backup 的备份恢复整个数据库 (服务器须先停止)')
def cmd_restore(args, parser):
    try:
        target = target_of(args.config_uri, args)
        if target.kind == 'postgres':
            restore_postgres(target, args.place, force=args.force, dry_run=args.dry_run)
        else:
            restore_filestorage(target, args.place, force=args.force, date=args.date)
    except Refused as exc:
        print(exc, file=sys.stderr)
        return exc.code
    print('搜索索引由数据库派生：请运行 shequ reindex %s 重建。' % args.config_uri)
    return 0


def _restore_arguments(sub):
    _common(sub, 'SRC', '备份目录 (PostgreSQL: 也可以是一个 .dump 文件)')
    sub.add_argument('--force', action='store_true', help='目标已有数据库时也恢复 (旧文件改名保留)')
    sub.add_argument('--date', help='FileStorage: 恢复到这个 UTC 时刻，如 2026-12-01-08-30')


cmd_restore.arguments = _restore_arguments
