"""Volunteer service: registration and approval, sign-up and attendance, hours with their
publicity period, adjustments, certificates and who may do what."""
import io
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image

from helpers import add_user, csrf, find, login
from shequ.clock import utcnow
from shequ.content import PUBLISHED
from shequ.security.audit import get_audit_log, newest
from shequ.tree.ops import add
from shequ.volunteers import VolunteerActivity, VolunteerTeam, ledger
from shequ.volunteers.model import get_register, id_check_digit
from sitekit import BASE_FILE, Site

XINGFU = '/sunwu/qingxi/xingfu'
SECTION = XINGFU + '/volunteers'
ACTIVITY = SECTION + '/yizhen'


def fake_id(serial, birth='19800101'):
    """An obviously fake identity number with a right check digit (area 230000)."""
    first = '230000%s%03d' % (birth, serial)
    return first + id_check_digit(first)


@pytest.fixture
def vol(tmp_path):
    site = Site(tmp_path)
    site.load(BASE_FILE)
    with site.root() as root:
        add_user(root, 'xf-staff', 'staff', XINGFU, name='幸福社工')
        add_user(root, 'cy-staff', 'staff', '/sunwu/qingxi/chaoyang', name='朝阳社工')
        section = find(root, SECTION)
        team = VolunteerTeam(title='幸福社区助老服务队', leader='王队长', phone='0456-1234567')
        team.state = PUBLISHED
        add(section, 'zhulao', team, site.registry)
        starts = utcnow() + timedelta(days=3)
        activity = VolunteerActivity(title='社区义诊', team='zhulao', starts=starts,
                                     ends=starts + timedelta(hours=2, minutes=30),
                                     place='幸福社区卫生站', places=2, skills=('医护',))
        activity.state = PUBLISHED
        add(section, 'yizhen', activity, site.registry)
    yield site
    site.close()


def register(app, name='张三明', login_name='zhangsm', serial=1, phone='13900000001', **extra):
    form = app.get(SECTION + '/@@register').forms['deform']
    form['name'] = name
    form['deformField2'] = '男'
    form['birth_year'] = '1980'
    form['phone'] = phone
    form['id_number'] = extra.get('id_number', fake_id(serial))
    form['skills'] = '急救，陪诊'
    form['team'] = 'zhulao'
    form['login'] = login_name
    form.set('password', 'volunteer-pass-1', index=0)
    form.set('password-confirm', 'volunteer-pass-1')
    form['consent'] = True
    return form.submit('register', expect_errors=True)


def approve_all(site):
    staff = login(site, 'xf-staff')
    page = staff.get(SECTION + '/@@registrations')
    numbers = []
    for link in page.html.select('a[href*="action=approve"]'):
        confirm = staff.get(link['href'])
        res = confirm.forms['decide-form'].submit()
        assert res.status_int == 302, res.text[:800]
    with site.root() as root:
        register_ = get_register(find(root, SECTION))
        numbers = sorted(register_.volunteers.keys())
    return staff, numbers


def volunteer_app(site, login_name='zhangsm'):
    return login(site, login_name, 'volunteer-pass-1')


