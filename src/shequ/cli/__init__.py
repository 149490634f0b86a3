"""The `shequ` command: init, load, evolve; user, indexer and reindex (see extra.py)."""
import argparse
import logging
import sys
from contextlib import contextmanager

from pyramid.paster import bootstrap, setup_logging
from pyramid_zodbconn import get_connection
from tqdm import tqdm

from ..evolve import SKIP_EVOLVE_CHECK, EvolveNeeded, evolve, pending_steps
from ..tree import get_root, walk_tenants
from .loader import LoadError, TreeValidator, merge_tree, read_tree

COMMANDS = {}
log = logging.getLogger(__name__)


def command(name, help):
    """Register a subcommand: the function gets (args, parser) and returns an exit code."""
    def decorate(func):
        COMMANDS[name] = (func, help)
        return func
    return decorate


@contextmanager
def app_env(config_uri, check_evolved=True):
    """Bootstrap the app from `config_uri`; yields (registry, root, transaction manager).

    Like the server, it refuses a database that needs `shequ evolve` (EvolveNeeded),
    unless `check_evolved` is false (`init` and `evolve` themselves).
    """
    setup_logging(config_uri)
    options = {} if check_evolved else {SKIP_EVOLVE_CHECK: 'true'}
    env = bootstrap(config_uri, options=options)
    try:
        request = env['request']
        tm = request.tm
        tm.begin()
        conn = get_connection(request)
        root = get_root(conn, create=True, registry=env['registry'])
        yield env['registry'], root, tm
    finally:
        env['closer']()
        for db in getattr(env['registry'], '_zodb_databases', {}).values():
            db.close()


def progress(total, desc):
    """A progress bar on stderr (quiet when not a terminal and short)."""
    return tqdm(total=total, desc=desc, unit='项', file=sys.stderr, leave=False,
                disable=total < 50 and not sys.stderr.isatty())


def load_file(registry, root, path):
    """Validate `path` completely, then merge it; returns (created, updated).

    Raises LoadError naming the file, line and entry of the first problem.
    """
    tree = read_tree(path)
    validator = TreeValidator(registry)
    try:
        tenants = validator.validate(tree.data)
    except LoadError as exc:
        raise tree.error(exc)
    with progress(validator.count, '导入') as bar:
        return merge_tree(root, tenants, registry, tick=lambda: bar.update(1))


def catch_up_index(registry, root):
    """Bring the search indexes up to date, rebuilding any county index that is missing.

    A web request never builds a whole index; the commands that set a site up do.
    """
    from ..search import get_search
    indexer = get_search(registry).indexer
    db = registry._zodb_databases['']
    # the bar counts what has to be rebuilt: nothing to walk when every index is current
    with progress(indexer.rebuild_count(root), '索引') as bar:
        done = indexer.apply_db(db, rebuild_missing=True, tick=bar.update)
    if done is None:
        print('另一个索引进程正在运行，搜索索引由它更新。', file=sys.stderr)


def _as_load_error(exc, path):
    """Any failure of loading `path` as a LoadError: a message, never a traceback.

    A LoadError says what is wrong with the file; anything else is logged with its
    traceback (at debug level) and reported by its kind and text.
    """
    if isinstance(exc, LoadError):
        return exc
    log.debug('loading %s failed', path, exc_info=True)
    return LoadError(path, '导入时出错 (%s): %s' % (type(exc).__name__, str(exc)[:300]),
                     file=path)


def _load_failure(exc, path):
    return str(_as_load_error(exc, path))


@command('init', '创建数据库根节点；数据库为空时导入演示数据')
def cmd_init(args, parser):
    with app_env(args.config_uri, check_evolved=False) as (registry, root, tm):
        if any(True for _ in walk_tenants(root)):
            tm.commit()
            print('数据库已初始化，共 %d 个单位，未做改动。' % sum(1 for _ in walk_tenants(root)))
            catch_up_index(registry, root)
            return 0
        demo = registry.settings.get('shequ.demo_file')
        if not demo:
            tm.commit()
            print('已创建空数据库 (未配置 shequ.demo_file)。')
            return 0
        try:
            created, _updated = load_file(registry, root, demo)
        except Exception as exc:
            tm.abort()
            print('演示数据无效，未写入任何内容: %s' % _load_failure(exc, demo), file=sys.stderr)
            return 2
        tm.commit()
        print('已导入演示数据: 新建 %d 项。' % created)
        catch_up_index(registry, root)
    return 0


@command('load', '按 slug 合并导入一个单位树 YAML 文件')
def cmd_load(args, parser):
    with app_env(args.config_uri) as (registry, root, tm):
        try:
            created, updated = load_file(registry, root, args.file)
        except Exception as exc:
            tm.abort()
            exc = _as_load_error(exc, args.file)
            print('文件无效，未写入任何内容。\n位置: %s\n原因: %s' % (exc.location, exc.message),
                  file=sys.stderr)
            return 2
        tm.commit()
        print('导入完成: 新建 %d 项，更新 %d 项。' % (created, updated))
    return 0


@command('evolve', '执行尚未执行的数据迁移步骤')
def cmd_evolve(args, parser):
    with app_env(args.config_uri, check_evolved=False) as (registry, root, tm):
        steps = pending_steps(root, registry)
        if not steps:
            tm.commit()
            print('数据已是最新版本，没有待执行的迁移步骤。')
            return 0
        with progress(len(steps), '迁移') as bar:
            done = evolve(root, registry, commit=tm.commit, tick=lambda step: bar.update(1))
        print('已执行 %d 个迁移步骤: %s。' % (len(done), ', '.join(done)))
        catch_up_index(registry, root)
    return 0


def _add_arguments(name, sub):
    sub.add_argument('config_uri', help='配置文件，如 development.ini')
    if name == 'load':
        sub.add_argument('file', help='单位树 YAML 文件')


def build_parser():
    """The argument parser with every registered subcommand."""
    from . import extra  # noqa: F401 — subcommands registered by other packages
    parser = argparse.ArgumentParser(prog='shequ', description='shequ 社区服务平台管理命令')
    subs = parser.add_subparsers(dest='command', required=True)
    for name, (func, help) in COMMANDS.items():
        sub = subs.add_parser(name, help=help, description=help)
        arguments = getattr(func, 'arguments', None)
        if arguments:
            arguments(sub)
        else:
            _add_arguments(name, sub)
        sub.set_defaults(func=func)
    return parser


def main(argv=None):
    """Entry point of the `shequ` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args, parser) or 0
    except EvolveNeeded as exc:
        print(exc, file=sys.stderr)
        return 1
