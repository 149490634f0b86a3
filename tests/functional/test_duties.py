"""Duty lists (清单): standard lists inherited below, local lists, hiding, search, print,
CSV/XLSX."""
import csv
import io
import os
import re

import pytest
from openpyxl import load_workbook

from helpers import add_user, csrf, find, login
from sitekit import BASE_FILE, Site

DUTIES_FILE = os.path.join(os.path.dirname(BASE_FILE), 'duties.yaml')
XINGFU = '/sunwu/qingxi/xingfu'
CERTS = XINGFU + '/duties/zhengming-shixiang'


@pytest.fixture(scope='module')
def duties_site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp('duties'))
    site.load(BASE_FILE)
    site.load(DUTIES_FILE)
    yield site
    site.close()


@pytest.fixture
def duties(tmp_path):
    site = Site(tmp_path)
    site.load(BASE_FILE)
    site.load(DUTIES_FILE)
    yield site
    site.close()


def test_community_lists_inherited_lists_and_its_own(duties_site):
    page = duties_site.app.get(XINGFU + '/duties/')
    assert [h.text for h in page.html.select('.duty-kind h2')] == [
        '依法履职事项清单', '协助政府工作事项清单', '证明事项清单']
    assert '本单位已隐藏的清单' not in page.text
    hrefs = {a['href'] for a in page.html.find_all('a', href=True)}
    for slug in ('zhengming-shixiang', 'xiezhu-zhengfu', 'xingfu-fuwu'):
        assert 'http://localhost%s/duties/%s/' % (XINGFU, slug) in hrefs


def test_inherited_list_shows_items_and_answers(duties_site):
    page = duties_site.app.get(CERTS)
    assert page.html.find('h1').text == '孙吴县社区（村）证明事项清单'
    assert '孙吴县' in page.html.select_one('.standard-note').text
    assert '社区不能开具，请到孙吴县公安局户籍窗口办理' in page.text
    assert '社区可以开具' in page.text
    local = duties_site.app.get(XINGFU + '/duties/xingfu-fuwu')
    assert '老旧小区加装电梯意见征集' in local.text


def test_lists_of_one_community_are_not_lent_to_a_sibling(duties_site):
    duties_site.app.get('/sunwu/qingxi/chaoyang/duties/xingfu-fuwu', status=404)
    duties_site.app.get('/sunwu/qingxi/chaoyang/duties/zhengming-shixiang', status=200)


def test_non_hideable_inherited_list_cannot_be_hidden(duties):
    with duties.root() as root:
        add_user(root, 'xingfu', 'staff', XINGFU)
    app = login(duties, 'xingfu')
    token = csrf(app, CERTS)
    app.post(XINGFU + '/duties/@@hide', {'csrf_token': token, 'slug': 'zhengming-shixiang'},
             status=403)
    with duties.root() as root:
        assert not getattr(find(root, XINGFU + '/duties'), 'hidden_standard', ())
    duties.app.get(CERTS, status=200)


def test_hideable_inherited_list_is_hidden_and_audited(duties):
    with duties.root() as root:
        add_user(root, 'xingfu', 'staff', XINGFU)
    app = login(duties, 'xingfu')
    page = app.get(XINGFU + '/duties/xiezhu-zhengfu')
    confirm = page.forms[[k for k, f in page.forms.items()
                          if f.action.endswith('/duties/@@hide')][0]].submit()
    assert '隐藏统一标准清单' in confirm.text           # asks first, changes nothing yet
    duties.app.get(XINGFU + '/duties/xiezhu-zhengfu', status=200)
    res = confirm.forms['hide-form'].submit()
    assert res.status_int == 302
    duties.app.get(XINGFU + '/duties/xiezhu-zhengfu', status=404)
    listing = duties.app.get(XINGFU + '/duties/')
    assert 'xiezhu-zhengfu' not in listing.text
    with duties.root() as root:
        entries = list(find(root, XINGFU).audit.values()) if hasattr(
            find(root, XINGFU).audit, 'values') else list(find(root, XINGFU).audit)
    assert any(e[3] == 'hide' and 'xiezhu-zhengfu' in str(e) for e in entries)
    # staff see it among the lists hidden here, and show it again
    page = app.get(XINGFU + '/duties/')
    assert '本单位已隐藏的清单' in page.text and '协助政府工作事项清单' in page.text
    form = [f for f in page.forms.values() if f.action.endswith('/duties/@@unhide')][0]
    assert form['slug'].value == 'xiezhu-zhengfu'
    assert form.submit().forms['hide-form'].submit().status_int == 302
    duties.app.get(XINGFU + '/duties/xiezhu-zhengfu', status=200)
    assert '本单位已隐藏的清单' not in app.get(XINGFU + '/duties/').text


