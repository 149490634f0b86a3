"""colander schemas for notices (通知公告) and their income/expense table."""
import datetime
import decimal

import colander
import deform

from ..content.attachments import upload_node
from ..content.forms import datetime_node
from ..content.richtext import richtext_node, sanitize
from ..i18n import _

CATEGORIES = ('通知公告', '居务公开', '财务公开', '党务公开', '活动预告')
FINANCE = '财务公开'
ATTACHMENT_KINDS = ('pdf', 'png', 'jpg', 'jpeg', 'gif', 'webp', 'doc', 'docx', 'xls', 'xlsx')
MAX_ROWS = 500
MAX_AMOUNT = decimal.Decimal('1000000000')


_RANGE = colander.Range(min=0, max=MAX_AMOUNT, min_err=_('An amount cannot be negative.'),
                        max_err=_('This amount is too large.'))


def _valid_amount(node, value):
    """A finite amount in range: NaN and infinities would break every sum and export."""
    if not value.is_finite():
        raise colander.Invalid(node, _('Enter an amount in yuan, such as 1200.50.'))
    _RANGE(node, value)


def _amount(title):
    return colander.SchemaNode(
        colander.Decimal('0.01', rounding=decimal.ROUND_HALF_UP), title=title, missing=None,
        validator=_valid_amount,
        widget=deform.widget.TextInputWidget(attributes={'inputmode': 'decimal'}))


def _row_has_amount(node, value):
    if value.get('income') is None and value.get('expense') is None:
        exc = colander.Invalid(node)
        exc['income'] = _('Enter an income or an expense.')
        raise exc


class RowSchema(colander.MappingSchema):
    """One line of a financial disclosure: date, item, income, expense, note."""

    date = colander.SchemaNode(colander.Date(), title=_('Date'), missing=None,
                               widget=deform.widget.TextInputWidget(attributes={'type': 'date'}))
    item = colander.SchemaNode(colander.String(), title=_('Entry'),
                               validator=colander.Length(min=1, max=200))
    income = _amount(_('Income'))
    expense = _amount(_('Expense'))
    note = colander.SchemaNode(colander.String(), title=_('Note'), missing='',
                               validator=colander.Length(max=200))

    def __init__(self, *args, **kw):
        kw.setdefault('validator', _row_has_amount)
        super().__init__(*args, **kw)


class TableSchema(colander.SequenceSchema):
    row = RowSchema(title=_('Row'))


def table_node():
    """The income/expense rows of a 财务公开 notice."""
    return TableSchema(
        name='table', title=_('Income and expense table'), missing=(),
        description=_('For financial disclosure (财务公开): one row per income or expense.'),
        validator=colander.Length(max=MAX_ROWS),
        widget=deform.widget.SequenceWidget(add_subitem_text_template=_('Add a row'),
                                            orderable=True))


class NoticeSchema(colander.MappingSchema):
    """The fields of a notice that a form or an import sets."""

    title = colander.SchemaNode(colander.String(), title=_('Title'),
                                validator=colander.Length(min=1, max=200))
    category = colander.SchemaNode(
        colander.String(), title=_('Category'), validator=colander.OneOf(CATEGORIES),
        widget=deform.widget.SelectWidget(values=[(c, c) for c in CATEGORIES]))
    pinned = colander.SchemaNode(colander.Boolean(), title=_('Pinned to the top'),
                                 missing=False)


def _paste_valid(node, value):
    """Pasted rows must each read as a table row; the message names the line."""
    from .paste import TableInputError, rows_from_text
    try:
        rows_from_text(value)
    except TableInputError as exc:
        raise colander.Invalid(node, _join(exc.messages))


def _file_valid(node, value):
    from .paste import TABLE_KINDS, TableInputError, rows_from_file
    name = value.get('filename', '') if value else ''
    if not name:
        return
    if name.rsplit('.', 1)[-1].lower() not in TABLE_KINDS:
        raise colander.Invalid(node, _('Upload the table as an Excel (.xlsx) or CSV file.'))
    try:
        value['fp'].seek(0)
        rows_from_file(name, value['fp'].read())
    except TableInputError as exc:
        raise colander.Invalid(node, _join(exc.messages))


