"""Search pages: `@@search` (HTML), `@@search.json`, and a county's `@@synonyms` form."""

from pyramid.encode import urlencode
from pyramid.httpexceptions import HTTPBadRequest, HTTPFound
from pyramid.renderers import render
from pyramid.traversal import find_resource
from pyramid.view import view_config

from ..content import get_content_registry
from ..extensions import get_extensions
from ..content.listing import Page
from ..i18n import _
from ..pagecache import on_hit
from ..pagecache.memo import visitor_html
from ..security.audit import record
from ..security.throttle import client_address
from ..tree import (Root, Tenant, ancestor_paths, find_county, lineage_tenants, path_url,
                    tenant_path)
from .pagecache_hooks import USAGE_HOOK
from .results import Scope
from .subscribers import get_search
from .synonyms import SynonymError, county_synonyms, set_county_synonyms

PAGE_SIZE = 10
MAX_SUGGEST_CHARS = 30
MAX_LIMIT = 50


LEVELS = ('here', 'above')
# the facet naming a tenant's own side, by its kind (本社区, 本村, 本街道 …)
HERE_LABELS = {
    'county': _('This county'), 'district': _('This district'), 'township': _('This township'),
    'street': _('This street'), 'community': _('This community'), 'village': _('This village'),
}


def below_types(registry):
    """Names of the content kinds whose items apply to every tenant below their own."""
    return tuple(sorted(t.name for t in get_content_registry(registry).types.values()
                        if t.applies_below))


def make_scope(context, registry=None, level=None):
    """The Scope of a search at a tenant (or the whole platform at the root)."""
    if isinstance(context, Root):
        return Scope(counties=[t.__name__ for t in context.tenants()])
    paths = ancestor_paths(context)
    county = find_county(context)
    hidden = []
    for tenant in lineage_tenants(context):
        slugs = set()
        for section in tenant.sections():
            slugs.update(getattr(section, 'hidden_standard', ()) or ())
        if slugs:
            hidden.append((ancestor_paths(tenant)[:-1], slugs))
    return Scope(counties=[county.__name__], path=paths[-1], above=paths[:-1], hidden=hidden,
                 county=county, level=level if level in LEVELS else None,
                 below_types=below_types(registry) if registry is not None else ())


def public_only(request, context):
    """Anonymous visitors and anyone without `view_unpublished` see public items only."""
    return not (request.authenticated_userid is not None
                and request.has_permission('view_unpublished', context))


def _int(request, name, default, low, high):
    try:
        return min(max(int(request.params.get(name, default)), low), high)
    except ValueError:
        raise HTTPBadRequest('%s must be a number' % name)


