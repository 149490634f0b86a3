"""Roster files: reading a month of shifts from XLSX or CSV (all rows validated before
anything is stored), public XLSX/CSV exports, the import template and the iCalendar feed.

Used by the views and by `shequ roster`, so both refuse the same files the same way.
"""
import csv
import io
import zipfile
from datetime import timedelta
from zoneinfo import ZoneInfo

import colander
import icalendar
from openpyxl import load_workbook

from ..clock import utcnow
from ..content.extract import UNREADABLE, Refused, check_zip
from ..content.spreadsheet import append_row, bold_heading, new_sheet, save, to_csv
from ..i18n import _
from .roster import MAX_SHIFTS_PER_DAY, ShiftSchema, by_day, span, too_many

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNPACKED = 20 * 1024 * 1024      # declared unpacked bytes of an XLSX's members
SHANGHAI = ZoneInfo('Asia/Shanghai')

# column → the headings a file may use for it (Chinese first: the template's)
COLUMNS = (
    ('date', ('日期', 'date', '值班日期')),
    ('start', ('开始', 'start', '开始时间', 'from')),
    ('end', ('结束', 'end', '结束时间', 'to')),
    ('name', ('姓名', 'name', '值班人', '值班人员')),
    ('post', ('岗位', 'post', 'role', '职务')),
    ('duty_phone', ('值班电话', 'duty phone', 'duty_phone', 'phone')),
    ('private_phone', ('个人电话(可选)', '个人电话（可选）', '个人电话', 'personal phone',
                       'private phone', 'private_phone')),
    ('note', ('备注(可选)', '备注（可选）', '备注', 'note')),
)
REQUIRED = ('date', 'start', 'end', 'name', 'post', 'duty_phone')
TEMPLATE_HEADINGS = ('日期', '开始', '结束', '姓名', '岗位', '值班电话', '个人电话(可选)', '备注(可选)')
PUBLIC_HEADINGS = ('日期', '开始', '结束', '姓名', '岗位', '值班电话', '备注(可选)')
HEADING_OF = dict(zip([c for c, _h in COLUMNS], TEMPLATE_HEADINGS))


class RosterFileError(Exception):
    """A file refused whole: `problems` is [(row number, column heading, reason)]."""

    def __init__(self, problems):
        super().__init__('; '.join('%s %s %s' % p for p in problems[:5]))
        self.problems = problems


def _norm_heading(value):
    return ''.join(str(value or '').split()).lower().replace('（', '(').replace('）', ')')


ALIASES = {_norm_heading(h): column for column, headings in COLUMNS for h in headings}


def read_rows(filename, body):
    """[(row number, [cells])] of a CSV or XLSX file, heading row included."""
    if len(body) > MAX_FILE_BYTES:
        raise RosterFileError([(0, '', _('The file is larger than 2 MB.'))])
    if (filename or '').lower().endswith('.xlsx') or body[:4] == b'PK\x03\x04':
        _check_workbook(body)
        try:
            wb = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise RosterFileError([(0, '', _('Not an Excel (.xlsx) file.'))])
        ws = wb.worksheets[0]
        out = []
        for number, row in enumerate(ws.iter_rows(values_only=True), 1):
            if number > MAX_ROWS + 1:
                raise RosterFileError([(number, '', _('More than 5000 rows.'))])
            out.append((number, list(row)))
        wb.close()
        return out
    for encoding in ('utf-8-sig', 'gb18030'):
        try:
            text = body.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError([(0, '', _('The CSV file is neither UTF-8 nor GB18030 text.'))])
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > MAX_ROWS + 1:
        raise RosterFileError([(MAX_ROWS + 2, '', _('More than 5000 rows.'))])
    return list(enumerate(rows, 1))


def _check_workbook(body):
    """Refuse, unopened, a workbook that would unpack to too much (a zip bomb): read here,
    in the web process, it must stay small."""
    try:
        check_zip(body)
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except Refused as exc:
        if exc.reason == UNREADABLE:
            raise RosterFileError([(0, '', _('Not an Excel (.xlsx) file.'))])
        unpacked = MAX_UNPACKED + 1
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise RosterFileError([(0, '', _('Not an Excel (.xlsx) file.'))])
    if unpacked > MAX_UNPACKED:
        raise RosterFileError([(0, '', _('The workbook holds too much data for a roster.'))])


def _blank(cells):
    return all(c is None or str(c).strip() == '' for c in cells)


