"""Resident requests: the whole loop, deadlines in working days, abuse protection and
who may see and act on what. Everything through the real forms over a real database."""
import datetime

from webtest import TestApp

from helpers import add_user, find, login
from requests_support import BASE, number_of, submit
from shequ.clock import CHINA_TZ
from shequ.requests.model import get_store
from shequ.requests.workdays import calendar_for
from shequ.security.audit import get_audit_log


def act(app, number, action, base=BASE, **fields):
    page = app.get(base + 'r/' + number)
    form = [f for f in page.forms.values()
            if f.fields.get('action') and f['action'].value == action][0]
    for key, value in fields.items():
        form[key] = value
    return form.submit()


def track(app, number, phone, base=BASE, **fields):
    page = app.get(base + '@@track?number=' + number)
    form = page.forms[[k for k, f in page.forms.items() if 'phone' in f.fields][0]]
    form['phone'] = phone
    res = form.submit(expect_errors=True)
    if fields:
        form = [f for f in res.forms.values() if 'rating' in f.fields][0]
        for key, value in fields.items():
            form[key] = value
        res = form.submit(expect_errors=True)
    return res


def stored(site, number):
    with site.root() as root:
        item = get_store(root['sunwu']).get(number)
        return item, [e[1] for e in item.history], item.state


def test_the_whole_loop_submit_take_transfer_extend_reply_rate_reopen_close(demo):
    with demo.root() as root:
        add_user(root, 'xf-staff', 'staff', '/sunwu/qingxi/xingfu', name='刘晓燕')
        add_user(root, 'qx-staff', 'staff', '/sunwu/qingxi', name='何振华')
        add_user(root, 'qx-review', 'reviewer', '/sunwu/qingxi', name='沈冬梅')
    resident = TestApp(demo.wsgi)
    res = submit(resident)
    assert res.status_int == 302
    number = number_of(res)
    assert number.startswith('SW') and len(number) == len('SW20261202-0001')
    assert number in res.follow().text

    xf = login(demo, 'xf-staff')
    inbox = xf.get(BASE + '@@inbox')
    assert number in inbox.text
    act(xf, number, 'take')
    assert '刘晓燕' in xf.get(BASE + 'r/' + number).text          # 首问负责: the owner
    act(xf, number, 'transfer', target='/sunwu/qingxi', text='需要街道协调物业')
    assert number not in xf.get(BASE + '@@inbox').text
    qx = login(demo, 'qx-staff')
    township = '/sunwu/qingxi/requests/'
    assert number in qx.get(township + '@@inbox').text
    act(qx, number, 'take', base=township)
    item, _h, _s = stored(demo, number)
    before = item.deadline
    act(qx, number, 'extend', base=township, days='3', text='需要等物业开会决定')
    item, _h, _s = stored(demo, number)
    assert item.deadline > before and item.extended_days == 3
    act(qx, number, 'note', base=township, text='已电话联系物业经理')
    act(qx, number, 'reply', base=township, text='已督促物业清理楼道杂物。')

    # the resident reads the reason of the extension and the answer, not the internal note
    page = track(resident, number, '13912345678')
    assert '需要等物业开会决定' in page.text and '已督促物业清理楼道杂物' in page.text
    assert '已电话联系物业经理' not in page.text and 'qx-staff' not in page.text
    assert track(resident, number, '13900000000').status_int == 404
    track(resident, number, '13912345678', rating='不满意', comment='杂物还在')
    _item, _h, state = stored(demo, number)
    assert state == 'reopened'

    # staff without `publish`? Here staff of the township have it; the reviewer closes
    reviewer = login(demo, 'qx-review')
    assert number in reviewer.get(township + '@@inbox').text
    act(reviewer, number, 'close', base=township, text='复核：已现场查看，杂物已清理。')
    item, history, state = stored(demo, number)
    assert state == 'closed'
    assert history == ['submit', 'take', 'transfer', 'take', 'extend', 'note', 'reply',
                       'rate-bad', 'close']
    entries = list(item.history)
    assert [e[2] for e in entries] == ['', 'xf-staff', 'xf-staff', 'qx-staff', 'qx-staff',
                                       'qx-staff', 'qx-staff', '', 'qx-review']
    assert all(isinstance(e[0], datetime.datetime) for e in entries)
    # every staff step is audited in the log of the tenant that took it
    with demo.root() as root:
        actions = [e[3] for e in get_audit_log(find(root, '/sunwu/qingxi'))]
        assert {'request-take', 'request-extend', 'request-reply', 'request-close'} <= set(actions)
        assert 'request-transfer' in [e[3] for e in get_audit_log(
            find(root, '/sunwu/qingxi/xingfu'))]
    # nothing is deleted: the closed request is still listed with every answer
    assert number in reviewer.get(township + '@@inbox?all=1').text


