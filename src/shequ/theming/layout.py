"""The page helper templates use as `ui`: breadcrumbs, navigation, contact, theme."""
import os
import threading
import time
from urllib.parse import urlencode

from pyramid.decorator import reify
from pyramid.interfaces import VH_ROOT_KEY
from pyramid.path import AssetResolver
from pyramid.traversal import find_root, lineage, resource_path
from zope.interface import Interface

from ..clock import fmt
from ..i18n import LOCALES, _, translate
from ..pagecache.memo import visitor_value
from ..security import SESSION_COOKIE
from ..tree import (Root, Section, Tenant, find_tenant, path_url, setting_source,
                    shown_sections)
from ..tree.settings import CONTACT_KEYS
from .themes import get_themes

ELDER_COOKIE = 'shequ_elder'


class IStaticURLs(Interface):
    """The StaticURLs memo of an application."""


class StaticURLs:
    """`request.static_url` of the layout's assets, made once per process and host.

    A static URL depends only on the asset and the application URL, and its `?v=` on the
    file's content, which the cache buster re-hashes when the file's size or time change:
    each answer is kept with that mark and made afresh when the file's stat differs. The
    file is stat'ed at most once every STAT_EVERY seconds per URL: a page names a dozen
    assets, and each stat lets go of the GIL, which a thread then waits for behind the
    others under load (a replaced file shows within that second).
    """

    STAT_EVERY = 1.0

    def __init__(self, clock=time.monotonic):
        self._known = {}
        self._paths = {}
        self._lock = threading.Lock()
        self._resolver = AssetResolver()
        self._clock = clock

    def _path(self, spec):
        path = self._paths.get(spec)
        if path is None:
            path = spec if os.path.isabs(spec) else self._resolver.resolve(spec).abspath()
            self._paths[spec] = path
        return path

    def url(self, request, spec, app_url):
        key = (spec, app_url)
        known = self._known.get(key)
        now = self._clock()
        if known is not None and now < known[2]:
            return known[1]
        path = self._path(spec)
        try:
            stat = os.stat(path)
            mark = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            mark = None
        if known is not None and mark is not None and known[0] == mark:
            url = known[1]
        else:
            url = request.static_url(spec)
        if mark is not None:
            with self._lock:
                self._known[key] = (mark, url, now + self.STAT_EVERY)
        return url


def static_urls(registry):
    memo = registry.queryUtility(IStaticURLs)
    return memo if memo is not None else StaticURLs()


