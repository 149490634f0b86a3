"""colander schemas for duty lists (清单) and their items."""
import colander
import deform

from ..content.inherit import standard_validator
from ..i18n import _

# the four lists of the 准入 system, in the order they are posted
KINDS = ('依法履职事项清单', '协助政府工作事项清单', '证明事项清单', '负面清单')
CERTIFICATES = '证明事项清单'
MAX_ITEMS = 300


def _text(name, title, max_len=500, required=False, rows=None):
    widget = deform.widget.TextAreaWidget(rows=rows) if rows else None
    return colander.SchemaNode(
        colander.String(), name=name, title=title,
        missing=colander.required if required else '',
        validator=colander.Length(min=1 if required else 0, max=max_len), widget=widget)


def _instead_needed(node, value):
    if value.get('may_issue') is False and not value.get('instead'):
        exc = colander.Invalid(node)
        exc['instead'] = _('Say where residents should go instead.')
        raise exc


class DutyItemSchema(colander.MappingSchema):
    """One item of a list: name, basis, responsible body, form of work, note; for
    certificates whether the community may issue it and, if not, where to go instead."""

    def __init__(self, *args, **kw):
        kw.setdefault('validator', _instead_needed)
        super().__init__(*args, **kw)
        self.add(_text('name', _('Duty item'), 200, required=True))
        self.add(_text('basis', _('Legal basis'), 500, rows=2))
        self.add(_text('responsible', _('Responsible body or post'), 200))
        self.add(_text('form', _('Form of the work'), 200))
        self.add(colander.SchemaNode(
            colander.Boolean(), name='may_issue', title=_('The community may issue it'),
            missing=None, description=_('For certificates only.'),
            widget=deform.widget.SelectWidget(values=[('', '—'), ('true', _('Yes')),
                                                      ('false', _('No'))])))
        self.add(_text('instead', _('Where to go instead'), 300))
        self.add(_text('note', _('Note'), 500, rows=2))


class ItemsSchema(colander.SequenceSchema):
    item = DutyItemSchema(title=_('Duty item'))


standard_allowed = standard_validator(_(
    'Only a county, district, township or street can set a standard list.'))


def duty_list_schema(**kw):
    schema = colander.MappingSchema(**kw)
    schema.add(_text('title', _('Title'), 200, required=True))
    schema.add(colander.SchemaNode(
        colander.String(), name='kind', title=_('Kind of list'), validator=colander.OneOf(KINDS),
        widget=deform.widget.SelectWidget(values=[(k, k) for k in KINDS])))
    schema.add(_text('summary', _('About this list'), 2000, rows=3))
    schema.add(colander.SchemaNode(
        colander.Boolean(), name='standard', title=_('Standard list for all units below'),
        missing=False, validator=standard_allowed))
    schema.add(colander.SchemaNode(
        colander.Boolean(), name='hideable', title=_('Units below may hide this list'),
        missing=False))
    schema.add(ItemsSchema(
        name='items', title=_('Items'), missing=(), validator=colander.Length(max=MAX_ITEMS),
        widget=deform.widget.SequenceWidget(add_subitem_text_template=_('Add an item'),
                                            orderable=True)))
    return schema
