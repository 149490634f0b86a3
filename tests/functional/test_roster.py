"""The on-duty roster (值班表): posting, import, copy forward, pages, print, iCalendar feed,
exports, the home-page panel, the township page — and the personal phone kept private."""
import csv
import io
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

import icalendar
import pytest
from openpyxl import Workbook, load_workbook
from webtest import TestApp

from helpers import add_user, csrf, find, login
from sitekit import BASE_FILE, SITE_LAYOUT, Site, write_ini
from test_crawl import assert_no_failures, crawl

from shequ.clock import CHINA_TZ
from shequ.duties.roster import Roster, china_now, today_shifts

XINGFU = '/sunwu/qingxi/xingfu'
DUTIES = XINGFU + '/duties/'
PRIVATE = '13904561234'
SHEQU = os.path.join(os.path.dirname(sys.executable), 'shequ')
HEAD = ['日期', '开始', '结束', '姓名', '岗位', '值班电话', '个人电话(可选)', '备注(可选)']


def shift(start, end, name, post='网格员', phone='0456-8231108', private='', note=''):
    return {'start': start, 'end': end, 'name': name, 'post': post, 'duty_phone': phone,
            'private_phone': private, 'note': note}


def post_days(site, days, path=DUTIES):
    """Store shifts directly, as `shequ load` would ({date: [shift]})."""
    from shequ.duties.roster import write_days
    with site.root() as root:
        write_days(find(root, path), days, site.registry)


def xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def roster_site(demo):
    """The base tree with a week of December shifts at 幸福社区 (one with a personal phone)
    and staff of 幸福社区 and of 朝阳社区."""
    post_days(demo, {
        date(2026, 12, 7): [shift('08:30', '17:00', '王丽', '社区书记', '0456-8231101'),
                            shift('17:00', '08:30', '刘洋', '值班主任', private=PRIVATE)],
        date(2026, 12, 8): [shift('08:30', '17:00', '陈国栋', '社区主任', '0456-8231101')],
        date(2026, 12, 13): [shift('08:00', '08:00', '赵敏', '网格员', note='周末值守')],
    })
    with demo.root() as root:
        add_user(root, 'xingfu', 'staff', XINGFU, name='幸福社区工作人员')
        add_user(root, 'chaoyang', 'staff', '/sunwu/qingxi/chaoyang')
    return demo


def stored(site, day, path=DUTIES):
    with site.root() as root:
        roster = getattr(find(root, path), 'roster', None)
        return [dict(s) for s in roster.shifts(day)] if roster is not None else []


# --- pages ---

def test_week_page_lists_the_shifts_of_each_day(roster_site):
    page = roster_site.app.get(DUTIES + '@@roster', {'week': '2026-W50'})
    days = page.html.select('.roster-day')
    assert len(days) == 7
    assert '12月7日' in days[0].text and '王丽' in days[0].text and '社区书记' in days[0].text
    assert '17:00–08:30' in days[0].text and '次日' in days[0].text
    assert 'tel:0456-8231101' in str(days[0])
    assert '赵敏' in days[6].text and '周末值守' in days[6].text
    assert '未安排' in days[2].text
    assert page.html.select_one('a[href^="webcal://localhost%s@@roster.ics"]' % DUTIES)


def test_date_and_month_parameters_choose_the_period(roster_site):
    page = roster_site.app.get(DUTIES + '@@roster', {'date': '2026/12/9'})
    assert '2026-12-07 – 2026-12-13' in page.text
    month = roster_site.app.get(DUTIES + '@@roster-month', {'month': '2026-12'})
    assert '2026-12-01 – 2026-12-31' in month.text and '陈国栋' in month.text
    nav = {a.text.strip(): a['href'] for a in month.html.select('.roster-nav a')}
    assert nav['下个月'].endswith('month=2027-01') and nav['上个月'].endswith('month=2026-11')
    # nonsense answers the current period, never an error
    assert roster_site.app.get(DUTIES + '@@roster', {'week': '2026-W99', 'date': 'x'}).status_int == 200


