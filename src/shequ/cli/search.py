"""`shequ indexer` (the production indexing process) and `shequ reindex`."""
import sys
import time

from ..search.indexer import Busy
from ..search.subscribers import get_search
from . import app_env, command, progress


def _config_only(sub):
    sub.add_argument('config_uri', help='配置文件，如 production.ini')


@command('indexer', '把索引日志应用到搜索索引（生产环境中作为独立进程运行）')
def cmd_indexer(args, parser):
    with app_env(args.config_uri) as (registry, root, tm):
        tm.abort()
        db = registry._zodb_databases['']
        indexer = get_search(registry).indexer
        if args.failed:
            return _show_failed(indexer, root, tm, retry=args.retry)
        while True:
            done = indexer.apply_db(db, rebuild_missing=True)
            if done:
                print('已更新索引: %d 条日志。' % done, flush=True)
            if args.once:
                if done is None:
                    print('另一个索引进程正在运行。', file=sys.stderr)
                    return 1
                return 0
            time.sleep(args.interval)


def _show_failed(indexer, root, tm, retry=False):
    """List the paths that could not be indexed (after indexing them again with --retry)."""
    try:
        if retry:
            tm.begin()
            with indexer.lock():
                failed = indexer.retry_failed(root)
        else:
            failed = indexer.failed()
    except Busy:
        print('另一个索引进程正在运行，请稍后再试。', file=sys.stderr)
        return 1
    finally:
        tm.abort()
    if not failed:
        print('没有索引失败的内容。')
        return 0
    print('以下 %d 项无法建立索引（其余内容不受影响）:' % len(failed))
    for path, info in sorted(failed.items()):
        print('%s\t%s\t%s' % (path, info.get('time', ''), info.get('error', '')))
    return 1


def _indexer_arguments(sub):
    _config_only(sub)
    sub.add_argument('--failed', action='store_true',
                     help='列出无法建立索引的内容 (退出码 1 表示有失败项)')
    sub.add_argument('--retry', action='store_true', help='与 --failed 一起用: 先重试这些内容')
    sub.add_argument('--once', action='store_true', help='应用一次后退出')
    sub.add_argument('--interval', type=float, default=1.0, help='轮询间隔（秒）')


cmd_indexer.arguments = _indexer_arguments


@command('reindex', '从数据库重建搜索索引（全部县，或 --tenant 指定的单位）')
def cmd_reindex(args, parser):
    with app_env(args.config_uri) as (registry, root, tm):
        indexer = get_search(registry).indexer
        path = args.tenant.rstrip('/') if args.tenant else None
        total = indexer.count(root, path)
        try:
            with indexer.lock(), progress(total, '索引') as bar:
                done = indexer.rebuild(root, path, tick=bar.update)
        except KeyError:
            print('找不到单位: %s' % args.tenant, file=sys.stderr)
            return 2
        except Busy:
            print('另一个索引进程正在运行，请先停止它。', file=sys.stderr)
            return 1
        finally:
            tm.abort()
        if path and done != path:
            print('%s 所在的县尚无可用索引，已重建整个 %s。' % (path, done))
        print('已重建索引: %d 项。' % total)
    return 0


def _reindex_arguments(sub):
    _config_only(sub)
    sub.add_argument('--tenant', help='只重建这个单位及其下级，如 /sunwu/qingxi')


cmd_reindex.arguments = _reindex_arguments
