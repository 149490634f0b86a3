"""Staff downloads: the roster (private fields included) and the ledger, as XLSX.

Both are for staff of the tenant only (`edit`); nothing here is meant for the public.
"""
import datetime

from pyramid.view import view_config

from ..clock import fmt
from ..content.spreadsheet import XLSX_TYPE, append_row, bold_heading, download, new_sheet, save
from ..i18n import _
from ..tree import Section
from . import SECTION
from . import ledger
from .model import get_register
from .common import team_titles

ROSTER_HEADINGS = (_('Volunteer number'), _('Full name'), _('Gender'), _('Birth year'),
                   _('Mobile phone'), _('Identity card number'), _('Skills'), _('Team'),
                   _('Registered'), _('Status'), _('Login'), _('Total hours'))
LEDGER_HEADINGS = (_('Recorded'), _('Volunteer number'), _('Full name'), _('Service date'),
                   _('Activity'), _('Kind'), _('Service hours'), _('Counts from'), _('Entry'))


def roster_rows(section, translate):
    register = get_register(section)
    teams = team_titles(section)
    yield [translate(h) for h in ROSTER_HEADINGS]
    for v in (register.volunteers.values() if register is not None else ()):
        yield [v.number, v.name, v.gender, v.birth_year, v.phone, v.id_number,
               '，'.join(v.skills), teams.get(v.team, v.team), v.registered, v.status,
               v.login or '', float(ledger.hours(v.total()))]


def ledger_rows(section, translate, first=None, last=None, tick=lambda: None):
    """The tenant's ledger, oldest first, service dates `first`..`last` (inclusive)."""
    register = get_register(section)
    yield [translate(h) for h in LEDGER_HEADINGS]
    if register is None:
        return
    kinds = {ledger.SERVICE: translate(_('Service')),
             ledger.ADJUSTMENT: translate(_('Adjustment'))}
    for line in register.ledger:
        tick()
        entry = dict(zip(ledger.TENANT_FIELDS, line))
        if first and entry['date'] < first or last and entry['date'] > last:
            continue
        volunteer = register.get(entry['number'])
        yield [fmt(entry['recorded']), entry['number'], volunteer.name if volunteer else '',
               entry['date'], entry['title'], kinds.get(entry['kind'], entry['kind']),
               float(ledger.hours(entry['minutes'])), fmt(entry['counts_from']), entry['id']]


def workbook(title, rows, widths):
    wb, ws = new_sheet(title)
    for row in rows:
        append_row(ws, row)
    bold_heading(ws)
    for letter, width in zip('ABCDEFGHIJKL', widths):
        ws.column_dimensions[letter].width = width
    return save(wb)


class _Named:
    """What `download` names a file after."""

    def __init__(self, name, title):
        self.__name__ = name
        self.title = title


def _date(text):
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@view_config(context=Section, section=SECTION, name='roster.xlsx', permission='edit')
def roster_xlsx(context, request):
    """Every volunteer of the register with private fields: staff only."""
    translate = request.localizer.translate
    body = workbook(translate(_('Volunteer roster')), roster_rows(context, translate),
                    (10, 10, 6, 8, 14, 22, 24, 18, 12, 8, 14, 10))
    return download(_Named('volunteer-roster', translate(_('Volunteer roster'))), body,
                    XLSX_TYPE, 'xlsx')


@view_config(context=Section, section=SECTION, name='ledger.xlsx', permission='edit')
def ledger_xlsx(context, request):
    """The service-hours ledger, optionally for service dates `?from=`..`?to=`."""
    translate = request.localizer.translate
    rows = ledger_rows(context, translate, _date(request.params.get('from')),
                       _date(request.params.get('to')))
    body = workbook(translate(_('Service hours ledger')), rows,
                    (17, 10, 10, 12, 30, 8, 8, 17, 14))
    return download(_Named('volunteer-ledger', translate(_('Service hours ledger'))), body,
                    XLSX_TYPE, 'xlsx')
