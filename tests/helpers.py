"""Helpers for functional tests: users, login through the real form, draft items."""
from webtest import TestApp

from shequ.content import DRAFT
from shequ.security import User, get_users, grant
from shequ.services import Service

PASSWORD = 'correct-horse-9'


def add_user(root, login, role=None, path=None, name=None, password=PASSWORD):
    """Create a user directly in the database, optionally granting a role on `path`."""
    users = get_users(root, create=True)
    if users.get(login) is None:
        users.add(User(login, name or login, password))
    if role:
        node = root
        for part in [p for p in (path or '/').split('/') if p]:
            node = node[part]
        grant(node, login, role)


def login(site, login_name, password=PASSWORD):
    """A fresh browser (cookie jar) logged in through the @@login form."""
    app = TestApp(site.wsgi)
    form = app.get('/@@login').forms['login-form']
    form['login'] = login_name
    form['password'] = password
    res = form.submit()
    assert res.status_int == 302, res.text[:500]
    return app


def add_draft(root, tenant_path, slug, title='草稿事项'):
    """A draft service in the services section of the tenant at `tenant_path`."""
    node = root
    for part in [p for p in tenant_path.split('/') if p]:
        node = node[part]
    item = Service(title=title, category='社会救助')
    item.state = DRAFT
    node['services'].add(slug, item)
    return item


def csrf(app, path='/@@login'):
    """The CSRF token of `app`'s session."""
    return app.get(path).html.find('input', {'name': 'csrf_token'})['value']


def find(root, path):
    node = root
    for part in [p for p in path.split('/') if p]:
        node = node.get(part) if hasattr(node, 'get') else None
        if node is None:
            return None
    return node
