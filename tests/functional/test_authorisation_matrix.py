"""Every role × (own, child, sibling, parent tenant) × action: allowed cells succeed,
every other cell is refused (403 or redirect to login) and changes nothing."""
import itertools

import pytest
from webtest import TestApp

from conftest import DEMO_FILE, Site
from helpers import add_draft, add_user, csrf, find, login

OWN, CHILD, SIBLING, PARENT = '/sunwu/qingxi', '/sunwu/qingxi/xingfu', '/sunwu/chenqing', '/sunwu'
TARGETS = {'own': OWN, 'child': CHILD, 'sibling': SIBLING, 'parent': PARENT}
ROLES = ('admin', 'staff', 'reviewer', 'volunteer', 'resident', None)
ACTIONS = ('view_unpublished', 'add', 'edit', 'publish', 'delete', 'manage_members')

ALLOWED = {
    'admin': set(ACTIONS),
    'staff': {'view_unpublished', 'add', 'edit', 'publish', 'delete'},
    'reviewer': {'view_unpublished', 'publish'},
    'volunteer': set(),
    'resident': set(),
    None: set(),
}
CASES = list(itertools.product(ROLES, TARGETS, ACTIONS))


@pytest.fixture(scope='module')
def matrix_site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp('matrix'))
    site.load(DEMO_FILE)
    with site.root() as root:
        add_user(root, 'nobody-else')
        for role in ROLES:
            if role:
                add_user(root, 'm-' + role, role, OWN)
        for n, (role, target, action) in enumerate(CASES):
            add_draft(root, TARGETS[target], 'case-%d' % n, '用例%d' % n)
    browsers = {role: (login(site, 'm-' + role) if role else TestApp(site.wsgi)) for role in ROLES}
    yield site, browsers
    site.close()


def refused(res):
    return res.status_int == 403 or (res.status_int == 302 and '@@login' in res.location)


def attempt(app, action, tenant, item_path, n):
    """Try `action`; returns the response."""
    token = csrf(app)
    if action == 'view_unpublished':
        return app.get(item_path, expect_errors=True)
    if action == 'add':
        return app.post(tenant + '/services/@@add?type=service', {
            'csrf_token': token, 'title': '新增事项%d' % n, 'category': '社会救助',
            'visits': '1', 'save': 'save'}, expect_errors=True)
    if action == 'edit':
        return app.post(item_path + '/@@edit', {
            'csrf_token': token, 'title': '改过的标题', 'category': '社会救助', 'visits': '1',
            'save': 'save'}, expect_errors=True)
    if action == 'publish':
        return app.post(item_path + '/@@workflow', {'csrf_token': token, 'transition': 'publish'},
                        expect_errors=True)
    if action == 'delete':
        return app.post(item_path + '/@@delete', {'csrf_token': token, 'confirm': 'yes'},
                        expect_errors=True)
    if action == 'manage_members':
        return app.post(tenant + '/@@members', {
            'csrf_token': token, 'action': 'grant', 'login': 'nobody-else',
            'role': 'volunteer'}, expect_errors=True)
    raise AssertionError(action)


def effect(root, action, tenant, item_path, n):
    """Whether the action's change is in the database."""
    item = find(root, item_path)
    if action == 'view_unpublished':
        return None
    if action == 'add':
        section = find(root, tenant + '/services')
        return any(v.title == '新增事项%d' % n for v in section.values())
    if action == 'edit':
        return item.title == '改过的标题'
    if action == 'publish':
        return item.state == 'published'
    if action == 'delete':
        return item is None
    if action == 'manage_members':
        node = find(root, tenant)
        return 'volunteer' in (getattr(node, 'local_roles', None) or {}).get('nobody-else', ())


@pytest.mark.parametrize('n', range(len(CASES)),
                         ids=['%s-%s-%s' % (r or 'anonymous', t, a) for r, t, a in CASES])
def test_matrix_cell(matrix_site, n):
    site, browsers = matrix_site
    role, target, action = CASES[n]
    tenant = TARGETS[target]
    item_path = '%s/services/case-%d' % (tenant, n)
    allowed = action in ALLOWED[role] and target in ('own', 'child')
    res = attempt(browsers[role], action, tenant, item_path, n)
    with site.root() as root:
        changed = effect(root, action, tenant, item_path, n)
        if action == 'manage_members' and changed:
            node = find(root, tenant)
            node.local_roles.pop('nobody-else')  # keep later cells independent
    if allowed:
        assert res.status_int in (200, 302) and not refused(res), res.status
        assert changed in (True, None)
    else:
        assert refused(res), (res.status, res.location if res.status_int == 302 else '')
        assert not changed
