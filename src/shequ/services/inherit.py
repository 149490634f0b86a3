"""Standard services inherited down the tenant tree, with local overrides and hiding.

A county/district/township/street publishes a `standard` service once; every tenant below
shows it through a non-persistent `InheritedService` proxy. What a tenant changes is kept
on its own services section: `overrides` (slug → local fields) and `hidden_standard`
(slugs it does not offer). Both are looked up along the lineage, nearest tenant first, so
a township's override or hiding also holds for its communities.
"""
from ..tree import Section, Tenant, find_tenant, lineage_tenants
from ..tree.ops import modify
from .schema import OVERRIDE_FIELDS, STANDARD_KINDS

SECTION = 'services'


class InheritedService:
    """A standard service from above as one tenant shows it: the standard plus local fields.

    Not stored: made on each traversal, so editing the standard changes every page below.
    """

    type_name = 'service'
    inherited = True

    def __init__(self, source, section, local):
        self.source = source
        self.__name__ = source.__name__
        self.__parent__ = section
        self.local = dict(local)

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        if name in OVERRIDE_FIELDS and self.local.get(name):
            return self.local[name]
        return getattr(self.source, name)

    @property
    def owner(self):
        """The tenant that sets the standard."""
        return find_tenant(self.source)

    @property
    def overridden(self):
        """Names of the fields this tenant (or one between) sets locally."""
        return frozenset(k for k, v in self.local.items() if v)

    def is_public(self, now=None):
        return self.source.is_public(now)

    def search_fields(self):
        return self.source.search_fields()


def services_section(tenant):
    """The services section of `tenant`."""
    return tenant.data[SECTION]


def _is_standard(item):
    return getattr(item, 'standard', False) and getattr(item, 'type_name', None) == 'service' \
        and not getattr(item, 'inherited', False)


def standards_above(tenant):
    """{slug: standard Service} published by the tenants above `tenant`, nearest first wins."""
    found = {}
    for ancestor in lineage_tenants(tenant.__parent__):
        if ancestor.kind not in STANDARD_KINDS:
            continue
        for slug, item in services_section(ancestor).items():
            if slug not in found and _is_standard(item) and item.is_public():
                found[slug] = item
    return found


def _between(tenant, owner):
    """Tenants from `tenant` up to, not including, `owner`."""
    for node in lineage_tenants(tenant):
        if node is owner:
            return
        yield node


def is_hidden(tenant, source):
    """Whether `tenant` or a tenant between it and the standard's owner hides it."""
    owner = find_tenant(source)
    return any(source.__name__ in getattr(services_section(t), 'hidden_standard', ())
               for t in _between(tenant, owner))


def local_fields(tenant, source):
    """The override fields in force at `tenant`: its own, else the nearest tenant's above."""
    owner, merged = find_tenant(source), {}
    for node in _between(tenant, owner):
        own = getattr(services_section(node), 'overrides', None)
        for key, value in ((own or {}).get(source.__name__) or {}).items():
            if value and key not in merged:
                merged[key] = value
    return merged


def proxy(section, source):
    """The inherited view of `source` in `section`."""
    return InheritedService(source, section, local_fields(section.__parent__, source))


def inherited_services(section, include_hidden=False):
    """Proxies of every standard `section`'s tenant inherits and does not store itself."""
    tenant = section.__parent__
    if not isinstance(tenant, Tenant):
        return []
    out = []
    for slug, source in sorted(standards_above(tenant).items()):
        if slug in section.data:
            continue
        if not include_hidden and is_hidden(tenant, source):
            continue
        out.append(proxy(section, source))
    return out


def hidden_here(section):
    """Proxies of the standards hidden by this very section (for staff to unhide)."""
    hidden = getattr(section, 'hidden_standard', ())
    return [p for p in inherited_services(section, include_hidden=True) if p.__name__ in hidden]


def find_inherited(section, name):
    """Section fallback: the proxy of standard `name` from above, unless hidden here."""
    tenant = section.__parent__
    if not isinstance(tenant, Tenant):
        return None
    source = standards_above(tenant).get(name)
    if source is None or is_hidden(tenant, source):
        return None
    return proxy(section, source)


def catalogue_items(section, request):
    """Section listing: stored services plus the inherited standards this tenant shows."""
    return list(section.values()) + inherited_services(section)


def set_hidden(section, slug, hidden, request=None, registry=None):
    """Hide (or show again) inherited standard `slug` at `section`'s tenant."""
    current = set(getattr(section, 'hidden_standard', ()) or ())
    wanted = current | {slug} if hidden else current - {slug}
    if wanted == current:
        return False
    modify(section, request or registry, action='hide' if hidden else 'unhide', detail=slug,
           hidden_standard=tuple(sorted(wanted)))
    return True


def set_overrides(section, slug, fields, request=None, registry=None):
    """Store the local fields of inherited standard `slug` (empty ones are dropped)."""
    store = getattr(section, 'overrides', None) or {}
    clean = {k: str(v).strip() for k, v in fields.items() if k in OVERRIDE_FIELDS and v}
    if clean == dict(store.get(slug) or {}):
        return False
    overrides = {key: dict(value) for key, value in store.items() if key != slug}
    if clean:
        overrides[slug] = clean
    modify(section, request or registry, action='override', detail=slug, overrides=overrides)
    return True


def apply_hidden(tenant, slugs, registry):
    """Tenant-tree key `hidden_standard`: the file lists every slug this tenant hides."""
    section = services_section(tenant)
    wanted = set(slugs)
    for slug in set(getattr(section, 'hidden_standard', ())) - wanted:
        set_hidden(section, slug, False, registry=registry)
    for slug in wanted:
        set_hidden(section, slug, True, registry=registry)


def apply_overrides(tenant, value, registry):
    """Tenant-tree key `overrides`: local fields per inherited standard slug."""
    section = services_section(tenant)
    for slug, fields in value.items():
        set_overrides(section, slug, fields, registry=registry)


def is_services_section(obj):
    return isinstance(obj, Section) and obj.__name__ == SECTION
