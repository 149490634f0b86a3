"""Values derived from stored data at write time stay exact: sort keys, sorted indexes,
the newest notices below a tenant — each changes on the very next request."""
from shequ.services import Service, evolve_title_pinyin
from shequ.tree.ops import modify

XINGFU = '/sunwu/qingxi/xingfu'


def catalogue_titles(site, **params):
    page = site.app.get(XINGFU + '/services/', params)
    return [a.text for a in page.html.select('.service-list li > a')]


def test_renamed_service_moves_in_the_letter_index_on_the_next_request(demo):
    assert '最低生活保障申请' in catalogue_titles(demo, letter='Z')
    with demo.root() as root:
        modify(root['sunwu']['services']['dibao'], demo.registry, title='低保申请')
    assert '低保申请' in catalogue_titles(demo, letter='D')
    assert '低保申请' not in catalogue_titles(demo, letter='Z')
    assert '最低生活保障申请' not in catalogue_titles(demo, letter='Z')


def test_a_service_keeps_its_title_pinyin_and_initial():
    item = Service(title='残疾人证办理', category='残疾人服务')
    assert item.title_pinyin == ('can ji ren zheng ban li', '残疾人证办理')
    assert item.title_initial == 'C'
    item.update(title='ETC 卡办理')
    assert item.title_initial == 'E'


def test_evolve_step_fills_the_pinyin_of_services_stored_before(demo):
    with demo.root() as root:
        old = root['sunwu']['services']['dibao']
        old.__dict__.pop('title_pinyin', None)
        old.__dict__.pop('title_initial', None)
        old._p_changed = True
    with demo.root() as root:
        assert root['sunwu']['services']['dibao'].title_pinyin is None
        evolve_title_pinyin(root, demo.registry)
    with demo.root() as root:
        stored = root['sunwu']['services']['dibao']
        assert stored.title_initial == 'Z' and stored.title_pinyin[1] == '最低生活保障申请'