def test_navigation_stops_where_no_shifts_are(roster_site):
    """No endless chain of empty weeks: far from today and from any shift, no further link."""
    page = roster_site.app.get(DUTIES + '@@roster', {'week': '2031-W10'})
    links = [a.text.strip() for a in page.html.select('.roster-nav a')]
    assert '下一周' not in links and '上一周' in links and '本周' in links


def test_section_page_and_home_link_to_the_roster(roster_site):
    section = roster_site.app.get(DUTIES)
    hrefs = [a['href'] for a in section.html.select('.roster-links a')]
    assert any(h.endswith('@@roster') for h in hrefs)
    township = roster_site.app.get('/sunwu/qingxi/duties/')
    assert any(a['href'].endswith('/sunwu/qingxi/@@duty-today')
               for a in township.html.select('.roster-links a'))


# --- the home page panel ---

def test_panel_shows_who_is_on_duty_now_and_the_rest_of_today(demo):
    today = china_now().date()
    post_days(demo, {today: [shift('00:00', '00:00', '王丽', '值班主任', '0456-8231101'),
                             shift('23:59', '23:59', '周晓燕', '网格员')]})
    panel = demo.app.get(XINGFU + '/').html.select_one('#panel-on-duty')
    assert panel.select_one('h2').text == '今日值班'
    now = panel.select_one('li.now')
    assert '王丽' in now.text and '正在值班' in now.text
    assert now.select_one('a[href="tel:0456-8231101"]')
    assert '周晓燕' in panel.text


def test_panel_is_absent_without_a_roster_and_says_so_when_today_is_empty(demo):
    assert demo.app.get(XINGFU + '/').html.select_one('#panel-on-duty') is None
    post_days(demo, {date(2020, 1, 6): [shift('08:00', '17:00', '王丽')]})
    panel = demo.app.get(XINGFU + '/').html.select_one('#panel-on-duty')
    assert '今日暂无值班安排' in panel.text


def test_night_shift_is_on_duty_after_midnight():
    roster = Roster()
    roster.update(days={date(2026, 12, 7): [dict(shift('20:00', '08:00', '刘洋'), id='a'),
                                            dict(shift('08:00', '17:00', '王丽'), id='b')],
                        date(2026, 12, 8): [dict(shift('08:30', '17:00', '陈国栋'), id='c')]})
    after_midnight = datetime(2026, 12, 8, 2, 30, tzinfo=CHINA_TZ)
    found = [(s['name'], now) for _day, s, now in today_shifts(roster, after_midnight)]
    assert found == [('刘洋', True), ('陈国栋', False)]
    morning = datetime(2026, 12, 8, 9, 0, tzinfo=CHINA_TZ)
    assert [(s['name'], now) for _d, s, now in today_shifts(roster, morning)] == [('陈国栋', True)]


def test_township_page_shows_todays_duty_of_every_unit_below(demo):
    today = china_now().date()
    post_days(demo, {today: [shift('00:00', '00:00', '王丽', '值班主任')]})
    post_days(demo, {today: [shift('00:00', '00:00', '张国庆', '值班领导')]}, '/sunwu/qingxi/duties')
    page = demo.app.get('/sunwu/qingxi/@@duty-today')
    rows = {r.select_one('th').text.strip(): r for r in page.html.select('table.duty-today tbody tr')}
    assert '王丽' in rows['幸福社区'].text and rows['幸福社区'].select_one('li.now')
    assert '张国庆' in rows['清溪街道'].text
    assert '未安排' in rows['朝阳社区'].text


