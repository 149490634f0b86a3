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
        while True:
            done = indexer.apply_db(db)
            if done:
                print('已更新索引: %d 条日志。' % done, flush=True)
            if args.once:
                if done is None:
                    print('另一个索引进程正在运行。', file=sys.stderr)
                    return 1
                return 0
            time.sleep(args.interval)


def _indexer_arguments(sub):
    _config_only(sub)
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
                indexer.rebuild(root, path, tick=bar.update)
        except KeyError:
            print('找不到单位: %s' % args.tenant, file=sys.stderr)
            return 2
        except Busy:
            print('另一个索引进程正在运行，请先停止它。', file=sys.stderr)
            return 1
        finally:
            tm.abort()
        print('已重建索引: %d 项。' % total)
    return 0


def _reindex_arguments(sub):
    _config_only(sub)
    sub.add_argument('--tenant', help='只重建这个单位及其下级，如 /sunwu/qingxi')


cmd_reindex.arguments = _reindex_arguments
