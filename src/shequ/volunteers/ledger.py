"""Service hours: an append-only ledger per volunteer, totals that never scan it.

Each entry is an immutable tuple (see FIELDS) appended to the volunteer's `AppendLog`,
and a short line to the tenant's ledger (for exports and the publicity page). Nothing is
ever changed or deleted: a wrong entry is corrected by an `adjustment` naming it, with a
reason, which the audit log records.

Newly recorded hours are posted publicly (公示) for the tenant's
`volunteer_publicity_days` before they count. Totals: the volunteer's `total` (a
`Length`, so concurrent recordings add up) holds every minute; the minutes still in
publicity are found by reading the volunteer's log newest first and stopping at the first
entry recorded longer ago than the longest possible publicity period. So reading a
volunteer's counted hours costs the entries of the last month, whatever the history.
"""
import threading
import uuid
import weakref
from datetime import timedelta

from ..clock import local, utcnow
from ..tree import effective_setting

FIELDS = ('id', 'recorded', 'kind', 'minutes', 'date', 'activity', 'title', 'reason',
          'corrects', 'login', 'counts_from')
TENANT_FIELDS = ('recorded', 'number', 'id', 'minutes', 'kind', 'counts_from', 'date',
                 'title')
SERVICE, ADJUSTMENT = 'service', 'adjustment'
DEFAULT_PUBLICITY_DAYS = 7
MAX_PUBLICITY_DAYS = 30
# an entry recorded longer ago than this counts, whatever the setting was then
WINDOW = timedelta(days=MAX_PUBLICITY_DAYS + 1)


def now():
    """The current time for everything about hours (one place, so tests can move it)."""
    return utcnow()


def publicity_days(context):
    """The tenant's 公示 period in days (0–30, default 7)."""
    try:
        days = int(effective_setting(context, 'volunteer_publicity_days',
                                     DEFAULT_PUBLICITY_DAYS))
    except (TypeError, ValueError):
        days = DEFAULT_PUBLICITY_DAYS
    return min(max(days, 0), MAX_PUBLICITY_DAYS)


def hours(minutes):
    """Minutes as hours with one decimal: 90 → '1.5'."""
    return '%.1f' % (minutes / 60.0)


def as_dict(entry):
    return dict(zip(FIELDS, entry))


def newest_first(log, batch=64):
    """Entries of an AppendLog newest first, read a batch at a time (stop when done)."""
    start = 0
    while True:
        chunk = log.newest(start, batch)
        for entry in chunk:
            yield entry
        if len(chunk) < batch:
            return
        start += batch


def recent(log, at=None):
    """Entries of `log` (as dicts) recorded within the publicity window, newest first."""
    at = at or now()
    for entry in newest_first(log):
        item = as_dict(entry) if len(entry) == len(FIELDS) else dict(zip(TENANT_FIELDS, entry))
        if item['recorded'] < at - WINDOW:
            return
        yield item


def pending_minutes(volunteer, at=None):
    """Minutes recorded for `volunteer` that are still in their publicity period."""
    at = at or now()
    return sum(e['minutes'] for e in recent(volunteer.log, at) if e['counts_from'] > at)


def next_count_change(log, at=None):
    """The earliest `counts_from` still ahead in `log`'s publicity window, or None: when
    pages counting its hours change by themselves (for the page cache)."""
    at = at or now()
    return min((e['counts_from'] for e in recent(log, at) if e['counts_from'] > at), default=None)


def counted_minutes(volunteer, at=None):
    """Minutes that count: every minute recorded, less those still in publicity."""
    return volunteer.total() - pending_minutes(volunteer, at)


def entries(volunteer):
    """Every entry of a volunteer's ledger as a dict, oldest first."""
    return [as_dict(e) for e in volunteer.log]


def find_entry(volunteer, entry_id):
    for entry in entries(volunteer):
        if entry['id'] == entry_id:
            return entry
    return None


def _append(register, volunteer, entry):
    volunteer.log.append(tuple(entry[f] for f in FIELDS))
    volunteer.total.change(entry['minutes'])
    line = dict(entry, number=volunteer.number)
    register.ledger.append(tuple(line[f] for f in TENANT_FIELDS))
    register.add_month(entry['date'].strftime('%Y-%m'), volunteer.number, entry['minutes'])
    return entry


def record_service(register, volunteer, minutes, date, days, login, activity='', title='',
                   at=None, entry_id=None):
    """Append `minutes` of service on `date`; they count after `days` of publicity."""
    at = at or now()
    return _append(register, volunteer, {
        'id': entry_id or uuid.uuid4().hex[:12], 'recorded': at, 'kind': SERVICE,
        'minutes': int(minutes), 'date': date, 'activity': activity, 'title': title,
        'reason': '', 'corrects': '', 'login': login or '',
        'counts_from': at + timedelta(days=days)})


