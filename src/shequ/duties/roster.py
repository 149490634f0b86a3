"""The on-duty roster (值班表) of a tenant: who is on duty when, and at which phone.

Shifts are not workflow content: staff post them and they are public at once. A tenant's
roster is one `Roster` on its `duties` section (attribute `roster`, made on the first
write), holding an OOBTree ISO date → immutable tuple of shift dicts. A change replaces
whole days through `tree.ops.modify`, so it is audited, and two staff writing different
days write different keys of the BTree (which resolves such conflicts itself).

Times are China local wall-clock times 'HH:MM'; an end at or before the start is on the
next day (a night shift 20:00–08:00, or a 24-hour shift 08:00–08:00).
"""
import re
import secrets
from datetime import date, datetime, time, timedelta

import colander
import deform
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from ..clock import CHINA_TZ, local, utcnow
from ..i18n import _
from ..tree.ops import modify

# what a shift stores; every field but `private_phone` is public
FIELDS = ('id', 'start', 'end', 'name', 'post', 'duty_phone', 'private_phone', 'note')
PHONE_RE = re.compile(r'^\+?[0-9][0-9 ()\-－转]{2,29}$')
TIME_RE = re.compile(r'^([01]?[0-9]|2[0-4])[:：]([0-5][0-9])$')
MAX_SHIFTS_PER_DAY = 50


class Roster(Persistent):
    """Shifts by day. `update(days={iso: shifts})` replaces those days (empty: removes)."""

    fields = ('days',)
    # a non-content type name: the audit log records changes of it (see security.audit);
    # no content type is registered under it, so search never indexes personal data
    type_name = 'roster'
    __name__ = 'roster'
    __parent__ = None

    def __init__(self):
        self.days = OOBTree()

    @property
    def title(self):
        """For the audit log: the roster and the days the latest change touched."""
        return '值班表 %s' % getattr(self, '_v_change', '')

    def update(self, days=None):
        """Replace the shifts of the given days; returns ['days'] if anything changed."""
        changed = []
        for iso, shifts in sorted((days or {}).items()):
            iso = iso.isoformat() if isinstance(iso, date) else iso
            shifts = tuple(sorted((normalise(s) for s in shifts or ()), key=_order))
            if shifts:
                if self.days.get(iso) != shifts:
                    self.days[iso] = shifts
                    changed.append(iso)
            elif iso in self.days:
                del self.days[iso]
                changed.append(iso)
        if changed:
            # volatile: writing it would make every change of any day touch this object
            self._v_change = changed[0] if len(changed) == 1 else '%s…%s（%d 天）' % (
                changed[0], changed[-1], len(changed))
            return ['days']
        return []

    def shifts(self, day):
        """The shifts of `day` (a date), start order."""
        return self.days.get(day.isoformat(), ())

    def between(self, first, last):
        """[(date, shifts)] of every day with shifts from `first` to `last`, inclusive."""
        return [(date.fromisoformat(k), v)
                for k, v in self.days.items(first.isoformat(), last.isoformat())]

    def has_before(self, day):
        """Whether any day before `day` has shifts (one BTree lookup)."""
        try:
            self.days.maxKey((day - timedelta(days=1)).isoformat())
        except ValueError:
            return False
        return True

    def has_after(self, day):
        """Whether any day after `day` has shifts (one BTree lookup)."""
        iso = (day + timedelta(days=1)).isoformat()
        try:
            self.days.minKey(iso)
        except ValueError:
            return False
        return True

def _order(shift):
    return shift['start']     # a stable sort: shifts starting together keep their order


def new_id():
    return secrets.token_hex(6)


def normalise(shift):
    """A stored shift: every field, text stripped, an id."""
    out = {k: str(shift.get(k) or '').strip() for k in FIELDS}
    out['id'] = out['id'] or new_id()
    return out


def get_roster(section):
    """The roster of a `duties` section, or None before anything was posted."""
    return getattr(section, 'roster', None) if section is not None else None