def test_steps_the_state_machine_does_not_allow_are_refused(demo):
    with demo.root() as root:
        add_user(root, 'xf-staff', 'staff', '/sunwu/qingxi/xingfu')
    number = number_of(submit(TestApp(demo.wsgi)))
    xf = login(demo, 'xf-staff')
    page = xf.get(BASE + 'r/' + number)
    token = page.forms[[k for k, f in page.forms.items() if 'csrf_token' in f.fields][0]][
        'csrf_token'].value
    xf.post(BASE + 'r/' + number + '/@@act', {'action': 'reply', 'text': 'x',
                                             'csrf_token': token})
    assert stored(demo, number)[2] == 'new'         # reply before take: refused


def test_staff_of_another_community_can_neither_see_nor_act(demo):
    with demo.root() as root:
        add_user(root, 'cy-staff', 'staff', '/sunwu/qingxi/chaoyang')
    number = number_of(submit(TestApp(demo.wsgi)))
    cy = login(demo, 'cy-staff')
    assert cy.get(BASE + '@@inbox', expect_errors=True).status_int == 403
    assert cy.get(BASE + 'r/' + number, expect_errors=True).status_int == 403
    token = cy.get('/sunwu/qingxi/chaoyang/requests/@@inbox').html.find(
        'input', {'name': 'csrf_token'})
    token = token['value'] if token else cy.get('/@@login').html.find(
        'input', {'name': 'csrf_token'})['value']
    res = cy.post(BASE + 'r/' + number + '/@@act', {'action': 'take', 'csrf_token': token},
                  expect_errors=True)
    assert res.status_int == 403
    assert number not in cy.get('/sunwu/qingxi/chaoyang/requests/@@inbox').text
    assert stored(demo, number)[2] == 'new'
    # and anonymous visitors see no staff page at all
    anonymous = TestApp(demo.wsgi)
    assert anonymous.get(BASE + 'r/' + number, expect_errors=True).status_int in (302, 403)


def test_a_wrong_answer_to_the_question_stores_nothing(demo):
    res = submit(TestApp(demo.wsgi), challenge='99')
    assert res.status_int == 400 and '验证问题回答错误' in res.text
    with demo.root() as root:
        assert get_store(root['sunwu']) is None


def test_photos_are_checked_by_content_and_counted(demo):
    app = TestApp(demo.wsgi)
    fake = ('photo.jpg', b'<script>alert(1)</script>', 'image/jpeg')
    res = submit(app, upload=fake)
    assert res.status_int == 400 and 'PNG、JPEG 或 WebP' in res.text
    png = b'\x89PNG\r\n\x1a\n' + b'\0' * 64
    res = submit(app, upload=('photo.png', png, 'image/png'))
    assert res.status_int == 302
    with demo.root() as root:
        item = get_store(root['sunwu']).get(number_of(res))
        assert [p.content_type for p in item.photos] == ['image/png']


def test_an_address_sending_too_many_requests_is_held_back(tmp_path):
    from sitekit import BASE_FILE, Site
    site = Site(tmp_path, **{'shequ.requests_per_hour': '2'})
    try:
        site.load(BASE_FILE)
        app = TestApp(site.wsgi, extra_environ={'REMOTE_ADDR': '203.0.113.9'})
        assert [submit(app).status_int for _ in range(3)] == [302, 302, 429]
        other = TestApp(site.wsgi, extra_environ={'REMOTE_ADDR': '203.0.113.10'})
        assert submit(other).status_int == 302
    finally:
        site.close()


def _cal(demo):
    return calendar_for(demo.registry)


