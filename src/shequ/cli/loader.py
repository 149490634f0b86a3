"""Validate and merge a tenant-tree file (YAML) into the database."""
import colander
import yaml
from persistent.mapping import PersistentMapping
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories

from ..content import PUBLISHED, get_content_registry
from ..tree import KINDS, LEVEL, SLUG_RE, Tenant
from ..tree.settings import SettingsSchema
from ..tree.ops import add, modify

TENANT_FIELDS = ('slug', 'kind', 'title', 'settings', 'order', 'children')
GIVEN = '__given__'


class LoadError(Exception):
    """A tenant-tree file is invalid; `path` names the offending entry and field."""

    def __init__(self, path, message):
        super().__init__('%s: %s' % (path, message))
        self.path = path
        self.message = message


def _slug(node, value):
    if not SLUG_RE.match(value):
        raise colander.Invalid(node, '只能使用小写字母、数字和连字符 (a-z0-9-)')


class TenantFieldsSchema(colander.MappingSchema):
    slug = colander.SchemaNode(colander.String(), validator=_slug)
    kind = colander.SchemaNode(colander.String(), validator=colander.OneOf(sorted(KINDS)))
    title = colander.SchemaNode(colander.String(), validator=colander.Length(min=1, max=100))
    settings = SettingsSchema(missing={})
    order = colander.SchemaNode(colander.Integer(), missing=0)


def _translator(registry):
    dirs = registry.queryUtility(ITranslationDirectories) or []
    localizer = make_localizer('zh_CN', list(dirs))
    return localizer.translate


def _invalid(exc, prefix, translate):
    for field, msg in sorted(exc.asdict(translate=translate).items()):
        return LoadError('%s.%s' % (prefix, field) if field else prefix, msg)


class TreeValidator:
    """Turns the raw YAML structure into validated tenant dicts, or raises LoadError."""

    def __init__(self, registry):
        self.content = get_content_registry(registry)
        self.importable = self.content.importable()
        self.translate = _translator(registry)
        self.count = 0

    def validate(self, data):
        if not isinstance(data, dict) or not isinstance(data.get('tenants'), list):
            raise LoadError('tenants', '文件顶层必须有 tenants 列表')
        unknown = set(data) - {'tenants'}
        if unknown:
            raise LoadError(sorted(unknown)[0], '未知的键')
        return self._tenants(data['tenants'], 'tenants', parent_level=0)

    def _tenants(self, entries, prefix, parent_level):
        if not isinstance(entries, list):
            raise LoadError(prefix, '必须是列表')
        seen, result = set(), []
        for i, entry in enumerate(entries):
            path = '%s[%d]' % (prefix, i)
            tenant = self._tenant(entry, path, parent_level)
            if tenant['slug'] in seen:
                raise LoadError(path + '.slug', '同级下 slug 重复: %s' % tenant['slug'])
            seen.add(tenant['slug'])
            result.append(tenant)
        return result

    def _tenant(self, entry, path, parent_level):
        if not isinstance(entry, dict):
            raise LoadError(path, '必须是映射 (键: 值)')
        allowed = set(TENANT_FIELDS) | set(self.importable) | set(self.content.tenant_keys)
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise LoadError('%s.%s' % (path, unknown[0]), '未知的键')
        fields = {k: v for k, v in entry.items() if k in ('slug', 'kind', 'title', 'settings', 'order')}
        try:
            tenant = TenantFieldsSchema().deserialize(fields)
        except colander.Invalid as exc:
            raise _invalid(exc, path, self.translate)
        level = LEVEL[tenant['kind']]
        if level <= parent_level:
            raise LoadError(path + '.kind', '%s 不能位于这一层级' % tenant['kind'])
        self.count += 1
        for key, ctype in self.importable.items():
            tenant[key] = self._items(entry.get(key) or [], ctype, '%s.%s' % (path, key),
                                      tenant['kind'])
        tenant['tenant_keys'] = {}
        for key, spec in self.content.tenant_keys.items():
            if key in entry:
                try:
                    tenant['tenant_keys'][key] = spec.schema().deserialize(entry[key])
                except colander.Invalid as exc:
                    raise _invalid(exc, '%s.%s' % (path, key), self.translate)
        tenant['children'] = self._tenants(entry.get('children') or [], path + '.children', level)
        return tenant

    def _items(self, entries, ctype, prefix, tenant_kind):
        if not isinstance(entries, list):
            raise LoadError(prefix, '必须是列表')
        schema = (ctype.import_schema or ctype.schema)()
        schema.add(colander.SchemaNode(colander.String(), name='slug', validator=_slug))
        schema = schema.bind(tenant_kind=tenant_kind)  # kinds may check where an item sits
        normalise = ctype.extra.get('normalise', lambda c: c)
        seen, result = set(), []
        for i, raw in enumerate(entries):
            path = '%s[%d]' % (prefix, i)
            if not isinstance(raw, dict):
                raise LoadError(path, '必须是映射 (键: 值)')
            raw = normalise(raw)  # a kind may accept aliases and simpler shapes first
            known = {node.name for node in schema.children}
            unknown = sorted(set(raw) - known)
            if unknown:
                raise LoadError('%s.%s' % (path, unknown[0]), '未知的键')
            try:
                item = schema.deserialize(raw)
            except colander.Invalid as exc:
                raise _invalid(exc, path, self.translate)
            if item['slug'] in seen:
                raise LoadError(path + '.slug', '同一栏目下 slug 重复: %s' % item['slug'])
            seen.add(item['slug'])
            self.count += 1
            # an existing item is updated only in the fields the file gives
            item[GIVEN] = frozenset(raw) - {'slug'}
            result.append(item)
        return result


