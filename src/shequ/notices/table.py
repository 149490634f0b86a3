"""The income/expense table of a 财务公开 notice as CSV (Excel-friendly) and XLSX."""
from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from ..content.spreadsheet import (XLSX_TYPE, append_row, bold_heading, download, new_sheet,
                                   save, to_csv)
from ..i18n import _
from . import Notice, totals

HEADINGS = (_('Date'), _('Entry'), _('Income'), _('Expense'), _('Note'))
MONEY_FORMAT = '#,##0.00'


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


def to_xlsx(rows, sheet_title):
    """An XLSX workbook with real dates and numbers (sums stay correct in Excel)."""
    wb, ws = new_sheet(sheet_title)
    for row in rows:
        append_row(ws, row)
    bold_heading(ws)
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=4):
        for cell in row:
            cell.number_format = MONEY_FORMAT
    for row in ws.iter_rows(min_row=2, max_col=1):
        for cell in row:
            if cell.is_date:
                cell.number_format = 'yyyy-mm-dd'
    for letter, width in zip('ABCDE', (12, 36, 14, 14, 24)):
        ws.column_dimensions[letter].width = width
    return save(wb)


def _table_notice(context, request):
    if not context.table:
        raise HTTPNotFound()
    return table_rows(context, request.localizer.translate)


@view_config(context=Notice, name='table.csv', permission='view')
def table_csv_view(context, request):
    """The table as CSV."""
    return download(context, to_csv(_table_notice(context, request)), 'text/csv', 'csv')


@view_config(context=Notice, name='table.xlsx', permission='view')
def table_xlsx_view(context, request):
    """The table as an Excel workbook."""
    rows = _table_notice(context, request)
    return download(context, to_xlsx(rows, context.title), XLSX_TYPE, 'xlsx')
