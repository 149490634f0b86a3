"""A 财务公开 table from a spreadsheet: rows pasted from Excel (tab-separated) or a CSV/XLSX
file, read into the same rows the table form takes and checked row by row.

Columns are date, entry, income, expense, note — in that order, or in any order under a
heading row naming them (日期/摘要/收入/支出/备注 …). Amounts may carry ¥, 元 and thousands
separators; dates may be written 2026-09-01, 2026/9/1, 2026.9.1 or 2026年9月1日. A row that
does not read is reported with its line number, and nothing is stored.
"""
import csv
import datetime
import io
import re
import zipfile

import colander

from ..i18n import _
from .schema import MAX_ROWS, RowSchema

COLUMNS = ('date', 'item', 'income', 'expense', 'note')
HEADINGS = {
    'date': ('日期', '时间', '发生日期', 'date'),
    'item': ('摘要', '项目', '事项', '收支项目', '内容', '名称', 'entry', 'item'),
    'income': ('收入', '收入金额', '收入（元）', '收入(元)', 'income'),
    'expense': ('支出', '支出金额', '支出（元）', '支出(元)', 'expense'),
    'note': ('备注', '说明', 'note'),
}
MAX_FILE_BYTES = 2 << 20          # a quarter's table is a few kilobytes
MAX_UNZIPPED = 20 << 20           # what an XLSX may unpack to before it is read at all
TABLE_KINDS = ('xlsx', 'csv')


class TableInputError(ValueError):
    """What is wrong with a pasted or uploaded table: a list of translation strings."""

    def __init__(self, messages):
        super().__init__(messages)
        self.messages = messages


def _heading_column(cell):
    text = re.sub(r'\s+', '', str(cell or '')).lower()
    for column, names in HEADINGS.items():
        if text in names:
            return column
    return None


def _date_text(value):
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value or '').strip()
    match = re.fullmatch(r'(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?', text)
    if match:
        return '%s-%02d-%02d' % (match.group(1), int(match.group(2)), int(match.group(3)))
    return text


def _amount_text(value):
    if value is None:
        return ''
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value).strip()
    text = re.sub(r'[¥￥,，\s]|元$', '', text)
    return '' if text in ('-', '—', '－') else text


def _cstruct(cells, columns):
    row = dict.fromkeys(COLUMNS, '')
    for column, cell in zip(columns, cells):
        if column is not None:
            row[column] = cell
    row['date'] = _date_text(row['date'])
    row['income'] = _amount_text(row['income'])
    row['expense'] = _amount_text(row['expense'])
    row['item'] = str(row['item'] or '').strip()
    row['note'] = str(row['note'] or '').strip()
    return row


def _translate(message):
    """`message` in the current request's language (a mapping does not translate the
    translation strings inside it)."""
    from pyramid.i18n import get_localizer
    from pyramid.threadlocal import get_current_request
    request = get_current_request()
    return get_localizer(request).translate(message) if request is not None else message


def _messages(exc, line, node):
    """'Line n: Income: …' for each field of one row's colander error."""
    out = []
    for path, message in sorted(exc.asdict(translate=_translate).items()):
        name = path.split('.')[-1]
        title = _translate(node[name].title) if name in node else ''
        out.append(_('Line ${line}: ${field}: ${message}',
                     mapping={'line': line, 'field': title, 'message': message}))
    return out


def read_rows(lines):
    """Table rows (appstructs) from `lines`, each a list of cells; TableInputError if any
    row does not read. Blank lines are skipped; line numbers count from 1."""
    node = RowSchema()
    numbered = [(n, [c if not isinstance(c, str) else c.strip() for c in cells])
                for n, cells in enumerate(lines, 1)]
    numbered = [(n, cells) for n, cells in numbered
                if any(c not in (None, '') for c in cells)]
    if not numbered:
        return []
    columns = list(COLUMNS)
    heading = [_heading_column(c) for c in numbered[0][1]]
    if sum(1 for c in heading if c) >= 2:
        columns = heading
        numbered = numbered[1:]
    if len(numbered) > MAX_ROWS:
        raise TableInputError([_('A table may have at most ${n} rows.', mapping={'n': MAX_ROWS})])
    rows, errors = [], []
    for line, cells in numbered:
        try:
            rows.append(node.deserialize(_cstruct(cells, columns)))
        except colander.Invalid as exc:
            errors.extend(_messages(exc, line, node))
    if errors:
        raise TableInputError(errors[:10])
    return rows


def rows_from_text(text):
    """Rows pasted from Excel or WPS: one line a row, cells separated by tabs."""
    lines = (text or '').replace('\r\n', '\n').replace('\r', '\n').split('\n')
    return read_rows([line.split('\t') for line in lines])


def _csv_lines(data):
    for encoding in ('utf-8-sig', 'gb18030'):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableInputError([_('The CSV file is neither UTF-8 nor GBK text.')])
    return list(csv.reader(io.StringIO(text)))


def _xlsx_lines(data):
    from openpyxl import load_workbook
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            declared = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise TableInputError([_('The Excel file could not be read.')])
    if declared > MAX_UNZIPPED:
        raise TableInputError([_('The Excel file is too large for a table.')])
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        lines = []
        for row in ws.iter_rows(values_only=True, max_col=len(COLUMNS) + 3):
            lines.append(list(row))
            if len(lines) > MAX_ROWS + 50:
                break
        wb.close()
    except Exception:
        raise TableInputError([_('The Excel file could not be read.')])
    return lines


def rows_from_file(filename, data):
    """Rows from an uploaded CSV or XLSX file (its first sheet)."""
    if len(data) > MAX_FILE_BYTES:
        raise TableInputError([_('The file is too large for a table.')])
    kind = (filename or '').rsplit('.', 1)[-1].lower()
    if kind == 'csv':
        return read_rows(_csv_lines(data))
    if kind == 'xlsx':
        return read_rows(_xlsx_lines(data))
    raise TableInputError([_('Upload the table as an Excel (.xlsx) or CSV file.')])
