"""Resource URLs made once per resource and request.

A page asks `request.resource_url` for dozens of resources that share their ancestors
(every item of a listing lies in the same section of the same tenant). Pyramid's own
method walks the whole lineage, looks an `IResourceURL` adapter up and parses the URL
overrides on each call. `Request.resource_url` below answers exactly as Pyramid does,
virtual root (a tenant's own host name, `HTTP_X_VHM_ROOT`) included, but keeps each
resource's physical path for the rest of a GET or HEAD (which never change the tree), so
a resource costs one join onto its parent's path; other methods (a POST may move what it
then links to) always ask Pyramid. Anything unusual (an `IResourceURL` adapter or `__resource_url__`,
`app_url`/`scheme`/`host`/`port` or `route_name` arguments) goes to Pyramid's method.
"""
from pyramid.interfaces import IResourceURL, VH_ROOT_KEY
from pyramid.request import Request as PyramidRequest
from pyramid.traversal import quote_path_segment
from pyramid.url import _join_elements, parse_url_overrides

# keyword arguments the fast path understands; any other goes to Pyramid's method
_SIMPLE_KW = frozenset(('query', 'anchor'))


def _physical(memo, resource):
    """Pyramid's joined path tuple of `resource` ('' for an unnamed root), memoised."""
    entry = memo.get(id(resource))
    if entry is not None and entry[0] is resource:
        return entry[1]
    parent = getattr(resource, '__parent__', None)
    name = quote_path_segment(resource.__name__ or '')
    joined = name if parent is None else _physical(memo, parent) + '/' + name
    memo[id(resource)] = (resource, joined)     # the resource is kept: ids stay unique
    return joined


class Request(PyramidRequest):
    """The application's request: Pyramid's, with `resource_url` memoised per request."""

    _url_memo = None

    def resource_url(self, resource, *elements, **kw):
        if (resource is None or (kw and not _SIMPLE_KW.issuperset(kw))
                or self.method not in ('GET', 'HEAD')):
            # a POST may move or rename what it then links to: never a remembered path
            return super().resource_url(resource, *elements, **kw)
        memo = self._url_memo
        if memo is None:
            memo = self._url_memo = {'types': {}, 'paths': {}}
        kind = type(resource)
        simple = memo['types'].get(kind)
        if simple is None:
            # no IResourceURL adapter (looked up per class: nothing here provides
            # interfaces per instance) and no resource-made URL
            simple = memo['types'][kind] = (
                getattr(resource, '__resource_url__', None) is None
                and self.registry.queryMultiAdapter((resource, self), IResourceURL) is None)
        if not simple:
            return super().resource_url(resource, *elements, **kw)
        joined = _physical(memo['paths'], resource)
        if joined == '' and getattr(resource, '__parent__', None) is None:
            physical = '/'
        else:
            physical = (joined or '/') + '/'
        virtual = physical
        vroot = self.environ.get(VH_ROOT_KEY)
        if vroot is not None:
            vroot = vroot.rstrip('/')
            if vroot and physical.startswith(vroot):
                virtual = physical[len(vroot):]
        if kw:
            urlkw = {'_' + k: v for k, v in kw.items() if v is not None}
            app_url, qs, anchor = parse_url_overrides(self, urlkw)
        else:
            app_url = memo.get('app_url')
            if app_url is None:
                app_url = memo['app_url'] = self.application_url
            qs = anchor = ''
        suffix = _join_elements(elements) if elements else ''
        return app_url + virtual + suffix + qs + anchor
