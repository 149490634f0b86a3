"""`shequ roster import|export`: a tenant's on-duty roster from and to a spreadsheet."""
import sys

from pyramid.traversal import find_resource

from ..duties.roster import by_day, china_now, get_roster, month_end, parse_month, write_days
from ..duties.roster_io import (RosterFileError, public_rows, read_shifts, rows_csv,
                                rows_xlsx)
from ..security.audit import record
from ..tree import Tenant, tenant_path
from . import app_env, command
from .loader import _translator
from .users import _CliRequest


def _tenant(root, path):
    try:
        node = find_resource(root, path)
    except KeyError:
        return None
    return node if isinstance(node, Tenant) else None


def _arguments(sub):
    sub.add_argument('action', choices=('import', 'export'),
                     help='import: 从 XLSX/CSV 导入；export: 导出为 XLSX（或 .csv）')
    sub.add_argument('config_uri', help='配置文件，如 production.ini')
    sub.add_argument('tenant', help='单位路径，如 /sunwu/qingxi/xingfu')
    sub.add_argument('file', help='导入或导出的文件 (.xlsx 或 .csv)')
    sub.add_argument('--month', help='export: 导出的月份 YYYY-MM（默认本月）')


@command('roster', '导入或导出单位的值班表 (XLSX/CSV)')
def cmd_roster(args, parser):
    with app_env(args.config_uri) as (registry, root, tm):
        tenant = _tenant(root, args.tenant)
        if tenant is None or 'duties' not in tenant.data:
            tm.abort()
            print('找不到单位: %s' % args.tenant, file=sys.stderr)
            return 2
        if args.action == 'import':
            return _import(registry, tenant, args.file, tm)
        return _export(tenant, args.file, args.month, tm)


def _import(registry, tenant, path, tm):
    try:
        with open(path, 'rb') as f:
            body = f.read()
    except OSError as exc:
        tm.abort()
        print('无法读取文件 %s: %s' % (path, exc.strerror), file=sys.stderr)
        return 2
    try:
        shifts = read_shifts(path, body, _translator(registry))
    except RosterFileError as exc:
        tm.abort()
        print('文件有误，未导入任何内容：', file=sys.stderr)
        for number, column, reason in exc.problems:
            print('第 %s 行\t%s\t%s' % (number or '-', column or '-', reason), file=sys.stderr)
        return 1
    days = by_day(shifts)
    section = tenant['duties']
    write_days(section, days, registry, action='roster-import')
    record(tenant, _CliRequest(), 'roster-import', tenant_path(section) + '/roster',
           '值班表 %s…%s' % (min(days).isoformat(), max(days).isoformat()))
    tm.commit()
    print('已导入 %d 个班次，共 %d 天 (%s 至 %s)。' % (
        len(shifts), len(days), min(days).isoformat(), max(days).isoformat()))
    return 0


def _export(tenant, path, month, tm):
    start = parse_month(month) if month else china_now().date().replace(day=1)
    if start is None:
        tm.abort()
        print('月份应写作 YYYY-MM，如 2026-12。', file=sys.stderr)
        return 2
    roster = get_roster(tenant['duties'])
    days = roster.between(start, month_end(start)) if roster is not None else []
    rows = public_rows(days)
    label = '%d-%02d' % (start.year, start.month)
    body = rows_csv(rows) if path.lower().endswith('.csv') else rows_xlsx('值班表' + label, rows)
    tm.abort()
    try:
        with open(path, 'wb') as f:
            f.write(body)
    except OSError as exc:
        print('无法写入文件 %s: %s' % (path, exc.strerror), file=sys.stderr)
        return 2
    print('已导出 %s 的 %d 个班次到 %s。' % (label, len(rows) - 1, path))
    return 0


cmd_roster.arguments = _arguments