def roster_of(tenant):
    """The roster of `tenant`, or None."""
    return get_roster(tenant.data.get('duties'))


def write_days(section, days, rr=None, action='roster-edit'):
    """Replace the shifts of the days in `days` ({date: [shift]}) at `section`, audited.

    The roster is made (and announced) on the first write. Returns the changed day count.
    """
    roster = get_roster(section)
    if roster is None:
        roster = Roster()
        roster.__parent__ = section
        modify(section, rr, action='add', detail='值班表', roster=roster)
    changed = modify(roster, rr, action=action, days=days)
    return len(days) if changed else 0


# --- time arithmetic, all in China time ---

def china_now(now=None):
    """`now` (default: this instant) in China time."""
    return local(now or utcnow())


def span(day, shift):
    """(start, end) aware datetimes of a shift posted on `day`; an early end is next day."""
    start = _at(day, shift['start'])
    end = _at(day, shift['end'])
    if end <= start:
        end += timedelta(days=1)
    return start, end


def _at(day, hhmm):
    hours, minutes = (int(p) for p in hhmm.split(':'))
    return datetime.combine(day, time(0, 0), tzinfo=CHINA_TZ) + timedelta(hours=hours,
                                                                        minutes=minutes)


def overnight(shift):
    return shift['end'] <= shift['start']


def today_shifts(roster, now=None):
    """[(day, shift, on_duty_now)] for today in China time: today's shifts and yesterday's
    night shifts still running. Two BTree lookups, no scan."""
    now = china_now(now)
    today = now.date()
    yesterday = today - timedelta(days=1)
    out = []
    if roster is None:
        return out
    for shift in roster.shifts(yesterday):
        if overnight(shift):
            start, end = span(yesterday, shift)
            if now < end:
                out.append((yesterday, shift, start <= now < end))
    for shift in roster.shifts(today):
        start, end = span(today, shift)
        out.append((today, shift, start <= now < end))
    return out


# --- periods ---

def week_start(day):
    return day - timedelta(days=day.weekday())


def month_start(day):
    return day.replace(day=1)


def next_month(day):
    first = month_start(day)
    return (first + timedelta(days=32)).replace(day=1)


def previous_month(day):
    return (month_start(day) - timedelta(days=1)).replace(day=1)


def month_end(day):
    return next_month(day) - timedelta(days=1)


def parse_week(text):
    """'2026-W49' → the Monday of that ISO week, or None."""
    match = re.match(r'^(\d{4})-?W(\d{1,2})$', (text or '').strip())
    if not match:
        return None
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None


def parse_month(text):
    """'2026-12' → date(2026, 12, 1), or None."""
    match = re.match(r'^(\d{4})-(\d{1,2})$', (text or '').strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None


def week_label(monday):
    year, week, _day = monday.isocalendar()
    return '%d-W%02d' % (year, week)


# --- validation: one schema for the form, the file import and the tenant-tree file ---

class Day(colander.SchemaType):
    """A date: 2026-12-01, 2026/12/1, 2026.12.1, 2026年12月1日, or a date cell of Excel."""

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        return appstruct.isoformat()

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ''):
            return colander.null
        if isinstance(cstruct, datetime):
            return cstruct.date()
        if isinstance(cstruct, date):
            return cstruct
        text = str(cstruct).strip()
        match = re.match(r'^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$', text)
        try:
            if match:
                return date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
        raise colander.Invalid(node, _('Not a date: write it as 2026-12-01.'))


