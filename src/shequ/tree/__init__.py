"""The tenant tree: Root, tenants (county → township/street → community/village), sections."""
import logging
import re

from persistent.mapping import PersistentMapping
from pyramid.exceptions import ConfigurationError
from pyramid.interfaces import VH_ROOT_KEY
from pyramid.threadlocal import get_current_registry
from pyramid.traversal import find_interface, resource_path

from ..evolve import record_all_finished
from ..extensions import SectionDeclaration, get_extensions, query_extensions
from ..i18n import _
from .container import Container
from .events import ObjectAdded, ObjectModified, ObjectRemoved, ObjectWillBeRemoved  # noqa: F401

log = logging.getLogger(__name__)

ZODB_ROOT_KEY = 'shequ'
SLUG_RE = re.compile(r'^[a-z0-9]([a-z0-9-]*[a-z0-9])?$')

KINDS = {
    'county': _('County'),
    'district': _('District'),
    'township': _('Township'),
    'street': _('Street'),
    'community': _('Community'),
    'village': _('Village'),
}
# which kinds may sit below which: county/district → township/street → community/village
LEVEL = {'county': 1, 'district': 1, 'township': 2, 'street': 2, 'community': 3, 'village': 3}


class Root(Container):
    """The platform: holds the counties (and, later, users).

    `evolved` records the evolution steps the data has had (see `shequ.evolve`) and
    `sections_ensured` the declared sections every tenant has been given.
    """

    title = _('Community service platform')
    kind = 'root'

    def __init__(self):
        super().__init__()
        from .log import AppendLog
        # the change journal: one entry per transaction naming the paths it changed,
        # read by the search indexer (made with the root, so writers never race for it)
        self.changes = AppendLog()

    def tenants(self):
        """Child tenants in title order."""
        return sorted((v for v in self.values() if isinstance(v, Tenant)), key=sort_key)


def declared_sections(registry=None):
    """Names of the declared sections in display order; None when no application is
    configured on `registry` (default: the current one), e.g. in a bare script or test."""
    extensions = query_extensions(registry or get_current_registry())
    return extensions.section_names() if extensions is not None else None


class Section(Container):
    """A reserved-name folder of one content kind inside a tenant.

    Sections are declared by content kinds (`config.add_section`). Traversal
    (`section[name]`) also finds what the section's content kind lends it through
    `config.add_section_fallback`; `get`, `keys` and `values` see only stored items.
    """

    kind = 'section'

    def __getitem__(self, name):
        try:
            return self.data[name]
        except KeyError:
            extensions = query_extensions(get_current_registry())
            fallback = (extensions.section_fallbacks.get(self.__name__)
                        if extensions is not None else None)
            found = fallback(self, name) if fallback is not None else None
            if found is None:
                raise
            return found

    @property
    def title(self):
        extensions = query_extensions(get_current_registry())
        return extensions.section_label(self.__name__) if extensions is not None else self.__name__


class Tenant(Container):
    """A county, district, township, street, community or village."""

    def __init__(self, kind, title, settings=None):
        super().__init__()
        if kind not in KINDS:
            raise ValueError('unknown tenant kind %r' % kind)
        self.kind = kind
        self.title = title
        self.settings = PersistentMapping(settings or {})
        self.order = 0

    @property
    def kind_label(self):
        return KINDS[self.kind]

    def tenants(self):
        """Sub-tenants in display order."""
        return sorted((v for v in self.values() if isinstance(v, Tenant)), key=sort_key)

    def sections(self, registry=None):
        """The tenant's declared sections, in declared order.

        A section stored but no longer declared is kept (data is never thrown away) but
        not listed. Without a configured application (a bare script or test) every stored
        section is listed, by name.
        """
        names = declared_sections(registry)
        if names is None:
            return [v for v in self.values() if isinstance(v, Section)]
        return [s for s in (self.data.get(n) for n in names) if isinstance(s, Section)]

    def ensure_sections(self, registry=None):
        """Add every declared section the tenant lacks; returns the names added.

        A declared name a sub-tenant already took (possible only for a newly declared
        section) is left to that sub-tenant and logged.
        """
        added = []
        for name in declared_sections(registry) or ():
            child = self.data.get(name)
            if child is None:
                self.add(name, Section(), registry=registry)
                added.append(name)
            elif not isinstance(child, Section):
                log.warning('%s: %r is a declared section name, but a %s holds it',
                            tenant_path(self), name, type(child).__name__)
        return added

    def on_added(self, registry):
        """Called by `Container.add`: a new tenant gets every declared section."""
        self.ensure_sections(registry)

    def add(self, name, obj, registry=None):
        """Add a child; sub-tenants may not take a declared section name."""
        if isinstance(obj, Tenant) and name in (declared_sections(registry) or ()):
            raise ValueError('%r is a reserved section name' % name)
        return super().add(name, obj, registry=registry)


def sort_key(tenant):
    """Tenants sort by explicit order, then slug."""
    return (getattr(tenant, 'order', 0), tenant.__name__)


def lineage_tenants(resource):
    """Tenants from `resource` (inclusive) up to the top, nearest first."""
    node = resource
    while node is not None:
        if isinstance(node, Tenant):
            yield node
        node = node.__parent__


def find_tenant(resource):
    """The nearest tenant containing `resource` (or the resource itself), or None."""
    return find_interface(resource, Tenant)


def find_county(resource):
    """The top-level tenant of `resource`'s lineage (its county or district), or None."""
    top = None
    for tenant in lineage_tenants(resource):
        top = tenant
    return top


def find_root(resource):
    """The platform Root of `resource`."""
    return find_interface(resource, Root)


