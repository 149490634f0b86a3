"""`shequ.tree.urls.Request.resource_url` answers exactly as Pyramid's own method."""
import pytest
from pyramid.interfaces import VH_ROOT_KEY
from pyramid.request import Request as PyramidRequest
from pyramid import testing

from shequ.tree import Root, Section, Tenant
from shequ.tree.urls import Request


@pytest.fixture
def tree():
    root = Root()
    root.__name__ = None
    county = Tenant('county', '孙吴县')
    root.add('sunwu', county)
    township = Tenant('township', '清溪镇')
    county.add('qingxi', township)
    community = Tenant('community', '幸福社区')
    township.add('xing fu', community)          # a name that needs quoting
    section = Section()
    community.add('services', section)
    other = Tenant('county', '孙吴县外')
    root.add('sunwuxyz', other)                 # shares the county's path as a prefix
    return root


def nodes(root):
    community = root['sunwu']['qingxi']['xing fu']
    return [root, root['sunwu'], root['sunwu']['qingxi'], community,
            community['services'], root['sunwuxyz']]


CALLS = [
    ((), {}),
    (('@@edit',), {}),
    (('@@search', '中 文'), {'query': {'q': '低保', 'page': '2'}}),
    ((), {'query': 'a=1', 'anchor': 'top'}),
    ((), {'query': None, 'anchor': None}),
    ((), {'app_url': 'https://other.example.cn/app'}),
    (('x',), {'scheme': 'https'}),
]


@pytest.mark.parametrize('environ', [
    {},
    {VH_ROOT_KEY: '/sunwu'},
    {VH_ROOT_KEY: '/sunwu/'},
    {VH_ROOT_KEY: '/sunwu/qingxi'},
    {'SCRIPT_NAME': '/site', 'HTTP_HOST': 'sunwu.example.cn:8080'},
])
def test_every_url_is_pyramids(tree, environ):
    with testing.testConfig() as config:
        ours = Request.blank('/', environ=dict(environ))
        theirs = PyramidRequest.blank('/', environ=dict(environ))
        ours.registry = theirs.registry = config.registry
        for _ in range(2):                       # the second round answers from the memo
            for node in nodes(tree) + [None]:    # None: a page without a context
                for elements, kw in CALLS:
                    assert (ours.resource_url(node, *elements, **kw)
                            == theirs.resource_url(node, *elements, **kw))


def test_a_resource_that_makes_its_own_url_is_asked(tree):
    class Special(Section):
        def __resource_url__(self, request, info):
            return 'https://elsewhere.example.cn' + info['virtual_path']

    tree['sunwu'].add('special', Special())
    with testing.testConfig() as config:
        request = Request.blank('/')
        request.registry = config.registry
        assert (request.resource_url(tree['sunwu']['special'], 'x')
                == 'https://elsewhere.example.cn/sunwu/special/x')
        assert request.resource_url(tree['sunwu']) == 'http://localhost/sunwu/'


def test_a_post_never_links_to_a_remembered_path(tree):
    county = tree['sunwu']
    with testing.testConfig() as config:
        for method, expected in (('GET', 'sunwu'), ('POST', 'sunwu2')):
            request = Request.blank('/', method=method)
            request.registry = config.registry
            assert request.resource_url(county['qingxi']) == 'http://localhost/sunwu/qingxi/'
            county.__name__ = 'sunwu2'           # as a move within the request would
            assert (request.resource_url(county['qingxi'])
                    == 'http://localhost/%s/qingxi/' % expected)
            county.__name__ = 'sunwu'
