"""Standard items inherited down the tenant tree, with hiding and local fields.

A county/district/township/street publishes a `standard` item once in a section; every
tenant below shows it through a non-persistent proxy (`Inherited`). What a tenant changes
is kept on its own section of the same name: `hidden_standard` (slugs it does not offer)
and `overrides` (slug → local fields). Both are looked up along the lineage, nearest tenant
first, so a township's hiding or override also holds for its communities.

One `Inheritance` per content kind (services, duty lists); the kind registers its
`find` as the section fallback and its `listing` as the section listing.
"""
import colander

from ..pagecache.memo import derived
from ..tree import Tenant, find_tenant, lineage_tenants
from ..tree.ops import modify

STANDARD_KINDS = ('county', 'district', 'township', 'street')


def standard_validator(message):
    """A colander validator of a `standard` flag: only the STANDARD_KINDS may set one.

    Forms bind `context`; an importer may bind `tenant_kind` instead. Unbound: not checked.
    """
    def validate(node, value):
        bindings = node.bindings or {}
        kind = bindings.get('tenant_kind')
        if kind is None and bindings.get('context') is not None:
            tenant = find_tenant(bindings['context'])
            kind = tenant.kind if tenant is not None else None
        if value and kind is not None and kind not in STANDARD_KINDS:
            raise colander.Invalid(node, message)
    return validate


class Inherited:
    """A standard from above as one tenant shows it: the standard plus local fields.

    Not stored: made on each traversal, so editing the standard changes every page below.
    """

    inherited = True
    override_fields = ()

    def __init__(self, source, section, local=None):
        self.source = source
        self.__name__ = source.__name__
        self.__parent__ = section
        self.local = dict(local or {})

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        if name in self.override_fields and self.local.get(name):
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


class NotHideable(Exception):
    """The owner of a standard does not allow the tenants below to hide it."""


class Inheritance:
    """Inheritance of the standard items of one content type stored in one section.

    `proxy_class` makes the inherited view (a subclass of `Inherited`); `may_hide(source)`
    says whether tenants below may hide a standard (default: always).
    """

    def __init__(self, section, type_name, proxy_class=Inherited, may_hide=None,
                 standard_kinds=STANDARD_KINDS):
        self.section = section
        self.type_name = type_name
        self.proxy_class = proxy_class
        self.may_hide = may_hide or (lambda source: True)
        self.standard_kinds = standard_kinds

    def section_of(self, tenant):
        return tenant.data[self.section]

    def is_standard(self, item):
        return (getattr(item, 'standard', False)
                and getattr(item, 'type_name', None) == self.type_name
                and not getattr(item, 'inherited', False))

    def standards_above(self, tenant):
        """{slug: standard} published by the tenants above `tenant`, nearest first wins."""
        found = {}
        for ancestor in lineage_tenants(tenant.__parent__):
            if ancestor.kind not in self.standard_kinds or self.section not in ancestor.data:
                continue
            for slug, item in self.section_of(ancestor).items():
                if slug not in found and self.is_standard(item) and item.is_public():
                    found[slug] = item
        return found

    def _between(self, tenant, owner):
        """Sections of the tenants from `tenant` up to, not including, `owner`."""
        for node in lineage_tenants(tenant):
            if node is owner:
                return
            if self.section in node.data:
                yield self.section_of(node)

    def is_hidden(self, tenant, source):
        """Whether `tenant` or a tenant between it and the standard's owner hides it."""
        return any(source.__name__ in (getattr(s, 'hidden_standard', ()) or ())
                   for s in self._between(tenant, find_tenant(source)))

    def local_fields(self, tenant, source):
        """The local fields in force at `tenant`: its own, else the nearest tenant's above."""
        merged = {}
        for section in self._between(tenant, find_tenant(source)):
            own = getattr(section, 'overrides', None)
            for key, value in ((own or {}).get(source.__name__) or {}).items():
                if value and key not in merged:
                    merged[key] = value
        return merged

    def proxy(self, section, source):
        """The inherited view of `source` in `section`."""
        return self.proxy_class(source, section, self.local_fields(section.__parent__, source))

    def plan(self, tenant):
        """{slug: (levels up to the owner, local fields, hidden, stored here)} of the
        standards `tenant` inherits, by slug: plain data, memoised against the county's
        counters and its next publish/expiry time (`pagecache.memo`), so a page does not
        walk the lineage for every standard."""
        def compute():
            here = self.section_of(tenant) if self.section in tenant.data else None
            out = {}
            for slug, source in sorted(self.standards_above(tenant).items()):
                owner, levels, node = find_tenant(source), 0, tenant
                while node is not owner:
                    node, levels = node.__parent__, levels + 1
                out[slug] = (levels, self.local_fields(tenant, source),
                             self.is_hidden(tenant, source),
                             here is not None and slug in here.data)
            return out
        return derived(tenant, ('inherit', self.section, self.type_name), compute)

    def _proxy_from_plan(self, section, slug, step):
        levels, local = step[0], step[1]
        owner = section.__parent__
        for _ in range(levels):
            owner = owner.__parent__
        source = self.section_of(owner).data.get(slug)
        return self.proxy_class(source, section, local) if source is not None else None

    def inherited(self, section, include_hidden=False):
        """Proxies of every standard `section`'s tenant inherits and does not store itself."""
        tenant = section.__parent__
        if not isinstance(tenant, Tenant):
            return []
        out = []
        for slug, step in self.plan(tenant).items():
            if step[3] or (step[2] and not include_hidden):
                continue
            proxy = self._proxy_from_plan(section, slug, step)
            if proxy is not None:
                out.append(proxy)
        return out

    def hidden_here(self, section):
        """Proxies of the standards hidden by this very section (for staff to unhide)."""
        hidden = getattr(section, 'hidden_standard', ())
        return [p for p in self.inherited(section, include_hidden=True) if p.__name__ in hidden]

    def find(self, section, name):
        """Section fallback: the proxy of standard `name` from above, unless hidden here."""
        tenant = section.__parent__
        if not isinstance(tenant, Tenant):
            return None
        step = self.plan(tenant).get(name)
        if step is None or step[2]:
            return None
        return self._proxy_from_plan(section, name, step)

    def listing(self, section, request):
        """Section listing: stored items plus the inherited standards this tenant shows."""
        return list(section.values()) + self.inherited(section)

    def set_hidden(self, section, slug, hidden, request=None, registry=None):
        """Hide (or show again) inherited standard `slug` at `section`'s tenant (audited).

        Hiding a standard its owner does not let be hidden raises `NotHideable`.
        """
        current = set(getattr(section, 'hidden_standard', ()) or ())
        wanted = current | {slug} if hidden else current - {slug}
        if wanted == current:
            return False
        if hidden:
            source = self.standards_above(section.__parent__).get(slug)
            if source is not None and not self.may_hide(source):
                # read by `shequ load`, whose messages are Chinese
                raise NotHideable('标准 %s 不允许下级单位隐藏' % slug)
        modify(section, request or registry, action='hide' if hidden else 'unhide',
               detail=slug, hidden_standard=tuple(sorted(wanted)))
        return True

    def apply_hidden(self, tenant, slugs, registry):
        """Tenant-tree key: the file lists every slug this tenant hides."""
        section = self.section_of(tenant)
        wanted = set(slugs)
        for slug in set(getattr(section, 'hidden_standard', ())) - wanted:
            self.set_hidden(section, slug, False, registry=registry)
        for slug in wanted:
            self.set_hidden(section, slug, True, registry=registry)