def test_township_page_has_fifty_units_a_page(site, tmp_path):
    community = '\n          - {slug: c%02d, kind: community, title: 第%02d社区}'
    path = tmp_path / 'many.yaml'
    path.write_text('tenants:\n  - slug: sunwu\n    kind: county\n    title: 孙吴县\n'
                    '    children:\n      - slug: qingxi\n        kind: street\n'
                    '        title: 清溪街道\n        children:'
                    + ''.join(community % (n, n) for n in range(55)) + '\n')
    site.load(str(path))
    first = site.app.get('/sunwu/qingxi/@@duty-today')
    assert len(first.html.select('table.duty-today tbody tr')) == 50
    second = site.app.get(first.html.select_one('.pager a[rel=next]')['href'])
    units = [r.select_one('th').text.strip() for r in second.html.select('table.duty-today tbody tr')]
    assert units == ['第%02d社区' % n for n in range(49, 55)]


# --- iCalendar ---

def test_ical_feed_parses_back_with_events_in_shanghai_time(demo):
    today = china_now().date()
    post_days(demo, {today: [shift('08:30', '17:00', '王丽', '值班主任', '0456-8231101'),
                             shift('20:00', '08:00', '刘洋', '网格员', private=PRIVATE)]})
    res = demo.app.get(DUTIES + '@@roster.ics')
    assert res.content_type == 'text/calendar'
    cal = icalendar.Calendar.from_ical(res.body)
    assert [str(tz['TZID']) for tz in cal.walk('VTIMEZONE')] == ['Asia/Shanghai']
    events = {str(e['SUMMARY']): e for e in cal.walk('VEVENT')}
    assert set(events) == {'值班：王丽（值班主任）', '值班：刘洋（网格员）'}
    day = events['值班：王丽（值班主任）']
    start = day.decoded('DTSTART')
    assert str(start.tzinfo) == 'Asia/Shanghai' and start.utcoffset() == timedelta(hours=8)
    assert (start.date(), start.hour, start.minute) == (today, 8, 30)
    assert start.astimezone(CHINA_TZ).hour == 8
    assert '0456-8231101' in str(day['DESCRIPTION'])
    night = events['值班：刘洋（网格员）']
    assert night.decoded('DTEND') - night.decoded('DTSTART') == timedelta(hours=12)
    assert night.decoded('DTEND').date() == today + timedelta(days=1)
    assert PRIVATE not in res.text
    again = icalendar.Calendar.from_ical(demo.app.get(DUTIES + '@@roster.ics').body)
    assert sorted(str(e['UID']) for e in again.walk('VEVENT')) == sorted(
        str(e['UID']) for e in cal.walk('VEVENT'))


# --- the personal phone ---

def test_personal_phone_is_on_no_public_page_feed_export_or_search(roster_site):
    today = china_now().date()
    post_days(roster_site, {today: [shift('00:00', '00:00', '刘洋', '值班主任', private=PRIVATE)]})
    app = roster_site.app
    pages = [DUTIES + '@@roster?week=2026-W50', DUTIES + '@@roster-month?month=2026-12',
             DUTIES + '@@roster', DUTIES + '@@roster-month',
             DUTIES + '@@roster-print?week=2026-W50', DUTIES + '@@roster-print?month=2026-12',
             DUTIES + '@@roster.ics', DUTIES + '@@roster.csv?month=2026-12',
             XINGFU + '/', '/sunwu/qingxi/@@duty-today']
    for path in pages:
        res = app.get(path)
        assert '刘洋' in res.text, path          # the shift is there, its personal phone not
        assert PRIVATE not in res.text, path
    for path, query in ((DUTIES, {}), (XINGFU + '/@@search.json', {'q': '刘洋'}),
                        (XINGFU + '/@@search', {'q': '刘洋 值班'})):
        assert PRIVATE not in app.get(path, query).text, path
    assert app.get(XINGFU + '/@@search.json', {'q': PRIVATE}).json['results'] == []
    book = load_workbook(io.BytesIO(app.get(DUTIES + '@@roster.xlsx?month=2026-12').body))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row]
    assert '刘洋' in cells and PRIVATE not in ' '.join(cells)
    # staff of the community see it where they plan the roster
    staff = login(roster_site, 'xingfu')
    assert PRIVATE in staff.get(DUTIES + '@@roster-edit', {'date': '2026-12-07'}).text
    assert PRIVATE in staff.get(DUTIES + '@@roster', {'week': '2026-W50'}).text
    assert PRIVATE not in staff.get(DUTIES + '@@roster.ics').text