def read_tree_file(path):
    """Parse a YAML file, turning syntax errors into LoadError."""
    try:
        with open(path, encoding='utf-8') as f:
            return yaml.safe_load(f)
    except yaml.YAMLError as exc:
        raise LoadError(path, 'YAML 语法错误: %s' % exc)
    except OSError as exc:
        raise LoadError(path, '无法读取文件: %s' % exc.strerror)


def merge_tree(root, tenants, registry, tick=lambda: None):
    """Merge validated tenants into `root` by slug; returns (created, updated) counts."""
    stats = {'created': 0, 'updated': 0}
    for tenant in tenants:
        _merge_tenant(root, tenant, registry, stats, tick)
    return stats['created'], stats['updated']


def _merge_tenant(parent, data, registry, stats, tick):
    content = get_content_registry(registry)
    tenant = parent.get(data['slug'])
    if isinstance(tenant, Tenant):
        fields = {attr: data[attr] for attr in ('kind', 'title', 'order')}
        settings = dict(tenant.settings)
        settings.update(data['settings'])
        if settings != dict(tenant.settings):
            fields['settings'] = PersistentMapping(settings)
        if modify(tenant, registry, action='settings', **fields):
            stats['updated'] += 1
    else:
        tenant = Tenant(data['kind'], data['title'], data['settings'])
        tenant.order = data['order']
        add(parent, data['slug'], tenant, registry)
        stats['created'] += 1
    tick()
    for key, ctype in content.importable().items():
        section = tenant[ctype.section]
        for item in data[key]:
            _merge_item(section, ctype, dict(item), registry, stats)
            tick()
    for key, value in data['tenant_keys'].items():
        content.tenant_keys[key].apply(tenant, value, registry)
    for child in data['children']:
        _merge_tenant(tenant, child, registry, stats, tick)


def _merge_item(section, ctype, fields, registry, stats):
    slug = fields.pop('slug')
    given = fields.pop(GIVEN, None)
    existing = section.get(slug)
    if existing is not None:
        if given is not None:
            fields = {k: v for k, v in fields.items() if k in given}
        if modify(existing, registry, **fields):
            stats['updated'] += 1
        return existing
    item = ctype.create(**fields)
    item.state = PUBLISHED
    add(section, slug, item, registry)
    stats['created'] += 1
    return item
