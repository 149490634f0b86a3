"""Standard services published above are shown below, with local overrides and hiding."""
from helpers import add_user, csrf, find, login

VILLAGE = '/sunwu/chenqing/zhengyang'
COMMUNITY = '/sunwu/qingxi/xingfu'


def _add_standard(app, title='困难群众取暖补贴申请', summary='冬季取暖补贴，每户每年 800 元。'):
    form = app.get('/sunwu/services/@@add?type=service').forms['deform']
    form['title'] = title
    form['category'] = '社会救助'
    form['standard'] = True
    form['summary'] = summary
    form['location'] = '县民政局一楼大厅'
    form['phone'] = '0456-8225566'
    return form.submit('publish').follow()


def test_county_standard_is_shown_in_a_village_catalogue(demo_site):
    page = demo_site.app.get(VILLAGE + '/services/')
    link = page.html.find('a', href='http://localhost%s/services/dibao/' % VILLAGE)
    assert link is not None and link.text == '最低生活保障申请'


def test_inherited_guide_says_which_body_sets_the_standard(demo_site):
    page = demo_site.app.get(VILLAGE + '/services/dibao')
    assert '本事项由孙吴县统一制定标准' in page.text
    assert page.html.find('h1').text == '最低生活保障申请'


def test_inherited_service_has_no_edit_form_at_the_village(demo_site):
    demo_site.app.get(VILLAGE + '/services/dibao/@@edit', status=404)


def test_unknown_service_at_a_village_is_not_found(demo_site):
    demo_site.app.get(VILLAGE + '/services/no-such-service', status=404)


def test_standard_edited_at_county_changes_village_page_and_keeps_override(demo):
    with demo.root() as root:
        add_user(root, 'county', 'staff', '/sunwu')
        add_user(root, 'village', 'staff', VILLAGE)
    county = login(demo, 'county')
    _add_standard(county)
    slug = 'kun-nan-qun-zhong-qu-nuan-bu-tie-shen-qing'
    page = demo.app.get(VILLAGE + '/services/' + slug)
    assert '冬季取暖补贴，每户每年 800 元。' in page.text

    village = login(demo, 'village')
    form = village.get(VILLAGE + '/services/%s/@@override' % slug).forms['deform']
    form['location'] = '正阳村村委会代办点'
    form['note'] = '村代办员每周三统一代办'
    form.submit('save').follow()

    form = county.get('/sunwu/services/%s/@@edit' % slug).forms['deform']
    form['summary'] = '2026 年起取暖补贴提高到每户每年 1000 元。'
    assert form.submit('save').status_int == 302

    page = demo.app.get(VILLAGE + '/services/' + slug)
    assert '2026 年起取暖补贴提高到每户每年 1000 元。' in page.text
    assert '正阳村村委会代办点' in page.text and '县民政局一楼大厅' not in page.text
    assert '村代办员每周三统一代办' in page.text
    assert '0456-8225566' in page.text  # not overridden: the standard's phone
    county_page = demo.app.get('/sunwu/services/' + slug)
    assert '县民政局一楼大厅' in county_page.text and '正阳村村委会代办点' not in county_page.text


def test_override_with_all_fields_empty_falls_back_to_the_standard(demo):
    with demo.root() as root:
        add_user(root, 'village', 'staff', VILLAGE)
    app = login(demo, 'village')
    form = app.get(VILLAGE + '/services/dibao/@@override').forms['deform']
    form['location'] = '正阳村便民服务站'
    form.submit('save')
    form = app.get(VILLAGE + '/services/dibao/@@override').forms['deform']
    assert form['location'].value == '正阳村便民服务站'
    form['location'] = ''
    form.submit('save')
    assert '户籍所在地社区（村）便民服务站' in demo.app.get(VILLAGE + '/services/dibao').text
    with demo.root() as root:
        assert 'dibao' not in find(root, VILLAGE + '/services').overrides


def _hide(app, slug, path=VILLAGE, status=302):
    return app.post(path + '/services/@@hide', {'slug': slug, 'confirm': 'yes',
                                                 'csrf_token': csrf(app, path + '/services/')},
                    status=status)


def test_hidden_standard_is_not_in_the_catalogue_and_its_url_is_not_found(demo):
    with demo.root() as root:
        add_user(root, 'village', 'staff', VILLAGE)
    app = login(demo, 'village')
    _hide(app, 'juzhuzheng')
    assert '居住证申领' not in demo.app.get(VILLAGE + '/services/').text
    demo.app.get(VILLAGE + '/services/juzhuzheng', status=404)
    assert '居住证申领' in demo.app.get('/sunwu/chenqing/chenqingcun/services/').text


