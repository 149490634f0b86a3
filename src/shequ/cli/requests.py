"""`shequ apikey add|revoke|list` (Open311 keys of a tenant) and `shequ requests remind`
(overdue warnings by e-mail, for cron: overdue flags themselves need no job)."""
import sys

from pyramid.traversal import find_resource

from ..requests import apikeys
from ..requests.model import section_of
from ..requests.notify import overdue
from ..requests.staff import overdue_items
from ..security.audit import record
from ..tree import Tenant
from . import app_env, command


class _Actor:
    """The audit log's actor for a command run from the shell."""

    identity = None
    audit_actor = ('system', '命令行')


def _tenant(root, path):
    try:
        tenant = find_resource(root, path)
    except KeyError:
        tenant = None
    return tenant if isinstance(tenant, Tenant) and section_of(tenant) is not None else None


def apikey(args, root, registry):
    tenant = _tenant(root, args.tenant_path)
    if tenant is None:
        print('找不到单位 %s。' % args.tenant_path, file=sys.stderr)
        return 1
    section = section_of(tenant)
    if args.action == 'add':
        key, rec = apikeys.issue(section, args.name, 'system')
        record(tenant, _Actor, 'request-apikey-add', args.tenant_path, args.name)
        print(key)
        print('已为 %s 签发接口密钥「%s」。密钥只显示这一次，请妥善保存。' % (tenant.title, args.name),
              file=sys.stderr)
        return 0
    if args.action == 'revoke':
        for rec in apikeys.keys_of(section):
            if rec.name == args.name and rec.active:
                apikeys.revoke(section, rec.digest, 'system')
                record(tenant, _Actor, 'request-apikey-revoke', args.tenant_path, args.name)
                print('已吊销密钥「%s」。' % args.name)
                return 0
        print('没有名为「%s」的有效密钥。' % args.name, file=sys.stderr)
        return 1
    for rec in apikeys.keys_of(section):
        print('%s\t%s\t%s' % (rec.name, rec.created.date().isoformat(),
                              '有效' if rec.active else '已吊销'))
    return 0


def _apikey_arguments(parser):
    subs = parser.add_subparsers(dest='action', required=True)
    for name, help in (('add', '签发新密钥（只显示一次）'), ('revoke', '吊销密钥'),
                       ('list', '列出密钥')):
        sub = subs.add_parser(name, help=help)
        sub.add_argument('config_uri')
        sub.add_argument('tenant_path', help='单位路径，如 /sunwu/qingxi/xingfu')
        if name != 'list':
            sub.add_argument('name', help='密钥名称（使用它的程序）')


@command('apikey', 'Open311 接口密钥: add, revoke, list')
def cmd_apikey(args, parser):
    with app_env(args.config_uri) as (registry, root, tm):
        code = apikey(args, root, registry)
        if code == 0 and args.action != 'list':
            tm.commit()
        else:
            tm.abort()
        return code


cmd_apikey.arguments = _apikey_arguments


def _requests_arguments(parser):
    subs = parser.add_subparsers(dest='action', required=True)
    sub = subs.add_parser('remind', help='给超期诉求的负责人和审核人员发提醒邮件')
    sub.add_argument('config_uri')


@command('requests', '居民诉求: remind（超期提醒，可由 cron 运行）')
def cmd_requests(args, parser):
    with app_env(args.config_uri) as (registry, root, tm):
        found = overdue_items(root)
        for tenant, item in found:
            overdue(registry, tenant, item)
        tm.commit()      # sends the messages (pyramid_mailer joins the transaction)
        print('超期诉求 %d 件，已发送提醒。' % len(found))
        return 0


cmd_requests.arguments = _requests_arguments
