"""Time helpers: stored times are UTC; residents read China Standard Time."""
from datetime import datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), 'CST')


def utcnow():
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


def local(dt):
    """`dt` in China Standard Time (naive datetimes are taken as UTC)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(CHINA_TZ)


def fmt(dt, with_time=True):
    """A datetime as residents read it: 2026-11-23 18:30 (China time)."""
    if dt is None:
        return ''
    return local(dt).strftime('%Y-%m-%d %H:%M' if with_time else '%Y-%m-%d')
