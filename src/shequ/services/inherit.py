"""Standard services inherited down the tenant tree (`content.inherit`), with local overrides.

A county/district/township/street publishes a `standard` service once; every tenant below
shows it through a non-persistent `InheritedService` proxy. What a tenant changes is kept
on its own services section: `overrides` (slug → local fields) and `hidden_standard`
(slugs it does not offer). Both are looked up along the lineage, nearest tenant first, so
a township's override or hiding also holds for its communities.
"""
from ..content.inherit import Inheritance, Inherited
from ..tree import Section
from ..tree.ops import modify
from .schema import OVERRIDE_FIELDS, STANDARD_KINDS

SECTION = 'services'


class InheritedService(Inherited):
    """A standard service from above as one tenant shows it: the standard plus local fields."""

    type_name = 'service'
    override_fields = OVERRIDE_FIELDS


SERVICES = Inheritance(SECTION, 'service', InheritedService, standard_kinds=STANDARD_KINDS)

standards_above = SERVICES.standards_above
is_hidden = SERVICES.is_hidden
local_fields = SERVICES.local_fields
proxy = SERVICES.proxy
hidden_here = SERVICES.hidden_here
find_inherited = SERVICES.find
catalogue_items = SERVICES.listing
set_hidden = SERVICES.set_hidden
apply_hidden = SERVICES.apply_hidden


def services_section(tenant):
    """The services section of `tenant`."""
    return tenant.data[SECTION]


def inherited_services(section, include_hidden=False):
    """Proxies of every standard `section`'s tenant inherits and does not store itself."""
    return SERVICES.inherited(section, include_hidden)


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


def apply_overrides(tenant, value, registry):
    """Tenant-tree key `overrides`: local fields per inherited standard slug."""
    section = services_section(tenant)
    for slug, fields in value.items():
        set_overrides(section, slug, fields, registry=registry)


def is_services_section(obj):
    return isinstance(obj, Section) and obj.__name__ == SECTION
