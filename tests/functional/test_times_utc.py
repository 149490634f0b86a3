"""Publish and expiry times are typed in China time, stored as timezone-aware UTC and shown
in China time again, whether they come from a form or from a tenant-tree file."""
import textwrap
from datetime import datetime, timedelta, timezone

from helpers import add_user, find, login
from notices_support import post_notice, staff_app

UTC = timezone.utc


def assert_utc(value, *parts):
    assert value == datetime(*parts, tzinfo=UTC)
    assert value.utcoffset() == timedelta(0) and value.tzinfo == UTC, value.tzinfo


def test_form_time_is_stored_as_utc_and_shown_as_china_time(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    app = login(demo, 'wang')
    form = app.get('/sunwu/services/@@add?type=service').forms['deform']
    form['title'], form['category'] = '十二月的新事项', '社会救助'
    form['publish_at'] = '2026-12-01T08:00'
    form['expire_at'] = '2027-01-01T00:30'
    item_url = form.submit('save').location
    with demo.root() as root:
        services = root['sunwu']['services'].values()
        item = next(i for i in services if i.title == '十二月的新事项')
        assert_utc(item.publish_at, 2026, 12, 1, 0, 0)
        assert_utc(item.expire_at, 2026, 12, 31, 16, 30)
    form = app.get(item_url + '@@edit').forms['deform']
    assert form['publish_at'].value == '2026-12-01T08:00'
    assert form['expire_at'].value == '2027-01-01T00:30'
    form['title'] = '十二月的新事项（改）'
    form.submit('save')  # saved again unchanged: the times stay what they were
    with demo.root() as root:
        item = next(i for i in root['sunwu']['services'].values() if i.title.endswith('（改）'))
        assert_utc(item.publish_at, 2026, 12, 1, 0, 0)


def test_notice_page_shows_the_stored_utc_time_in_china_time(site, tmp_path):
    from document_files import tree_file
    site.load(tree_file(tmp_path))
    app = staff_app(site)
    res = post_notice(app, title='停水通知', expire_at='2027-01-31T08:00')
    with site.root() as root:
        assert_utc(find(root, res.location.replace('http://localhost', '')).expire_at,
                   2027, 1, 31, 0, 0)
    assert '2027-01-31 08:00' in app.get(res.location).text


def test_imported_times_are_stored_as_utc(site, tmp_path):
    path = tmp_path / 'tree.yaml'
    path.write_text(textwrap.dedent('''\
        tenants:
          - slug: sunwu
            kind: county
            title: 孙吴县
            notices:
              - slug: tongzhi
                title: 通知
                category: 通知公告
                publish_at: 2026-10-01
                expire_at: 2099-12-01T08:00:00
              - slug: gonggao
                title: 公告
                category: 通知公告
                publish_at: 2026-10-01T08:00:00+08:00
                expire_at: 2099-12-01T00:00:00Z
        '''), encoding='utf-8')
    site.load(str(path))
    with site.root() as root:
        tongzhi = find(root, '/sunwu/notices/tongzhi')
        gonggao = find(root, '/sunwu/notices/gonggao')
        assert_utc(tongzhi.publish_at, 2026, 9, 30, 16, 0)   # a date is midnight China time
        assert_utc(tongzhi.expire_at, 2099, 12, 1, 0, 0)     # no zone: China time
        assert_utc(gonggao.publish_at, 2026, 10, 1, 0, 0)
        assert_utc(gonggao.expire_at, 2099, 12, 1, 0, 0)
    page = site.app.get('/sunwu/notices/tongzhi/').text
    assert '2026-10-01' in page and '2099-12-01 08:00' in page