# --- print ---

def test_print_is_a4_without_navigation_and_with_a_qr_code(roster_site):
    for query in ({'week': '2026-W50'}, {'month': '2026-12'}):
        page = roster_site.app.get(DUTIES + '@@roster-print', query)
        assert '<nav' not in page.text and page.html.find('form') is None
        assert 'print.css' in page.text and 'style.css' not in page.text
        assert page.html.select_one('.qr svg') is not None
        assert '王丽' in page.text and '0456-8231101' in page.text
        assert '12月7日' in page.text
        assert page.html.select_one('.print-head') is not None
        assert '打印日期' in page.html.select_one('.print-date').text


# --- staff: posting, deleting, permissions, CSRF ---

def test_staff_add_a_shift_through_the_form(roster_site):
    app = login(roster_site, 'xingfu')
    form = app.get(DUTIES + '@@roster-edit', {'date': '2026-12-09'}).forms['deform']
    assert form['date'].value == '2026-12-09'
    form['start'], form['end'] = '17:00', '08:30'
    form['name'], form['post'], form['duty_phone'] = '孙志强', '值班主任', '0456-8231108'
    form['private_phone'] = '135 0456 7703'
    res = form.submit('save')
    assert res.status_int == 302 and 'date=2026-12-09' in res.location
    [saved] = stored(roster_site, date(2026, 12, 9))
    assert (saved['name'], saved['start'], saved['end']) == ('孙志强', '17:00', '08:30')
    with roster_site.root() as root:
        entries = list(find(root, XINGFU).audit.newest(0, 5))
    assert any('roster' in e[4] and e[1] == 'xingfu' for e in entries)


def test_bad_shift_form_says_why_and_stores_nothing(roster_site):
    app = login(roster_site, 'xingfu')
    form = app.get(DUTIES + '@@roster-edit', {'date': '2026-12-10'}).forms['deform']
    form['start'], form['end'] = '25:00', '08:00'
    form['name'], form['post'], form['duty_phone'] = '孙志强', '值班主任', '打电话给我'
    res = form.submit('save', status=400)
    assert '不是有效时间' in res.text and '不是有效电话号码' in res.text
    assert stored(roster_site, date(2026, 12, 10)) == []


def test_editing_a_shift_can_move_it_to_another_day(roster_site):
    app = login(roster_site, 'xingfu')
    [first] = stored(roster_site, date(2026, 12, 8))
    form = app.get(DUTIES + '@@roster-edit', {'date': '2026-12-08', 'id': first['id']}).forms['deform']
    assert form['name'].value == '陈国栋'
    form['date'] = '2026-12-09'
    form.submit('save')
    assert stored(roster_site, date(2026, 12, 8)) == []
    assert [s['id'] for s in stored(roster_site, date(2026, 12, 9))] == [first['id']]


def test_delete_asks_first(roster_site):
    app = login(roster_site, 'xingfu')
    page = app.get(DUTIES + '@@roster-edit', {'date': '2026-12-07'})
    form = [f for f in page.forms.values() if f.action.endswith('@@roster-delete')][0]
    confirm = form.submit()
    assert confirm.status_int == 200 and '确定删除' in confirm.text
    assert len(stored(roster_site, date(2026, 12, 7))) == 2
    confirm.forms['confirm-form'].submit()
    assert [s['name'] for s in stored(roster_site, date(2026, 12, 7))] == ['刘洋']


@pytest.mark.parametrize('view', ['@@roster-edit', '@@roster-import', '@@roster-copy',
                                  '@@roster-delete', '@@roster-template.xlsx'])