class SearchViews:
    """Both search views share reading the parameters and describing the hits."""

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.search = get_search(request.registry)
        self.q = (request.params.get('q') or '').strip()
        self.filters = {'type': request.params.get('type') or None,
                        'category': request.params.get('category') or None,
                        'owner': request.params.get('tenant') or None}
        self.level = request.params.get('level') or None
        self._search_url = None
        self._titles = {}

    def catch_up(self):
        if self.search.inline and self.search.indexer.behind(self.request.root):
            # development mode: catch up on changes no commit hook has applied yet
            self.search.indexer.apply_db(self.request.root._p_jar.db())

    def run(self, limit, offset):
        self.catch_up()
        scope = make_scope(self.context, self.request.registry, self.level)
        public = public_only(self.request, self.context)
        results = self.search.search(self.q, scope, self.filters, public=public,
                                     limit=limit, offset=offset,
                                     visitor=client_address(self.request))
        if results.hits and offset == 0:
            # the search counted its top hit; a cached copy of this answer counts it per hit
            on_hit(self.request, USAGE_HOOK, results.hits[0].path)
        return scope, results

    def popular(self, scope, results):
        """What is used most in scope, described, when the search found nothing."""
        if results.hits or not self.q:
            return []
        public = public_only(self.request, self.context)
        return [self.describe(h, scope) for h in self.search.most_used(scope, public)]

    def tenant_title(self, path):
        title = self._titles.get(path)
        if title is None:       # hits and facets name the same few tenants
            try:
                title = find_resource(self.request.root, path).title
            except (KeyError, AttributeError):
                title = path
            self._titles[path] = title
        return title

    def type_label(self, name):
        ctype = get_content_registry(self.request.registry).get(name)
        return self.request.localizer.translate(ctype.label) if ctype else name

    def url(self, hit, scope):
        """The item's page; an inherited standard is shown at the scope tenant."""
        inherited = (hit.standard and scope.path != '/' and hit.owner != scope.path
                     and hit.owner in scope.above)
        if inherited:
            return self.request.resource_url(self.context, hit.section, hit.slug)
        return path_url(self.request, hit.path) + '/'

    def describe(self, hit, scope):
        """A hit as the page and JSON show it; one issued above names its issuer
        ("清溪街道 · 通知公告")."""
        tenant = self.tenant_title(hit.owner)
        issuer = None
        if hit.from_above:
            section = get_extensions(self.request.registry).section_label(hit.section)
            issuer = '%s · %s' % (tenant, self.request.localizer.translate(section))
        return {'path': hit.path, 'url': self.url(hit, scope), 'title': hit.title,
                'type': hit.type, 'category': hit.category, 'tenant': tenant,
                'tenant_path': hit.owner, 'snippet': hit.snippet, 'score': hit.score,
                'from_above': hit.from_above, 'issuer': issuer}

    def level_label(self, value):
        if value == 'above':
            return self.request.localizer.translate(_('From above'))
        kind = getattr(self.context, 'kind', None)
        return self.request.localizer.translate(HERE_LABELS.get(kind, _('Here')))

    def facets(self, results):
        labels = {'type': self.type_label, 'category': lambda v: v, 'owner': self.tenant_title,
                  'level': self.level_label}
        out = {('tenant' if name == 'owner' else name):
               [{'value': value, 'label': labels[name](value), 'count': count}
                for value, count in counts if value and count]
               for name, counts in results.facets.items()}
        if 'level' in out:
            out['level'].sort(key=lambda f: LEVELS.index(f['value']))
        if len(out.get('level', ())) < 2 and not self.level:
            out.pop('level', None)      # one side only: nothing to narrow to
        return out

    @view_config(context=Root, name='search.json', renderer='json')
    @view_config(context=Tenant, name='search.json', renderer='json')
    def json(self):
        limit = _int(self.request, 'limit', PAGE_SIZE, 1, MAX_LIMIT)
        offset = _int(self.request, 'offset', 0, 0, 10000)
        scope, results = self.run(limit, offset)
        return {'query': self.q, 'total': results.total,
                'results': [self.describe(h, scope) for h in results.hits],
                'facets': self.facets(results), 'suggestion': results.suggestion,
                'popular': self.popular(scope, results),
                'complete': not results.unavailable}

    @view_config(context=Root, name='suggest.json', renderer='json')
    @view_config(context=Tenant, name='suggest.json', renderer='json')
    def suggest(self):
        """Up to 8 titles for what is typed so far (hanzi, pinyin or initials)."""
        self.catch_up()
        scope = make_scope(self.context, self.request.registry)
        hits = self.search.suggest(self.q[:MAX_SUGGEST_CHARS], scope,
                                   public=public_only(self.request, self.context))
        return {'query': self.q,
                'suggestions': [{'title': h.title, 'url': self.url(h, scope), 'type': h.type,
                                 'tenant': self.tenant_title(h.owner), 'path': h.path,
                                 'from_above': h.from_above} for h in hits]}

    @view_config(context=Root, name='search', renderer='templates/search.pt')
    @view_config(context=Tenant, name='search', renderer='templates/search.pt')
    def html(self):
        """The search page. Visitors without a login share the rendered results of each
        URL and answer state (`pagecache.memo.visitor_html`)."""
        number = _int(self.request, 'page', 1, 1, 1000)
        scope, results = self.run(PAGE_SIZE, (number - 1) * PAGE_SIZE)

        def render_results():
            return render('shequ.search:templates/search_results.pt', {
                'q': self.q, 'results': results,
                'pager': Page(range(results.total), number, PAGE_SIZE),
                'hits': [self.describe(h, scope) for h in results.hits],
                'popular': self.popular(scope, results),       # only when rendered
                'facets': self.facets(results), 'active': dict(self.filters, level=self.level),
                'suggest_url': self.link(q=results.suggestion, page=None),
                'link': self.link}, request=self.request)
        if not self.q:
            html = ''
        elif results.unavailable:
            html = render_results()
        else:
            query = tuple(sorted(self.request.environ.get('QUERY_STRING', '').split('&')))
            html = visitor_html(self.request, self.context,
                                ('search.results', self.request.path_url, query),
                                render_results, extra=(results.state,))
        return {'q': self.q, 'results': results, 'results_html': html}

    def link(self, **changes):
        """This search's URL with some parameters changed (None removes one).

        A page asks for some twenty (one per facet value): the request's parameters are
        read once and each `key=value` pair is encoded once."""
        if self._search_url is None:        # as resource_url(…, query=params) makes it
            self._search_url = self.request.resource_url(self.context, '@@search')
            self._link_params = {k: v for k, v in self.request.GET.items()
                                 if k not in ('page', '_LOCALE_')}
            self._link_pairs = {}
        params = dict(self._link_params)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        if not params:
            return self._search_url
        pairs = self._link_pairs
        encoded = []
        for item in params.items():
            pair = pairs.get(item)
            if pair is None:
                pair = pairs[item] = urlencode([item], doseq=True)
            encoded.append(pair)
        return self._search_url + '?' + '&'.join(encoded)


def staff_panel(tenant, request):
    """On a county's home page, for its staff: the link to the county's search synonyms."""
    if find_county(tenant) is not tenant or not request.has_permission('edit', tenant):
        return None
    return {'synonyms_url': request.resource_url(tenant, '@@synonyms')}


@view_config(context=Tenant, name='synonyms', permission='edit',
             renderer='templates/synonyms.pt')
def synonyms_view(context, request):
    """A county's own synonym list, edited as text (one group per line)."""
    county = find_county(context)
    if county is not context:
        return HTTPFound(request.resource_url(county, '@@synonyms'))
    text, errors, saved = county_synonyms(county), [], False
    if request.method == 'POST':
        text = request.POST.get('synonyms', '')
        try:
            set_county_synonyms(county, text)
            record(county, request, 'settings', county, request.localizer.translate(
                _('Synonyms for search')))
            return HTTPFound(request.resource_url(county, '@@synonyms', query={'saved': '1'}))
        except SynonymError as exc:
            errors = exc.errors
    saved = request.params.get('saved') == '1'
    return {'text': text, 'errors': errors, 'saved': saved, 'path': tenant_path(county),
            'csrf_token': request.session.get_csrf_token(),
            'title': _('Synonyms for search')}
