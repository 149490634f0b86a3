"""The honour board's cached month totals follow every recorded entry at once."""
from datetime import date, timedelta

from sitekit import DEMO_FILE
from shequ.volunteers import ledger
from shequ.volunteers.model import get_register

BOARD = '/sunwu/qingxi/xingfu/volunteers/@@honour?from=2026-10&to=2026-11'


def hours_of(res, number):
    row = next(tr for tr in res.html.select('tbody tr')
               if tr.select_one('a')['href'].endswith('/v/' + number))
    return row.select_one('td.hours').text


def record(site, number, minutes, day, at):
    with site.root() as root:
        section = root['sunwu']['qingxi']['xingfu']['volunteers']
        register = get_register(section)
        ledger.record_service(register, register.get(number), minutes, day, 7, 'test',
                              title='补录', at=at)


def test_board_follows_new_entries_and_adjustments(site):
    site.load(DEMO_FILE)
    app = site.app
    before = app.get(BOARD)
    first = float(hours_of(before, 'V000001'))
    assert app.get(BOARD).text == before.text            # the cached board is the same
    long_ago = ledger.now() - timedelta(days=40)
    record(site, 'V000001', 600, date(2026, 11, 1), long_ago)
    after = app.get(BOARD)
    assert float(hours_of(after, 'V000001')) == first + 10
    assert after.html.select_one('tbody tr a')['href'].endswith('/v/V000001')
    # hours outside the months asked for do not count, hours still in 公示 do not either
    record(site, 'V000001', 600, date(2026, 9, 1), long_ago)
    record(site, 'V000001', 600, date(2026, 11, 2), ledger.now())
    assert float(hours_of(app.get(BOARD), 'V000001')) == first + 10
    # another range of months is ranked on its own
    board = app.get('/sunwu/qingxi/xingfu/volunteers/@@honour?from=2026-09&to=2026-09')
    assert float(hours_of(board, 'V000001')) == 10


def test_publicity_is_paged_newest_first(site):
    site.load(DEMO_FILE)
    url = '/sunwu/qingxi/xingfu/volunteers/@@publicity'
    shown = len(site.app.get(url).html.select('tbody tr'))
    for i in range(60):
        record(site, 'V000002', 60, date(2026, 11, 30), ledger.now() - timedelta(minutes=60 - i))
    first = site.app.get(url)
    assert len(first.html.select('tbody tr')) == ledger_page()
    assert first.html.select_one('a[rel=next]') and not first.html.select_one('a[rel=prev]')
    second = site.app.get(first.html.select_one('a[rel=next]')['href'])
    assert len(second.html.select('tbody tr')) == 60 + shown - ledger_page()
    assert second.html.select_one('a[rel=prev]') and not second.html.select_one('a[rel=next]')


def ledger_page():
    from shequ.volunteers.boards import PUBLICITY_PAGE
    return PUBLICITY_PAGE