def _due(cal, day, days):
    submitted = datetime.datetime.combine(datetime.date.fromisoformat(day),
                                          datetime.time(10), tzinfo=CHINA_TZ)
    deadline = cal.deadline(submitted, days).astimezone(CHINA_TZ)
    assert deadline.time() == datetime.time(0)        # due at 24:00 of its last day
    return (deadline - datetime.timedelta(days=1)).date().isoformat()


def test_deadlines_count_working_days_across_weekends_holidays_and_make_up_days(demo):
    cal = _cal(demo)
    assert _due(cal, '2026-11-27', 3) == '2026-12-02'   # Friday + 3: over the weekend
    assert _due(cal, '2026-04-03', 1) == '2026-04-07'   # 清明 4–6 April are holidays
    assert _due(cal, '2026-09-30', 3) == '2026-10-10'   # 国庆 1–7 Oct; Sat 10 Oct is worked
    assert _due(cal, '2026-11-13', 1) == '2026-11-16'   # a plain weekend …
    assert _due(cal, '2026-09-18', 1) == '2026-09-20'   # … but Sunday 20 Sept is worked
    assert _due(cal, '2026-10-03', 0) == '2026-10-03'   # urgent: the same day, even a holiday
    assert _due(cal, '2026-02-13', 13) == '2026-03-10'  # 春节 15–23 Feb, 14 and 28 Feb worked


def test_a_county_changes_its_holidays_and_time_limits_at_holidays(demo):
    with demo.root() as root:
        add_user(root, 'county-admin', 'admin', '/sunwu')
    admin = login(demo, 'county-admin')
    page = admin.get('/sunwu/@@holidays?year=2026')
    form = [f for f in page.forms.values() if 'holidays' in f.fields][0]
    assert '2026-10-01' in form['holidays'].value and '2026-10-10' in form['workdays'].value
    form['holidays'] = form['holidays'].value + '\n2026-12-03'     # a local day off
    form['limit-zixun'] = '2'
    assert form.submit().status_int == 302
    # a Wednesday enquiry: Thursday 3 Dec is now off, so 2 working days end on Monday 7 Dec
    with demo.root() as root:
        from shequ.requests.actions import calendar_of
        store = get_store(root['sunwu'])
        assert store.limit('zixun') == 2
        cal = calendar_of(root['sunwu'], demo.registry)
        assert _due(cal, '2026-12-02', store.limit('zixun')) == '2026-12-07'
    bad = admin.get('/sunwu/@@holidays?year=2026').forms
    form = [f for f in bad.values() if 'holidays' in f.fields][0]
    form['holidays'] = '2027-01-01'
    assert form.submit(expect_errors=True).status_int == 400
    staff_page = login(demo, 'county-admin').get('/sunwu/qingxi/@@holidays', expect_errors=True)
    assert staff_page.status_int == 404                  # a county page only


def test_a_township_oversees_the_requests_of_the_units_below(demo):
    with demo.root() as root:
        add_user(root, 'qx-staff', 'staff', '/sunwu/qingxi')
    number = number_of(submit(TestApp(demo.wsgi)))
    qx = login(demo, 'qx-staff')
    assert number not in qx.get('/sunwu/qingxi/requests/@@inbox').text
    below = qx.get('/sunwu/qingxi/requests/@@inbox?below=1')
    assert number in below.text
    link = below.html.find('a', string=number)['href']
    assert qx.get(link).status_int == 200


def test_remind_warns_of_every_overdue_request(tmp_path, capsys, caplog):
    import logging
    from shequ.cli import main as shequ
    from sitekit import DEMO_FILE, SITE_LAYOUT, Site, write_ini
    site = Site(tmp_path)
    site.load(DEMO_FILE)
    with site.root() as root:
        overdue = sum(i.overdue() for i in get_store(root['sunwu']).items.values())
    site.close()
    assert overdue >= 3
    with caplog.at_level(logging.INFO, logger='shequ.requests.notify'):
        assert shequ(['requests', 'remind', write_ini(tmp_path, **SITE_LAYOUT)]) == 0
    assert '超期诉求 %d 件' % overdue in capsys.readouterr().out
    # mail is off by default: each warning is logged instead of sent
    assert sum('已超期' in r.getMessage() for r in caplog.records) >= 1
