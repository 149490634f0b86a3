"""Tables as CSV (Excel-friendly) and XLSX downloads, safe against formula injection.

Shared by every content kind that exports a table (notices' income/expense table, duty
lists). A text cell starting with a formula character is written as text with a leading
`'`, so Excel or WPS never runs it.
"""
import csv
import io
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from pyramid.response import Response

from .attachments import safe_filename

XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
# A text cell starting with one of these runs as a formula in Excel or WPS (OWASP "CSV
# injection"; the full-width forms too, which East Asian spreadsheets may accept).
FORMULA_START = ('=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠')


def defuse(text):
    """Text a spreadsheet shows as text: a leading `'` before a formula character."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_cell(value):
    """Dates as ISO, amounts as numbers, text defused."""
    if value is None:
        return ''
    if hasattr(value, 'isoformat'):
        return value.isoformat()
    if isinstance(value, str):
        return defuse(value)
    return str(value)


def to_csv(rows):
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\r\n')
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return '\ufeff'.encode('utf-8') + out.getvalue().encode('utf-8')


def _xlsx_value(value):
    """Amounts as numbers, dates as dates, text without characters XML refuses."""
    if hasattr(value, 'as_tuple'):
        return float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub('', value)
    return value


def new_sheet(sheet_title):
    """A workbook and its one sheet, named (safely) after `sheet_title`."""
    wb = Workbook()
    ws = wb.active
    ws.title = safe_filename(sheet_title).replace('[', '(').replace(']', ')')[:31]
    return wb, ws


def append_row(ws, row):
    """Append `row`; text that looks like a formula stays text, even when edited in Excel."""
    values = [_xlsx_value(v) for v in row]
    ws.append([defuse(v) if isinstance(v, str) else v for v in values])
    for cell, value in zip(ws[ws.max_row], values):
        if isinstance(value, str) and defuse(value) != value:
            cell.data_type = 's'
            cell.quotePrefix = True


def bold_heading(ws):
    for cell in ws[1]:
        cell.font = Font(bold=True)


def save(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def disposition(item, ext):
    """attachment; an ASCII name from the slug and a UTF-8 name from the title."""
    ascii_name = '%s.%s' % (item.__name__ or 'table', ext)
    name = '%s.%s' % (safe_filename(item.title), ext)
    return "attachment; filename=\"%s\"; filename*=UTF-8''%s" % (
        safe_filename(ascii_name.encode('ascii', 'replace').decode().replace('?', '_')),
        quote(name, safe=''))


def download(item, body, content_type, ext):
    """A download response named after `item`."""
    response = Response(body=body, content_type=content_type)
    if content_type.startswith('text/'):
        response.charset = 'utf-8'
    response.headers['Content-Disposition'] = disposition(item, ext)
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response
