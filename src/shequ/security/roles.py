"""Roles granted on a tenant (or the root) and the ACLs computed from them."""
from persistent.mapping import PersistentMapping
from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated, Deny, Everyone
from pyramid.traversal import lineage

from ..i18n import _
from ..tree import Root, Tenant, effective_setting, tenant_path

ROLES = {
    'admin': _('Administrator'),
    'staff': _('Staff'),
    'reviewer': _('Reviewer'),
    'volunteer': _('Volunteer'),
    'resident': _('Registered resident'),
}
ROLE_ALIASES = {'管理员': 'admin', '工作人员': 'staff', '审核员': 'reviewer',
                '志愿者': 'volunteer', '居民': 'resident'}

EDITOR = {'view', 'view_unpublished', 'add', 'edit', 'delete', 'submit', 'withdraw', 'publish'}
ROLE_PERMISSIONS = {
    'admin': EDITOR | {'manage'},
    'staff': EDITOR,
    'reviewer': {'view', 'view_unpublished', 'publish', 'withdraw'},
    'volunteer': {'view', 'volunteer'},
    'resident': {'view', 'resident'},
}


def _role_table(review, public):
    """(role, sorted permissions) of every role, in ROLE_PERMISSIONS order, for a tenant
    with(out) `require_review` and a context that is (not) public."""
    table = []
    for role, perms in ROLE_PERMISSIONS.items():
        if role == 'staff' and review:
            perms = perms - {'publish'}
        if not public and 'view_unpublished' not in perms:
            perms = perms - {'view'}
        table.append((role, tuple(sorted(perms))))
    return tuple(table)


ROLE_TABLES = {(review, public): _role_table(review, public)
               for review in (False, True) for public in (False, True)}


def normalise_role(name):
    """'staff' or '工作人员' → 'staff'; ValueError for anything else."""
    role = ROLE_ALIASES.get(name, name)
    if role not in ROLES:
        raise ValueError(name)
    return role


def grants_of(node):
    """The role grants stored on a tenant or root: {login: tuple(roles)}."""
    return getattr(node, 'local_roles', None) or {}


def grant(node, login, role):
    """Grant `role` to `login` on `node`; returns False if it was already granted."""
    grants = getattr(node, 'local_roles', None)
    if grants is None:
        grants = node.local_roles = PersistentMapping()
    roles = grants.get(login, ())
    if role in roles:
        return False
    grants[login] = tuple(roles) + (role,)
    return True


def revoke(node, login, role):
    """Take `role` away from `login` on `node`; returns False if it was not granted."""
    grants = getattr(node, 'local_roles', None)
    if not grants or role not in grants.get(login, ()):
        return False
    remaining = tuple(r for r in grants[login] if r != role)
    if remaining:
        grants[login] = remaining
    else:
        del grants[login]
    return True


def role_principal(role, node):
    return 'role:%s@%s' % (role, tenant_path(node))


def principals_for(login, context):
    """Role principals `login` holds on every tenant of `context`'s lineage."""
    out = []
    for node in lineage(context):
        if isinstance(node, (Tenant, Root)):
            for role in grants_of(node).get(login, ()):
                out.append(role_principal(role, node))
    return out


def _governing_node(context):
    for node in lineage(context):
        if isinstance(node, (Tenant, Root)):
            return node
    return None


def publicly_visible(context, now=None):
    """Whether every content item from `context` up to its tenant is public now.

    Anything with an `is_public()` between a context and its tenant is a content item (or a
    proxy of one); an attachment, revision or any view of an item shares its item's fate.
    """
    for node in lineage(context):
        if isinstance(node, (Tenant, Root)):
            return True
        is_public = getattr(node, 'is_public', None)
        if is_public is not None and not is_public(now):
            return False
    return True


def acl_for(context, memo=None):
    """The ACL of the tenant governing `context`, built from grants along its lineage.

    The nearest tenant's ACL is authoritative (it ends with a deny-all), so settings such as
    `require_review` are taken from the tenant where the work happens, not where a role
    was granted. The workflow state decides who may `view`: everyone while every content
    item of the lineage is public, else only the roles that may see unpublished work.

    `memo` (a dict kept for one GET) shares the ACL between contexts with the same
    governing tenant and visibility: a page asks about its crumbs, menu and items.
    """
    node = _governing_node(context)
    public = publicly_visible(context)
    if memo is not None:
        key = ('acl', id(node), public)
        known = memo.get(key)
        if known is not None and known[0] is node:
            return known[1]
    acl = [(Allow, Everyone, 'view')] if public else []
    if node is None:
        acl += [(Deny, Everyone, ALL_PERMISSIONS)]
    else:
        table = ROLE_TABLES[bool(effective_setting(node, 'require_review', False)), public]
        for holder in lineage(node):
            if not isinstance(holder, (Tenant, Root)):
                continue
            path = tenant_path(holder)
            acl += [(Allow, 'role:%s@%s' % (role, path), perms) for role, perms in table]
        acl.append((Allow, Authenticated, 'authenticated'))
        acl.append((Deny, Everyone, ALL_PERMISSIONS))
    if memo is not None:
        memo[key] = (node, acl)     # the node is kept: its id stays unique
    return acl