def test_staff_of_another_community_get_403(roster_site, view):
    app = login(roster_site, 'chaoyang')
    app.get(DUTIES + view, status=403)
    token = csrf(app, '/sunwu/qingxi/chaoyang/duties/@@roster-edit')
    app.post(DUTIES + view, {'csrf_token': token, 'confirm': 'yes', 'week': '2026-W50',
                             'date': '2026-12-07'}, status=403)
    assert len(stored(roster_site, date(2026, 12, 7))) == 2
    assert 'login' in roster_site.app.get(DUTIES + view, status=302).location


def test_post_without_csrf_token_is_refused(roster_site):
    app = login(roster_site, 'xingfu')
    [first] = stored(roster_site, date(2026, 12, 8))
    app.post(DUTIES + '@@roster-delete', {'date': '2026-12-08', 'id': first['id'],
                                          'confirm': 'yes'}, status=400)
    app.post(DUTIES + '@@roster-copy', {'week': '2026-W50', 'confirm': 'yes',
                                        'csrf_token': 'forged'}, status=400)
    app.post(DUTIES + '@@roster-import', upload_files=[('file', 'r.csv', b'x')], status=400)
    assert len(stored(roster_site, date(2026, 12, 8))) == 1
    assert stored(roster_site, date(2026, 12, 14)) == []


# --- import ---

def import_file(app, name, body):
    page = app.get(DUTIES + '@@roster-import')
    form = page.forms['import-form']
    form['file'] = (name, body)
    return form.submit(expect_errors=True)


def test_xlsx_with_one_bad_row_is_refused_whole(roster_site):
    rows = [HEAD] + [['2026-12-%02d' % d, '08:30', '17:00', '王丽', '社区书记', '0456-8231101']
                     for d in range(14, 19)]
    rows[4][1] = '8点半'        # the 4th data row, spreadsheet row 5
    res = import_file(login(roster_site, 'xingfu'), 'roster.xlsx', xlsx(rows))
    assert res.status_int == 400
    problems = [[td.text for td in tr.select('td')] for tr in res.html.select('table.problems tbody tr')]
    assert problems == [['5', '开始', '不是有效时间，请写成 08:00。']]
    assert '未导入' in res.text
    for d in range(14, 19):
        assert stored(roster_site, date(2026, 12, d)) == []


def test_good_xlsx_replaces_the_dates_it_covers_and_no_other(roster_site):
    rows = [HEAD,
            [datetime(2026, 12, 7), '08:00', '12:00', '周晓燕', '网格员', '0456-8231102', '', ''],
            ['2026/12/7', '12:00', '20:00', '吴刚', '网格员', '0456-8231102', '138 0456 2204', '午班'],
            [None, None, None, None, None, None, None, None],
            ['2026-12-20', '20:00', '08:00', '张伟', '值班主任', '0456-8231118']]
    res = import_file(login(roster_site, 'xingfu'), 'r.xlsx', xlsx(rows))
    assert res.status_int == 302
    assert '已导入 3 个班次，共 2 天' in res.follow().text
    assert [s['name'] for s in stored(roster_site, date(2026, 12, 7))] == ['周晓燕', '吴刚']
    assert stored(roster_site, date(2026, 12, 7))[1]['private_phone'] == '138 0456 2204'
    assert [s['name'] for s in stored(roster_site, date(2026, 12, 8))] == ['陈国栋']
    assert stored(roster_site, date(2026, 12, 20))[0]['end'] == '08:00'


def test_csv_with_english_headings_and_gbk_text_imports(roster_site):
    text = ('Date,Start,End,Name,Post,Duty phone\r\n'
            '2026-12-21,08:30,17:00,王丽,社区书记,0456-8231101\r\n')
    res = import_file(login(roster_site, 'xingfu'), 'r.csv', text.encode('gb18030'))
    assert res.status_int == 302
    assert stored(roster_site, date(2026, 12, 21))[0]['post'] == '社区书记'


