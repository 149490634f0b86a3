"""The tenant settings schema: what a tenant may set, validated wherever settings come in.

Settings inherit down the tree (`effective_setting`, `setting_source`). One schema validates
the web form (`@@settings`), the tenant-tree file's `settings` key and `shequ settings`, so
a quoted "false" is false, a misspelt key is refused rather than silently ignored, and
what is stored is always the validated, typed value.

Stored shape (`tenant.settings`, a PersistentMapping replaced whole through
`tree.ops.modify`): top-level keys as below; `contact` is a dict whose keys inherit one by
one (`contact.phone` of a community, `contact.email` of its county).
"""
import re

import colander
from pyramid.threadlocal import get_current_registry

TRUE = ('true', 'yes', 'on', '1', '是')
FALSE = ('false', 'no', 'off', '0', '否', '')

COLOUR_RE = re.compile(r'^#[0-9a-f]{6}$')
HOST_RE = re.compile(r'^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}'
                     r'[a-z0-9])?)*$')
PHONE_RE = re.compile(r'^[0-9０-９+＋()（）\s\-－—,，、/转分机ext.]{3,60}$', re.IGNORECASE)
THEME_RE = re.compile(r'^[a-z0-9-]{1,40}$')
SLUG_RE = re.compile(r'^[a-z0-9]([a-z0-9-]*[a-z0-9])?$')
MIN_CONTRAST = 4.5          # WCAG AA for normal text
WHITE = '#ffffff'
DARK_TEXT = '#1a1a1a'
PUBLICITY_DAYS_DEFAULT = 7


class StrictBoolean(colander.Boolean):
    """true/false (or 是/否); anything else is an error, not a truthy string."""

    def __init__(self):
        super().__init__(false_choices=FALSE, true_choices=TRUE)

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, bool):
            return cstruct
        if cstruct is not colander.null and not isinstance(cstruct, str):
            raise colander.Invalid(node, '必须是 true 或 false')
        return super().deserialize(node, cstruct)


class NumberText(colander.String):
    """Text that a file may also write as a bare number (a phone number: `phone: 12345`)."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, int) and not isinstance(cstruct, bool):
            cstruct = str(cstruct)
        return super().deserialize(node, cstruct)


class TextList(colander.SequenceSchema):
    """A list of strings (a form or the command line splits its text with `split_list`)."""

    item = colander.SchemaNode(colander.String())


def split_list(text):
    """'a, b\nc' → ['a', 'b', 'c']."""
    return [p for p in re.split(r'[\s,，;；、]+', text) if p]


LIST_KEYS = ('sections', 'hosts')


# --- colours and contrast (WCAG 2) ---

def _channel(c):
    c = c / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour):
    """Relative luminance of '#rrggbb'."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a, b):
    """WCAG contrast ratio of two '#rrggbb' colours (1 … 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def darken_until(colour, against=WHITE, ratio=MIN_CONTRAST):
    """`colour` darkened step by step until `against` text on it reaches `ratio`."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    factor = 1.0
    candidate = colour
    while contrast(candidate, against) < ratio and factor > 0:
        factor -= 0.02
        candidate = '#%02x%02x%02x' % tuple(max(0, int(c * factor)) for c in (r, g, b))
    return candidate


def mix(colour, other, share):
    """`colour` mixed with `other` (share 0 … 1 of `other`), as '#rrggbb'."""
    a = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return '#%02x%02x%02x' % tuple(round(x + (y - x) * share) for x, y in zip(a, b))


class Colour(colander.String):
    """'#rrggbb' (a file or form may write upper case or '#rgb'); stored lower case."""

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        if value is colander.null:
            return value
        value = value.strip().lower()
        if re.match(r'^#[0-9a-f]{3}$', value):
            value = '#' + ''.join(c * 2 for c in value[1:])
        return value


def _colour_format(node, value):
    if not COLOUR_RE.match(value):
        raise colander.Invalid(node, '颜色应写成 #rrggbb 形式的十六进制值，例如 #b71c1c')


def primary_colour(node, value):
    """White text sits on the primary colour (header, buttons): it must read (4.5:1)."""
    _colour_format(node, value)
    ratio = contrast(value, WHITE)
    if ratio < MIN_CONTRAST:
        raise colander.Invalid(node, '白色文字在此颜色上的对比度只有 %.1f:1，低于无障碍要求的 4.5:1。'
                               '可改用加深后的 %s。' % (ratio, darken_until(value)))


def accent_colour(node, value):
    """The accent carries dark text (search button, highlights): it must read (4.5:1)."""
    _colour_format(node, value)
    ratio = contrast(value, DARK_TEXT)
    if ratio < MIN_CONTRAST:
        raise colander.Invalid(node, '深色文字在此强调色上的对比度只有 %.1f:1，低于无障碍要求的 4.5:1。'
                               '请选用更亮的颜色（如金色 #f2c230）。' % ratio)


# --- other validators ---

def phone_number(node, value):
    digits = sum(c.isdigit() for c in value)
    if not PHONE_RE.match(value) or digits < 3:
        raise colander.Invalid(node, '电话号码只能包含数字、空格、连字符、括号和“转”，例如 0456-8221234')


