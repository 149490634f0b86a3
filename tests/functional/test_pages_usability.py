"""Pages a resident and a clerk both find easy: home pages, staff forms, print, privacy."""
import datetime
import re

import pytest
import time_machine
from webtest import TestApp

from helpers import add_user, csrf, find, login
from notices_support import add_notice, post_notice, staff_app
from shequ.search.subscribers import get_search
from shequ.tree import tenant_path
from sitekit import DEMO_FILE, Site
from test_crawl import crawl

XINGFU = '/sunwu/qingxi/xingfu'


# --- home pages ------------------------------------------------------------------------

def test_home_page_has_tap_to_call_address_and_hours_before_the_sections(demo):
    page = demo.app.get(XINGFU + '/')
    main = page.html.find('main')
    contact = main.find(id='home-contact')
    call = contact.find('a', href=re.compile('^tel:'))
    assert call['href'] == 'tel:0456-8231101' and '0456-8231101' in call.text
    assert '幸福路 5 号' in contact.text and '8:30-17:00' in contact.text
    # near the top: before any section card and before the panels
    blocks = [s.get('id') for s in main.find_all('section')]
    assert blocks[0] == 'home-contact'


def test_an_extension_becomes_a_pause_in_the_tel_link(demo):
    with demo.root() as root:
        root['sunwu']['qingxi']['xingfu'].settings['contact'] = {
            'phone': '0456-8231101-801、13912345678', 'hotline': '12345'}
    contact = demo.app.get(XINGFU + '/').html.find(id='home-contact')
    hrefs = [a['href'] for a in contact.find_all('a', href=re.compile('^tel:'))]
    assert hrefs == ['tel:0456-8231101,801', 'tel:13912345678', 'tel:12345']


def test_empty_sections_are_not_shown_as_empty_cards(demo):
    page = demo.app.get(XINGFU + '/')
    cards = [c['id'] for c in page.html.select('.section-card')]
    assert cards == ['section-services']            # no notices, lists or documents yet
    assert not page.html.select('.section-card .empty')


def test_a_home_with_nothing_at_all_offers_the_phone(demo):
    with demo.root() as root:
        root['sunwu']['services'].data.clear()       # nothing inherited any more
        root['sunwu']['qingxi']['services'].data.clear()
    card = demo.app.get(XINGFU + '/').html.find(id='section-none')
    assert card.find('a', href='tel:0456-8231101')


def test_services_card_lists_the_most_used_first_then_catalogue_order(demo):
    page = demo.app.get(XINGFU + '/')
    titles = [a.text for a in page.html.select('#section-services li a')]
    assert titles[0] == '特困人员救助供养申请'      # 社会救助 first, by pinyin: te < zui
    with demo.root() as root:
        juzhuzheng = tenant_path(root['sunwu']['services']['juzhuzheng'])
    usage = get_search(demo.registry).usage
    for address in ('198.51.100.1', '198.51.100.2', '198.51.100.3'):
        usage.hit(juzhuzheng, address)
    # usage counts live outside the ZODB: a cached home page takes them up when its entry
    # ends (shequ.page_cache.max_age, 600 s)
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=601)
    with time_machine.travel(later, tick=False):
        page = demo.app.get(XINGFU + '/')
    titles = [a.text for a in page.html.select('#section-services li a')]
    assert titles[0] == '居住证申领' and '特困人员救助供养申请' in titles
    assert '常用事项在前' in page.html.find(id='section-services').text


def test_a_community_home_shows_the_newest_notices_of_township_and_county(demo):
    with demo.root() as root:
        add_notice(root, '/sunwu', 'gongnuan', '县城冬季供暖通知')
        add_notice(root, '/sunwu/qingxi', 'tingshui', '街道停水通知')
        add_notice(root, '/sunwu/qingxi/chaoyang', 'linju', '朝阳社区邻里节')
        add_notice(root, '/sunwu', 'caogao', '县里的草稿', state='draft')
    panel = demo.app.get(XINGFU + '/').html.find(id='panel-notices-above')
    assert panel.find('h2').text == '上级通知'
    text = panel.text
    assert '县城冬季供暖通知' in text and '街道停水通知' in text
    assert '孙吴县' in text and '清溪街道' in text
    assert '朝阳社区邻里节' not in text and '县里的草稿' not in text
    assert demo.app.get('/sunwu/').html.find(id='panel-notices-above') is None


