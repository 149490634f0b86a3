"""colander schemas for service guides (办事指南)."""
import colander
import deform

from ..content.inherit import STANDARD_KINDS, standard_validator  # noqa: F401
from ..tree.phone import PHONE_HELP, phone_validator
from ..i18n import _
from ..tree import SLUG_RE, find_tenant

# the order residents expect; categories not listed here follow alphabetically by pinyin
CATEGORY_ORDER = ('社会救助', '养老服务', '残疾人服务', '社会保障', '医疗保障', '就业创业',
                  '户籍证件', '卫生健康', '住房保障', '法律服务', '退役军人', '农业农村',
                  '婚姻登记', '教育')
# further categories the add form offers (catalogues in use add their own)
MORE_CATEGORIES = ('公积金', '生育', '殡葬', '税务', '市场监管', '交通出行', '水电气暖',
                   '社区服务', '便民服务')

# the fields a tenant may override on a standard it inherits
OVERRIDE_FIELDS = ('location', 'hours', 'phone', 'note')

MATERIAL_FORMS = ('原件', '复印件', '原件及复印件', '电子版')


class MaterialSchema(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), title=_('Material'))
    form = colander.SchemaNode(colander.String(), title=_('Original or copy'),
                               validator=colander.OneOf(MATERIAL_FORMS), missing='原件',
                               widget=deform.widget.SelectWidget(
                                   values=[(f, f) for f in MATERIAL_FORMS]))
    copies = colander.SchemaNode(colander.Integer(), title=_('Copies'),
                                 validator=colander.Range(min=0, max=99), missing=1)
    required = colander.SchemaNode(colander.Boolean(), title=_('Required'), missing=True)
    note = colander.SchemaNode(colander.String(), title=_('Note'), missing='')


class MaterialsSchema(colander.SequenceSchema):
    material = MaterialSchema(title=_('Material to bring'))


class StepsSchema(colander.SequenceSchema):
    step = colander.SchemaNode(colander.String(), title=_('Step'))


class KeywordsSchema(colander.SequenceSchema):
    keyword = colander.SchemaNode(colander.String(), title=_('Keyword'))


class FaqSchema(colander.MappingSchema):
    q = colander.SchemaNode(colander.String(), title=_('Question'))
    a = colander.SchemaNode(colander.String(), title=_('Answer'),
                            widget=deform.widget.TextAreaWidget(rows=3))


class FaqsSchema(colander.SequenceSchema):
    faq = FaqSchema(title=_('Question and answer'))


def _text(title, **kw):
    return colander.SchemaNode(colander.String(), title=title, missing='', **kw)


def _long_text(title, rows=3):
    return _text(title, widget=deform.widget.TextAreaWidget(rows=rows))


standard_allowed = standard_validator(_(
    'Only a county, district, township or street can set a standard service.'))


class ServiceSchema(colander.MappingSchema):
    """Every field of a service guide."""

    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(min=1, max=200))
    category = colander.SchemaNode(colander.String(), title=_('Category'),
                                   validator=colander.Length(min=1, max=50))
    standard = colander.SchemaNode(colander.Boolean(), title=_('Standard for all tenants below'),
                                   missing=False, validator=standard_allowed)
    summary = _long_text(_('Summary'))
    conditions = _long_text(_('Conditions'))
    materials = MaterialsSchema(title=_('Materials'), missing=())
    steps = StepsSchema(title=_('Steps'), missing=())
    time_limit = _text(_('Time limit'))
    fee = _text(_('Fee'))
    location = _text(_('Location'))
    hours = _text(_('Hours'))
    phone = _text(_('Phone'), validator=phone_validator, description=PHONE_HELP)
    complaint_phone = _text(_('Complaint phone'), validator=phone_validator, description=PHONE_HELP)
    basis = _long_text(_('Legal basis'))
    note = _long_text(_('Note'))
    online = colander.SchemaNode(colander.Boolean(), title=_('Can be done online'), missing=False)
    delegable = colander.SchemaNode(colander.Boolean(), title=_('Can be delegated'), missing=False)
    visits = colander.SchemaNode(colander.Integer(), title=_('Visits needed'),
                                 validator=colander.Range(min=0, max=10), missing=1)
    keywords = KeywordsSchema(title=_('Keywords'), missing=())
    faqs = FaqsSchema(title=_('Common questions'), missing=())

    def after_bind(self, node, kw):
        """In a form: the category is a choice; 标准事项 only where a standard is allowed."""
        context = kw.get('context')
        if context is None or kw.get('request') is None:
            return                  # an import: the file's categories and flags are checked
        tenant = find_tenant(context)
        if tenant is not None and tenant.kind not in STANDARD_KINDS and 'standard' in node:
            del node['standard']
        choices = category_choices(context, kw['request'])
        category = node['category']
        category.widget = deform.widget.SelectWidget(
            values=[('', _('Please choose'))] + [(c, c) for c in choices])
        category.validator = colander.All(
            colander.Length(min=1, max=50),
            colander.OneOf(choices, msg_err=_('Choose a category from the list.')))


def category_choices(context, request):
    """The categories a service of `context` may take: the usual ones and those in use here."""
    from ..content.listing import visible_items
    from . import Service
    tenant = find_tenant(context)
    section = tenant.get('services') if tenant is not None else None
    used = {getattr(item, 'category', '') for item in visible_items(section, request)} \
        if section is not None else set()
    if isinstance(context, Service) and context.category:
        used.add(context.category)
    known = CATEGORY_ORDER + MORE_CATEGORIES
    return known + tuple(sorted(c for c in used if c and c not in known))


def _slug(node, value):
    if not SLUG_RE.match(value):
        raise colander.Invalid(node, _('Use lower-case letters, digits and hyphens (a-z0-9-).'))


class HiddenStandardSchema(colander.SequenceSchema):
    """`hidden_standard: [slug, …]` of the tenant-tree file."""

    slug = colander.SchemaNode(colander.String(), validator=_slug)


class OverrideSchema(colander.MappingSchema):
    """The local fields of an inherited standard service (form and file)."""

    location = _text(_('Location'))
    hours = _text(_('Hours'))
    phone = _text(_('Phone'), validator=phone_validator, description=PHONE_HELP)
    note = _text(_('Local note'))


def _overrides(node, value):
    for slug, fields in value.items():
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            raise colander.Invalid(node, _('"${slug}" is not a valid service slug.',
                                           mapping={'slug': slug}))
        if not isinstance(fields, dict):
            raise colander.Invalid(node, _('The overrides of "${slug}" must be a mapping.',
                                           mapping={'slug': slug}))
        unknown = sorted(set(fields) - set(OVERRIDE_FIELDS))
        if unknown:
            raise colander.Invalid(node, _(
                'The overrides of "${slug}" may only set location, hours, phone and note, '
                'not ${field}.', mapping={'slug': slug, 'field': unknown[0]}))
        if not all(isinstance(v, (str, int)) for v in fields.values()):
            raise colander.Invalid(node, _('The overrides of "${slug}" must be text.',
                                           mapping={'slug': slug}))


class OverridesType(colander.Mapping):
    """`overrides: {slug: {location, hours, phone, note}}`: keys are slugs, so any are kept."""

    def __init__(self):
        super().__init__(unknown='preserve')


def overrides_schema():
    """Validates the tenant-level `overrides` key."""
    return colander.SchemaNode(OverridesType(), validator=_overrides)


def hidden_standard_schema():
    """Validates the tenant-level `hidden_standard` key."""
    return HiddenStandardSchema()
