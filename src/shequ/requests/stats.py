"""Statistics of the requests of a tenant and every tenant below it, over a period.

Only counts and durations: nothing here names a resident. Time to close runs from the
submission to the first answer (办结告知), in days; the 90th percentile is the nearest-rank
one. Overdue counts the requests still open past their deadline now, and `late` those
answered after it. Satisfaction is (满意 + 基本满意) / rated.
"""
import datetime
import math

from ..clock import local, utcnow
from ..tree import find_tenant
from .model import CATEGORIES, RATINGS, TYPES, get_store, requests_below
from .states import STATES

DEFAULT_DAYS = 365


def percentile(values, fraction):
    """Nearest-rank percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def in_period(item, first, last):
    day = local(item.submitted).date()
    return (first is None or day >= first) and (last is None or day <= last)


def compute(items, now=None):
    """The figures of `items` (already chosen for a tenant and period)."""
    now = now or utcnow()
    by_state = {s: 0 for s in STATES}
    by_type = {t: 0 for t in TYPES}
    by_category = {c: 0 for c in CATEGORIES}
    ratings = {r: 0 for r in RATINGS}
    durations, overdue, late = [], 0, 0
    for item in items:
        by_state[item.state] = by_state.get(item.state, 0) + 1
        by_type[item.kind] = by_type.get(item.kind, 0) + 1
        by_category[item.category] = by_category.get(item.category, 0) + 1
        if item.rating in ratings:
            ratings[item.rating] += 1
        answered = item.first_closed()
        if answered is not None:
            durations.append((answered - item.submitted) / datetime.timedelta(days=1))
            if item.deadline is not None and answered > item.deadline:
                late += 1
        if item.overdue(now):
            overdue += 1
    rated = sum(ratings.values())
    return {
        'total': len(items), 'by_state': by_state, 'by_type': by_type,
        'by_category': by_category, 'ratings': ratings, 'rated': rated,
        'satisfaction': ((ratings['满意'] + ratings['基本满意']) / rated) if rated else None,
        'answered': len(durations),
        'average_days': (sum(durations) / len(durations)) if durations else None,
        'p90_days': percentile(durations, 0.9),
        'overdue': overdue, 'late': late,
    }


def period(request, default_days=DEFAULT_DAYS):
    """(first, last) China dates from `?from=&to=` (defaults: the last year up to today)."""
    today = local(utcnow()).date()

    def parse(name, default):
        try:
            return datetime.date.fromisoformat(request.params.get(name, '')[:10])
        except ValueError:
            return default
    first = parse('from', today - datetime.timedelta(days=default_days))
    last = parse('to', today)
    return first, last


def figures(section, first=None, last=None, now=None):
    """(items, figures) of the tenant of `section` and below, submitted in the period."""
    store = get_store(section)
    items = [i for i in requests_below(store, find_tenant(section))
             if in_period(i, first, last)]
    return items, compute(items, now)


def public_view_of(section, request):
    """The figures of the last year for the section page."""
    first, last = period(request)
    return figures(section, first, last)[1]


def bar_chart(rows, width=480, bar=22, gap=8, label_width=120):
    """A horizontal bar chart as SVG parts: [(label, value)] → dict for the template.

    Presentation attributes only (no style attribute, no script): safe under the CSP.
    """
    top = max([v for _l, v in rows] + [1])
    span = width - label_width - 60
    bars = []
    for i, (label, value) in enumerate(rows):
        y = i * (bar + gap)
        bars.append({'label': label, 'value': value, 'y': y, 'ty': y + bar * 0.7,
                     'w': max(round(span * value / top), 1 if value else 0),
                     'x': label_width, 'vx': label_width + max(round(span * value / top), 0)
                     + 6})
    return {'bars': bars, 'width': width, 'height': max(len(rows) * (bar + gap), bar),
            'bar': bar, 'label_x': label_width - 8}