def test_register_approve_sign_up_attend_and_hours_count_after_publicity(vol, monkeypatch):
    res = register(vol.app)
    assert res.status_int == 302 and res.location.endswith('/volunteers/@@registered')
    with vol.root() as root:
        reg = get_register(find(root, SECTION))
        assert len(reg.registrations) == 1 and not reg.volunteers
        assert root.users.get('zhangsm') is None          # no login before approval
    staff, numbers = approve_all(vol)
    assert numbers == ['V000001']
    with vol.root() as root:
        tenant = find(root, XINGFU)
        assert 'volunteer' in tenant.local_roles['zhangsm']
        actions = [e['action'] for e in newest(get_audit_log(tenant))]
        assert {'add-user', 'grant', 'volunteer-approve'} <= set(actions)

    app = volunteer_app(vol)
    page = app.get(ACTIVITY)
    page = page.forms['signup-form'].submit().follow()
    assert '您已报名' in page.text
    assert page.html.select_one('.free').text == '1'

    signups = staff.get(ACTIVITY + '/@@signups')
    assert '张三明' in signups.text and '13900000001' in signups.text
    form = signups.forms['attendance-form']
    form['present'] = 'V000001'
    assert form['hours-V000001'].value == '2.5'          # the activity's duration
    form.submit().follow()

    public = vol.app.get(SECTION + '/v/V000001')
    assert public.html.select_one('h1').text.startswith('张*明')
    assert '张三明' not in public.text
    assert public.html.select_one('.counted-hours').text == '0.0'
    assert public.html.select_one('.pending-hours').text == '2.5'
    notice = vol.app.get(SECTION + '/@@publicity')
    assert '张*明' in notice.text and '社区义诊' in notice.text and '张三明' not in notice.text

    later = utcnow() + timedelta(days=8)
    monkeypatch.setattr(ledger, 'now', lambda: later)
    public = vol.app.get(SECTION + '/v/V000001')
    assert public.html.select_one('.counted-hours').text == '2.5'
    assert public.html.select_one('.pending-hours') is None
    assert '张*明' not in vol.app.get(SECTION + '/@@publicity').text
    month = (later + timedelta(hours=8)).strftime('%Y-%m')
    honour = vol.app.get(SECTION + '/@@honour?from=2020-01&to=' + month)
    assert '张*明' in honour.text and '2.5' in honour.text


def test_registration_with_a_wrong_identity_number_is_refused_and_stores_nothing(vol):
    bad = fake_id(1)[:-1] + ('0' if fake_id(1)[-1] != '0' else '1')
    res = register(vol.app, id_number=bad)
    assert res.status_int == 400
    assert '身份证号码' in res.text and '有效' in res.text
    with vol.root() as root:
        assert not get_register(find(root, SECTION)).registrations


def test_the_same_identity_number_cannot_register_twice(vol):
    assert register(vol.app).status_int == 302
    res = register(vol.app, login_name='other', phone='13900000002')
    assert res.status_int == 400 and '等待审核' in res.text


def test_refusal_keeps_the_registration_with_its_reason(vol):
    register(vol.app)
    staff = login(vol, 'xf-staff')
    link = staff.get(SECTION + '/@@registrations').html.select_one('a[href*="action=refuse"]')
    form = staff.get(link['href']).forms['decide-form']
    assert form.submit(status=400)                        # a refusal needs a reason
    form['reason'] = '身份信息无法核实'
    form.submit(status=302)
    with vol.root() as root:
        reg = get_register(find(root, SECTION))
        (refused,) = reg.decided.values()
        assert refused.state == 'refused' and refused.reason == '身份信息无法核实'
        assert not reg.volunteers and root.users.get('zhangsm') is None
        log = newest(get_audit_log(find(root, XINGFU)))
        assert any(e['action'] == 'volunteer-refuse' and '身份信息无法核实' in e['title']
                   for e in log)


def test_cancel_gives_the_place_back_and_a_full_activity_refuses(vol):
    for i, name in enumerate(('zhangsm', 'lisi', 'wangwu'), 1):
        register(vol.app, name='志愿者%s' % i, login_name=name, serial=i,
                 phone='1390000000%d' % i)
    approve_all(vol)
    apps = [volunteer_app(vol, n) for n in ('zhangsm', 'lisi', 'wangwu')]
    for app in apps[:2]:
        app.get(ACTIVITY).forms['signup-form'].submit()
    full = apps[2].get(ACTIVITY)
    assert 'signup-form' not in full.forms and '名额已满' in full.text
    token = csrf(apps[2], ACTIVITY)
    res = apps[2].post(ACTIVITY + '/@@signup', {'csrf_token': token}).follow()
    assert '名额已满' in res.text
    apps[0].get(ACTIVITY).forms['cancel-form'].submit()
    apps[2].get(ACTIVITY).forms['signup-form'].submit()
    with vol.root() as root:
        activity = find(root, ACTIVITY)
        assert sorted(activity.signups.keys()) == ['V000002', 'V000003']
        assert activity.seats.taken == 2