class Layout:
    """Everything the base layout needs to know about the current page."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    fmt = staticmethod(fmt)

    @reify
    def user(self):
        """The logged-in user, or None."""
        return self.request.identity

    def can(self, permission, resource=None):
        """Whether the requester has `permission` on `resource` (default: the context)."""
        resource = self.context if resource is None else resource
        return resource is not None and bool(self.request.has_permission(permission, resource))

    @reify
    def flash(self):
        """Messages queued for this page (shown once). A visitor without a session cookie
        has none, unless this request queued them: the session is then not even looked at,
        so what the page shows after this stays shareable (`memo.is_visitor`)."""
        request = self.request
        if 'session' not in request.__dict__ and SESSION_COOKIE not in request.cookies:
            return []
        session = request.session
        if not session.peek_flash():  # peeking does not set a cookie for every visitor
            return []
        return [self.translate(m) for m in session.pop_flash()]

    @reify
    def toolbar(self):
        """(label, url) of the management actions available here."""
        from ..content import Content
        from ..tree import Section
        ctx, out = self.context, []
        if isinstance(ctx, Section) and self.can('view_unpublished'):
            out.append((_('Manage content'), self.url(ctx, '@@contents')))
        if isinstance(ctx, Content):
            if self.can('edit'):
                out.append((_('Edit'), self.url(ctx, '@@edit')))
            if self.can('delete'):
                out.append((_('Delete'), self.url(ctx, '@@delete')))
        if isinstance(ctx, Tenant) and self.can('manage'):
            out.append((_('Site settings'), self.url(ctx, '@@settings')))
        if isinstance(ctx, (Tenant, Root)) and self.can('manage'):
            out.append((_('Members and roles'), self.url(ctx, '@@members')))
            out.append((_('Audit log'), self.url(ctx, '@@audit')))
        return [(self.translate(label), url) for label, url in out]

    @staticmethod
    def safe_html(html):
        """Rich text as stored, cleaned once more on the way out (defence in depth)."""
        from ..content.richtext import sanitize
        return sanitize(html)

    def translate(self, msg):
        """Translate a TranslationString (plain strings pass through)."""
        return translate(self.request, msg)

    @reify
    def root(self):
        return find_root(self.context) if self.context is not None else None

    @reify
    def tenant(self):
        """The tenant whose site this page belongs to (None on the platform home)."""
        return find_tenant(self.context) if self.context is not None else None

    @reify
    def site(self):
        """The tenant, or the root on platform pages."""
        return self.tenant if self.tenant is not None else self.root

    def url(self, resource, *elements, **kw):
        return self.request.resource_url(resource, *elements, **kw)

    def path_url(self, path):
        """URL of a stored path (an audit entry's), on this host."""
        return path_url(self.request, path)

    @reify
    def breadcrumbs(self):
        """(title, url) from the platform home down to the current context.

        They stop above the first node the requester may not view, so a page that any
        visitor may open under a draft (404, login, forbidden) does not show its title.
        Shared by visitors without a login (`visitor_value`), like `sections`.
        """
        if self.context is None:
            return []
        return visitor_value(self.request, self.context, 'layout.breadcrumbs',
                             self._breadcrumbs)

    def _breadcrumbs(self):
        crumbs = []
        nodes = []
        vroot = self.request.environ.get(VH_ROOT_KEY)
        for node in lineage(self.context):
            nodes.append(node)
            if vroot and resource_path(node) == vroot:
                break        # on a tenant's own host name its home is the top
        for node in reversed(nodes):
            if not self.can('view', node):
                break
            title = self.translate(getattr(node, 'title', node.__name__) or '')
            crumbs.append((title, self.url(node)))
        return crumbs

    @reify
    def sections(self):
        """(name, label, url, active) for the tenant's enabled sections.

        A visitor is shown only the sections with something they may see (as the home
        page's cards); staff, who add to empty ones, see them all. Reified, so it costs
        once per request however often the page asks.
        """
        if self.tenant is None:
            return []
        return visitor_value(self.request, self.context, 'layout.sections', self._sections)

    def _sections(self):
        current = None
        for node in lineage(self.context):
            if isinstance(node, Section):
                current = node.__name__
        staff = self.can('edit', self.tenant)
        return [(s.__name__, self.translate(s.title), self.url(s), s.__name__ == current)
                for s in shown_sections(self.tenant, self.request.registry)
                if staff or s.__name__ == current or self.has_visible(s)]

    def has_visible(self, section):
        """Whether `section` lists anything the requester may see.

        The section's index answers without loading an item; a section without one (or
        lending items, like inherited standards) looks at stored items until a public one,
        and only then asks the kind's listing."""
        from ..content.listing import indexed_names, visible_items
        from ..security.roles import publicly_visible
        names = indexed_names(section, self.request)
        if names is not None:
            return next(names, None) is not None
        for item in section.values():
            if getattr(item, 'type_name', None) and publicly_visible(item):
                return True
        return bool(visible_items(section, self.request))

    @reify
    def subtenants(self):
        """Tenants directly below the current site."""
        site = self.site
        return site.tenants() if isinstance(site, (Root, Tenant)) else []

    @reify
    def subtenant_links(self):
        """(title, url, kind label) of the tenants directly below the current site (the
        platform home lists every county), shared by visitors without a login."""
        site = self.site
        if site is None:
            return []
        return visitor_value(self.request, site, 'layout.subtenant_links', lambda: [
            (t.title, self.url(t), self.translate(t.kind_label)) for t in self.subtenants])

    @reify
    def contact(self):
        """The effective contact block (address, phone, hours, email) of the tenant."""
        if self.tenant is None:
            return {}
        return visitor_value(self.request, self.tenant, 'layout.contact', self._contact)

    def _contact(self):
        out = {}                  # as `tree.effective_contact`, through this page's memo
        for key in CONTACT_KEYS:
            value, _source = self.setting_source('contact.' + key)
            if value:
                out[key] = value
        return out

    def setting(self, key, default=None):
        """A setting of the current tenant, inherited along the lineage."""
        if self.tenant is None:
            return default
        value, _source = self.setting_source(key)
        return default if value is None else value

    def setting_source(self, key):
        """`tree.setting_source` of the tenant, asked once per key and page."""
        known = self._sources.get(key)
        if known is None:
            known = self._sources[key] = setting_source(self.tenant, key)
        return known

    @reify
    def _sources(self):
        return {}

    @reify
    def theme_info(self):
        """The tenant's theme (a `themes.Theme`), resolved along the lineage."""
        return get_themes(self.request.registry).get(self.setting('theme', 'default'))

    @reify
    def theme(self):
        return self.theme_info.name

    def static(self, path, theme=None):
        """URL of an asset of the tenant's theme (or of `theme`)."""
        return self.static_url('%s/%s/static/%s' % (
            self.request.registry.settings['shequ.themes_dir'], theme or self.theme, path))

    def static_url(self, spec):
        """`request.static_url(spec)`, kept per process (`StaticURLs`)."""
        return static_urls(self.request.registry).url(self.request, spec, self.app_url)

    @reify
    def app_url(self):
        return self.request.application_url

    @reify
    def stylesheets(self):
        """URLs of the theme's CSS files, then the tenant's colours, if it sets any."""
        urls = [self.static(name, theme) for theme, name in self.theme_info.css]
        colours = self.colours_url
        return urls + ([colours] if colours else [])

    @reify
    def print_stylesheets(self):
        return [self.static(name, theme) for theme, name in self.theme_info.print_css]

    @reify
    def colours_url(self):
        """`@@theme.css?v=…` of the tenant when it (or a tenant above) sets colours."""
        from .views import colours_css
        if self.tenant is None:
            return None
        css, version = colours_css(self.tenant)
        if css is None:
            return None
        return self.url(self.tenant, '@@theme.css', query={'v': version})

    @reify
    def emblem_url(self):
        """The (inherited) emblem's URL, or None."""
        from .views import effective_emblem
        if self.tenant is None:
            return None
        emblem, owner = effective_emblem(self.tenant)
        if emblem is None:
            return None
        return self.url(owner, '@@emblem', query={'v': emblem.digest[:12]})

    @reify
    def elder(self):
        """Whether the visitor chose elder mode (长辈模式)."""
        return self.request.cookies.get(ELDER_COOKIE) == '1'

    def elder_url(self, on):
        return self.url(self.site if self.site is not None else self.root, '@@elder',
                        query={'on': '1' if on else '0', 'came_from': self.request.url})

    @reify
    def login_url(self):
        """The staff login link: back to this page afterwards — on the login page itself,
        back to where that page would send you, never to a login page within a login page."""
        request = self.request
        came_from = request.url
        if request.view_name == 'login':
            came_from = request.params.get('came_from', '')
            if not came_from or '@@login' in came_from:
                came_from = request.resource_url(self.site if self.site is not None
                                                 else self.root)
        return self.url(self.site, '@@login', query={'came_from': came_from})

    @reify
    def banner(self):
        """The banner text on a tenant's home page (inherited), or ''."""
        if not isinstance(self.context, Tenant):
            return ''
        return self.setting('banner', '')

    @reify
    def site_title(self):
        if self.tenant is not None:
            return self.translate(self.tenant.title)
        return self.translate(self.site.title) if self.site is not None else ''

    @reify
    def brand(self):
        """The name in the header: the (inherited) site title, else the tenant's title."""
        return self.setting('site_title') or self.site_title

    @reify
    def short_name(self):
        """The (inherited) short name, shown instead of the site title on phones."""
        return self.setting('short_name') if self.brand != self.site_title else None

    @reify
    def home(self):
        """Where the header's name links: the tenant whose site title is shown, else the
        current site."""
        if self.tenant is not None:
            _value, source = self.setting_source('site_title')
            if source is not None and self.can('view', source):
                return source
        return self.site

    @reify
    def search_url(self):
        return self.url(self.site, '@@search') if self.site is not None else '#'

    @reify
    def locale(self):
        return self.request.locale_name

    def page_url(self, number):
        """The current page's URL at page `number`, keeping its other parameters."""
        params = [(k, v) for k, v in self.request.GET.items() if k != 'page']
        params.append(('page', str(number)))
        return self.request.path_url + '?' + urlencode(params)

    def locale_url(self, name):
        """The current page in another locale, keeping its other parameters."""
        params = [(k, v) for k, v in self.request.GET.items() if k != '_LOCALE_']
        params.append(('_LOCALE_', name))
        return self.request.path_url + '?' + urlencode(params)

    @property
    def other_locales(self):
        labels = {'zh_CN': '中文', 'en': 'English'}
        return [(name, labels[name], self.locale_url(name))
                for name in LOCALES if name != self.locale]