def _join(messages):
    """Several row messages as one: the first, and how many more."""
    if len(messages) == 1:
        return messages[0]
    return _('${first} (and ${more} more problems)',
             mapping={'first': messages[0], 'more': len(messages) - 1})


def merge_table_input(node, value):
    """Mapping validator: rows pasted or uploaded join the table's rows (already checked
    by the fields' own validators), and the paste fields leave the values."""
    from .paste import rows_from_file, rows_from_text
    paste = value.pop('table_paste', '') or ''
    upload = value.pop('table_file', None)
    rows = rows_from_text(paste)
    if upload and upload.get('fp'):
        upload['fp'].seek(0)
        rows += rows_from_file(upload.get('filename', ''), upload['fp'].read())
    if rows:
        value['table'] = list(value.get('table') or ()) + rows
        if len(value['table']) > MAX_ROWS:
            exc = colander.Invalid(node)
            exc['table_paste'] = _('A table may have at most ${n} rows.', mapping={'n': MAX_ROWS})
            raise exc


def table_input_nodes():
    """The table's quick ways in: rows pasted from Excel, or a CSV/XLSX file."""
    paste = colander.SchemaNode(
        colander.String(), name='table_paste', title=_('Or paste the rows from Excel'),
        missing='', validator=_paste_valid,
        description=_('Select the rows in Excel or WPS (date, entry, income, expense, note; a '
                      'heading row is fine), copy, and paste them here.'),
        widget=deform.widget.TextAreaWidget(rows=5, css_class='table-paste', strip=False))
    upload = upload_node('table_file', _('Or upload the table (Excel or CSV)'),
                         kinds=('xlsx', 'csv'), validator=_file_valid,
                         description=_('The first sheet is read: the same columns as above.'))
    return paste, upload


def notice_schema(**kw):
    """The form schema: fields, rich-text body, table (typed, pasted or uploaded) and new
    attachments."""
    validators = [v for v in (kw.pop('validator', None), merge_table_input) if v]
    schema = NoticeSchema(validator=colander.All(*validators), **kw)
    schema.add(richtext_node('body', _('Text')))
    schema.add(table_node())
    for node in table_input_nodes():
        schema.add(node)
    schema.add(colander.SchemaNode(
        colander.Sequence(), upload_node('upload', _('File'), kinds=ATTACHMENT_KINDS),
        name='new_attachments', title=_('Add attachments'), missing=(),
        description=_('PDF, images, Word or Excel files.'),
        widget=deform.widget.SequenceWidget(min_len=1, max_len=10,
                                            add_subitem_text_template=_('Add another file'))))
    return schema


def _body_node():
    return colander.SchemaNode(colander.String(), name='body', missing='', preparer=sanitize)


def notice_import_schema():
    """A notice as the tenant-tree file carries it (no attachments; times as ISO dates)."""
    schema = NoticeSchema()
    schema.add(_body_node())
    schema.add(table_node())
    schema.add(datetime_node('publish_at', _('Publish at')))
    schema.add(datetime_node('expire_at', _('Expires at')))
    return schema


def normalise_import(cstruct):
    """YAML gives dates and numbers as Python objects; colander wants strings."""
    if not isinstance(cstruct, dict):
        return cstruct
    out = dict(cstruct)
    for key in ('publish_at', 'expire_at'):
        if isinstance(out.get(key), (datetime.date, datetime.datetime)):
            out[key] = out[key].isoformat()
    if isinstance(out.get('table'), list):
        out['table'] = [_normalise_row(r) for r in out['table']]
    return out


def _normalise_row(row):
    if not isinstance(row, dict):
        return row
    row = dict(row)
    for key, value in row.items():
        if isinstance(value, (datetime.date, int, float, decimal.Decimal)) \
                and not isinstance(value, bool):
            row[key] = str(value) if not isinstance(value, datetime.date) else value.isoformat()
    return row
