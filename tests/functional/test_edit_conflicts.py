"""An edit form carries the version it was opened on: a stale save is refused with 409,
both versions shown field by field, nothing lost; saving again overwrites explicitly."""
from helpers import add_user, find, login
from shequ.security.audit import get_audit_log, newest

ITEM = '/sunwu/services/dibao'
DUTIES = '/sunwu/qingxi/xingfu/duties/'


def _two_staff(demo, path='/sunwu'):
    with demo.root() as root:
        add_user(root, 'zhang', 'staff', path)
        add_user(root, 'li', 'staff', path)
    return login(demo, 'zhang'), login(demo, 'li')


def test_a_save_from_a_stale_form_is_refused_with_both_versions(demo):
    zhang, li = _two_staff(demo)
    with demo.root() as root:
        original = find(root, ITEM).title
    mine = zhang.get(ITEM + '/@@edit').forms['deform']
    theirs = li.get(ITEM + '/@@edit').forms['deform']
    assert mine['version'].value and mine['version'].value == theirs['version'].value
    theirs['title'] = '最低生活保障（李改）'
    assert theirs.submit('save').status_int == 302
    mine['title'] = '最低生活保障（张改）'
    mine['location'] = '县政务服务中心二楼'
    page = mine.submit('save', status=409)
    assert '已有他人修改并保存了这一条目' in page.text
    rows = [[cell.text for cell in tr.find_all(['th', 'td'])]
            for tr in page.html.select('.edit-conflict tbody tr')]
    assert ['标题', '最低生活保障（李改）', '最低生活保障（张改）'] in rows
    assert any(row[2] == '县政务服务中心二楼' for row in rows)
    # nothing lost: the stored version is theirs, the form keeps what was typed
    with demo.root() as root:
        item = find(root, ITEM)
        assert item.title == '最低生活保障（李改）'
        assert item.location != '县政务服务中心二楼'
    again = page.forms['deform']
    assert again['title'].value == '最低生活保障（张改）'
    assert again['version'].value != mine['version'].value
    # saving again is the explicit overwrite
    assert again.submit('save').status_int == 302
    with demo.root() as root:
        item = find(root, ITEM)
        assert item.title == '最低生活保障（张改）' and item.location == '县政务服务中心二楼'
        actions = [e['action'] for e in newest(get_audit_log(root['sunwu']), 0, 2)]
    assert actions == ['edit', 'edit'] and original != item.title


def test_a_workflow_change_since_opening_is_a_conflict_too(demo):
    zhang, li = _two_staff(demo)
    form = zhang.get(ITEM + '/@@edit').forms['deform']
    token = li.get(ITEM).html.find('input', {'name': 'csrf_token'})['value']
    li.post(ITEM + '/@@workflow', {'csrf_token': token, 'transition': 'withdraw'})
    form['title'] = '低保（新标题）'
    page = form.submit('save', status=409)
    assert page.html.select('.edit-conflict')
    with demo.root() as root:
        assert find(root, ITEM).title != '低保（新标题）'


def test_an_edit_without_a_competitor_saves_at_once(demo):
    zhang, _li = _two_staff(demo)
    form = zhang.get(ITEM + '/@@edit').forms['deform']
    form['title'] = '低保（一次保存）'
    assert form.submit('save').status_int == 302
    # the next form carries the new version and saves too
    form = zhang.get(ITEM + '/@@edit').forms['deform']
    form['title'] = '低保（再次保存）'
    assert form.submit('save').status_int == 302


def test_two_staff_editing_different_items_both_succeed(demo):
    zhang, li = _two_staff(demo)
    first = zhang.get(ITEM + '/@@edit').forms['deform']
    second = li.get('/sunwu/services/tekun/@@edit').forms['deform']
    first['title'] = '低保（张）'
    second['title'] = '特困（李）'
    assert first.submit('save').status_int == 302
    assert second.submit('save').status_int == 302
    with demo.root() as root:
        assert find(root, ITEM).title == '低保（张）'
        assert find(root, '/sunwu/services/tekun').title == '特困（李）'


def test_a_stale_roster_shift_form_is_refused(demo):
    zhang, li = _two_staff(demo, '/sunwu/qingxi/xingfu')
    form = zhang.get(DUTIES + '@@roster-edit', {'date': '2026-12-09'}).forms['deform']
    form['name'] = '王芳'
    form['post'] = '值班'
    form['start'] = '08:30'
    form['end'] = '17:30'
    form['duty_phone'] = '0456-1234567'
    day = form.submit('save').follow()
    edit_url = day.html.find('a', string='编辑')['href']
    mine = zhang.get(edit_url).forms['deform']
    theirs = li.get(edit_url).forms['deform']
    theirs['name'] = '李强'
    assert theirs.submit('save').status_int == 302
    mine['note'] = '带钥匙'
    page = mine.submit('save', status=409)
    assert '李强' in page.html.select_one('.edit-conflict').text
    assert page.forms['deform'].submit('save').status_int == 302


def test_a_stale_settings_form_is_refused_with_both_versions(demo):
    with demo.root() as root:
        add_user(root, 'admin-a', 'admin', '/sunwu')
        add_user(root, 'admin-b', 'admin', '/sunwu')
    first, second = login(demo, 'admin-a'), login(demo, 'admin-b')
    mine = second.get('/sunwu/@@settings').forms['settings-form']
    theirs = first.get('/sunwu/@@settings').forms['settings-form']
    theirs['site_title'] = '孙吴县人民政府'
    assert theirs.submit().status_int == 302
    mine['contact-hours'] = '周一至周五 8:30—17:00'
    page = mine.submit(status=409)
    rows = [[cell.text for cell in tr.find_all(['th', 'td'])]
            for tr in page.html.select('.edit-conflict tbody tr')]
    assert ['站点名称', '孙吴县人民政府', ''] in rows
    with demo.root() as root:
        assert root['sunwu'].settings['site_title'] == '孙吴县人民政府'
        assert root['sunwu'].settings.get('contact', {}).get('hours') != '周一至周五 8:30—17:00'
    again = page.forms['settings-form']
    assert again['contact-hours'].value == '周一至周五 8:30—17:00'
    again['site_title'] = '孙吴县人民政府'       # keeps theirs and adds mine
    assert again.submit().status_int == 302
    with demo.root() as root:
        settings = root['sunwu'].settings
        assert settings['site_title'] == '孙吴县人民政府'
        assert settings['contact']['hours'] == '周一至周五 8:30—17:00'


def test_a_conflict_on_every_retry_answers_503_and_stores_nothing(demo, monkeypatch):
    """pyramid_retry retries a ConflictError; when every attempt meets one the visitor gets
    the plain 'busy' page (503, Retry-After), never a 500."""
    from ZODB.POSException import ConflictError
    from shequ.content import review
    zhang, _li = _two_staff(demo)
    form = zhang.get(ITEM + '/@@edit').forms['deform']
    calls = []

    def always_conflicting(*args, **kw):
        calls.append(1)
        raise ConflictError('another writer, every time')

    monkeypatch.setattr(review, 'modify', always_conflicting)
    form['title'] = '低保（不会保存）'
    page = form.submit('save', status=503)
    assert page.headers['Retry-After'] == '1'
    assert '系统繁忙' in page.text and '没有保存' in page.text
    assert len(calls) == int(demo.registry.settings['retry.attempts']) == 5
    with demo.root() as root:
        assert find(root, ITEM).title != '低保（不会保存）'