def host_names(node, value):
    seen = set()
    for host in value:
        if not HOST_RE.match(host) or '.' not in host:
            raise colander.Invalid(node, '“%s”不是有效的域名（只写域名，如 sunwu.example.cn，'
                                   '不带 http:// 和端口）' % host[:60])
        if host in seen:
            raise colander.Invalid(node, '域名“%s”重复' % host)
        seen.add(host)
    if len(value) > 10:
        raise colander.Invalid(node, '最多 10 个域名')


class Hosts(TextList):
    """Host names, lower case, without scheme or port."""

    def deserialize(self, cstruct=colander.null):
        if isinstance(cstruct, (list, tuple)):
            cstruct = [c.strip().lower() if isinstance(c, str) else c for c in cstruct]
        return super().deserialize(cstruct)


def _current_extensions():
    from ..extensions import query_extensions
    return query_extensions(get_current_registry())


def theme_name(node, value):
    """A theme folder's name; when an application is configured, one it has."""
    if not THEME_RE.match(value):
        raise colander.Invalid(node, '主题名只能使用小写字母、数字和连字符')
    known = (get_current_registry().settings or {}).get('shequ.themes')
    if known and value not in known:
        raise colander.Invalid(node, '没有名为“%s”的主题（可选：%s）' % (value, '、'.join(known)))


def section_names(node, value):
    extensions = _current_extensions()
    declared = extensions.section_names() if extensions is not None else None
    for name in value:
        if not SLUG_RE.match(name) or (declared is not None and name not in declared):
            raise colander.Invalid(node, '没有名为“%s”的栏目' % name[:40])
    if len(set(value)) != len(value):
        raise colander.Invalid(node, '栏目重复')


def _text(name, max_length=200, typ=colander.String, validator=None):
    length = colander.Length(max=max_length)
    return colander.SchemaNode(typ(), name=name, missing=colander.drop,
                               validator=colander.All(length, validator) if validator else length)


class ContactSchema(colander.MappingSchema):
    """How residents reach the tenant's office."""

    def __init__(self, *args, **kw):
        kw.setdefault('typ', colander.Mapping(unknown='raise'))
        super().__init__(*args, **kw)

    address = _text('address')
    phone = _text('phone', 60, NumberText, phone_number)
    hours = _text('hours')
    email = colander.SchemaNode(colander.String(), missing=colander.drop,
                                validator=colander.Email(msg='电子邮箱地址无效'))
    hotline = _text('hotline', 60, NumberText, phone_number)


class SettingsSchema(colander.MappingSchema):
    """Every tenant setting; each is optional (absent means: inherit)."""

    site_title = _text('site_title', 60)
    short_name = _text('short_name', 20)
    theme = colander.SchemaNode(colander.String(), missing=colander.drop, validator=theme_name)
    primary_colour = colander.SchemaNode(Colour(), missing=colander.drop, validator=primary_colour)
    accent_colour = colander.SchemaNode(Colour(), missing=colander.drop, validator=accent_colour)
    sections = TextList(missing=colander.drop, validator=section_names)
    banner = _text('banner', 500)
    contact = ContactSchema(missing=colander.drop)
    hosts = Hosts(missing=colander.drop, validator=host_names)
    require_review = colander.SchemaNode(StrictBoolean(), missing=colander.drop)
    volunteer_publicity_days = colander.SchemaNode(
        colander.Integer(), missing=colander.drop, validator=colander.Range(0, 30))

    def __init__(self, *args, **kw):
        kw.setdefault('typ', colander.Mapping(unknown='raise'))
        super().__init__(*args, **kw)


# keys as the form, the CLI and `setting_source` name them: contact's keys one by one
CONTACT_KEYS = ('address', 'phone', 'hours', 'email', 'hotline')
FLAT_KEYS = ('site_title', 'short_name', 'theme', 'primary_colour', 'accent_colour', 'sections',
             'banner') + tuple('contact.' + k for k in CONTACT_KEYS) + (
             'hosts', 'require_review', 'volunteer_publicity_days')
# set on one tenant only: a host name opens exactly one tenant
NOT_INHERITED = ('hosts',)


def get_flat(settings, key):
    """The stored value of a flat key ('contact.phone') in a settings mapping, or KeyError."""
    if key.startswith('contact.'):
        return (settings.get('contact') or {})[key[len('contact.'):]]
    return settings[key]


def with_flat(settings, key, value):
    """A copy of `settings` with the flat `key` set to `value` (None: removed, i.e. inherit)."""
    out = dict(settings)
    if key.startswith('contact.'):
        contact = dict(out.get('contact') or {})
        sub = key[len('contact.'):]
        if value is None:
            contact.pop(sub, None)
        else:
            contact[sub] = value
        if contact:
            out['contact'] = contact
        else:
            out.pop('contact', None)
    elif value is None:
        out.pop(key, None)
    else:
        out[key] = value
    return out


def to_nested(flat):
    """{'contact.phone': x, 'theme': y} → {'contact': {'phone': x}, 'theme': y}."""
    out = {}
    for key, value in flat.items():
        out = with_flat(out, key, value)
    return out


def validate(cstruct):
    """Validated, typed settings from `cstruct` (raises colander.Invalid)."""
    return SettingsSchema().deserialize(cstruct)
