"""Validate and merge a tenant-tree file (YAML) into the database.

A tenant-tree file is read with a safe YAML loader of our own (`TreeLoader`): no aliases
(a file of 22 lines once expanded to 340 MB), no duplicate keys (YAML would silently keep
the last), a bounded nesting depth. Every problem comes out as a LoadError naming the
file, the line and the entry (`tenants[0].children[1].kind`).
"""
import re

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
MAX_DEPTH = 40          # nesting levels of a tenant-tree file (the demo needs 12)


class LoadError(Exception):
    """A tenant-tree file is invalid.

    `path` names the offending entry and field (`tenants[0].kind`), or the file itself
    for a problem of the YAML text; `message` says what is wrong; `file` and `line`
    (1-based) say where, when known.
    """

    def __init__(self, path, message, line=None, file=None, line_path=None):
        super().__init__(path, message)
        self.path = path
        self.message = message
        self.line = line
        self.file = file
        self.line_path = line_path or path   # the entry whose line is reported

    @property
    def location(self):
        """'file:line: entry', as much of it as is known."""
        place = self.file or ''
        if place and self.line:
            place = '%s:%d' % (place, self.line)
        if self.path and self.path != self.file:
            place = '%s: %s' % (place, self.path) if place else self.path
        return place

    def __str__(self):
        return '%s: %s' % (self.location, self.message)


class Refused(yaml.MarkedYAMLError):
    """What TreeLoader refuses (an alias, a duplicate key, deep nesting), in Chinese."""

    def __init__(self, problem, mark):
        super().__init__(problem=problem, problem_mark=mark)


class TreeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases, duplicate keys and deep nesting."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise Refused('不支持 YAML 别名 (*%s)：请把内容直接写出' % event.anchor,
                          event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise Refused('嵌套超过 %d 层' % MAX_DEPTH, event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date 2024-13-45
            raise Refused('无法读取这个值: %s (%s)' % (_short(node.value), exc), node.start_mark)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, _value in node.value:
                if key_node.tag == 'tag:yaml.org,2002:merge':
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:  # an unhashable key: PyYAML's own error follows
                    continue
                if first != key_node.start_mark.line + 1:
                    raise Refused('键 "%s" 重复：第 %d 行和第 %d 行' % (
                        _short(key), first, key_node.start_mark.line + 1), key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


_STEP = re.compile(r'[^.\[\]]+')


class TreeFile:
    """A parsed tenant-tree file: its data and the line of each entry."""

    def __init__(self, path, data, node):
        self.path = path
        self.data = data
        self.node = node

    def line_of(self, where):
        """The 1-based line of the entry `where` ('tenants[0].settings.theme'), or of the
        nearest enclosing entry found; None when nothing is found."""
        node, line = self.node, None
        for step in _STEP.findall(where or ''):
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == step:
                        node, line = value_node, key_node.start_mark.line + 1
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and step.isdigit():
                if int(step) >= len(node.value):
                    return line
                node = node.value[int(step)]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    def error(self, exc):
        """`exc` (a LoadError) with this file and the line of its entry."""
        exc.file = self.path
        if exc.line is None and exc.path != self.path:
            exc.line = self.line_of(exc.line_path)
        return exc


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


_MISSING = object()


def _short(value, size=40):
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= size else text[:size] + '…'


def _kind_of(value):
    """What a YAML value is, in words."""
    if isinstance(value, bool):
        return '布尔值'
    for types, name in ((int, '整数'), (float, '小数'), (str, '文本'), (list, '列表'),
                        (dict, '映射 (键: 值)')):
        if isinstance(value, types):
            return name
    if value is None:
        return '空值'
    return type(value).__name__


def _expected(typ):
    """What a colander type wants, in words (None when it has no simple name)."""
    for types, name in ((colander.String, '文本'), (colander.Integer, '整数'),
                        ((colander.Decimal, colander.Float, colander.Money), '数字'),
                        (colander.Boolean, '布尔值 (true 或 false)'),
                        (colander.Mapping, '映射 (键: 值)'),
                        ((colander.Sequence, colander.List, colander.Set, colander.Tuple), '列表'),
                        (colander.DateTime, '日期时间 (如 2024-03-01 09:00)'),
                        (colander.Date, '日期 (如 2024-03-01)')):
        if isinstance(typ, types):
            return name
    return None


def _walk(node, raw, field):
    """The schema node and the raw value at `field` ('settings.contact.phone', 'table.0.x')."""
    for step in [p for p in field.split('.') if p]:
        if step.isdigit() and isinstance(node.typ, colander.Sequence) and node.children:
            node = node.children[0]
            index = int(step)
            raw = raw[index] if isinstance(raw, list) and index < len(raw) else _MISSING
            continue
        node = next((c for c in node.children if c.name == step), None)
        if node is None:
            return None, _MISSING
        raw = raw.get(step, _MISSING) if isinstance(raw, dict) else _MISSING
    return node, raw


def _problem(node, raw):
    """(extra path step, message) for a wrong type or an unknown key at `node`, else None."""
    if node is None or raw is _MISSING or raw is None:
        return None
    if isinstance(node.typ, colander.Mapping) and isinstance(raw, dict):
        if node.typ.unknown != 'raise':
            return None
        unknown = sorted(str(k) for k in set(raw) - {c.name for c in node.children})
        return (unknown[0], '未知的键: %s' % _short(unknown[0])) if unknown else None
    expected = _expected(node.typ)
    if expected is None:
        return None
    try:
        node.typ.deserialize(node, raw)
    except colander.Invalid:
        return None, '类型不对：应为%s，实际是%s (%s)' % (expected, _kind_of(raw), _short(raw))
    except Exception:
        return None
    return None


def _invalid(exc, prefix, translate, raw=_MISSING):
    """The LoadError for a colander.Invalid: the first field, and for a wrong type or an
    unknown key a message naming the key and the expected type."""
    for field, msg in sorted(exc.asdict(translate=translate).items()):
        path = '%s.%s' % (prefix, field) if field else prefix
        problem = _problem(*_walk(exc.node, raw, field)) if raw is not _MISSING else None
        if problem is None:
            return LoadError(path, msg)
        key, msg = problem  # an unknown key: the entry stays the mapping, the line is the key's
        return LoadError(path, msg, line_path='%s.%s' % (path, key) if key else None)


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
            raise _invalid(exc, path, self.translate, fields)
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
                    raise _invalid(exc, '%s.%s' % (path, key), self.translate, entry[key])
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
                raise _invalid(exc, path, self.translate, raw)
            if item['slug'] in seen:
                raise LoadError(path + '.slug', '同一栏目下 slug 重复: %s' % item['slug'])
            seen.add(item['slug'])
            self.count += 1
            # an existing item is updated only in the fields the file gives
            item[GIVEN] = frozenset(raw) - {'slug'}
            result.append(item)
        return result


def _yaml_error(path, text, exc):
    """A LoadError for what PyYAML (or TreeLoader) refused, with its line."""
    mark = getattr(exc, 'problem_mark', None) or getattr(exc, 'context_mark', None)
    line = mark.line + 1 if mark is not None else None
    if isinstance(exc, Refused):
        return LoadError(path, exc.problem, line=line, file=path)
    if isinstance(exc, yaml.MarkedYAMLError):
        what = '，'.join(p for p in (exc.context, exc.problem) if p)
    else:  # a ReaderError: a character YAML does not allow
        what = str(exc).splitlines()[0]
        if getattr(exc, 'position', None) is not None:
            line = text[:exc.position].count('\n') + 1
    return LoadError(path, 'YAML 语法错误: %s' % what, line=line, file=path)


def read_tree(path):
    """Parse a tenant-tree file safely into a TreeFile; every problem becomes a LoadError."""
    try:
        with open(path, 'rb') as f:
            raw = f.read()
    except OSError as exc:
        raise LoadError(path, '无法读取文件: %s' % exc.strerror, file=path)
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise LoadError(path, '文件不是 UTF-8 编码的文本', file=path,
                        line=raw[:exc.start].count(b'\n') + 1)
    loader = TreeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise _yaml_error(path, text, exc)
    except (RecursionError, MemoryError, ValueError, TypeError) as exc:
        raise LoadError(path, '无法解析文件: %s' % type(exc).__name__, file=path)
    finally:
        loader.dispose()
    return TreeFile(path, data, node)


def read_tree_file(path):
    """The data of a tenant-tree file (see `read_tree`), or LoadError."""
    return read_tree(path).data


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
