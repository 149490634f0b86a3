"""With require_review, an edit of a published item waits for a reviewer; the public keeps
seeing the approved text (the review bypass of issue 11)."""
import pytest
from webtest import TestApp

from helpers import add_user, csrf, find, login
from shequ.security.audit import get_audit_log, newest

ITEM = '/sunwu/qingxi/services/zhuzhai-weixiu'


@pytest.fixture
def reviewed(demo):
    with demo.root() as root:
        root['sunwu']['qingxi'].settings['require_review'] = True
        add_user(root, 'qx-staff', 'staff', '/sunwu/qingxi')
        add_user(root, 'qx-rev', 'reviewer', '/sunwu/qingxi')
        original = find(root, ITEM).title
    return demo, original


def _edit(app, title):
    form = app.get(ITEM + '/@@edit').forms['deform']
    form['title'] = title
    return form.submit('save').follow()


def test_an_edit_of_a_published_item_waits_for_review(reviewed):
    demo, original = reviewed
    staff = login(demo, 'qx-staff')
    page = _edit(staff, '老旧小区改造意见征集（延期）')
    assert '审核员批准后居民才能看到' in page.text
    anonymous = TestApp(demo.wsgi)
    assert anonymous.get(ITEM).html.find('h1').text == original
    res = anonymous.get('/sunwu/qingxi/@@search.json', params={'q': '延期'}).json
    assert ITEM not in [r['path'] for r in res['results']]
    with demo.root() as root:
        item = find(root, ITEM)
        assert item.title == original and item.state == 'published'
        assert item.pending_edit['fields'] == {'title': '老旧小区改造意见征集（延期）'}
    # the form starts from the pending edit, and says so
    form_page = staff.get(ITEM + '/@@edit')
    assert form_page.forms['deform']['title'].value == '老旧小区改造意见征集（延期）'
    assert '再次保存将替换它' in form_page.text


def test_reviewer_compares_and_approves(reviewed):
    demo, original = reviewed
    _edit(login(demo, 'qx-staff'), '老旧小区改造意见征集（延期）')
    reviewer = login(demo, 'qx-rev')
    assert '有修改待审核' in reviewer.get(ITEM).text
    review = reviewer.get(ITEM + '/@@review-edit')
    cells = [td.text for td in review.html.select('table.compare td')]
    assert cells == [original, '老旧小区改造意见征集（延期）']
    review.forms['review-form'].submit('decision', value='approve').follow()
    anonymous = TestApp(demo.wsgi)
    assert anonymous.get(ITEM).html.find('h1').text == '老旧小区改造意见征集（延期）'
    res = anonymous.get('/sunwu/qingxi/@@search.json', params={'q': '延期'}).json
    assert ITEM in [r['path'] for r in res['results']]
    with demo.root() as root:
        assert find(root, ITEM).pending_edit is None
        actions = [e['action'] for e in newest(get_audit_log(root['sunwu']['qingxi']), 0, 2)]
    assert actions == ['approve-edit', 'propose']


def test_reviewer_sends_an_edit_back(reviewed):
    demo, original = reviewed
    _edit(login(demo, 'qx-staff'), '不该发布的标题')
    reviewer = login(demo, 'qx-rev')
    reviewer.get(ITEM + '/@@review-edit').forms['review-form'].submit(
        'decision', value='reject').follow()
    with demo.root() as root:
        item = find(root, ITEM)
        assert item.title == original and item.pending_edit is None


def test_staff_cannot_approve_their_own_edit(reviewed):
    demo, original = reviewed
    staff = login(demo, 'qx-staff')
    _edit(staff, '自己批准的标题')
    page = staff.get(ITEM + '/@@review-edit')
    assert 'review-form' not in page.forms
    staff.post(ITEM + '/@@review-edit', {'csrf_token': csrf(staff), 'decision': 'approve'},
               status=403)
    TestApp(demo.wsgi).get(ITEM + '/@@review-edit', status=302)     # anonymous: log in first
    with demo.root() as root:
        assert find(root, ITEM).title == original


def test_without_review_an_edit_goes_live_at_once(demo):
    with demo.root() as root:
        add_user(root, 'qx-staff', 'staff', '/sunwu/qingxi')
    _edit(login(demo, 'qx-staff'), '直接生效的标题')
    with demo.root() as root:
        item = find(root, ITEM)
        assert item.title == '直接生效的标题' and item.pending_edit is None