def test_hiding_asks_for_confirmation_before_it_hides(demo):
    with demo.root() as root:
        add_user(root, 'village', 'staff', VILLAGE)
    app = login(demo, 'village')
    page = app.post(VILLAGE + '/services/@@hide',
                    {'slug': 'juzhuzheng', 'csrf_token': csrf(app, VILLAGE + '/services/')})
    assert '隐藏统一标准事项' in page.text and page.forms['hide-form']['confirm'].value == 'yes'
    demo.app.get(VILLAGE + '/services/juzhuzheng', status=200)


def test_hidden_standard_can_be_shown_again(demo):
    with demo.root() as root:
        add_user(root, 'village', 'staff', VILLAGE)
    app = login(demo, 'village')
    _hide(app, 'juzhuzheng')
    catalogue = app.get(VILLAGE + '/services/')
    assert '本单位已隐藏的统一标准事项' in catalogue.text
    confirm = app.post(VILLAGE + '/services/@@unhide',
                       {'slug': 'juzhuzheng', 'csrf_token': csrf(app, VILLAGE + '/services/')})
    confirm.forms['hide-form'].submit()
    demo.app.get(VILLAGE + '/services/juzhuzheng', status=200)


def test_hiding_a_standard_that_is_not_inherited_is_not_found(demo):
    with demo.root() as root:
        add_user(root, 'village', 'staff', VILLAGE)
    app = login(demo, 'village')
    _hide(app, 'no-such-service', status=404)


def test_township_standard_is_shown_only_below_that_township(demo):
    with demo.root() as root:
        add_user(root, 'town', 'staff', '/sunwu/chenqing')
    app = login(demo, 'town')
    form = app.get('/sunwu/chenqing/services/nongji-butie/@@edit').forms['deform']
    form['standard'] = True
    form.submit('save')
    assert '农机购置补贴申请' in demo.app.get('/sunwu/chenqing/zhengyang/services/').text
    assert '本事项由辰清镇统一制定标准' in demo.app.get(
        '/sunwu/chenqing/zhengyang/services/nongji-butie').text
    demo.app.get('/sunwu/sunwuzhen/dongxing/services/nongji-butie', status=404)


def test_local_service_is_shown_only_in_its_own_community(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', COMMUNITY)
    app = login(demo, 'wang')
    form = app.get(COMMUNITY + '/services/@@add?type=service').forms['deform']
    form['title'] = '社区长者食堂就餐登记'
    form['category'] = '养老服务'
    form.submit('publish')
    assert '社区长者食堂就餐登记' in demo.app.get(COMMUNITY + '/services/').text
    assert '社区长者食堂就餐登记' not in demo.app.get('/sunwu/qingxi/chaoyang/services/').text
    demo.app.get('/sunwu/qingxi/chaoyang/services/she-qu-zhang-zhe-shi-tang-jiu-can-deng-ji',
                 status=404)


def test_community_cannot_mark_a_service_as_standard(demo):
    """The 标准事项 box is not offered to a community; a forged field makes no standard."""
    with demo.root() as root:
        add_user(root, 'wang', 'staff', COMMUNITY)
    app = login(demo, 'wang')
    form = app.get(COMMUNITY + '/services/@@add?type=service').forms['deform']
    assert 'standard' not in form.fields
    form['title'] = '社区自定标准'
    form['category'] = '社会救助'
    fields = form.submit_fields('publish') + [('standard', 'true')]
    assert app.post(form.action, fields).status_int == 302
    with demo.root() as root:
        services = find(root, COMMUNITY + '/services')
        assert [s.standard for s in services.values()] == [False]


def test_unpublished_standard_is_not_inherited(demo):
    with demo.root() as root:
        find(root, '/sunwu/services/dibao').state = 'withdrawn'
    assert '最低生活保障申请' not in demo.app.get(VILLAGE + '/services/').text
    demo.app.get(VILLAGE + '/services/dibao', status=404)


def test_hiding_tells_staff_in_chinese_what_was_hidden(demo):
    with demo.root() as root:
        add_user(root, 'village', 'staff', VILLAGE)
    app = login(demo, 'village')
    page = _hide(app, 'juzhuzheng').follow()
    assert page.html.find(class_='flash').text.strip() == '已在本单位办事指南中隐藏“居住证申领”。'
