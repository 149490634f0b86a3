"""Login, lock-out, CSRF, sanitising, scheduling, audit, and the command-line accounts."""
import os
import subprocess
import sys
import time
from datetime import timedelta

import colander
import pytest
from webtest import TestApp

from conftest import HERE
from sitekit import SITE_LAYOUT, write_ini
from helpers import PASSWORD, add_draft, add_user, csrf, find, login
from shequ.clock import utcnow
from shequ.content import Content
from shequ.content.richtext import richtext_node, sanitize


def test_login_lands_back_where_the_user_was(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu/qingxi/xingfu', name='王芳')
    app = TestApp(demo.wsgi)
    page = app.get('/sunwu/qingxi/xingfu/services/')
    res = page.click('工作人员登录')
    form = res.forms['login-form']
    form['login'], form['password'] = 'wang', PASSWORD
    res = form.submit()
    assert res.location == 'http://localhost/sunwu/qingxi/xingfu/services/'
    assert '王芳' in res.follow().text


@pytest.mark.parametrize('came_from', [
    'https://evil.example/x', '//evil.example/x', '/\\evil.example/x', '\\\\evil.example',
    'javascript:alert(1)', 'http://localhost.evil.example/'])
def test_login_refuses_offsite_redirect(demo, came_from):
    with demo.root() as root:
        add_user(root, 'wang')
    app = TestApp(demo.wsgi)
    form = app.get('/@@login', params={'came_from': came_from}).forms['login-form']
    form['login'], form['password'] = 'wang', PASSWORD
    location = form.submit().location
    assert 'evil' not in location and 'javascript' not in location


def test_wrong_password_says_so_and_keeps_login(demo):
    with demo.root() as root:
        add_user(root, 'wang')
    app = TestApp(demo.wsgi)
    form = app.get('/@@login').forms['login-form']
    form['login'], form['password'] = 'wang', 'nope-nope'
    res = form.submit()
    assert '用户名或密码错误' in res.text
    assert res.forms['login-form']['login'].value == 'wang'


def test_logout_needs_post_and_forgets(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    app = login(demo, 'wang')
    assert app.get('/sunwu/services/@@contents').status_int == 200
    app.post('/@@logout', {'csrf_token': csrf(app)})
    assert app.get('/sunwu/services/@@contents').status_int == 302


def test_post_without_csrf_token_is_rejected_and_changes_nothing(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
        add_draft(root, '/sunwu', 'd1')
    app = login(demo, 'wang')
    res = app.post('/sunwu/services/d1/@@workflow', {'transition': 'publish'}, expect_errors=True)
    assert res.status_int == 400
    res = app.post('/sunwu/services/d1/@@workflow', {'transition': 'publish',
                                                     'csrf_token': 'forged'}, expect_errors=True)
    assert res.status_int == 400
    with demo.root() as root:
        assert find(root, '/sunwu/services/d1').state == 'draft'


def test_login_form_itself_requires_csrf(demo):
    with demo.root() as root:
        add_user(root, 'wang')
    res = TestApp(demo.wsgi).post('/@@login', {'login': 'wang', 'password': PASSWORD},
                                  expect_errors=True)
    assert res.status_int == 400
    assert '表单已过期' in res.text and '未保存' in res.text


def test_hostile_html_is_sanitised():
    hostile = ('<p onclick="steal()">你好<script>alert(1)</script></p>'
               '<img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">点我</a>'
               '<a href="https://example.gov.cn">官网</a>')
    clean = sanitize(hostile)
    for bad in ('<script', 'onclick', 'onerror', 'javascript:', 'alert(1)'):
        assert bad not in clean
    assert '你好' in clean and 'https://example.gov.cn' in clean


class Memo(Content):
    """A content kind that exists only in this test, with a rich-text body."""
    type_name = 'memo'
    fields = ('title', 'body')


def memo_schema(**kw):
    schema = colander.SchemaNode(colander.Mapping(), **kw)
    schema.add(colander.SchemaNode(colander.String(), name='title'))
    schema.add(richtext_node('body', '正文'))
    return schema


def test_rich_text_from_a_form_is_stored_sanitised(demo):
    from pyramid.config import Configurator
    config = Configurator(registry=demo.registry)
    config.add_content_type('memo', Memo, memo_schema, '备忘', 'notices')
    config.commit()
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    app = login(demo, 'wang')
    res = app.post('/sunwu/notices/@@add?type=memo', {
        'csrf_token': csrf(app), 'title': '测试', 'save': 'save',
        'body': '<p>正文</p><script>alert(1)</script><img src=x onerror=alert(2)>'
                '<a href="javascript:alert(3)">x</a>'})
    assert res.status_int == 302
    with demo.root() as root:
        body = next(iter(root['sunwu']['notices'].values())).body
    assert '<p>正文</p>' in body
    for bad in ('<script', 'onerror', 'javascript:'):
        assert bad not in body


def test_form_errors_show_next_to_field_in_chinese_and_keep_input(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    app = login(demo, 'wang')
    form = app.get('/sunwu/services/@@add?type=service').forms['deform']
    form['summary'] = '我写了很长的简介，不能丢'
    form['visits'] = 'abc'
    res = form.submit('save', status=400)
    assert '必填' in res.text                       # title and category are missing
    assert '不是数字' in res.text
    assert '我写了很长的简介，不能丢' in res.text
    with demo.root() as root:
        assert len(root['sunwu']['services']) == 10


def test_future_dated_item_stays_invisible_until_its_time(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    app = login(demo, 'wang')
    form = app.get('/sunwu/services/@@add?type=service').forms['deform']
    form['title'], form['category'] = '明年的新事项', '社会救助'
    form['publish_at'] = '2099-01-01T08:00'
    item_url = form.submit('publish').location
    anon = TestApp(demo.wsgi)
    assert anon.get(item_url, expect_errors=True).status_int == 302  # to login
    assert '明年的新事项' not in anon.get('/sunwu/services/').text
    assert '明年的新事项' in app.get('/sunwu/services/').text  # staff still see it
    with demo.root() as root:
        item = next(i for i in root['sunwu']['services'].values() if i.title == '明年的新事项')
        assert item.state == 'published'
        item.publish_at = utcnow() + timedelta(seconds=1)
    assert anon.get(item_url, expect_errors=True).status_int == 302
    time.sleep(1.2)
    assert anon.get(item_url).status_int == 200
    assert '明年的新事项' in anon.get('/sunwu/services/').text


def test_expired_item_disappears(demo):
    with demo.root() as root:
        item = find(root, '/sunwu/services/dibao')
        item.expire_at = utcnow() - timedelta(minutes=1)
    assert TestApp(demo.wsgi).get('/sunwu/services/dibao', expect_errors=True).status_int == 302


def test_review_required_staff_submit_and_reviewer_publishes(demo):
    with demo.root() as root:
        root['sunwu']['qingxi'].settings['require_review'] = True
        add_user(root, 'staff1', 'staff', '/sunwu/qingxi/xingfu')
        add_user(root, 'rev1', 'reviewer', '/sunwu/qingxi')
        add_draft(root, '/sunwu/qingxi/xingfu', 'd1')
    staff = login(demo, 'staff1')
    path = '/sunwu/qingxi/xingfu/services/d1/@@workflow'
    res = staff.post(path, {'csrf_token': csrf(staff), 'transition': 'publish'}, expect_errors=True)
    assert res.status_int == 403
    staff.post(path, {'csrf_token': csrf(staff), 'transition': 'submit'})
    reviewer = login(demo, 'rev1')
    reviewer.post(path, {'csrf_token': csrf(reviewer), 'transition': 'publish'})
    with demo.root() as root:
        assert find(root, '/sunwu/qingxi/xingfu/services/d1').state == 'published'


def test_staff_of_one_community_can_never_touch_another(demo):
    with demo.root() as root:
        add_user(root, 'xf', 'staff', '/sunwu/qingxi/xingfu')
        add_draft(root, '/sunwu/qingxi/chaoyang', 'd1')
    app = login(demo, 'xf')
    token = csrf(app)
    base = '/sunwu/qingxi/chaoyang/services'
    for res in (app.get(base + '/d1', expect_errors=True),
                app.get(base + '/@@contents', expect_errors=True),
                app.post(base + '/d1/@@edit', {'csrf_token': token, 'title': 'x',
                                               'category': 'y', 'save': 'save'}, expect_errors=True),
                app.post(base + '/d1/@@delete', {'csrf_token': token, 'confirm': 'yes'},
                         expect_errors=True),
                app.post(base + '/@@contents', {'csrf_token': token, 'action': 'delete',
                                                'name': 'd1', 'confirm': 'yes'}, expect_errors=True)):
        assert res.status_int == 403
    with demo.root() as root:
        assert find(root, base + '/d1').title == '草稿事项'


def test_township_admin_manages_own_communities_not_a_sibling_township(demo):
    with demo.root() as root:
        add_user(root, 'qx-admin', 'admin', '/sunwu/qingxi')
        add_user(root, 'newbie')
    app = login(demo, 'qx-admin')
    ok = app.post('/sunwu/qingxi/xingfu/@@members', {
        'csrf_token': csrf(app), 'action': 'grant', 'login': 'newbie', 'role': 'staff'})
    assert ok.status_int == 302
    res = app.post('/sunwu/chenqing/zhengyang/@@members', {
        'csrf_token': csrf(app), 'action': 'grant', 'login': 'newbie', 'role': 'staff'},
        expect_errors=True)
    assert res.status_int == 403
    with demo.root() as root:
        assert find(root, '/sunwu/qingxi/xingfu').local_roles['newbie'] == ('staff',)
        assert not getattr(find(root, '/sunwu/chenqing/zhengyang'), 'local_roles', None)


def test_county_admin_adds_a_user_from_the_web(demo):
    with demo.root() as root:
        add_user(root, 'county', 'admin', '/sunwu')
    app = login(demo, 'county')
    form = app.get('/sunwu/chenqing/zhengyang/@@members').forms['grant-form']
    form['login'], form['role'], form['name'] = 'zhao', 'staff', '赵村干'
    form['password'] = 'short'
    res = form.submit(status=400)
    assert '至少 8 个字符' in res.text and '赵村干' in res.text
    form = res.forms['grant-form']
    form['password'] = 'long-enough-1'
    form.submit(status=302)
    zhao = login(demo, 'zhao', 'long-enough-1')
    assert zhao.get('/sunwu/chenqing/zhengyang/services/@@contents').status_int == 200


def test_bulk_delete_asks_for_confirmation(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    app = login(demo, 'wang')
    form = app.get('/sunwu/services/@@contents').forms['contents-form']
    form.get('name', index=0).checked = True
    form.get('name', index=1).checked = True
    form['action'] = 'delete'
    confirm = form.submit()
    assert '确认删除' in confirm.text
    with demo.root() as root:
        assert len(root['sunwu']['services']) == 10
    confirm.forms['delete-form'].submit()
    with demo.root() as root:
        assert len(root['sunwu']['services']) == 8


def test_audit_log_records_who_did_what_newest_first(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu/qingxi', name='王芳')
        add_user(root, 'boss', 'admin', '/sunwu/qingxi', name='李主任')
        add_draft(root, '/sunwu/qingxi', 'd1', '养犬登记')
    app = login(demo, 'wang')
    app.post('/sunwu/qingxi/services/d1/@@workflow', {'csrf_token': csrf(app),
                                                      'transition': 'publish'})
    app.post('/sunwu/qingxi/services/d1/@@delete', {'csrf_token': csrf(app), 'confirm': 'yes'})
    assert app.get('/sunwu/qingxi/@@audit', expect_errors=True).status_int == 403
    rows = login(demo, 'boss').get('/sunwu/qingxi/@@audit').html.select('tbody tr')
    cells = [[td.get_text() for td in row.select('td')] for row in rows]
    assert [c[2] for c in cells[:2]] == ['删除', '发布']
    assert '王芳 (wang)' == cells[0][1] and '养犬登记' in cells[0][3]


SHEQU = os.path.join(os.path.dirname(sys.executable), 'shequ')


def test_cli_user_add_and_grant_make_a_staff_member_who_publishes_there_only(tmp_path):
    ini = write_ini(tmp_path, **SITE_LAYOUT)
    pw = tmp_path / 'pw.txt'
    pw.write_text('secret-pass-1\n')

    def run(*args):
        res = subprocess.run([SHEQU, *args], capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        return res.stdout
    run('init', ini)
    run('user', 'add', ini, 'zhang', '--name', '张伟', '--password-file', str(pw))
    run('user', 'grant', ini, 'zhang', '工作人员', '/sunwu/qingxi/xingfu')
    assert 'staff@/sunwu/qingxi/xingfu' in run('user', 'list', ini)
    from conftest import Site
    site = Site.__new__(Site)
    from pyramid.paster import get_app
    site.wsgi = get_app(ini)
    site.db = site.wsgi.registry._zodb_databases['']
    try:
        app = login(site, 'zhang', 'secret-pass-1')
        form = app.get('/sunwu/qingxi/xingfu/services/@@add?type=service').forms['deform']
        form['title'], form['category'] = '社区活动室预约', '便民服务'
        res = form.submit('publish')
        assert res.status_int == 302
        assert TestApp(site.wsgi).get(res.location).status_int == 200
        refused = app.get('/sunwu/qingxi/chaoyang/services/@@add?type=service', expect_errors=True)
        assert refused.status_int == 403
    finally:
        site.db.close()


@pytest.mark.parametrize('login_name, role, path', [
    ('ghost', 'staff', '/sunwu'),            # no such user
    ('zhang', 'emperor', '/sunwu'),          # no such role
    ('zhang', 'staff', '/sunwu/nowhere'),    # no such tenant
])
def test_cli_grant_refuses_unknown_user_role_or_tenant_and_grants_nothing(
        demo, login_name, role, path):
    import argparse
    from shequ.cli.users import _grant_or_revoke
    from shequ.security import grant, grants_of
    with demo.root() as root:
        add_user(root, 'zhang')
        ns = argparse.Namespace(login=login_name, role=role, path=path)
        assert _grant_or_revoke(ns, root, grant, 'grant') == 1
        assert not grants_of(root['sunwu'])


def test_session_cookie_is_httponly_and_samesite(demo):
    with demo.root() as root:
        add_user(root, 'wang')
    app = TestApp(demo.wsgi)
    form = app.get('/@@login').forms['login-form']
    form['login'], form['password'] = 'wang', PASSWORD
    cookie = [v for k, v in form.submit().headerlist if k == 'Set-Cookie' and 'shequ_session' in v][0]
    assert 'HttpOnly' in cookie and 'SameSite=Lax' in cookie
    assert 'secure' not in cookie.lower()  # development serves plain http


def test_production_config_marks_cookies_secure():
    import configparser
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.path.join(HERE, 'production.ini'))
    assert parser['app:main']['shequ.secure_cookies'] == 'true'
    assert not parser['app:main']['shequ.session_secret']  # from the environment, never the file


def test_anonymous_pages_set_no_session_cookie(demo_site):
    res = TestApp(demo_site.wsgi).get('/sunwu/qingxi/xingfu/')
    assert 'shequ_session' not in res.headers.get('Set-Cookie', '')


def test_passwords_are_stored_as_argon2_hashes(demo):
    with demo.root() as root:
        add_user(root, 'wang')
        assert root.users.get('wang').password_hash.startswith('$argon2id$')
        assert PASSWORD not in root.users.get('wang').password_hash


def test_shipped_settings_keep_argon2s_default_cost_and_old_hashes_are_upgraded(demo):
    """The suite's cheap argon2 cost is the tests' own: an app made with the shipped
    settings hashes at argon2-cffi's default cost, and a user whose hash has another cost
    still logs in and is re-hashed at the default."""
    from shequ.security import users
    with demo.root() as root:
        add_user(root, 'cheap')                         # hashed at the suite's cost
    try:
        users.configure_hasher({})                      # as production.ini does
        default = users.DEFAULT_HASHER
        made = users.User('li', '李', PASSWORD).password_hash
        assert '$m=%d,t=%d,p=%d$' % (default.memory_cost, default.time_cost,
                                     default.parallelism) in made
        with demo.root() as root:
            user = root.users.get('cheap')
            assert '$m=256,t=1,p=1$' in user.password_hash
            assert user.check_password(PASSWORD)
            assert '$m=%d,' % default.memory_cost in user.password_hash
    finally:
        users.configure_hasher(demo.settings)


def test_publishing_what_is_already_published_is_refused_in_plain_chinese(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu')
    app = login(demo, 'wang')
    res = app.post('/sunwu/services/dibao/@@workflow',
                   {'csrf_token': csrf(app), 'transition': 'publish'}, expect_errors=True)
    assert res.status_int == 400 and '无法处理此请求' in res.text
