"""The tenant tree: Root, tenants (county → township/street → community/village), sections."""
import re

from persistent.mapping import PersistentMapping
from pyramid.threadlocal import get_current_registry
from pyramid.traversal import find_interface, resource_path

from ..extensions import get_extensions, query_extensions
from ..i18n import _
from .container import Container
from .events import ObjectAdded, ObjectModified, ObjectRemoved, ObjectWillBeRemoved  # noqa: F401

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

# reserved section names, in display order, with their Chinese labels
SECTIONS = (
    ('services', _('Service guides')),
    ('notices', _('Notices')),
    ('duties', _('Duty lists')),
    ('volunteers', _('Volunteers')),
    ('documents', _('Standard documents')),
    ('requests', _('Resident requests')),
)
SECTION_NAMES = tuple(name for name, _label in SECTIONS)
SECTION_LABELS = dict(SECTIONS)


class Root(Container):
    """The platform: holds the counties (and, later, users)."""

    title = _('Community service platform')
    kind = 'root'
    generation = 0

    def tenants(self):
        """Child tenants in title order."""
        return sorted((v for v in self.values() if isinstance(v, Tenant)), key=sort_key)


class Section(Container):
    """A fixed, reserved-name folder of one content kind inside a tenant.

    Traversal (`section[name]`) also finds what the section's content kind lends it
    through `config.add_section_fallback`; `get`, `keys` and `values` see only stored items.
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
        return SECTION_LABELS.get(self.__name__, self.__name__)


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
        for name in SECTION_NAMES:
            self.add(name, Section(), send_events=False)

    @property
    def kind_label(self):
        return KINDS[self.kind]

    def tenants(self):
        """Sub-tenants in display order."""
        return sorted((v for v in self.values() if isinstance(v, Tenant)), key=sort_key)

    def sections(self):
        """The tenant's sections, in the canonical order."""
        return [self.data[n] for n in SECTION_NAMES if n in self.data]

    def add(self, name, obj, send_events=True, registry=None):
        """Add a child; sub-tenants may not take a reserved section name."""
        if isinstance(obj, Tenant) and name in SECTION_NAMES:
            raise ValueError('%r is a reserved section name' % name)
        return super().add(name, obj, send_events=send_events, registry=registry)


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


def get_root(conn, create=False):
    """The platform root stored in a ZODB connection; created only when asked to."""
    zroot = conn.root()
    root = zroot.get(ZODB_ROOT_KEY)
    if root is None and create:
        from ..evolve import CURRENT_GENERATION
        root = Root()
        root.generation = CURRENT_GENERATION
        zroot[ZODB_ROOT_KEY] = root
    return root


def root_factory(request):
    """Traversal root; on an empty database answer an unsaved Root (GET never writes)."""
    from pyramid_zodbconn import get_connection
    root = get_root(get_connection(request))
    return root if root is not None else Root()


class SectionPredicate:
    """View predicate `section='services'`: the context is that section of a tenant."""

    def __init__(self, val, config):
        self.val = val

    def text(self):
        return 'section = %s' % self.val

    phash = text

    def __call__(self, context, request):
        return isinstance(context, Section) and context.__name__ == self.val


def add_section_fallback(config, section_name, func):
    """Configurator directive: let traversal of `section_name` find `func(section, name)`."""
    extensions = get_extensions(config.registry)
    config.action(('shequ.section_fallback', section_name),
                  lambda: extensions.section_fallbacks.__setitem__(section_name, func))


def includeme(config):
    """Register the section predicate, the fallback directive and the tree's views."""
    config.add_view_predicate('section', SectionPredicate)
    config.add_directive('add_section_fallback', add_section_fallback)
    config.scan('.views')
    config.include('.views')