def test_county_staff_find_the_synonyms_on_the_county_home(demo):
    with demo.root() as root:
        add_user(root, 'clerk', 'staff', '/sunwu')
    assert demo.app.get('/sunwu/').html.find(id='panel-search-staff') is None
    app = login(demo, 'clerk')
    panel = app.get('/sunwu/').html.find(id='panel-search-staff')
    assert panel.find('a')['href'].endswith('/sunwu/@@synonyms')
    assert app.get('/sunwu/qingxi/').html.find(id='panel-search-staff') is None


# --- staff forms -----------------------------------------------------------------------

def test_members_explains_every_role_and_preselects_staff(demo):
    with demo.root() as root:
        add_user(root, 'boss', 'admin', '/sunwu')
    page = login(demo, 'boss').get(XINGFU + '/@@members')
    select = page.html.find('select', id='m-role')
    options = select.find_all('option')
    assert options[0]['value'] == '' and options[0].text == '请选择'
    assert [o['value'] for o in options if o.has_attr('selected')] == ['staff']
    assert select.has_attr('required')
    help_ = page.html.find('dl', class_='role-help')
    assert [dt.text for dt in help_.find_all('dt')] == ['工作人员', '审核员', '管理员', '志愿者', '居民']
    assert all(dd.text.strip() for dd in help_.find_all('dd'))


def test_members_form_without_a_role_grants_nothing(demo):
    with demo.root() as root:
        add_user(root, 'boss', 'admin', '/sunwu')
        add_user(root, 'newbie')
    app = login(demo, 'boss')
    res = app.post(XINGFU + '/@@members', {'csrf_token': csrf(app), 'action': 'grant',
                                           'login': 'newbie', 'role': ''}, status=400)
    assert '请选择' in res.text
    with demo.root() as root:
        assert 'newbie' not in (getattr(find(root, XINGFU), 'local_roles', None) or {})


def test_standard_box_is_offered_to_a_township_not_to_a_community(demo):
    with demo.root() as root:
        add_user(root, 'boss', 'admin', '/sunwu')
    app = login(demo, 'boss')
    assert 'standard' in app.get('/sunwu/qingxi/services/@@add?type=service').forms['deform'].fields
    assert 'standard' not in app.get(XINGFU + '/services/@@add?type=service').forms['deform'].fields


