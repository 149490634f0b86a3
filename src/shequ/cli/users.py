"""`shequ user add|passwd|grant|revoke|list`: accounts and roles from the command line."""
import sys

from pyramid.traversal import find_resource

from ..security.audit import record
from ..security.roles import ROLES, grant, grants_of, normalise_role, revoke
from ..security.users import User, find_user, get_users
from ..tree import Root, Tenant, walk_tenants
from . import app_env, command

CLI_ACTOR = ('cli', '命令行')


class _CliRequest:
    """What the audit log needs to know about a command-line actor."""

    identity = None
    audit_actor = CLI_ACTOR


def _tenant_at(root, path):
    try:
        node = find_resource(root, path)
    except KeyError:
        return None
    return node if isinstance(node, (Tenant, Root)) else None


def _read_password(path):
    try:
        with open(path, encoding='utf-8') as f:
            return f.readline().rstrip('\r\n')
    except OSError as exc:
        raise SystemExit('无法读取密码文件 %s: %s' % (path, exc.strerror))


def _new_password(args):
    """The password of `--password-file`, or None (said why) when it is too short."""
    password = _read_password(args.password_file)
    if len(password) < 8:
        print('密码至少需要 8 个字符。', file=sys.stderr)
        return None
    return password


def user_add(args, root):
    if find_user(root, args.login) is not None:
        print('用户 %s 已存在。' % args.login, file=sys.stderr)
        return 1
    password = _new_password(args)
    if password is None:
        return 1
    get_users(root, create=True).add(User(args.login, args.name, password))
    print('已创建用户 %s（%s）。' % (args.login, args.name))
    return 0


def user_passwd(args, root):
    """A new password, which also ends every session the user has open."""
    user = find_user(root, args.login)
    if user is None:
        print('用户 %s 不存在。' % args.login, file=sys.stderr)
        return 1
    password = _new_password(args)
    if password is None:
        return 1
    user.set_password(password)
    print('已为用户 %s 设置新密码，其所有登录会话均已结束。' % args.login)
    return 0


def _grant_or_revoke(args, root, func, verb):
    if find_user(root, args.login) is None:
        print('用户 %s 不存在。' % args.login, file=sys.stderr)
        return 1
    try:
        role = normalise_role(args.role)
    except ValueError:
        print('未知角色 %s；可选: %s' % (args.role, ', '.join(ROLES)), file=sys.stderr)
        return 1
    node = _tenant_at(root, args.path)
    if node is None:
        print('找不到单位 %s。' % args.path, file=sys.stderr)
        return 1
    changed = func(node, args.login, role)
    if changed and isinstance(node, Tenant):
        record(node, _CliRequest(), verb, node, '%s → %s' % (args.login, role))
    print('%s: %s %s @ %s' % ('完成' if changed else '无变化', verb, role, args.path))
    return 0


def user_list(args, root):
    users = get_users(root)
    grants = {}
    for node in [root, *walk_tenants(root)]:
        path = '/' if node is root else '/' + '/'.join(
            n.__name__ for n in reversed(list(_lineage(node))))
        for login, roles in grants_of(node).items():
            grants.setdefault(login, []).extend('%s@%s' % (r, path) for r in roles)
    for user in sorted(users.values() if users else [], key=lambda u: u.login):
        state = '停用' if not user.active else '正常'
        print('%-20s %-10s %-4s %s' % (user.login, user.name, state,
                                       ' '.join(grants.get(user.login, [])) or '-'))
    return 0


def _lineage(node):
    while node is not None and not isinstance(node, Root):
        yield node
        node = node.__parent__


def _arguments(parser):
    subs = parser.add_subparsers(dest='action', required=True)
    add = subs.add_parser('add', help='新建用户')
    add.add_argument('config_uri')
    add.add_argument('login')
    add.add_argument('--name', required=True, help='姓名')
    add.add_argument('--password-file', required=True, help='首行为密码的文件')
    passwd = subs.add_parser('passwd', help='设置新密码（结束该用户的所有登录会话）')
    passwd.add_argument('config_uri')
    passwd.add_argument('login')
    passwd.add_argument('--password-file', required=True, help='首行为密码的文件')
    for action, help in (('grant', '授予角色'), ('revoke', '撤销角色')):
        sub = subs.add_parser(action, help=help)
        sub.add_argument('config_uri')
        sub.add_argument('login')
        sub.add_argument('role', help='admin|staff|reviewer|volunteer|resident 或 管理员|工作人员|审核员|志愿者|居民')
        sub.add_argument('path', help='单位路径，如 /sunwu/qingxi')
    lst = subs.add_parser('list', help='列出用户及其角色')
    lst.add_argument('config_uri')


@command('user', '管理用户和角色: add | passwd | grant | revoke | list')
def cmd_user(args, parser):
    actions = {
        'add': user_add,
        'passwd': user_passwd,
        'grant': lambda a, r: _grant_or_revoke(a, r, grant, 'grant'),
        'revoke': lambda a, r: _grant_or_revoke(a, r, revoke, 'revoke'),
        'list': user_list,
    }
    with app_env(args.config_uri) as (registry, root, tm):
        code = actions[args.action](args, root)
        if code == 0:
            tm.commit()
        else:
            tm.abort()
        return code


cmd_user.arguments = _arguments
