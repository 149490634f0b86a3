"""Working days: weekends off, plus a list of public holidays and make-up working days (调休).

The shipped list is `config/holidays.yaml` (setting `shequ.holidays_file`); a county may
replace any year of it for itself at `@@holidays` (stored on the county's request store).
Deadlines are counted in working days in China time: a request submitted on day D with a
limit of n working days is due at the end (24:00) of the n-th working day after D; a limit
of 0 (urgent) is due at the end of D itself.
"""
import datetime
import functools
import os

import yaml

from ..clock import CHINA_TZ, local

DEFAULT_FILE = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'config',
                            'holidays.yaml')


def _dates(values):
    out = set()
    for value in values or ():
        out.add(value if isinstance(value, datetime.date) else
                datetime.date.fromisoformat(str(value)))
    return out


@functools.lru_cache(maxsize=8)
def shipped(path):
    """{year: (holidays, workdays)} read from the shipped YAML file (cached per path)."""
    if not path or not os.path.exists(path):
        return {}
    with open(path, encoding='utf-8') as f:
        data = yaml.safe_load(f) or {}
    return {int(year): (frozenset(_dates((entry or {}).get('holidays'))),
                        frozenset(_dates((entry or {}).get('workdays'))))
            for year, entry in data.items()}


def holidays_file(registry):
    settings = getattr(registry, 'settings', None) or {}
    return os.path.abspath(settings.get('shequ.holidays_file') or DEFAULT_FILE)


class Calendar:
    """Which days are working days: `years` maps a year to (holidays, workdays)."""

    def __init__(self, years=None):
        self.years = dict(years or {})

    def is_workday(self, day):
        holidays, workdays = self.years.get(day.year, ((), ()))
        if day in workdays:
            return True
        if day in holidays:
            return False
        return day.weekday() < 5

    def add_workdays(self, day, n):
        """The n-th working day after `day` (n ≥ 1); `day` itself when n is 0."""
        for _ in range(n):
            day += datetime.timedelta(days=1)
            while not self.is_workday(day):
                day += datetime.timedelta(days=1)
        return day

    def workdays_between(self, first, last):
        """Working days after `first` up to and including `last`."""
        count, day = 0, first
        while day < last:
            day += datetime.timedelta(days=1)
            count += self.is_workday(day)
        return count

    def deadline(self, submitted, days):
        """The UTC time a request submitted at `submitted` is due with a limit of `days`."""
        due_day = self.add_workdays(local(submitted).date(), days)
        return end_of(due_day)

    def extend(self, deadline, days):
        """A deadline moved on by `days` working days."""
        day = (local(deadline) - datetime.timedelta(seconds=1)).date()
        return end_of(self.add_workdays(day, days))


def end_of(day):
    """24:00 China time of `day`, in UTC."""
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(),
                                         tzinfo=CHINA_TZ)
    return midnight.astimezone(datetime.timezone.utc)


def calendar_for(registry, overrides=None):
    """The calendar of the shipped file with a county's `overrides` {year: (hol, work)}."""
    years = dict(shipped(holidays_file(registry)))
    for year, (holidays, workdays) in (overrides or {}).items():
        years[int(year)] = (frozenset(_dates(holidays)), frozenset(_dates(workdays)))
    return Calendar(years)


def parse_dates(text):
    """Dates written one a line or separated by commas/spaces (YYYY-MM-DD); ValueError."""
    out = []
    for part in text.replace(',', ' ').replace('，', ' ').split():
        out.append(datetime.date.fromisoformat(part.strip()))
    return sorted(set(out))