def adjust(register, volunteer, corrects, minutes, reason, days, login, at=None):
    """Correct the entry `corrects` (a dict) by `minutes` (may be negative), with a reason.

    Taking hours away applies when the corrected entry counts (at once if it already
    does); adding hours is posted publicly like any new hours.
    """
    at = at or now()
    if minutes < 0:
        counts_from = max(at, corrects['counts_from'])
    else:
        counts_from = at + timedelta(days=days)
    return _append(register, volunteer, {
        'id': uuid.uuid4().hex[:12], 'recorded': at, 'kind': ADJUSTMENT,
        'minutes': int(minutes), 'date': corrects['date'], 'activity': corrects['activity'],
        'title': corrects['title'], 'reason': reason, 'corrects': corrects['id'],
        'login': login or '', 'counts_from': counts_from})


def in_period(volunteer, first, last, at=None):
    """(counted minutes, [(date, title, minutes)]) of service dated `first`..`last`."""
    at = at or now()
    by_activity, total = {}, 0
    for entry in entries(volunteer):
        if not first <= entry['date'] <= last or entry['counts_from'] > at:
            continue
        total += entry['minutes']
        key = (entry['date'], entry['title'] or entry['activity'])
        by_activity[key] = by_activity.get(key, 0) + entry['minutes']
    rows = [(d, t, m) for (d, t), m in sorted(by_activity.items()) if m]
    return total, rows


def month_totals(register, first_month, last_month):
    """{volunteer number: minutes} for months `first_month`..`last_month` ('YYYY-MM')."""
    out = {}
    for (month, number), counter in register.months.items((first_month, ''),
                                                          (last_month, '\uffff')):
        out[number] = out.get(number, 0) + counter()
    return out


# --- month totals for honour boards, without loading one counter per volunteer and month --

class _MonthCache:
    """{month: {number: minutes}} of one register as of ledger position `end`.

    Every change of a register's month counters comes with a line appended to its ledger
    (`_append`), so the totals at position `end` are exact for any snapshot whose ledger
    ends there, and the lines since bring them up to date.
    """

    def __init__(self, end, months):
        self.end = end
        self.months = months
        self.ranked = {}       # (first, last) → [(minutes, number)], most first


_CACHES = weakref.WeakKeyDictionary()   # ZODB database → {register oid: _MonthCache}
_LOCK = threading.Lock()
RANGES_KEPT = 16          # month ranges ranked per register
CATCH_UP_LIMIT = 5000     # more new lines than this: read the counters again instead


def _from_counters(register):
    months = {}
    for (month, number), counter in register.months.items():
        months.setdefault(month, {})[number] = counter()
    return months


def _cache_of(register):
    """The register's up-to-date month cache, or None where none may be kept (a register
    not yet committed, or one this transaction has changed)."""
    jar, oid = register._p_jar, register._p_oid
    log = register.ledger
    if jar is None or oid is None or log._p_changed or log.head._p_changed:
        return None
    end = log.end
    with _LOCK:
        caches = _CACHES.setdefault(jar.db(), {})
        cache = caches.get(oid)
    if cache is not None and cache.end == end:
        return cache
    if cache is not None and log.first <= cache.end < end and end - cache.end <= CATCH_UP_LIMIT:
        months = {m: dict(v) for m, v in cache.months.items()}
        for _position, line in log.since(cache.end):
            entry = dict(zip(TENANT_FIELDS, line))
            per = months.setdefault(entry['date'].strftime('%Y-%m'), {})
            per[entry['number']] = per.get(entry['number'], 0) + entry['minutes']
    else:
        months = _from_counters(register)
    fresh = _MonthCache(end, months)
    with _LOCK:
        current = caches.get(oid)
        if current is None or current.end <= end:
            caches[oid] = fresh
    return fresh


def ranked_month_totals(register, first_month, last_month):
    """[(minutes, volunteer number)] over months `first_month`..`last_month`, most first.

    Read from a per-process cache kept exact by the register's ledger position; without
    one (see `_cache_of`) from the counters, as `month_totals` does.
    """
    cache = _cache_of(register)
    if cache is None:
        totals = month_totals(register, first_month, last_month)
        return sorted(((m, n) for n, m in totals.items()), key=lambda c: (-c[0], c[1]))
    key = (first_month, last_month)
    ranked = cache.ranked.get(key)
    if ranked is None:
        totals = {}
        for month, per in cache.months.items():
            if first_month <= month <= last_month:
                for number, minutes in per.items():
                    totals[number] = totals.get(number, 0) + minutes
        ranked = sorted(((m, n) for n, m in totals.items()), key=lambda c: (-c[0], c[1]))
        if len(cache.ranked) >= RANGES_KEPT:
            cache.ranked.clear()
        cache.ranked[key] = ranked
    return ranked


def local_date(dt):
    return local(dt).date()
