"""Staff change only their own unit's catalogue, never a standard set above them."""
from helpers import add_user, csrf, find, login

XINGFU = '/sunwu/qingxi/xingfu'
CHAOYANG = '/sunwu/qingxi/chaoyang'


def _staff(demo, path=XINGFU):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', path)
    return login(demo, 'wang')


def test_staff_cannot_override_a_standard_in_another_community(demo):
    app = _staff(demo)
    app.get(CHAOYANG + '/services/dibao/@@override', status=403)


def test_staff_cannot_post_an_override_in_another_community(demo):
    app = _staff(demo)
    app.post(CHAOYANG + '/services/dibao/@@override',
             {'location': '别处', 'save': 'save', 'csrf_token': csrf(app, XINGFU + '/services/')},
             status=403)
    with demo.root() as root:
        assert 'dibao' not in (getattr(find(root, CHAOYANG + '/services'), 'overrides', None) or {})


def test_staff_cannot_hide_a_standard_in_another_community(demo):
    app = _staff(demo)
    app.post(CHAOYANG + '/services/@@hide',
             {'slug': 'dibao', 'confirm': 'yes', 'csrf_token': csrf(app, XINGFU + '/services/')},
             status=403)
    demo.app.get(CHAOYANG + '/services/dibao', status=200)


def test_staff_cannot_add_a_service_in_another_community(demo):
    app = _staff(demo)
    app.get(CHAOYANG + '/services/@@add?type=service', status=403)


def test_staff_cannot_edit_a_service_in_another_community(demo):
    with demo.root() as root:
        add_user(root, 'li', 'staff', CHAOYANG)
    li = login(demo, 'li')
    form = li.get(CHAOYANG + '/services/@@add?type=service').forms['deform']
    form['title'], form['category'] = '朝阳社区便民理发', '社区服务'
    item_url = form.submit('publish').location
    app = _staff(demo)
    app.get(item_url + '@@edit', status=403)


def test_community_staff_cannot_edit_the_county_standard(demo):
    app = _staff(demo)
    app.get('/sunwu/services/dibao/@@edit', status=403)


def test_hide_without_csrf_token_is_refused(demo):
    app = _staff(demo)
    app.post(XINGFU + '/services/@@hide', {'slug': 'dibao', 'confirm': 'yes'}, status=400)
    demo.app.get(XINGFU + '/services/dibao', status=200)


def test_visitors_see_no_staff_actions_on_an_inherited_guide(demo_site):
    page = demo_site.app.get(XINGFU + '/services/dibao')
    assert '@@override' not in page.text and '@@hide' not in page.text


def test_poster_is_for_staff_only(demo_site):
    res = demo_site.app.get(XINGFU + '/services/dibao/@@poster')
    assert res.status_int == 302 and '@@login' in res.location
