"""`shequ volunteers export-ledger`: a tenant's service-hours ledger as XLSX (staff data:
full names included, so the file is for the office, not for publishing)."""
import datetime
import sys

from pyramid.traversal import find_resource

from ..tree import Tenant
from ..volunteers import SECTION
from ..volunteers.exports import ledger_rows, workbook
from ..volunteers.model import get_register
from . import app_env, command, progress


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise SystemExit('日期格式应为 YYYY-MM-DD: %s' % text)


def export_ledger(args, root, registry):
    try:
        tenant = find_resource(root, args.tenant_path)
    except KeyError:
        tenant = None
    if not isinstance(tenant, Tenant) or tenant.get(SECTION) is None:
        print('找不到单位 %s。' % args.tenant_path, file=sys.stderr)
        return 1
    section = tenant[SECTION]
    first = _date(args.date_from) if args.date_from else None
    last = _date(args.date_to) if args.date_to else None
    register = get_register(section)
    total = len(register.ledger) if register is not None else 0
    from pyramid.i18n import make_localizer
    from pyramid.interfaces import ITranslationDirectories
    localizer = make_localizer('zh_CN', registry.queryUtility(ITranslationDirectories) or [])
    with progress(total, '台账') as bar:
        rows = list(ledger_rows(section, localizer.translate, first, last,
                                tick=lambda: bar.update(1)))
    with open(args.out, 'wb') as f:
        f.write(workbook('服务时长台账', rows, (17, 10, 10, 12, 30, 8, 8, 17, 14)))
    print('已导出 %d 条记录到 %s。' % (len(rows) - 1, args.out))
    return 0


def _arguments(parser):
    subs = parser.add_subparsers(dest='action', required=True)
    sub = subs.add_parser('export-ledger', help='导出单位的志愿服务时长台账 (XLSX)')
    sub.add_argument('config_uri')
    sub.add_argument('tenant_path', help='单位路径，如 /sunwu/qingxi/xingfu')
    sub.add_argument('out', help='输出文件 .xlsx')
    sub.add_argument('--from', dest='date_from', help='服务日期起 YYYY-MM-DD')
    sub.add_argument('--to', dest='date_to', help='服务日期止 YYYY-MM-DD')


@command('volunteers', '志愿服务: export-ledger')
def cmd_volunteers(args, parser):
    with app_env(args.config_uri) as (registry, root, tm):
        try:
            return export_ledger(args, root, registry)
        finally:
            tm.abort()


cmd_volunteers.arguments = _arguments
