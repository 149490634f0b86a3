"""The content-type registry: what each kind is, how it is validated and where it lives."""
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..extensions import get_extensions


@dataclass
class ContentType:
    """One registered content kind."""

    name: str                      # 'service', 'notice' …
    factory: Callable              # class (or callable) making a new item
    schema: Callable               # () -> colander.SchemaNode for forms and imports
    label: Any                     # Chinese label (a TranslationString)
    section: str                   # the declared section it is added in
    add_permission: str = 'add'
    import_key: Optional[str] = None   # key in the tenant-tree file ('services' …)
    import_schema: Optional[Callable] = None  # defaults to `schema`; adds `slug`
    applies_below: bool = False    # a published item concerns every tenant below its own
    extra: dict = field(default_factory=dict)

    def create(self, **fields):
        """Make a new, not yet stored item with `fields`."""
        return self.factory(**fields)


@dataclass
class TenantImportKey:
    """A tenant-level key of the tenant-tree file handled by a content kind."""

    key: str
    schema: Callable               # () -> colander.SchemaNode validating the value
    apply: Callable                # (tenant, value, registry) -> None


class ContentRegistry:
    """All content types of the application, by name, section and import key.

    A view over the application's Extensions (`shequ.extensions`): `types` and
    `tenant_keys` are its `content_types` and `tenant_import_keys` mappings.
    """

    def __init__(self, extensions):
        self.extensions = extensions

    @property
    def types(self):
        return self.extensions.content_types

    @property
    def tenant_keys(self):
        return self.extensions.tenant_import_keys

    def add(self, ctype):
        self.types[ctype.name] = ctype

    def get(self, name):
        return self.types.get(name)

    def __getitem__(self, name):
        return self.types[name]

    def for_section(self, section_name):
        """Content types that live in `section_name`."""
        return [t for t in self.types.values() if t.section == section_name]

    def importable(self):
        """Content types that the tenant-tree file may carry, by key."""
        return {t.import_key: t for t in self.types.values() if t.import_key}

    def create(self, name, **fields):
        """Create an item of type `name` (events fire when it is added to a container)."""
        return self.types[name].create(**fields)

    def type_of(self, obj):
        """The registered type of `obj`, or None."""
        return self.types.get(getattr(obj, 'type_name', None))


def get_content_registry(registry):
    """The application's ContentRegistry (a view over its Extensions)."""
    return ContentRegistry(get_extensions(registry))


def add_content_type(config, name, factory, schema, label, section, **kw):
    """Configurator directive: register a content type living in section `section`."""
    content = get_content_registry(config.registry)
    ctype = ContentType(name=name, factory=factory, schema=schema, label=label,
                        section=section, **kw)
    config.action(('shequ.content_type', name), lambda: content.add(ctype))


def add_tenant_import_key(config, key, schema, apply):
    """Configurator directive: let the tenant-tree file carry a tenant-level `key`."""
    content = get_content_registry(config.registry)
    entry = TenantImportKey(key=key, schema=schema, apply=apply)
    config.action(('shequ.tenant_import_key', key),
                  lambda: content.tenant_keys.__setitem__(key, entry))