def test_service_category_is_a_choice(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', XINGFU)
    app = login(demo, 'wang')
    form = app.get(XINGFU + '/services/@@add?type=service').forms['deform']
    options = [value for value, _sel, _text in form['category'].options]
    assert options[0] == '' and '社会救助' in options and '住房保障' in options
    fields = [(k, '其他乱填' if k == 'category' else v) for k, v in form.submit_fields('save')]
    fields = [(k, '随便一个事项' if k == 'title' else v) for k, v in fields]
    res = app.post(form.action, fields, status=400)
    assert '请从列表中选择类别' in res.text


@pytest.mark.parametrize('phone, ok', [
    ('0456-8231101', True), ('0456-8231101-801', True), ('13912345678', True),
    ('12345', True), ('0456-12345', True), ('0456-8231101、13912345678', True),
    ('400-123-4567', True), ('８２３１１０１', False), ('1391234567', False),
    ('call me', False), ('0456-82311', False),
])
def test_service_phone_fields_are_validated_in_chinese(demo, phone, ok):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', XINGFU)
    app = login(demo, 'wang')
    form = app.get(XINGFU + '/services/@@add?type=service').forms['deform']
    form['title'], form['category'], form['phone'] = '社区理发', '社区服务', phone
    res = form.submit('save', status=302 if ok else 400)
    if not ok:
        error = res.html.select_one('.item-phone .invalid-feedback')
        assert error is not None and '不是有效的电话号码' in error.text
        with demo.root() as root:
            assert len(find(root, XINGFU + '/services')) == 0


def test_contents_of_a_services_section_lists_inherited_standards_with_actions(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', XINGFU)
    page = login(demo, 'wang').get(XINGFU + '/services/@@contents')
    block = page.html.find(id='inherited-standards')
    rows = block.select('tbody tr')
    assert len(rows) == 10                            # the county's standards
    row = [r for r in rows if '居住证申领' in r.text][0]
    assert '孙吴县' in row.text
    assert row.find('a', href=re.compile('/services/juzhuzheng/@@override$'))
    hide = row.find('form')
    assert hide['action'].endswith('/services/@@hide') and hide.find('input', {'name': 'slug'})['value'] == 'juzhuzheng'


def test_audit_log_filters_by_user_action_and_dates(demo):
    with demo.root() as root:
        add_user(root, 'boss', 'admin', '/sunwu', name='老板')
        add_user(root, 'wang', 'staff', XINGFU, name='王芳')
    wang = login(demo, 'wang')
    post_notice(wang, title='停水通知')
    post_notice(wang, title='停电通知', button='save')
    boss = login(demo, 'boss')
    log = XINGFU + '/@@audit'
    every = boss.get(log).html.select('table.audit-log tbody tr')
    assert len(every) == 3                             # add, publish, add
    published = boss.get(log, {'action': 'publish'}).html.select('table.audit-log tbody tr')
    assert len(published) == 1 and '停水通知' in published[0].text
    assert not boss.get(log, {'user': 'boss'}).html.select('table.audit-log tbody tr')
    assert len(boss.get(log, {'user': '王芳'}).html.select('table.audit-log tbody tr')) == 3
    today = datetime.date.today()
    later = (today + datetime.timedelta(days=2)).isoformat()
    assert not boss.get(log, {'since': later}).html.select('table.audit-log tbody tr')
    assert len(boss.get(log, {'until': later}).html.select('table.audit-log tbody tr')) == 3
    bad = boss.get(log, {'since': '昨天'})
    assert '请按 2026-12-02 的格式填写日期' in bad.text


def test_audit_log_filter_is_paginated(demo):
    from shequ.security.audit import get_audit_log
    from shequ.clock import utcnow
    with demo.root() as root:
        add_user(root, 'boss', 'admin', '/sunwu')
        log = get_audit_log(root['sunwu'], create=True)
        for n in range(120):
            log.append((utcnow(), 'wang' if n % 2 else 'li', '', 'edit', '/sunwu', '事项 %d' % n))
    boss = login(demo, 'boss')
    page = boss.get('/sunwu/@@audit', {'user': 'wang'})
    assert len(page.html.select('table.audit-log tbody tr')) == 50
    assert '共有 60 条记录符合条件' in page.text
    last = boss.get(page.html.find('a', rel='next')['href'])
    assert last.html.find('a', rel='next') is None
    rows = last.html.select('table.audit-log tbody tr')
    assert len(rows) == 10 and all('wang' in r.text for r in rows)


# --- privacy ---------------------------------------------------------------------------

STAFF = {'wangfang-xingfu': ('staff', XINGFU, '王小芳芳'),
         'lijun-sunwu-admin': ('admin', '/sunwu', '李军军长'),
         'zhaoqiang-qingxi': ('staff', '/sunwu/qingxi', '赵强强强')}


class RecordingApp(TestApp):
    """A visitor's browser that keeps every page it was sent."""

    pages = None

    def get(self, url, *args, **kw):
        res = super().get(url, *args, **kw)
        if self.pages is None:
            self.pages = {}
        if 'html' in (res.content_type or '') or 'json' in (res.content_type or ''):
            self.pages[url] = res.text
        return res


@pytest.fixture(scope='module')
def busy_demo(tmp_path_factory):
    """The full demo after staff have published notices and documents from the web."""
    from document_files import document_form
    site = Site(tmp_path_factory.mktemp('busy'))
    site.load(DEMO_FILE)
    with site.root() as root:
        for name, (role, path, full) in STAFF.items():
            add_user(root, name, role, path, name=full)
    wang = login(site, 'wangfang-xingfu')
    post_notice(wang, title='幸福社区停水通知')
    document_form(wang, title='幸福社区值班制度').submit('publish')
    zhao = login(site, 'zhaoqiang-qingxi')
    post_notice(zhao, path='/sunwu/qingxi', title='清溪街道停电通知')
    yield site
    site.close()


def test_document_history_names_the_unit_not_the_person(busy_demo):
    doc = XINGFU + '/documents/'
    page = busy_demo.app.get(doc)
    link = page.html.find('a', string=re.compile('幸福社区值班制度'))
    history = busy_demo.app.get(link['href'] + '@@history')
    row = history.html.select_one('table.doc-revisions tbody tr')
    assert '幸福社区' in row.text
    assert 'wangfang-xingfu' not in history.text and '王小芳芳' not in history.text
    staff = login(busy_demo, 'wangfang-xingfu').get(link['href'] + '@@history')
    assert '王小芳芳 (wangfang-xingfu)' in staff.text


def test_no_public_page_names_a_staff_member(busy_demo):
    app = RecordingApp(busy_demo.wsgi)
    statuses = crawl(app, '/', limit=900)
    assert len(app.pages) > 150
    assert any('@@history' in p for p in app.pages)
    assert any('幸福社区停水通知' in text for text in app.pages.values())
    leaks = {path: who for path, text in app.pages.items()
             for login_name, (_r, _p, full) in STAFF.items()
             for who in (login_name, full) if who in text}
    assert not leaks, leaks
    assert not [p for p, s in statuses.items() if s >= 500]


# --- print for the 公开栏 ----------------------------------------------------------------

def _today_in_chinese():
    from shequ.clock import local, utcnow
    day = local(utcnow())
    return '打印日期：%d年%d月%d日' % (day.year, day.month, day.day)


def test_finance_print_has_contact_header_period_signatures_and_print_date(demo):
    import decimal
    from shequ.clock import CHINA_TZ
    with demo.root() as root:
        add_notice(root, XINGFU, 'caiwu', '2026 年第三季度财务公开', category='财务公开',
                   table=[{'date': datetime.date(2026, 9, 1), 'item': '上级拨付办公经费',
                           'income': decimal.Decimal('12000.00'), 'expense': None, 'note': ''}],
                   publish_at=datetime.datetime(2026, 10, 1, 9, 0, tzinfo=CHINA_TZ),
                   expire_at=datetime.datetime(2099, 10, 31, 9, 0, tzinfo=CHINA_TZ))
    page = demo.app.get(XINGFU + '/notices/caiwu/@@print')
    sheet = page.html.find(class_='sheet')
    first = sheet.find(class_='notice-print').find(True)
    assert 'print-head' in first['class']               # contact details lead the first page
    assert '0456-8231101' in first.text and '幸福路 5 号' in first.text
    assert _today_in_chinese() in page.text
    assert '公开期限' in page.text and '2026年10月1日' in page.text and '2099年10月31日' in page.text
    signatures = sheet.find('table', class_='signatures').text
    assert '经办人' in signatures and '审核人' in signatures and '监督小组' in signatures
    amounts = [td for td in sheet.select('.notice-table tbody td') if '12,000.00' in td.text]
    assert amounts and 'num' in amounts[0]['class']
    links = [link['href'] for link in page.html.find_all('link', rel='stylesheet')]
    assert any(href.split('?')[0].endswith('/print-pages.css') for href in links)
    css = demo.app.get('/_themes/default/print-pages.css').text
    assert re.search(r'body\.print \{[^}]*font-size: 14pt', css)
    assert re.search(r'\.num[^{]*\{[^}]*text-align: right', css)


def test_other_notices_print_without_signature_lines(demo):
    with demo.root() as root:
        add_notice(root, XINGFU, 'tongzhi', '停水通知')
    page = demo.app.get(XINGFU + '/notices/tongzhi/@@print')
    assert page.html.find('table', class_='signatures') is None and '公开期限' not in page.text
    assert _today_in_chinese() in page.text


def test_service_print_and_poster_carry_contact_and_print_date(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', XINGFU)
    guide = demo.app.get(XINGFU + '/services/dibao/@@print')
    assert '0456-8231101' in guide.html.find(class_='print-head').text
    assert _today_in_chinese() in guide.text
    poster = login(demo, 'wang').get(XINGFU + '/services/dibao/@@poster')
    assert poster.html.find(class_='phone') is not None and _today_in_chinese() in poster.text


# --- phones: catalogue pages and stacked tables ----------------------------------------

def test_catalogue_pages_never_cut_a_category(full_demo_site):
    seen, url, pages = {}, '/sunwu/services/', 0
    while url:
        page = full_demo_site.app.get(url)
        pages += 1
        for group in page.html.select('.service-group'):
            name = group.find('h2').text
            assert name not in seen, '%s is cut across pages %s and %s' % (name, seen[name], pages)
            seen[name] = pages
        nxt = page.html.find('a', rel='next')
        url = nxt['href'] if nxt else None
    assert pages > 1 and len(seen) > 10


def test_wide_tables_carry_labels_for_phone_cards(demo):
    page = demo.app.get(XINGFU + '/services/dibao/')
    table = page.html.find('table', class_='materials')
    assert 'stack' in table['class']
    cells = table.select('tbody tr')[0].find_all('td')
    assert [td.get('data-label') for td in cells][2:] == [
        th.text for th in table.select('thead th')][2:]    # each value under its column's name
    links = [link['href'] for link in page.html.find_all('link', rel='stylesheet')]
    assert any(href.split('?')[0].endswith('/_themes/default/pages.css') for href in links)
    css = demo.app.get('/_themes/default/pages.css').text
    assert '@media screen and (max-width: 600px)' in css and 'table.stack thead { display: none; }' in css


# --- the finance table: only for 财务公开, pasted or uploaded ------------------------------

PASTED = ('日期\t摘要\t收入\t支出\t备注\n'
          '2026/9/1\t上级拨付办公经费\t¥12,000.00\t\t\n'
          '2026年9月15日\t购买办公用品\t\t860.5\t发票 3 张\n')


def _finance_form(app, table_file=None, **fields):
    form = app.get(XINGFU + '/notices/@@add?type=notice').forms['deform']
    form['title'], form['category'] = '第三季度财务公开', '财务公开'
    for key, value in fields.items():
        form[key] = value
    if table_file is not None:
        form.set('upload', table_file, index=0)       # the table's file comes first
    return form


def test_notice_form_loads_its_own_script_without_inline_code(demo):
    app = staff_app(demo)
    page = app.get(XINGFU + '/notices/@@add?type=notice')
    scripts = [s for s in page.html.find_all('script') if s.get('src', '').split('?')[0].endswith('/notice-form.js')]
    assert len(scripts) == 1 and not scripts[0].get('nonce')
    js = app.get(scripts[0]['src'].replace('http://localhost', ''))
    assert '财务公开' in js.text and 'js-finance-off' in js.text
    form = page.forms['deform']
    assert 'table_paste' in form.fields and page.html.select_one('.item-table_file input[type=file]')


def test_pasted_excel_rows_become_table_rows(demo):
    app = staff_app(demo)
    res = _finance_form(app, table_paste=PASTED).submit('publish')
    assert res.status_int == 302
    with demo.root() as root:
        notice = [n for n in find(root, XINGFU + '/notices').values()][0]
        table = notice.table
    assert [r['item'] for r in table] == ['上级拨付办公经费', '购买办公用品']
    assert str(table[0]['income']) == '12000.00' and table[0]['date'] == datetime.date(2026, 9, 1)
    assert str(table[1]['expense']) == '860.50' and table[1]['note'] == '发票 3 张'
    assert table[1]['date'] == datetime.date(2026, 9, 15)


def test_a_bad_pasted_row_is_refused_with_its_line_number(demo):
    app = staff_app(demo)
    bad = PASTED + '2026-09-20\t慰问困难群众\t\t五百\t\n'
    res = _finance_form(app, table_paste=bad).submit('publish', status=400)
    error = res.html.select_one('.item-table_paste .invalid-feedback')
    assert error is not None and '第 4 行' in error.text and '支出' in error.text
    assert res.forms['deform']['table_paste'].value.endswith('慰问困难群众\t\t五百\t\n')   # kept
    with demo.root() as root:
        assert len(find(root, XINGFU + '/notices')) == 0


def test_an_uploaded_xlsx_or_csv_becomes_table_rows(demo):
    from openpyxl import Workbook
    from webtest import Upload
    import io
    wb = Workbook()
    ws = wb.active
    ws.append(['日期', '摘要', '收入', '支出', '备注'])
    ws.append([datetime.date(2026, 9, 1), '上级拨付办公经费', 12000, None, ''])
    ws.append([datetime.date(2026, 9, 3), '水电费', None, 312.4, '九月'])
    out = io.BytesIO()
    wb.save(out)
    app = staff_app(demo)
    assert _finance_form(app, table_file=Upload('表.xlsx', out.getvalue())).submit('publish').status_int == 302
    csv_bytes = '日期,摘要,收入,支出\n2026-10-01,租金收入,"1,500",\n'.encode('gbk')
    form = _finance_form(app, table_file=Upload('表.csv', csv_bytes))
    form['title'] = '第四季度财务公开'
    assert form.submit('publish').status_int == 302
    with demo.root() as root:
        tables = {n.title: n.table for n in find(root, XINGFU + '/notices').values()}
    assert [r['item'] for r in tables['第三季度财务公开']] == ['上级拨付办公经费', '水电费']
    assert str(tables['第三季度财务公开'][1]['expense']) == '312.40'
    assert str(tables['第四季度财务公开'][0]['income']) == '1500.00'


def test_an_uploaded_file_of_another_kind_is_refused(demo):
    from webtest import Upload
    app = staff_app(demo)
    res = _finance_form(app, table_file=Upload('表.pdf', b'%PDF-1.4 nothing')).submit(
        'publish', status=400)
    assert '请上传 Excel（.xlsx）或 CSV 文件' in res.html.select_one('.item-table_file').text
