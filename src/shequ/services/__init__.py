"""Service guides (办事指南): resource, schema registration and views."""
import colander

from ..content import Content
from ..i18n import _
from .importing import normalise_entry
from .schema import ServiceSchema
from .sortkeys import title_keys

SERVICE_FIELDS = tuple(node.name for node in ServiceSchema().children)
# defaults for fields an item was created without (and for items made before a field existed)
SERVICE_DEFAULTS = {node.name: ('' if node.missing is colander.required else node.missing)
                    for node in ServiceSchema().children}


class Service(Content):
    """One service guide; a `standard` one is shown by every tenant below its owner."""

    type_name = 'service'
    fields = SERVICE_FIELDS
    locals().update(SERVICE_DEFAULTS)
    # derived from the title when it is stored (`sortkeys`): the catalogue's order and A–Z
    title_pinyin = None
    title_initial = None

    def update(self, **kw):
        """Store sequences as tuples so nothing is mutated in place; keep the title's
        pinyin sort key and initial in step with the title."""
        for key in ('materials', 'steps', 'keywords', 'faqs'):
            if key in kw and kw[key] is not None:
                kw[key] = tuple(dict(v) if isinstance(v, dict) else v for v in kw[key])
        changed = super().update(**kw)
        if 'title' in changed or self.title_pinyin is None:
            self.title_pinyin, self.title_initial = title_keys(self.title)
        return changed

    def search_fields(self):
        """Everything a resident might type: summary, conditions, materials, steps, FAQ."""
        parts = [self.summary, self.conditions, self.time_limit, self.fee, self.location,
                 self.basis, self.note]
        parts += [m.get('name', '') for m in self.materials]
        parts += list(self.steps)
        parts += ['%s %s' % (f.get('q', ''), f.get('a', '')) for f in self.faqs]
        fields = super().search_fields()
        fields['body'] = '\n'.join(p for p in parts if p)
        fields['standard'] = bool(self.standard)
        return fields


def service_import_schema():
    """The service schema as the tenant-tree file carries it."""
    return ServiceSchema()


def evolve_title_pinyin(root, registry):
    """Store the pinyin sort key and initial of every service's title (`Service.update`
    keeps them from now on)."""
    from ..tree import walk_tenants
    for tenant in walk_tenants(root):
        section = tenant.get('services')
        for item in (section.values() if section is not None else ()):
            if isinstance(item, Service):
                item.title_pinyin, item.title_initial = title_keys(item.title)


def includeme(config):
    """Register the service type, inheritance of standards, tenant-file keys and views."""
    from .inherit import apply_hidden, apply_overrides, catalogue_items, find_inherited
    from .schema import hidden_standard_schema, overrides_schema
    config.add_section('services', _('Service guides'), order=10)
    config.add_content_type(
        'service', Service, ServiceSchema, _('Service guide'), 'services',
        add_permission='add', import_key='services', import_schema=service_import_schema,
        extra={'normalise': normalise_entry})
    config.add_evolution_step(evolve_title_pinyin, name='services.title_pinyin')
    config.add_section_fallback('services', find_inherited)
    config.add_section_listing('services', catalogue_items)
    from .catalogue import most_used_first
    config.add_home_order('services', most_used_first)
    config.add_tenant_import_key('hidden_standard', hidden_standard_schema, apply_hidden)
    config.add_tenant_import_key('overrides', overrides_schema, apply_overrides)
    config.add_translation_dirs('shequ.services:locale')
    config.scan('.views')
    config.scan('.catalogue')