def test_sign_up_after_the_deadline_is_refused(vol, monkeypatch):
    register(vol.app)
    approve_all(vol)
    app = volunteer_app(vol)
    token = csrf(app, ACTIVITY)
    later = utcnow() + timedelta(days=4)
    monkeypatch.setattr(ledger, 'now', lambda: later)
    res = app.post(ACTIVITY + '/@@signup', {'csrf_token': token}).follow()
    assert '报名已截止' in res.text
    with vol.root() as root:
        assert not find(root, ACTIVITY).signups


def test_a_resident_without_the_volunteer_role_cannot_sign_up(vol):
    with vol.root() as root:
        add_user(root, 'resident')
    app = login(vol, 'resident')
    app.post(ACTIVITY + '/@@signup', {'csrf_token': csrf(app, ACTIVITY)}, status=403)


def test_attendance_with_bad_hours_records_nothing(vol):
    register(vol.app)
    staff, _numbers = approve_all(vol)
    volunteer_app(vol).get(ACTIVITY).forms['signup-form'].submit()
    for bad in ('NaN', '-1', '25', 'abc', '1e999'):
        form = staff.get(ACTIVITY + '/@@signups').forms['attendance-form']
        form['present'] = 'V000001'
        form['hours-V000001'] = bad
        assert '0到24' in form.submit(status=400).text
    with vol.root() as root:
        assert get_register(find(root, SECTION)).get('V000001').total() == 0
        assert not find(root, ACTIVITY).attendance


def _service_done(vol):
    register(vol.app)
    staff, _numbers = approve_all(vol)
    volunteer_app(vol).get(ACTIVITY).forms['signup-form'].submit()
    form = staff.get(ACTIVITY + '/@@signups').forms['attendance-form']
    form['present'] = 'V000001'
    form['hours-V000001'] = '3'
    form.submit()
    return staff


def test_an_adjustment_is_a_new_entry_with_its_reason_and_is_audited(vol):
    staff = _service_done(vol)
    form = staff.get(SECTION + '/v/V000001/@@adjust').forms['adjust-form']
    form['hours'] = '-1'
    form.submit(status=400)                               # no reason, nothing recorded
    form['reason'] = '实际到岗两小时'
    form.submit(status=302)
    with vol.root() as root:
        volunteer = get_register(find(root, SECTION)).get('V000001')
        entries = ledger.entries(volunteer)
        assert [(e['kind'], e['minutes']) for e in entries] == [
            ('service', 180), ('adjustment', -60)]
        assert entries[1]['corrects'] == entries[0]['id']
        assert entries[1]['reason'] == '实际到岗两小时'
        assert volunteer.total() == 120
        log = newest(get_audit_log(find(root, XINGFU)))
        assert any(e['action'] == 'volunteer-adjust' and '实际到岗两小时' in e['title']
                   for e in log)
    page = staff.get(SECTION + '/v/V000001/@@ledger')
    assert '实际到岗两小时' in page.text
    # the audit page names the action in words and filters by it
    with vol.root() as root:
        add_user(root, 'xf-admin', 'admin', XINGFU)
    audit = login(vol, 'xf-admin').get(XINGFU + '/@@audit', {'action': 'volunteer-adjust'})
    rows = audit.html.select('tbody tr')
    assert rows and all('调整服务时长' in row.text for row in rows)
    assert '实际到岗两小时' in audit.text


