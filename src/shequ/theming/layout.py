"""The page helper templates use as `ui`: breadcrumbs, navigation, contact, theme."""
from urllib.parse import urlencode

from pyramid.decorator import reify
from pyramid.traversal import find_root, lineage

from ..clock import fmt
from ..i18n import LOCALES, _
from ..tree import Root, Section, Tenant, effective_setting, find_tenant


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
        """Messages queued for this page (shown once)."""
        session = self.request.session
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
        return self.request.localizer.translate(msg)

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

    @reify
    def breadcrumbs(self):
        """(title, url) from the platform home down to the current context.

        They stop above the first node the requester may not view, so a page that any
        visitor may open under a draft (404, login, forbidden) does not show its title.
        """
        if self.context is None:
            return []
        crumbs = []
        for node in reversed(list(lineage(self.context))):
            if not self.can('view', node):
                break
            title = self.translate(getattr(node, 'title', node.__name__) or '')
            crumbs.append((title, self.url(node)))
        return crumbs

    @reify
    def sections(self):
        """(name, label, url, active) for the tenant's enabled sections."""
        if self.tenant is None:
            return []
        enabled = effective_setting(self.tenant, 'sections')
        current = None
        for node in lineage(self.context):
            if isinstance(node, Section):
                current = node.__name__
        return [(s.__name__, self.translate(s.title), self.url(s), s.__name__ == current)
                for s in self.tenant.sections() if enabled is None or s.__name__ in enabled]

    @reify
    def subtenants(self):
        """Tenants directly below the current site."""
        site = self.site
        return site.tenants() if isinstance(site, (Root, Tenant)) else []

    @reify
    def contact(self):
        """The effective contact block (address, phone, hours, email) of the tenant."""
        contact = effective_setting(self.tenant, 'contact') if self.tenant is not None else None
        return contact or {}

    @reify
    def theme(self):
        theme = effective_setting(self.tenant, 'theme', 'default') if self.tenant else 'default'
        themes = self.request.registry.settings.get('shequ.themes') or ['default']
        return theme if theme in themes else 'default'

    def static(self, path):
        """URL of an asset of the tenant's theme."""
        return self.request.application_url + '/_themes/%s/%s' % (self.theme, path)

    @reify
    def site_title(self):
        return self.translate(self.site.title) if self.site is not None else ''

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
