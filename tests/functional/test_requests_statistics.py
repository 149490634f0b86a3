"""The statistics pages agree with counts made here, independently, from config/demo.yaml."""
import datetime
import io
import math

import openpyxl
import yaml

from helpers import add_user, login
from sitekit import DEMO_FILE

PERIOD = '?from=2026-01-01&to=2026-12-31'
STATE_WORDS = {'new': '待受理', 'in_progress': '办理中', 'replied': '已答复',
               'reopened': '不满意，待复核', 'closed': '已办结'}
TYPE_WORDS = {'zixun': '咨询', 'qiuzhu': '求助', 'tousu': '投诉', 'jubao': '举报',
              'jianyi': '建议'}


def demo_requests(prefix='/'):
    """(tenant path, entry) of every request in the demo file below `prefix`."""
    with open(DEMO_FILE, encoding='utf-8') as f:
        tree = yaml.safe_load(f)
    out = []

    def walk(tenants, path):
        for tenant in tenants:
            here = path + '/' + tenant['slug']
            for entry in tenant.get('requests') or ():
                if (here + '/').startswith(prefix):
                    out.append((here, entry))
            walk(tenant.get('children') or (), here)
    walk(tree['tenants'], '')
    return out


def state_of(entry):
    state = 'new'
    for step in entry.get('steps') or ():
        action = step['action']
        if action == 'take':
            state = 'in_progress'
        elif action == 'transfer':
            state = 'new'
        elif action == 'reply':
            state = 'replied'
        elif action == 'rate':
            state = 'reopened' if step['rating'] == '不满意' else 'closed'
        elif action == 'close':
            state = 'closed'
    return state


def when(text):
    return datetime.datetime.strptime(str(text), '%Y-%m-%d %H:%M')


def table(page, name):
    rows = page.html.find(id='table-' + name).find_all('tr')
    return {r.th.text: int(r.td.text) for r in rows}


def figure(page, name):
    return page.html.find(id='stat-' + name).text.strip()


def check(app, url, entries):
    page = app.get(url + PERIOD)
    assert int(figure(page, 'total')) == len(entries)
    states, types, categories = {}, {}, {}
    days, ratings = [], []
    for _path, e in entries:
        s = STATE_WORDS[state_of(e)]
        states[s] = states.get(s, 0) + 1
        types[TYPE_WORDS[e['type']]] = types.get(TYPE_WORDS[e['type']], 0) + 1
        categories[e['category']] = categories.get(e['category'], 0) + 1
        replies = [s for s in e.get('steps') or () if s['action'] == 'reply']
        if replies:
            days.append((when(replies[0]['at']) - when(e['submitted'])).total_seconds()
                        / 86400)
        rates = [s['rating'] for s in e.get('steps') or () if s['action'] == 'rate']
        if rates:
            ratings.append(rates[-1])
    assert {k: v for k, v in table(page, 'state').items() if v} == states
    assert {k: v for k, v in table(page, 'type').items() if v} == types
    assert {k: v for k, v in table(page, 'category').items() if v} == categories
    assert int(figure(page, 'answered')) == len(days)
    assert figure(page, 'average') == '%.1f' % (sum(days) / len(days))
    assert figure(page, 'p90') == '%.1f' % sorted(days)[math.ceil(0.9 * len(days)) - 1]
    good = sum(r in ('满意', '基本满意') for r in ratings)
    assert figure(page, 'satisfaction') == '%.0f %%' % (100 * good / len(ratings))
    return page


def test_county_and_township_statistics_equal_independent_counts(full_demo_site):
    app = full_demo_site.app
    every = demo_requests()
    assert len(every) >= 20 and {state_of(e) for _p, e in every} == set(STATE_WORDS)
    page = check(app, '/sunwu/requests/@@statistics', every)
    assert page.html.find('svg') is not None and 'style=' not in str(page.html.find('svg'))
    check(app, '/sunwu/qingxi/requests/@@statistics', demo_requests('/sunwu/qingxi/'))
    check(app, '/sunwu/qingxi/xingfu/requests/@@statistics',
          demo_requests('/sunwu/qingxi/xingfu/'))


def test_the_statistics_export_lists_every_request_without_names(full_demo_site):
    with full_demo_site.root() as root:
        add_user(root, 'stats-county', 'staff', '/sunwu')
    staff = login(full_demo_site, 'stats-county')
    res = staff.get('/sunwu/requests/@@statistics.xlsx' + PERIOD)
    book = openpyxl.load_workbook(io.BytesIO(res.body), read_only=True)
    rows = list(book['诉求明细'].iter_rows(values_only=True))
    every = demo_requests()
    assert sorted(r[0] for r in rows[1:]) == sorted(e['number'] for _p, e in every)
    text = ' '.join(str(c) for r in rows for c in r)
    assert not any(e['name'] in text or e['phone'] in text for _p, e in every)
    anonymous = full_demo_site.app.get('/sunwu/requests/@@statistics.xlsx', expect_errors=True)
    assert anonymous.status_int in (302, 403)