def test_an_entry_cannot_be_adjusted_below_zero(vol):
    staff = _service_done(vol)
    form = staff.get(SECTION + '/v/V000001/@@adjust').forms['adjust-form']
    form['hours'] = '-4'
    form['reason'] = '多记了'
    form.submit(status=400)
    form['hours'] = 'NaN'
    assert '请填写数字' in form.submit(status=400).text
    with vol.root() as root:
        assert get_register(find(root, SECTION)).get('V000001').total() == 180


def test_certificate_qr_code_decodes_to_its_verification_page(vol, monkeypatch):
    _service_done(vol)
    later = utcnow() + timedelta(days=8)
    monkeypatch.setattr(ledger, 'now', lambda: later)
    app = volunteer_app(vol)                              # the volunteer themself
    preview = app.get(SECTION + '/v/V000001/@@certificate')
    assert preview.html.select_one('.total').text == '3.0'
    printed = preview.forms['issue-form'].submit().follow()
    assert printed.html.select_one('body')['class'] == ['print']
    assert printed.html.select_one('nav') is None and '张三明' in printed.text
    assert '2300**********' in printed.text and fake_id(1) not in printed.text
    number = printed.html.select_one('.cert-no strong').text
    assert number.startswith('XFSQ') and number.endswith('-000001')
    png = vol.app.get(printed.html.select_one('.qr')['data-png'])
    url = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.body)))[0].text
    assert url == 'http://localhost%s/@@verify?no=%s' % (SECTION, number)
    verify = vol.app.get(url[len('http://localhost'):])
    assert '张*明' in verify.text and '张三明' not in verify.text
    assert fake_id(1) not in verify.text and '3.0' in verify.text
    unknown = vol.app.get(SECTION + '/@@verify?no=XFSQ2026-999999', status=404)
    assert '未找到' in unknown.text
    # the printed certificate is for the volunteer and staff, not the public
    assert vol.app.get(printed.request.path, expect_errors=True).status_int in (302, 403)


def test_staff_of_another_community_are_refused(vol):
    register(vol.app)
    approve_all(vol)
    other = login(vol, 'cy-staff')
    for path in ('/@@registrations', '/@@roster.xlsx', '/@@ledger.xlsx', '/@@staff',
                 '/v/V000001/@@edit', '/v/V000001/@@adjust', '/v/V000001/@@ledger',
                 '/v/V000001/@@certificate', '/yizhen/@@signups'):
        assert other.get(SECTION + path, expect_errors=True).status_int == 403, path


def test_roster_export_has_private_fields_for_staff(vol):
    from openpyxl import load_workbook
    register(vol.app)
    staff, _ = approve_all(vol)
    res = staff.get(SECTION + '/@@roster.xlsx')
    rows = list(load_workbook(io.BytesIO(res.body)).active.values)
    assert rows[1][:2] == ('V000001', '张三明') and rows[1][5] == fake_id(1)
    assert vol.app.get(SECTION + '/@@roster.xlsx', expect_errors=True).status_int != 200


def test_a_volunteer_who_leaves_loses_the_role_and_gets_it_back_on_return(vol):
    register(vol.app)
    staff, _numbers = approve_all(vol)

    def set_status(status):
        page = staff.get(SECTION + '/v/V000001/@@edit')
        form = [f for f in page.forms.values() if 'status' in f.fields][0]
        form['status'] = status
        assert form.submit('save').status_int == 302

    def roles():
        with vol.root() as root:
            tenant = find(root, XINGFU)
            return (tenant.local_roles.get('zhangsm', ()),
                    [e['action'] for e in newest(get_audit_log(tenant))])
    set_status('退出')
    granted, actions = roles()
    assert 'volunteer' not in granted and actions[0] == 'volunteer-edit' and 'revoke' in actions
    app = volunteer_app(vol)
    app.post(ACTIVITY + '/@@signup', {'csrf_token': csrf(app, ACTIVITY)}, status=403)
    set_status('在册')
    granted, actions = roles()
    assert 'volunteer' in granted and actions[1] == 'grant'