def test_csv_missing_a_column_and_a_non_spreadsheet_are_refused(roster_site):
    app = login(roster_site, 'xingfu')
    res = import_file(app, 'r.csv', '日期,开始,结束,姓名\n2026-12-22,08:00,09:00,王丽\n'.encode())
    assert res.status_int == 400 and '岗位' in res.text and '缺少这一列' in res.text
    res = import_file(app, 'r.xlsx', b'PK\x03\x04 not really a zip')
    assert res.status_int == 400 and '不是 Excel' in res.text
    assert stored(roster_site, date(2026, 12, 22)) == []


def test_a_workbook_that_unpacks_to_too_much_is_refused_unopened(roster_site):
    import zipfile
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, 'w', zipfile.ZIP_DEFLATED) as zf:
        zf.writestr('xl/sharedStrings.xml', b'0' * (30 * 1024 * 1024))
    res = import_file(login(roster_site, 'xingfu'), 'bomb.xlsx', bomb.getvalue())
    assert res.status_int == 400 and '数据量过大' in res.text


def test_template_has_the_import_columns(roster_site):
    res = login(roster_site, 'xingfu').get(DUTIES + '@@roster-template.xlsx')
    ws = load_workbook(io.BytesIO(res.body)).worksheets[0]
    assert [c.value for c in ws[1]] == HEAD


def test_public_csv_export_imports_again(roster_site):
    body = roster_site.app.get(DUTIES + '@@roster.csv', {'month': '2026-12'}).body
    rows = list(csv.reader(io.StringIO(body.decode('utf-8-sig'))))
    assert rows[0] == HEAD[:6] + ['备注(可选)'] and len(rows) == 5
    assert rows[1][:4] == ['2026-12-07', '08:30', '17:00', '王丽']
    post_days(roster_site, {date(2026, 12, 7): []})
    assert import_file(login(roster_site, 'xingfu'), 'back.csv', body).status_int == 302
    assert [s['name'] for s in stored(roster_site, date(2026, 12, 7))] == ['王丽', '刘洋']


# --- copy forward ---

def test_copy_a_week_forward_asks_first_then_writes(roster_site):
    app = login(roster_site, 'xingfu')
    post_days(roster_site, {date(2026, 12, 15): [shift('09:00', '10:00', '旧安排')],
                            date(2026, 12, 16): [shift('09:00', '10:00', '保留')]})
    page = app.get(DUTIES + '@@roster-copy', {'week': '2026-W50'})
    assert '4 个班次' in page.text and '2026-W51' in page.text
    assert stored(roster_site, date(2026, 12, 14)) == []
    res = page.forms['confirm-form'].submit()
    assert res.status_int == 302 and 'week=2026-W51' in res.location
    assert '已复制 4 个班次到 2026-W51' in res.follow().text
    copied = stored(roster_site, date(2026, 12, 14))
    assert [s['name'] for s in copied] == ['王丽', '刘洋'] and copied[1]['private_phone'] == PRIVATE
    assert {s['id'] for s in copied}.isdisjoint(s['id'] for s in stored(roster_site, date(2026, 12, 7)))
    assert [s['name'] for s in stored(roster_site, date(2026, 12, 15))] == ['陈国栋']
    assert [s['name'] for s in stored(roster_site, date(2026, 12, 16))] == ['保留']


def test_copy_a_month_forward_by_weekday(roster_site):
    app = login(roster_site, 'xingfu')
    res = app.get(DUTIES + '@@roster-copy', {'month': '2026-12'}).forms['confirm-form'].submit()
    assert res.status_int == 302
    # 2026-12-07 is the first Monday of December; 2027-01-04 the first Monday of January
    assert [s['name'] for s in stored(roster_site, date(2027, 1, 4))] == ['王丽', '刘洋']
    # 2026-12-08 is the second Tuesday (December begins on one), as 2027-01-12 is
    assert stored(roster_site, date(2027, 1, 5)) == []
    assert [s['name'] for s in stored(roster_site, date(2027, 1, 12))] == ['陈国栋']
    assert [s['name'] for s in stored(roster_site, date(2027, 1, 10))] == ['赵敏']
    assert stored(roster_site, date(2027, 1, 11)) == []


