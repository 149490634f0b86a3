"""The shipped holiday list agrees, day by day, with the chinese-calendar package."""
import datetime

import chinese_calendar

from shequ.requests.workdays import DEFAULT_FILE, Calendar, shipped


def test_every_shipped_year_matches_chinese_calendar_day_by_day():
    years = shipped(DEFAULT_FILE)
    assert 2026 in years
    cal = Calendar(years)
    checked = 0
    for year in years:
        day = datetime.date(year, 1, 1)
        try:
            chinese_calendar.is_workday(day)
        except NotImplementedError:
            continue          # a year the package does not know yet
        while day.year == year:
            assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
            day += datetime.timedelta(days=1)
            checked += 1
    assert checked >= 365


def test_a_year_without_a_list_counts_weekends_only():
    cal = Calendar({})
    assert cal.add_workdays(datetime.date(2030, 1, 4), 1) == datetime.date(2030, 1, 7)
    assert cal.workdays_between(datetime.date(2030, 1, 4), datetime.date(2030, 1, 11)) == 5
