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


# --- the sorted index of a section and the newest notices below a tenant ---

from datetime import timedelta  # noqa: E402

from shequ.clock import utcnow  # noqa: E402
from shequ.content.ordering import evolve_newest_index  # noqa: E402
from shequ.notices import Notice  # noqa: E402
from shequ.notices.below import evolve_below_index  # noqa: E402
from shequ.tree.ops import add, remove  # noqa: E402


def new_notice(site, path, slug, title, state='published', **fields):
    with site.root() as root:
        node = root
        for part in [p for p in path.split('/') if p]:
            node = node[part]
        notice = Notice(title=title, category='通知公告', **fields)
        notice.state = state
        add(node['notices'], slug, notice, site.registry)


def set_state(site, path, state):
    with site.root() as root:
        node = root
        for part in [p for p in path.split('/') if p]:
            node = node[part]
        modify(node, site.registry, action='workflow', state=state)


def listed(site, path, **params):
    page = site.app.get(path, params)
    return [a.text for a in page.html.select('ul.notice-list li > a')]


def below_titles(site, path='/sunwu/notices/'):
    page = site.app.get(path)
    return [a.text for a in page.html.select('#notices-below li > a')]


def test_a_new_notice_appears_first_in_the_section_list(demo):
    new_notice(demo, XINGFU, 'tingshui', '明日停水通知')
    assert listed(demo, XINGFU + '/notices/')[0] == '明日停水通知'
    new_notice(demo, XINGFU, 'tingdian', '周六停电通知')
    assert listed(demo, XINGFU + '/notices/')[:2] == ['周六停电通知', '明日停水通知']
    assert '周六停电通知' in listed(demo, XINGFU + '/notices/', category='通知公告')


def test_a_draft_or_future_notice_is_not_listed_for_visitors(demo):
    new_notice(demo, XINGFU, 'caogao', '草稿通知', state='draft')
    new_notice(demo, XINGFU, 'mingtian', '明天才发布的通知',
               publish_at=utcnow() + timedelta(days=1))
    shown = listed(demo, XINGFU + '/notices/')
    assert '草稿通知' not in shown and '明天才发布的通知' not in shown
    home = demo.app.get(XINGFU + '/').text
    assert '草稿通知' not in home and '明天才发布的通知' not in home


def test_newest_below_follows_publish_withdraw_and_delete(demo):
    path = XINGFU + '/notices/yimiao'
    new_notice(demo, XINGFU, 'yimiao', '疫苗接种安排', state='draft')
    assert '疫苗接种安排' not in below_titles(demo)
    set_state(demo, path, 'published')
    assert below_titles(demo)[0] == '疫苗接种安排'
    assert '疫苗接种安排' in below_titles(demo, '/sunwu/qingxi/notices/')
    set_state(demo, path, 'withdrawn')
    assert '疫苗接种安排' not in below_titles(demo)
    set_state(demo, path, 'published')
    assert '疫苗接种安排' in below_titles(demo)
    with demo.root() as root:
        remove(root['sunwu']['qingxi']['xingfu']['notices'], 'yimiao', demo.registry)
    assert '疫苗接种安排' not in below_titles(demo)
    assert '疫苗接种安排' not in below_titles(demo, '/sunwu/qingxi/notices/')


def test_an_expired_notice_leaves_the_panel_below_at_its_time(demo):
    new_notice(demo, XINGFU, 'guoqi', '已过期的通知', expire_at=utcnow() - timedelta(minutes=1))
    new_notice(demo, XINGFU, 'jijiang', '即将发布的通知', publish_at=utcnow() + timedelta(days=1))
    shown = below_titles(demo)
    assert '已过期的通知' not in shown and '即将发布的通知' not in shown


def test_removing_a_community_takes_its_notices_out_of_the_panel_below(demo):
    new_notice(demo, XINGFU, 'yimiao', '疫苗接种安排')
    assert '疫苗接种安排' in below_titles(demo)
    with demo.root() as root:
        remove(root['sunwu']['qingxi'], 'xingfu', demo.registry)
    assert '疫苗接种安排' not in below_titles(demo)


def test_evolve_steps_fill_the_indexes_of_existing_data(demo):
    new_notice(demo, XINGFU, 'yimiao', '疫苗接种安排')
    with demo.root() as root:
        county = root['sunwu']
        before = list(county['qingxi']['xingfu']['notices'].newest.ids_visible(True))
        below_before = list(county.notices_below.ids.keys())
        for tenant in [county, county['qingxi'], county['qingxi']['xingfu']]:
            tenant.__dict__.pop('notices_below', None)
            tenant._p_changed = True
            for section in tenant.sections():
                section.__dict__.pop('newest', None)
                section._p_changed = True
    with demo.root() as root:
        evolve_newest_index(root, demo.registry)
        evolve_below_index(root, demo.registry)
    with demo.root() as root:
        county = root['sunwu']
        assert list(county['qingxi']['xingfu']['notices'].newest.ids_visible(True)) == before
        assert before[0] == 'yimiao'
        assert list(county.notices_below.ids.keys()) == below_before
        assert 'qingxi/xingfu/notices/yimiao' in below_before
    assert below_titles(demo)[0] == '疫苗接种安排'


# --- the security policy's shortcut for visitors without a login ---

def test_no_acl_gives_a_visitor_without_login_more_than_view(demo):
    """The policy answers every other permission of an anonymous visitor without an ACL."""
    from pyramid.authorization import ACLHelper, Everyone
    from shequ.security.policy import _ACLHolder
    from shequ.security.roles import ROLE_PERMISSIONS, acl_for
    permissions = set().union(*ROLE_PERMISSIONS.values()) | {'authenticated'}
    with demo.root() as root:
        xingfu = root['sunwu']['qingxi']['xingfu']
        contexts = [root, root['sunwu'], xingfu, xingfu['notices'], xingfu['services']]
        contexts += list(xingfu['notices'].values())
        for context in contexts:
            holder = _ACLHolder(acl_for(context))
            allowed = {p for p in permissions if ACLHelper().permits(holder, [Everyone], p)}
            assert allowed <= {'view'}, (context, allowed)
