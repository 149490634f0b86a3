"""The write path: conflict-free audit log, one way to modify, events from tree.ops only."""
import os
import re

import pytest
import transaction

from helpers import add_user, csrf, login
from shequ.cli.loader import LoadError
from shequ.security.audit import get_audit_log, newest, record
from shequ.tree import get_root

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), 'src', 'shequ')
COMMUNITY = '/sunwu/qingxi/xingfu'


def test_two_writers_to_one_tenants_audit_log_never_conflict(demo):
    """Past many page seals (the old LOBTree conflicted at every size tried)."""
    managers = [transaction.TransactionManager() for _ in range(2)]
    conns = [demo.db.open(transaction_manager=tm) for tm in managers]
    for i in range(150):
        for tm in managers:
            tm.begin()
        for n, conn in enumerate(conns):
            tenant = get_root(conn)['sunwu']['qingxi']['xingfu']
            record(tenant, None, 'edit', COMMUNITY + '/notices/n%d' % n, '第 %d 次修改' % i)
        for tm in managers:
            tm.commit()                  # a ConflictError here fails the test
    for conn in conns:
        conn.close()
    with demo.root() as root:
        log = get_audit_log(root['sunwu']['qingxi']['xingfu'])
        assert len(log) == 300
        assert {e['title'] for e in newest(log, 0, 2)} == {'第 149 次修改'}


def test_the_journal_comes_with_the_root_and_the_audit_log_with_each_tenant(demo):
    with demo.root() as root:
        assert root.changes.end > 0
        assert get_audit_log(root['sunwu']['qingxi']['xingfu']) is not None


def test_an_edit_through_the_form_is_journalled_and_audited(demo):
    with demo.root() as root:
        add_user(root, 'li', 'staff', COMMUNITY)
        before = root.changes.end
    app = login(demo, 'li')
    form = app.get(COMMUNITY + '/services/@@add?type=service').forms['deform']
    form['title'] = '社区活动室预约'
    form['category'] = '便民服务'
    item = form.submit('save').follow()
    form = app.get(item.request.path + '@@edit').forms['deform']
    form['title'] = '社区活动室借用预约'
    form.submit('save').follow()
    with demo.root() as root:
        assert root.changes.end >= before + 2
        entries = newest(get_audit_log(root['sunwu']['qingxi']['xingfu']), 0, 5)
    assert [e['action'] for e in entries[:2]] == ['edit', 'add']
    assert entries[0]['title'] == '社区活动室借用预约' and entries[0]['login'] == 'li'


def test_hiding_and_overriding_an_inherited_standard_are_audited(demo):
    with demo.root() as root:
        add_user(root, 'wang', 'staff', COMMUNITY)
    app = login(demo, 'wang')
    app.post(COMMUNITY + '/services/@@hide', {'slug': 'juzhuzheng', 'confirm': 'yes',
                                               'csrf_token': csrf(app)}, status=302)
    form = app.get(COMMUNITY + '/services/dibao/@@override').forms['deform']
    form['phone'] = '0456-8231199'
    form.submit('save')
    with demo.root() as root:
        entries = newest(get_audit_log(root['sunwu']['qingxi']['xingfu']), 0, 5)
    assert [(e['action'], e['title'], e['login']) for e in entries[:2]] == [
        ('override', 'dibao', 'wang'), ('hide', 'juzhuzheng', 'wang')]
    with demo.root() as root:
        add_user(root, 'zhao', 'admin', COMMUNITY)
    audit = login(demo, 'zhao').get(COMMUNITY + '/@@audit')
    assert '隐藏上级标准事项' in audit.text and '修改上级标准事项的本地信息' in audit.text


def _tree(tmp_path, settings):
    path = tmp_path / 'tree.yaml'
    path.write_text('tenants:\n  - slug: x\n    kind: county\n    title: 县\n    settings:\n'
                    + ''.join('      %s\n' % line for line in settings), encoding='utf-8')
    return str(path)


def test_a_quoted_false_in_the_tenant_file_is_false(site, tmp_path):
    site.load(_tree(tmp_path, ['require_review: "false"']))
    with site.root() as root:
        assert root['x'].settings['require_review'] is False


@pytest.mark.parametrize('line, where', [
    ('require_review: "perhaps"', 'tenants[0].settings.require_review'),
    ('colour: red', 'tenants[0].settings'),
    ('contact: {phon: 123}', 'tenants[0].settings.contact'),
])
def test_bad_tenant_settings_are_refused_with_their_place(site, tmp_path, line, where):
    with pytest.raises(LoadError) as info:
        site.load(_tree(tmp_path, [line]))
    assert info.value.path == where
    with site.root() as root:
        assert 'x' not in root


def test_no_code_sends_a_modification_event_by_hand():
    """Only tree.ops sends ObjectModified: a caller that forgets it cannot exist."""
    offenders = []
    for folder, _dirs, files in os.walk(SRC):
        for name in files:
            path = os.path.join(folder, name)
            if not name.endswith('.py') or path.endswith(os.path.join('tree', 'ops.py')):
                continue
            with open(path, encoding='utf-8') as f:
                if re.search(r'(?<!class )\bObjectModified\(', f.read()):
                    offenders.append(os.path.relpath(path, SRC))
    assert offenders == []


def test_a_phone_number_written_as_a_bare_number_is_kept_as_text(site, tmp_path):
    site.load(_tree(tmp_path, ['contact: {phone: 12345, hotline: 110}']))
    with site.root() as root:
        assert root['x'].settings['contact'] == {'phone': '12345', 'hotline': '110'}