class ClockTime(colander.SchemaType):
    """A China wall-clock time 'HH:MM' (8:00, 08:00, 24:00 read as 00:00, Excel time cells)."""

    def serialize(self, node, appstruct):
        return colander.null if appstruct in (colander.null, None) else appstruct

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ''):
            return colander.null
        if isinstance(cstruct, (time, datetime)):
            return '%02d:%02d' % (cstruct.hour, cstruct.minute)
        if isinstance(cstruct, (int, float)) and not isinstance(cstruct, bool):
            # YAML 1.1 reads an unquoted 20:00 as the number 1200
            raise colander.Invalid(node, _('Write the time in quotes, as "20:00".'))
        text = str(cstruct).strip()
        if re.match(r'^\d{1,2}:\d{2}:00$', text):      # a time cell read as text
            text = text[:-3]
        match = TIME_RE.match(text)
        if not match or (int(match.group(1)) == 24 and match.group(2) != '00'):
            raise colander.Invalid(node, _('Not a time: write it as 08:00.'))
        return '%02d:%s' % (int(match.group(1)) % 24, match.group(2))


def _phone(node, value):
    if not PHONE_RE.match(value):
        raise colander.Invalid(node, _('Not a phone number: write it as 0456-8221234.'))


def _text(name, title, max_len, required=False, validator=None, widget=None):
    length = colander.Length(min=1 if required else 0, max=max_len)
    return colander.SchemaNode(
        colander.String(), name=name, title=title, widget=widget,
        missing=colander.required if required else '',
        missing_msg=_('Required.'),
        validator=colander.All(length, validator) if validator else length,
        preparer=lambda v: v.strip() if isinstance(v, str) else v)


def _optional_phone(node, value):
    if value:
        _phone(node, value)


def _input(kind):
    """A phone's own date or time picker (the value is still checked here)."""
    return deform.widget.TextInputWidget(attributes={'type': kind})


class ShiftSchema(colander.MappingSchema):
    """One shift: day, times, who, post, duty phone; a personal phone and a note optional."""

    def __init__(self, *args, with_date=True, **kw):
        super().__init__(*args, **kw)
        if with_date:
            self.add(colander.SchemaNode(Day(), name='date', title=_('Date'),
                                         missing_msg=_('Required.'), widget=_input('date')))
        self.add(colander.SchemaNode(ClockTime(), name='start', title=_('From'),
                                     missing_msg=_('Required.'), widget=_input('time')))
        self.add(colander.SchemaNode(ClockTime(), name='end', title=_('To'),
                                     missing_msg=_('Required.'), widget=_input('time'),
                                     description=_('An end at or before the start is on the next day.')))
        self.add(_text('name', _('Name'), 40, required=True))
        self.add(_text('post', _('Post'), 40, required=True))
        self.add(_text('duty_phone', _('Duty phone'), 30, required=True, validator=_phone,
                       widget=_input('tel')))
        self.add(_text('private_phone', _('Personal phone'), 30, validator=_optional_phone,
                       widget=_input('tel')))
        self.add(_text('note', _('Note'), 200))


def shifts_schema():
    """Tenant-tree key `shifts`: a list of shifts with their dates."""
    return colander.SchemaNode(colander.Sequence(), ShiftSchema(name='shift'),
                               validator=colander.Length(max=20000))


def by_day(shifts):
    """{date: [shift]} of validated shifts (each with its `date`)."""
    days = {}
    for shift in shifts:
        fields = dict(shift)
        day = fields.pop('date')
        days.setdefault(day, []).append(fields)
    return days


def too_many(days):
    """The first day with more than MAX_SHIFTS_PER_DAY shifts, or None."""
    return next((d for d, s in sorted(days.items()) if len(s) > MAX_SHIFTS_PER_DAY), None)


def apply_shifts(tenant, shifts, registry):
    """Tenant-tree key `shifts`: the days the file names get exactly the file's shifts."""
    days = by_day(shifts)
    section = tenant['duties']
    roster = get_roster(section)
    # a reload of the same file keeps the ids (and so the calendar UIDs) of equal shifts
    if roster is not None:
        for day, new in days.items():
            old = {_key(s): s['id'] for s in roster.shifts(day)}
            for shift in new:
                shift['id'] = old.get(_key(shift), '')
    write_days(section, days, registry, action='roster-import')


def _key(shift):
    return tuple((shift.get(k) or '') for k in FIELDS if k != 'id')