def effective_setting(resource, key, default=None):
    """A tenant setting resolved along the lineage: own value, else the nearest ancestor's."""
    for tenant in lineage_tenants(resource):
        settings = getattr(tenant, 'settings', None)
        if settings is not None and key in settings:
            return settings[key]
    return default


def setting_source(resource, key):
    """(value, tenant) of a setting along the lineage; `key` may be 'contact.phone'.

    (None, None) when no tenant sets it. Host names are never inherited.
    """
    from .settings import NOT_INHERITED, get_flat
    for tenant in lineage_tenants(resource):
        settings = getattr(tenant, 'settings', None)
        if settings is not None:
            try:
                return get_flat(settings, key), tenant
            except KeyError:
                pass
        if key in NOT_INHERITED:
            break
    return None, None


def effective_contact(resource):
    """The contact details, each inherited on its own (a community's phone, its county's
    e-mail)."""
    from .settings import CONTACT_KEYS
    out = {}
    for key in CONTACT_KEYS:
        value, _source = setting_source(resource, 'contact.' + key)
        if value:
            out[key] = value
    return out


def shown_sections(tenant, registry=None):
    """The tenant's sections to show, in the order its (inherited) `sections` setting
    gives; every declared section when unset."""
    sections = tenant.sections(registry)
    chosen = effective_setting(tenant, 'sections')
    if chosen is None:
        return sections
    by_name = {s.__name__: s for s in sections}
    return [by_name[n] for n in chosen if n in by_name]


def path_url(request, path):
    """The URL of the resource at traversal `path`, honouring a virtual root (a tenant's
    own host name), without traversing to it."""
    vroot = (request.environ.get(VH_ROOT_KEY) or '').rstrip('/')
    if vroot and (path == vroot or path.startswith(vroot + '/')):
        path = path[len(vroot):] or '/'
    return request.application_url + path


def tenant_path(resource):
    """The traversal path of a resource, '/' for the root."""
    return resource_path(resource) or '/'


def ancestor_paths(resource):
    """Paths of every tenant from the top down to the one holding `resource`."""
    return [tenant_path(t) for t in reversed(list(lineage_tenants(resource)))]


def walk_tenants(container):
    """Every tenant below `container`, depth-first, parents before children."""
    for child in container.tenants():
        yield child
        yield from walk_tenants(child)


def get_root(conn, create=False, registry=None):
    """The platform root stored in a ZODB connection; created only when asked to.

    A new root has had every registered evolution step and holds no tenant yet, so every
    declared section counts as ensured. Creating needs the application's registry.
    """
    zroot = conn.root()
    root = zroot.get(ZODB_ROOT_KEY)
    if root is None and create:
        registry = registry or get_current_registry()
        names = declared_sections(registry)
        if names is None:
            raise ValueError('creating the root needs the configured application registry')
        root = Root()
        record_all_finished(root, registry)
        root.sections_ensured = tuple(names)
        zroot[ZODB_ROOT_KEY] = root
    return root


def root_factory(request):
    """Traversal root; on an empty database answer an unsaved Root (GET never writes).

    A request for a host name a tenant has claimed (its `hosts` setting, mapped in
    `root.hosts`) gets that tenant as its virtual root (Pyramid's `HTTP_X_VHM_ROOT`): it
    traverses from there and every `resource_url` leaves the tenant's path out. A client's
    own `X-Vhm-Root` header is never trusted.
    """
    from pyramid_zodbconn import get_connection
    from .hosts import tenant_path_for_host
    request.environ.pop(VH_ROOT_KEY, None)
    root = get_root(get_connection(request))
    if root is None:
        return Root()
    path = tenant_path_for_host(root, request.host)
    if path:
        request.environ[VH_ROOT_KEY] = path
    return root


class SectionPredicate:
    """View predicate `section='services'`: the context is that section of a tenant."""

    def __init__(self, val, config):
        self.val = val

    def text(self):
        return 'section = %s' % self.val

    phash = text

    def __call__(self, context, request):
        return isinstance(context, Section) and context.__name__ == self.val


def add_section(config, name, label, order=100):
    """Configurator directive: declare a section every tenant has, shown by `order`.

    The name is reserved: no sub-tenant may take it. Tenants made before the declaration
    get the section from `shequ evolve` (the `add_missing_sections` step).
    """
    if not isinstance(name, str) or not SLUG_RE.match(name):
        raise ConfigurationError('invalid section name %r' % (name,))
    extensions = get_extensions(config.registry)
    declaration = SectionDeclaration(name=name, label=label, order=order)
    config.action(('shequ.section', name),
                  lambda: extensions.sections.__setitem__(name, declaration))


def add_section_fallback(config, section_name, func):
    """Configurator directive: let traversal of `section_name` find `func(section, name)`."""
    extensions = get_extensions(config.registry)
    config.action(('shequ.section_fallback', section_name),
                  lambda: extensions.section_fallbacks.__setitem__(section_name, func))


def includeme(config):
    """The section directives and predicate, the section evolution step, the tree's views,
    and the request whose `resource_url` is memoised (`urls.py`)."""
    from .evolution import add_missing_sections, sections_not_ensured
    config.include('shequ.evolve')
    config.set_request_factory('shequ.tree.urls.Request')
    config.add_view_predicate('section', SectionPredicate)
    config.add_directive('add_section', add_section)
    config.add_directive('add_section_fallback', add_section_fallback)
    config.add_evolution_step(add_missing_sections, name='add_missing_sections', generation=1,
                              needed=sections_not_ensured)
    config.include('.hosts')
    config.scan('.views')
    config.include('.views')
