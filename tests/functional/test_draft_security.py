"""Drafts are protected by the ACL, not by each view remembering to check.

A view registered on `Content` without a word about visibility still refuses a draft to
anonymous visitors and residents; listings agree with the ACL item by item.
"""
from datetime import timedelta

import pytest
from pyramid.request import Request
from webtest import TestApp

from conftest import BASE_FILE, Site
from helpers import add_draft, add_user, login
from shequ.clock import utcnow
from shequ.content import PUBLISHED, Content
from shequ.content.listing import visible_items
from shequ.extensions import get_extensions
from shequ.security.policy import SecurityPolicy
from shequ.security.users import find_user
from shequ.services.inherit import proxy


def probe_view(context, request):
    """A careless new view: no permission, no visibility check."""
    return 'probe:%s' % context.title


def include_probe(config):
    """Test-only include (through `pyramid.includes`): the careless view on every item."""
    config.add_view(probe_view, context=Content, name='probe', renderer='string')


def refused(res):
    return res.status_int == 403 or (res.status_int == 302 and '@@login' in res.location)


@pytest.fixture(scope='module')
def probe_site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp('probe'),
                **{'pyramid.includes': 'test_draft_security.include_probe'})
    site.load(BASE_FILE)
    with site.root() as root:
        add_user(root, 'p-staff', 'staff', '/sunwu')
        add_user(root, 'p-resident', 'resident', '/sunwu')
        add_draft(root, '/sunwu', 'probe-draft', '探针草稿')
        future = add_draft(root, '/sunwu', 'probe-future', '探针未到时')
        future.state, future.publish_at = PUBLISHED, utcnow() + timedelta(days=3)
        expired = add_draft(root, '/sunwu', 'probe-expired', '探针已过期')
        expired.state, expired.expire_at = PUBLISHED, utcnow() - timedelta(days=1)
        public = add_draft(root, '/sunwu', 'probe-public', '探针已发布')
        public.state = PUBLISHED
    yield site
    site.close()


@pytest.mark.parametrize('slug', ['probe-draft', 'probe-future', 'probe-expired'])
def test_a_new_view_without_visibility_code_refuses_unpublished_items(probe_site, slug):
    url = '/sunwu/services/%s/@@probe' % slug
    assert refused(TestApp(probe_site.wsgi).get(url, expect_errors=True))
    assert refused(login(probe_site, 'p-resident').get(url, expect_errors=True))
    assert login(probe_site, 'p-staff').get(url).text.startswith('probe:')


def test_a_new_view_without_visibility_code_shows_a_public_item_to_everyone(probe_site):
    res = TestApp(probe_site.wsgi).get('/sunwu/services/probe-public/@@probe')
    assert res.text == 'probe:探针已发布'


class _Request(Request):
    identity = None  # set directly: what the policy would find in the session


def _request(site, root, login_name=None):
    request = _Request.blank('/')
    request.registry = site.registry
    request.identity = find_user(root, login_name) if login_name else None
    return request


@pytest.mark.parametrize('who', [None, 'p-resident', 'p-staff'])
def test_listings_agree_with_the_acl_item_by_item(probe_site, who):
    with probe_site.root() as root:
        request = _request(probe_site, root, who)
        for tenant in ('/sunwu', '/sunwu/qingxi', '/sunwu/qingxi/xingfu'):
            node = root
            for part in tenant.strip('/').split('/'):
                node = node[part]
            for section in node.sections():
                lister = get_extensions(probe_site.registry).section_listings.get(section.__name__)
                items = lister(section, request) if lister else list(section.values())
                shown = {i.__name__ for i in visible_items(section, request)}
                for item in items:
                    assert (item.__name__ in shown) == request.has_permission('view', item), \
                        (who, tenant, section.__name__, item.__name__)


def test_anything_below_an_unpublished_item_is_refused_too(probe_site):
    class Below:
        """A resource below an item (an attachment, a revision …): no state of its own."""
        def __init__(self, parent):
            self.__parent__, self.__name__ = parent, 'below'

    policy = SecurityPolicy()
    with probe_site.root() as root:
        anonymous, staff = _request(probe_site, root), _request(probe_site, root, 'p-staff')
        services = root['sunwu']['services']
        draft, public = services['probe-draft'], services['probe-public']
        assert not policy.permits(anonymous, Below(draft), 'view')
        assert not policy.permits(anonymous, Below(Below(draft)), 'view')
        assert policy.permits(staff, Below(draft), 'view')
        assert policy.permits(anonymous, Below(public), 'view')
        # a public item inside a draft one is still hidden
        public_inside = Content(title='x')
        public_inside.state, public_inside.__parent__ = PUBLISHED, draft
        assert not policy.permits(anonymous, public_inside, 'view')


def test_an_inherited_standard_proxy_follows_its_source(probe_site):
    policy = SecurityPolicy()
    with probe_site.root() as root:
        anonymous, staff = _request(probe_site, root), _request(probe_site, root, 'p-staff')
        draft = root['sunwu']['services']['probe-draft']
        below = root['sunwu']['qingxi']['services']
        hidden = proxy(below, draft)
        assert not policy.permits(anonymous, hidden, 'view')
        assert policy.permits(staff, hidden, 'view')
        draft.state = PUBLISHED
        assert policy.permits(anonymous, proxy(below, draft), 'view')
        draft.state = 'draft'


def test_what_anonymous_visitors_legitimately_use_needs_no_view_permission(probe_site):
    app = TestApp(probe_site.wsgi)
    draft = '/sunwu/services/probe-draft/'
    assert app.get('/@@login').forms['login-form']
    assert app.get(draft + '@@login').forms['login-form']  # login works anywhere
    assert app.get(draft + '@@logout').status_int == 200
    assert app.get('/_themes/default/style.css').content_type == 'text/css'
    assert app.get('/_deform/css/form.css').content_type == 'text/css'
    assert app.get('/sunwu/no-such-place', status=404)
    assert app.get(draft + '@@no-such-view', status=404)
    assert '@@login' in app.get(draft, status=302).location
    assert app.get('/sunwu/services/probe-public/').status_int == 200


def test_pages_anyone_may_open_under_a_draft_do_not_show_its_title(probe_site):
    draft = '/sunwu/services/probe-draft/'
    anonymous, resident = TestApp(probe_site.wsgi), login(probe_site, 'p-resident')
    pages = [anonymous.get(draft + '@@login'), anonymous.get(draft + '@@logout'),
             anonymous.get(draft + '@@no-such-view', status=404),
             anonymous.get(draft + 'no/such/thing', status=404),
             resident.get(draft, status=403), resident.get(draft + '@@print', status=403)]
    for res in pages:
        assert '探针草稿' not in res.text, res.request.url
        assert '孙吴县' in res.text  # the breadcrumbs above the draft are still there
    assert '探针草稿' in login(probe_site, 'p-staff').get(draft + '@@no-such-view', status=404)
