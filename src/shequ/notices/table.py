"""The income/expense table of a 财务公开 notice as CSV (Excel-friendly) and XLSX."""
import csv
import io
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from ..content.attachments import safe_filename
from ..i18n import _
from . import Notice, totals

XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
HEADINGS = (_('Date'), _('Entry'), _('Income'), _('Expense'), _('Note'))
MONEY_FORMAT = '#,##0.00'
# A text cell starting with one of these runs as a formula in Excel or WPS (OWASP "CSV
# injection"; the full-width forms too, which East Asian spreadsheets may accept).
FORMULA_START = ('=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠')


def defuse(text):
    """Text a spreadsheet shows as text: a leading `'` before a formula character."""
    return "'" + text if text.startswith(FORMULA_START) else text


def table_rows(notice, translate):
    """Heading, the rows, then the total and balance lines, as plain Python values."""
    income, expense, balance = totals(notice.table)
    out = [[translate(h) for h in HEADINGS]]
    for r in notice.table:
        out.append([r.get('date'), r.get('item', ''), r.get('income'), r.get('expense'),
                    r.get('note', '')])
    out.append([translate(_('Total')), '', income, expense, ''])
    out.append([translate(_('Balance')), '', balance, None, ''])
    return out


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


def to_xlsx(rows, sheet_title):
    """An XLSX workbook with real dates and numbers (sums stay correct in Excel)."""
    wb = Workbook()
    ws = wb.active
    ws.title = safe_filename(sheet_title).replace('[', '(').replace(']', ')')[:31]
    for row in rows:
        values = [_xlsx_value(v) for v in row]
        ws.append([defuse(v) if isinstance(v, str) else v for v in values])
        for cell, value in zip(ws[ws.max_row], values):
            if isinstance(value, str) and defuse(value) != value:
                cell.data_type = 's'      # text, never a formula, even when edited in Excel
                cell.quotePrefix = True
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=4):
        for cell in row:
            cell.number_format = MONEY_FORMAT
    for row in ws.iter_rows(min_row=2, max_col=1):
        for cell in row:
            if cell.is_date:
                cell.number_format = 'yyyy-mm-dd'
    for letter, width in zip('ABCDE', (12, 36, 14, 14, 24)):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def disposition(notice, ext):
    """attachment; an ASCII name from the slug and a UTF-8 name from the title."""
    ascii_name = '%s.%s' % (notice.__name__ or 'table', ext)
    name = '%s.%s' % (safe_filename(notice.title), ext)
    return "attachment; filename=\"%s\"; filename*=UTF-8''%s" % (
        safe_filename(ascii_name.encode('ascii', 'replace').decode().replace('?', '_')),
        quote(name, safe=''))


def _table_notice(context, request):
    if not context.table:
        raise HTTPNotFound()
    return table_rows(context, request.localizer.translate)


def _download(context, body, content_type, ext):
    response = Response(body=body, content_type=content_type)
    if content_type.startswith('text/'):
        response.charset = 'utf-8'
    response.headers['Content-Disposition'] = disposition(context, ext)
    response.headers['X-Content-Type-Options'] = 'nosniff'
    return response


@view_config(context=Notice, name='table.csv', permission='view')
def table_csv_view(context, request):
    """The table as CSV."""
    return _download(context, to_csv(_table_notice(context, request)), 'text/csv', 'csv')


@view_config(context=Notice, name='table.xlsx', permission='view')
def table_xlsx_view(context, request):
    """The table as an Excel workbook."""
    rows = _table_notice(context, request)
    return _download(context, to_xlsx(rows, context.title), XLSX_TYPE, 'xlsx')
