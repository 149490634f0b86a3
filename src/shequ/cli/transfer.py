"""`shequ export` and `shequ import`: one tenant with everything below it, to and from the
portable archive of `archive.py`."""
import sys

from pyramid.traversal import find_resource

from ..tree import Tenant, tenant_path
from . import app_env, catch_up_index, command, progress
from .archive import ArchiveError, export_tenant, import_tenant, read_archive


def _export_arguments(sub):
    sub.add_argument('config_uri', help='配置文件，如 production.ini')
    sub.add_argument('tenant', help='单位路径，如 /sunwu/qingxi')
    sub.add_argument('out', help='导出的归档文件 (.zip)')


def _import_arguments(sub):
    sub.add_argument('config_uri', help='配置文件，如 production.ini')
    sub.add_argument('archive', help='shequ export 导出的归档文件')
    sub.add_argument('parent', help='放在哪个单位之下，如 /heihe（/ 为平台根）')
    sub.add_argument('--name', help='新单位的名称 (slug)，默认沿用导出时的名称')


def _node(root, path):
    try:
        return find_resource(root, path)
    except (KeyError, ValueError):
        return None


@command('export', '把一个单位及其下全部内容导出为可移植的归档 (zip)')
def cmd_export(args, parser):
    with app_env(args.config_uri) as (registry, root, tm):
        tenant = _node(root, args.tenant)
        if not isinstance(tenant, Tenant):
            tm.abort()
            print('找不到单位: %s' % args.tenant, file=sys.stderr)
            return 2
        try:
            with progress(0, '导出') as bar:
                manifest = export_tenant(tenant, args.out, bar)
        except ArchiveError as exc:
            tm.abort()
            print('导出失败: %s' % exc, file=sys.stderr)
            return 2
        tm.abort()
    counts = manifest['counts']
    print('已导出 %s: %d 个单位，%d 项内容，%d 个文件 → %s' % (
        manifest['source'], counts['tenants'], counts['items'], counts['blobs'], args.out))
    return 0


@command('import', '把 shequ export 导出的单位导入到另一个上级单位或另一个数据库')
def cmd_import(args, parser):
    with app_env(args.config_uri) as (registry, root, tm):
        parent = _node(root, args.parent)
        try:
            if parent is None or not (parent is root or isinstance(parent, Tenant)):
                raise ArchiveError('找不到上级单位: %s' % args.parent)
            manifest, records, blobs = read_archive(args.archive)
            with progress(len(records), '导入') as bar:
                tenant = import_tenant(parent, manifest, records, blobs, args.name,
                                       registry, bar)
            path = tenant_path(tenant)
        except Exception as exc:            # nothing is written, whatever went wrong
            tm.abort()
            message = str(exc) if isinstance(exc, ArchiveError) else '%s: %s' % (
                type(exc).__name__, str(exc)[:300])
            print('导入失败，未写入任何内容: %s' % message, file=sys.stderr)
            return 2
        tm.commit()
        counts = manifest['counts']
        print('已导入 %s → %s: %d 个单位，%d 项内容，%d 个文件。' % (
            manifest['source'], path, counts['tenants'], counts['items'], counts['blobs']))
        catch_up_index(registry, root)
    return 0


cmd_export.arguments = _export_arguments
cmd_import.arguments = _import_arguments