# --- the tenant-tree file and the command line ---

def test_tenant_file_key_shifts_loads_and_refuses_an_unquoted_time(demo, tmp_path):
    from shequ.cli.loader import LoadError
    path = tmp_path / 'shifts.yaml'
    entry = "{date: 2026-12-24, start: '%s', end: '08:00', name: 王丽, post: 社区书记, duty_phone: 0456-8231101}"
    body = '''tenants:
  - slug: sunwu
    kind: county
    title: 孙吴县
    children:
      - slug: qingxi
        kind: street
        title: 清溪街道
        children:
          - slug: xingfu
            kind: community
            title: 幸福社区
            shifts:
              - %s
'''
    path.write_text(body % (entry % '20:00'))
    demo.load(str(path))
    [first] = stored(demo, date(2026, 12, 24))
    demo.load(str(path))                    # loading again keeps the shift (and its UID)
    assert stored(demo, date(2026, 12, 24)) == [first]
    path.write_text(body % (entry % '20:00').replace("'20:00'", '20:00'))
    with pytest.raises(LoadError, match='shifts'):
        demo.load(str(path))


def test_cli_import_refuses_a_bad_file_then_imports_and_exports(tmp_path):
    site = Site(tmp_path)
    site.load(BASE_FILE)
    site.close()
    ini = write_ini(tmp_path, **SITE_LAYOUT)
    bad = tmp_path / 'bad.xlsx'
    bad.write_bytes(xlsx([HEAD, ['2026-12-28', '08:00', '17:00', '王丽', '社区书记', '0456-8231101'],
                          ['2026-12-29', '08:00', '17:00', '', '社区书记', '0456-8231101']]))
    res = subprocess.run([SHEQU, 'roster', 'import', ini, XINGFU, str(bad)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1 and '第 3 行' in res.stderr and '姓名' in res.stderr
    good = tmp_path / 'good.csv'
    good.write_text('日期,开始,结束,姓名,岗位,值班电话,个人电话\n'
                    '2026-12-28,08:00,17:00,王丽,社区书记,0456-8231101,%s\n' % PRIVATE,
                    encoding='utf-8')
    res = subprocess.run([SHEQU, 'roster', 'import', ini, XINGFU, str(good)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    out = tmp_path / 'out.xlsx'
    res = subprocess.run([SHEQU, 'roster', 'export', ini, XINGFU, str(out), '--month', '2026-12'],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    cells = [c.value for row in load_workbook(out).active.iter_rows() for c in row]
    assert '王丽' in cells and PRIVATE not in cells
    site = Site(tmp_path)
    try:
        assert stored(site, date(2026, 12, 29)) == []
        assert stored(site, date(2026, 12, 28))[0]['private_phone'] == PRIVATE
    finally:
        site.close()


# --- the full demo ---

def test_crawl_of_the_demo_reaches_the_roster_pages(full_demo_site):
    statuses = crawl(TestApp(full_demo_site.wsgi), '/sunwu/qingxi/duties/@@roster', limit=80)
    assert_no_failures(statuses)
    for view in ('@@roster', '@@roster-month', '@@roster-print', '@@roster.ics'):
        assert any(view in p for p in statuses), view
    assert any(p.endswith('@@duty-today') for p in statuses)


def test_demo_has_someone_on_duty_in_december_2026(full_demo_site):
    page = full_demo_site.app.get(DUTIES + '@@roster', {'week': '2026-W50'})
    assert len(page.html.select('.roster-day li.shift')) == 14
    county = full_demo_site.app.get('/sunwu/duties/@@roster-month', {'month': '2027-01'})
    assert '带班领导' in county.text
