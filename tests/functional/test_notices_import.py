"""Notices in the tenant-tree file: the demo file loads, bodies are sanitised, bad entries refused."""
import textwrap
from decimal import Decimal

import pytest

from conftest import DEMO_FILE
from helpers import find
from notices_support import XINGFU, add_notice, pdf_bytes
from shequ.cli.loader import LoadError
from shequ.clock import local
from shequ.content.attachments import Attachment

NOTICES_FILE = DEMO_FILE  # the demo notices live in config/demo.yaml


def write(tmp_path, text):
    path = tmp_path / 'tree.yaml'
    path.write_text(textwrap.dedent(text), encoding='utf-8')
    return str(path)


def tree(notices):
    """A one-county tree file whose county carries `notices` (YAML text, indented 6)."""
    return 'tenants:\n  - slug: sunwu\n    kind: county\n    title: 孙吴县\n    notices:\n' + \
        textwrap.indent(textwrap.dedent(notices), ' ' * 6)


def test_demo_notices_load_over_the_demo_tree_and_their_pages_open(demo):
    demo.load(NOTICES_FILE)
    with demo.root() as root:
        from shequ.tree import walk_tenants
        assert sum(len(t['notices']) for t in walk_tenants(root)) >= 30
    for path in ('/sunwu/notices/', XINGFU + '/notices/', XINGFU + '/notices/caiwu-2026q3/',
                 XINGFU + '/notices/caiwu-2026q3/@@print', '/sunwu/qingxi/notices/',
                 '/sunwu/sunwuzhen/dongxing/notices/caiwu-cun-2026q3/@@table.xlsx',
                 '/sunwu/notices/@@rss.xml?below=1'):
        assert demo.app.get(path).status_int == 200


def test_demo_notices_load_twice_without_duplicates(demo):
    demo.load(NOTICES_FILE)
    assert demo.load(NOTICES_FILE) == (0, 0)


def test_demo_county_page_lists_notices_from_below(demo):
    demo.load(NOTICES_FILE)
    below = demo.app.get('/sunwu/notices/').html.select_one('#notices-below')
    assert len(below.select('li')) == 20
    assert {'幸福社区', '东兴村'} <= {span.text for span in below.select('.unit')}


def test_imported_body_is_sanitised_and_table_read(site, tmp_path):
    path = write(tmp_path, tree('''
        - slug: caiwu
          title: 财务公开
          category: 财务公开
          pinned: true
          publish_at: 2026-10-01
          body: <p onmouseover="x()">收支明细</p><script>alert(1)</script>
          table:
            - {date: 2026-07-01, item: 上季度结余, income: 100.5}
            - {date: 2026-07-02, item: 办公用品, expense: 20}
        '''))
    site.load(path)
    with site.root() as root:
        notice = find(root, '/sunwu/notices/caiwu')
        assert notice.body == '<p>收支明细</p>'
        assert notice.pinned and notice.is_public()
        assert notice.totals() == (Decimal('100.50'), Decimal('20.00'), Decimal('80.50'))
        assert local(notice.publish_at).isoformat().startswith('2026-10-01T00:00')  # China time


def test_an_unknown_category_in_the_file_names_the_entry(site, tmp_path):
    path = write(tmp_path, tree('''
        - slug: bad
          title: 坏类别
          category: 小道消息
        '''))
    with pytest.raises(LoadError) as exc:
        site.load(path)
    assert exc.value.path == 'tenants[0].notices[0].category'


def test_attachments_are_not_accepted_in_the_file(site, tmp_path):
    path = write(tmp_path, tree('''
        - slug: att
          title: 带附件
          category: 通知公告
          attachments: [a.pdf]
        '''))
    with pytest.raises(LoadError) as exc:
        site.load(path)
    assert exc.value.path == 'tenants[0].notices[0].attachments'


def test_search_fields_carry_plain_text_table_and_attachment_text(demo):
    with demo.root() as root:
        notice = add_notice(root, XINGFU, 'n', '低保评议', category='居务公开',
                            body='<p>评议&amp;公示</p><p>结果</p>',
                            table=[{'item': '慰问品', 'note': '', 'expense': Decimal(1)}])
        att = Attachment('评议表.pdf', 'application/pdf', pdf_bytes())
        att.text = '评议表 张三 同意'
        notice.update(attachments=[att])
        fields = notice.search_fields()
    assert fields['title'] == '低保评议' and fields['category'] == '居务公开'
    assert '评议&公示\n结果' in fields['body'] and '<p>' not in fields['body']  # a line a block
    assert '慰问品' in fields['body'] and '张三' in fields['body']


def test_township_and_county_home_pages_list_the_newest_notices_below(full_demo_site):
    street = full_demo_site.app.get('/sunwu/qingxi/').html.select_one('#panel-notices-below')
    units = {span.text for span in street.select('.unit')}
    assert units and units <= {'幸福社区', '朝阳社区', '兴安社区'}
    county = full_demo_site.app.get('/sunwu/').html.select_one('#panel-notices-below')
    assert len(county.select('li')) == 8
    assert full_demo_site.app.get('/sunwu/qingxi/xingfu/').html.select_one(
        '#panel-notices-below') is None                     # nothing below a community