def parse_shifts(rows, translate=lambda s: s):
    """Validated shifts (with dates) of heading-plus-data rows; RosterFileError listing every
    bad row (row number, column, reason) when any row is bad."""
    rows = [(n, cells) for n, cells in rows if not _blank(cells)]
    if not rows:
        raise RosterFileError([(1, '', translate(_('The file is empty.')))])
    heading_row, headings = rows[0]
    columns = [ALIASES.get(_norm_heading(h)) for h in headings]
    missing = [HEADING_OF[c] for c in REQUIRED if c not in columns]
    if missing:
        raise RosterFileError([(heading_row, m, translate(_('This column is missing.')))
                               for m in missing])
    schema = ShiftSchema()
    problems, shifts = [], []
    for number, cells in rows[1:]:
        raw = {}
        for column, cell in zip(columns, cells):
            if column and column not in raw:
                raw[column] = '' if cell is None else (cell.strip() if isinstance(cell, str)
                                                       else cell)
        try:
            shifts.append(schema.deserialize(raw))
        except colander.Invalid as exc:
            for column, message in sorted(exc.asdict(translate=translate).items(),
                                          key=lambda kv: REQUIRED.index(kv[0])
                                          if kv[0] in REQUIRED else 99):
                problems.append((number, HEADING_OF.get(column, column), message))
    if not problems and not shifts:
        problems.append((heading_row, '', translate(_('The file has no shifts.'))))
    day = too_many(by_day(shifts)) if not problems else None
    if day is not None:
        problems.append((0, HEADING_OF['date'], translate(_(
            'More than ${count} shifts on ${day}.',
            mapping={'count': MAX_SHIFTS_PER_DAY, 'day': day.isoformat()}))))
    if problems:
        raise RosterFileError(problems)
    return shifts


def read_shifts(filename, body, translate=lambda s: s):
    """Every shift of a CSV/XLSX file, or RosterFileError with every problem."""
    try:
        rows = read_rows(filename, body)
    except RosterFileError as exc:
        raise RosterFileError([(n, c, translate(m)) for n, c, m in exc.problems])
    return parse_shifts(rows, translate)


# --- exports (public: never the personal phone) ---

def public_rows(days):
    """The heading and one row per shift of [(date, shifts)] — the import template's columns
    without the personal phone, so an export can be edited and imported again."""
    out = [list(PUBLIC_HEADINGS)]
    for day, shifts in days:
        for s in shifts:
            out.append([day.isoformat(), s['start'], s['end'], s['name'], s['post'],
                        s['duty_phone'], s.get('note', '')])
    return out


def rows_csv(rows):
    return to_csv(rows)


def rows_xlsx(title, rows):
    wb, ws = new_sheet(title)
    for row in rows:
        append_row(ws, row)
    bold_heading(ws)
    for letter, width in zip('ABCDEFGH', (12, 8, 8, 12, 14, 16, 16, 24)):
        ws.column_dimensions[letter].width = width
    return save(wb)


def template_xlsx():
    """The import template: the headings and a sheet of instructions."""
    wb, ws = new_sheet('值班表')
    ws.append(list(TEMPLATE_HEADINGS))
    bold_heading(ws)
    for letter, width in zip('ABCDEFGH', (12, 8, 8, 12, 14, 16, 16, 24)):
        ws.column_dimensions[letter].width = width
    notes = wb.create_sheet('填写说明')
    for line in ('每行一个班次；第一行是列名，请勿改动。',
                 '日期：2026-12-01 或 2026/12/1，也可以是 Excel 日期单元格。',
                 '开始、结束：24 小时制，如 08:00、17:30；结束早于或等于开始表示到次日（夜班）。',
                 '姓名、岗位、值班电话必填；个人电话只给本单位工作人员看，不会公开。',
                 '导入时，文件中出现的每个日期的值班安排会整体替换为文件中的安排；'
                 '文件有任何一行错误时不导入任何内容。'):
        notes.append([line])
    notes.column_dimensions['A'].width = 100
    return save(wb)


# --- iCalendar ---

def calendar(tenant_title, tenant_path, host, days, page_url, now=None):
    """An iCalendar of [(date, shifts)]: one event per shift in Asia/Shanghai time, with
    a UID stable across reloads of the feed; no personal phone."""
    cal = icalendar.Calendar()
    cal.add('prodid', '-//shequ//roster//ZH')
    cal.add('version', '2.0')
    cal.add('calscale', 'GREGORIAN')
    cal.add('x-wr-calname', '%s值班表' % tenant_title)
    cal.add('x-wr-timezone', 'Asia/Shanghai')
    stamp = now or utcnow()
    uid_tail = '%s@%s' % (tenant_path.strip('/').replace('/', '.') or 'root', host)
    for day, shifts in days:
        for shift in shifts:
            start, end = span(day, shift)
            event = icalendar.Event()
            event.add('uid', '%s.%s' % (shift['id'], uid_tail))
            event.add('dtstamp', stamp)
            event.add('dtstart', start.replace(tzinfo=SHANGHAI))
            event.add('dtend', end.replace(tzinfo=SHANGHAI))
            event.add('summary', '值班：%s（%s）' % (shift['name'], shift['post']))
            lines = ['值班电话：%s' % shift['duty_phone']]
            if shift.get('note'):
                lines.append(shift['note'])
            lines.append(page_url)
            event.add('description', '\n'.join(lines))
            event.add('location', tenant_title)
            event.add('url', page_url)
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_range(today):
    """The days a feed covers: a month back, three months ahead."""
    return today - timedelta(days=31), today + timedelta(days=92)
