"""colander schemas for standard documents: the web form and the tenant-tree file."""
import datetime

import colander
import deform

from ..content.attachments import upload_node
from ..content.richtext import richtext_node
from ..i18n import _
from . import DOC_TYPES, REPEALED, STATUSES, SUB_TYPES

ATTACHMENT_KINDS = ('pdf', 'docx')


class IsoDate(colander.Date):
    """A date that also accepts the date objects YAML makes of unquoted 2024-03-01."""

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, datetime.date):
            cstruct = cstruct.isoformat()
        return super().deserialize(node, cstruct)


def _aliases(choices):
    """A preparer letting files name a choice by its Chinese name ('已废止' → 'repealed')."""
    by_name = {zh: code for code, _label, zh in choices}
    return lambda value: by_name.get(value.strip(), value.strip()) if isinstance(value, str) else value


def _select(choices, blank=False):
    @colander.deferred
    def widget(node, kw):
        translate = kw['request'].localizer.translate
        values = [(code, translate(label)) for code, label, _zh in choices]
        if blank:
            values.insert(0, ('', translate(_('(none)'))))
        return deform.widget.SelectWidget(values=values)
    return widget


@colander.deferred
def _superseded_widget(node, kw):
    """Choose the newer document from the other documents of the same section."""
    from . import Document
    context = kw['context']
    section = context if not isinstance(context, Document) else context.__parent__
    values = [('', kw['request'].localizer.translate(_('(none)')))]
    values += sorted(((name, doc.title) for name, doc in section.items()
                      if isinstance(doc, Document) and doc is not context), key=lambda v: v[1])
    return deform.widget.SelectWidget(values=values)


def _date(name, title, **kw):
    return colander.SchemaNode(IsoDate(), name=name, title=title,
                               widget=deform.widget.TextInputWidget(attributes={'type': 'date'}),
                               **kw)


def _validate(node, value):
    """A repealed document needs its repeal date, not before it took effect."""
    exc = colander.Invalid(node)
    if value.get('status') == REPEALED:
        if not value.get('repealed_date'):
            exc['repealed_date'] = _('A repealed document needs the date it was repealed.')
        elif value.get('effective_date') and value['repealed_date'] < value['effective_date']:
            exc['repealed_date'] = _('The repeal date cannot be before the effective date.')
    if value.get('sub_type') and value.get('doc_type') != 'work_rules':
        exc['sub_type'] = _('Only work rules have a sub-type.')
    if exc.children:
        raise exc


def _nodes(for_file=False):
    text_kw = {'missing': ''}
    nodes = [
        colander.SchemaNode(colander.String(), name='title', title=_('Title'),
                            validator=colander.Length(min=1, max=200)),
        colander.SchemaNode(colander.String(), name='doc_type', title=_('Document type'),
                            preparer=_aliases(DOC_TYPES), widget=_select(DOC_TYPES),
                            validator=colander.OneOf([c for c, _l, _z in DOC_TYPES])),
        colander.SchemaNode(colander.String(), name='sub_type', title=_('Kind of work rules'),
                            description=_('Only for work rules.'), missing='',
                            preparer=_aliases(SUB_TYPES), widget=_select(SUB_TYPES, blank=True),
                            validator=colander.OneOf([''] + [c for c, _l, _z in SUB_TYPES])),
        colander.SchemaNode(colander.String(), name='number', title=_('Document number'),
                            description=_('Leave empty if the document has none.'),
                            validator=colander.Length(max=100), **text_kw),
        colander.SchemaNode(colander.String(), name='issuer', title=_('Issuing body'),
                            validator=colander.Length(max=100), **text_kw),
        _date('effective_date', _('Effective date')),
        colander.SchemaNode(colander.String(), name='status', title=_('Status'), missing='current',
                            preparer=_aliases(STATUSES), widget=_select(STATUSES),
                            validator=colander.OneOf([c for c, _l, _z in STATUSES])),
        _date('repealed_date', _('Repeal date'), missing=None,
              description=_('Only for repealed documents.')),
        colander.SchemaNode(colander.String(), name='superseded_by', title=_('Superseded by'),
                            missing='', widget=_superseded_widget,
                            description=_('The newer document that replaces this one.')),
        richtext_node('text', _('Text')),
    ]
    if for_file:
        for node in nodes:
            node.widget = None
    else:
        nodes.append(upload_node('upload', _('Attached file (PDF or Word .docx)'),
                                 kinds=ATTACHMENT_KINDS,
                                 description=_('Uploading a file replaces the current one; '
                                               'earlier revisions keep theirs.')))
    return nodes


def _all(*validators):
    """Run every validator and report all their field errors together."""
    def validate(node, value):
        exc = colander.Invalid(node)
        for validator in validators:
            try:
                validator(node, value)
            except colander.Invalid as failure:
                exc.children.extend(failure.children)
        if exc.children:
            raise exc
    return validate


def document_schema(**kw):
    """The form schema of a document (the generic add/edit views use it)."""
    validators = [v for v in (_validate, kw.pop('validator', None)) if v]
    schema = colander.SchemaNode(colander.Mapping(), validator=_all(*validators), **kw)
    for node in _nodes():
        schema.add(node)
    return schema


def document_import_schema():
    """A document as the tenant-tree file carries it (no attachment)."""
    schema = colander.SchemaNode(colander.Mapping(), validator=_validate)
    for node in _nodes(for_file=True):
        schema.add(node)
    return schema
