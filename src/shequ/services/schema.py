"""colander schemas for service guides (办事指南)."""
import colander

from ..i18n import _

MATERIAL_FORMS = ('原件', '复印件', '原件及复印件', '电子版')


class MaterialSchema(colander.MappingSchema):
    name = colander.SchemaNode(colander.String(), title=_('Material'))
    form = colander.SchemaNode(colander.String(), title=_('Original or copy'),
                               validator=colander.OneOf(MATERIAL_FORMS), missing='原件')
    copies = colander.SchemaNode(colander.Integer(), title=_('Copies'),
                                 validator=colander.Range(min=0, max=99), missing=1)
    required = colander.SchemaNode(colander.Boolean(), title=_('Required'), missing=True)
    note = colander.SchemaNode(colander.String(), title=_('Note'), missing='')


class MaterialsSchema(colander.SequenceSchema):
    material = MaterialSchema()


class StepsSchema(colander.SequenceSchema):
    step = colander.SchemaNode(colander.String(), title=_('Step'))


class KeywordsSchema(colander.SequenceSchema):
    keyword = colander.SchemaNode(colander.String(), title=_('Keyword'))


class FaqSchema(colander.MappingSchema):
    q = colander.SchemaNode(colander.String(), title=_('Question'))
    a = colander.SchemaNode(colander.String(), title=_('Answer'))


class FaqsSchema(colander.SequenceSchema):
    faq = FaqSchema()


def _text(title, **kw):
    return colander.SchemaNode(colander.String(), title=title, missing='', **kw)


class ServiceSchema(colander.MappingSchema):
    """Every field of a service guide."""

    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(min=1, max=200))
    category = colander.SchemaNode(colander.String(), title=_('Category'),
                                   validator=colander.Length(min=1, max=50))
    standard = colander.SchemaNode(colander.Boolean(), title=_('Standard for all tenants below'),
                                   missing=False)
    summary = _text(_('Summary'))
    conditions = _text(_('Conditions'))
    materials = MaterialsSchema(title=_('Materials'), missing=())
    steps = StepsSchema(title=_('Steps'), missing=())
    time_limit = _text(_('Time limit'))
    fee = _text(_('Fee'))
    location = _text(_('Location'))
    hours = _text(_('Hours'))
    phone = _text(_('Phone'))
    complaint_phone = _text(_('Complaint phone'))
    basis = _text(_('Legal basis'))
    online = colander.SchemaNode(colander.Boolean(), title=_('Can be done online'), missing=False)
    delegable = colander.SchemaNode(colander.Boolean(), title=_('Can be delegated'), missing=False)
    visits = colander.SchemaNode(colander.Integer(), title=_('Visits needed'),
                                 validator=colander.Range(min=0, max=10), missing=1)
    keywords = KeywordsSchema(title=_('Keywords'), missing=())
    faqs = FaqsSchema(title=_('Common questions'), missing=())


def normalise_materials(cstruct):
    """Let the tenant-tree file give a material as a bare string."""
    if isinstance(cstruct, dict) and isinstance(cstruct.get('materials'), list):
        cstruct = dict(cstruct)
        cstruct['materials'] = [{'name': m} if isinstance(m, str) else m
                                for m in cstruct['materials']]
    return cstruct