def test_draft_list_is_invisible_to_anonymous(duties):
    with duties.root() as root:
        add_user(root, 'xingfu', 'staff', XINGFU)
    app = login(duties, 'xingfu')
    form = app.get(XINGFU + '/duties/@@add?type=duty_list').forms['deform']
    form['title'] = '幸福社区草稿清单'
    form['kind'] = '负面清单'
    res = form.submit('save')
    assert res.status_int == 302
    with duties.root() as root:
        section = find(root, XINGFU + '/duties')
        slug = [k for k, v in section.items() if v.title == '幸福社区草稿清单'][0]
        assert section[slug].state == 'draft'
    res = duties.app.get(XINGFU + '/duties/%s' % slug, status=302)
    assert '/@@login' in res.location
    assert '幸福社区草稿清单' not in duties.app.get(XINGFU + '/duties/').text
    assert '幸福社区草稿清单' in app.get(XINGFU + '/duties/%s' % slug).text


def test_community_cannot_publish_a_standard_list(duties):
    with duties.root() as root:
        add_user(root, 'xingfu', 'staff', XINGFU)
    app = login(duties, 'xingfu')
    form = app.get(XINGFU + '/duties/@@add?type=duty_list').forms['deform']
    form['title'] = '自定标准'
    form['standard'] = True
    res = form.submit('save', status=400)
    assert '只有县（区）、乡镇（街道）可以制定标准清单。' in res.text
    with duties.root() as root:
        assert not [v for v in find(root, XINGFU + '/duties').values() if v.title == '自定标准']


def test_search_answers_whether_the_community_can_issue_a_certificate(duties_site):
    res = duties_site.app.get(XINGFU + '/@@search.json', {'q': '社区能开无犯罪记录证明吗'})
    hits = res.json['results']
    assert hits and hits[0]['title'] == '孙吴县社区（村）证明事项清单'
    assert hits[0]['url'].endswith(XINGFU + '/duties/zhengming-shixiang/') or \
        XINGFU + '/duties/zhengming-shixiang' in hits[0]['url']
    page = duties_site.app.get(XINGFU + '/@@search', {'q': '社区能开无犯罪记录证明吗'})
    assert '证明事项清单' in page.text


def test_print_has_no_navigation_and_a_qr_code(duties_site):
    page = duties_site.app.get(CERTS + '/@@print')
    assert '<nav' not in page.text and page.html.find('form') is None
    assert 'print.css' in page.text and 'style.css' not in page.text
    assert re.search(r'<svg.*?</svg>', page.text, re.S)
    assert '无犯罪记录证明' in page.text
    # the 公开栏 sheet: the unit on the first page and the print date
    assert page.html.select_one('.print-head') is not None
    assert '打印日期' in page.html.select_one('.print-date').text


def test_xlsx_download_reads_back_with_formulas_defused(duties_site):
    res = duties_site.app.get(CERTS + '/@@items.xlsx')
    assert 'attachment' in res.headers['Content-Disposition']
    ws = load_workbook(io.BytesIO(res.body)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][:3] == ['序号', '事项', '社区能否开具']
    names = [r[1] for r in rows[1:]]
    assert names[:2] == ['居住证明', '无犯罪记录证明']
    assert rows[2][3] == '孙吴县公安局户籍窗口'
    evil = rows[3]
    assert evil[1].startswith("'=HYPERLINK")
    assert ws.cell(row=4, column=2).data_type == 's'


def test_csv_download_parses_back_with_formulas_defused(duties_site):
    res = duties_site.app.get(CERTS + '/@@items.csv')
    text = res.body.decode('utf-8-sig')
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[2][1] == '无犯罪记录证明' and rows[2][2] == '否'
    assert rows[3][1].startswith("'=HYPERLINK")
    assert rows[3][-1] == "'+1 公式测试"


def test_tenant_file_hides_a_hideable_list_and_refuses_a_fixed_one(duties, tmp_path):
    from shequ.content.inherit import NotHideable
    hide = tmp_path / 'hide.yaml'
    hide.write_text('''tenants:
  - slug: sunwu
    kind: county
    title: 孙吴县
    children:
      - slug: qingxi
        kind: street
        title: 清溪街道
        hidden_duties: [%s]
''')
    hide.write_text(hide.read_text() % 'xiezhu-zhengfu')
    duties.load(str(hide))
    duties.app.get('/sunwu/qingxi/xingfu/duties/xiezhu-zhengfu', status=404)  # below it too
    hide.write_text(hide.read_text().replace('xiezhu-zhengfu', 'zhengming-shixiang'))
    with pytest.raises(NotHideable, match='zhengming-shixiang'):
        duties.load(str(hide))
    duties.app.get(CERTS, status=200)


def test_full_demo_answers_a_certificate_question_at_a_community(full_demo_site):
    res = full_demo_site.app.get(XINGFU + '/@@search.json', {'q': '社区能开无犯罪记录证明吗'})
    top = res.json['results'][0]
    assert top['title'] == '孙吴县社区（村）证明事项清单'
    page = full_demo_site.app.get(XINGFU + '/duties/zhengming-shixiang')
    assert '社区不能开具，请到孙吴县公安局户籍窗口或“黑龙江公安”App办理' in page.text
    listing = full_demo_site.app.get(XINGFU + '/duties/')
    for title in ('孙吴县社区（村）依法履行职责事项清单', '孙吴县社区（村）工作负面清单',
                  '幸福社区自行开展的服务事项'):
        assert title in listing.text
