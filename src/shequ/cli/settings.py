"""`shequ settings CONFIG_URI TENANT_PATH [KEY=VALUE ...] [--reset KEY ...]`.

Prints a tenant's effective settings, each with the tenant it comes from; sets or resets
some first. Values go through the same schema as the web form and tenant-tree files
(`tree.settings`), the change through `tree.ops.modify`, recorded in the tenant's audit
log as done from the command line.
"""
import sys

import colander
from persistent.mapping import PersistentMapping
from pyramid.traversal import find_resource

from ..security.audit import record
from ..tree import Tenant, setting_source, tenant_path
from ..tree.hosts import host_owner
from ..tree.ops import modify
from ..tree.settings import FLAT_KEYS, LIST_KEYS, SettingsSchema, get_flat, split_list, with_flat
from . import app_env, command
from .users import _CliRequest


def _show(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple)):
        return ', '.join(value)
    return str(value)


def print_settings(tenant, out=None):
    out = out or sys.stdout
    for key in FLAT_KEYS:
        value, source = setting_source(tenant, key)
        if source is None:
            print('%s = （未设置）' % key, file=out)
        elif source is tenant:
            print('%s = %s  （本级设置）' % (key, _show(value)), file=out)
        else:
            print('%s = %s  （继承自 %s %s）' % (key, _show(value), source.title,
                                              tenant_path(source)), file=out)


def new_settings(tenant, assignments, resets):
    """The tenant's settings with `assignments` (KEY=VALUE texts) and `resets` applied,
    validated; raises ValueError or colander.Invalid."""
    settings = dict(tenant.settings)
    for key in resets:
        if key not in FLAT_KEYS:
            raise ValueError('未知的设置项 %s（可用：%s）' % (key, ', '.join(FLAT_KEYS)))
        settings = with_flat(settings, key, None)
    for text in assignments:
        key, sep, value = text.partition('=')
        key = key.strip()
        if not sep or key not in FLAT_KEYS:
            raise ValueError('应写成 KEY=VALUE，KEY 为：%s' % ', '.join(FLAT_KEYS))
        value = value.strip()
        settings = with_flat(settings, key, split_list(value) if key in LIST_KEYS else value)
    return SettingsSchema().deserialize(settings)


@command('settings', '查看或修改单位的站点设置（显示每项的来源）')
def cmd_settings(args, parser):
    with app_env(args.config_uri) as (registry, root, tm):
        try:
            tenant = find_resource(root, args.tenant_path)
        except KeyError:
            tenant = None
        if not isinstance(tenant, Tenant):
            print('没有路径为 %s 的单位。' % args.tenant_path, file=sys.stderr)
            return 1
        if args.assignments or args.reset:
            try:
                settings = new_settings(tenant, args.assignments, args.reset or [])
            except ValueError as exc:
                print(str(exc), file=sys.stderr)
                return 2
            except colander.Invalid as exc:
                for key, message in sorted(exc.asdict().items()):
                    print('%s: %s' % (key, message), file=sys.stderr)
                print('设置无效，未做任何修改。', file=sys.stderr)
                return 2
            here = tenant_path(tenant)
            for host in settings.get('hosts') or ():
                owner = host_owner(root, host)
                if owner is not None and owner != here:
                    print('域名 %s 已由 %s 使用，未做任何修改。' % (host, owner), file=sys.stderr)
                    return 2
            changed = [k for k in FLAT_KEYS if _get(tenant.settings, k) != _get(settings, k)]
            if changed:
                modify(tenant, registry, action='settings', detail=', '.join(changed),
                       settings=PersistentMapping(settings))
                record(tenant, _CliRequest(), 'settings', tenant,
                       '%s: %s' % (tenant.title, ', '.join(changed)))
            tm.commit()
            print('已修改：%s' % (', '.join(changed) or '无'))
        print_settings(tenant)
    return 0


def _get(settings, key):
    try:
        return get_flat(settings, key)
    except KeyError:
        return None


def _arguments(sub):
    sub.add_argument('config_uri', help='配置文件，如 development.ini')
    sub.add_argument('tenant_path', help='单位路径，如 /sunwu/qingxi')
    sub.add_argument('assignments', nargs='*', metavar='KEY=VALUE',
                     help='要设置的项，如 theme=qingshan contact.phone=0456-8221234')
    sub.add_argument('--reset', action='append', metavar='KEY', help='恢复继承上级的设置')


cmd_settings.arguments = _arguments
