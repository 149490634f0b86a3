"""The tenant-tree file's `volunteers` key and `shequ volunteers export-ledger`."""
import os
import subprocess
import sys
import textwrap

import pytest
from openpyxl import load_workbook

from helpers import find
from shequ.cli.loader import LoadError
from shequ.volunteers import ledger
from shequ.volunteers.model import get_register
from sitekit import BASE_FILE, write_ini

SHEQU = os.path.join(os.path.dirname(sys.executable), 'shequ')
XINGFU = '/sunwu/qingxi/xingfu'

TREE = textwrap.dedent("""\
    tenants:
    - slug: sunwu
      kind: county
      title: 孙吴县
      children:
      - slug: qingxi
        kind: street
        title: 清溪街道
        children:
        - slug: xingfu
          kind: community
          title: 幸福社区
          volunteers:
            teams:
            - {slug: zhulao, title: 助老服务队, leader: 王女士, phone: '0456-1234567'}
            activities:
            - {slug: yizhen, title: 社区义诊, team: zhulao, starts: '2026-10-29T08:30',
               ends: '2026-10-29T11:30', place: 卫生站, places: 10}
            volunteers:
            - {number: V000001, name: 张三明, gender: 男, birth_year: 1980, phone: '13900000001',
               id_number: '%s', team: zhulao}
            hours:
            - {volunteer: V000001, activity: yizhen, date: '2026-10-29', hours: 3}
    """)


def fake_id(serial=1):
    from shequ.volunteers.model import id_check_digit
    first = '23000019800101%03d' % serial
    return first + id_check_digit(first)


def write(tmp_path, text, name='tree.yaml'):
    path = tmp_path / name
    path.write_text(text, encoding='utf-8')
    return str(path)


def test_loading_twice_merges_and_old_hours_count_at_once(demo, tmp_path):
    path = write(tmp_path, TREE % fake_id())
    demo.load(path)
    demo.load(path)
    with demo.root() as root:
        section = find(root, XINGFU + '/volunteers')
        register = get_register(section)
        volunteer = register.get('V000001')
        assert volunteer.name == '张三明' and volunteer.team == 'zhulao'
        assert [e['minutes'] for e in ledger.entries(volunteer)] == [180]
        assert ledger.counted_minutes(volunteer) == 180
        assert section['yizhen'].title == '社区义诊' and section['yizhen'].seats.capacity == 10


@pytest.mark.parametrize('change, where', [
    (("'%s', team: zhulao}", "'%s', team: nosuch}"), 'volunteers'),
    (("places: 10}", "places: 10, colour: red}"), 'colour'),
    (("hours: 3}", "hours: 3, extra: 1}"), 'extra'),
    (("volunteer: V000001,", "volunteer: V000009,"), 'hours'),
])
def test_bad_volunteer_data_is_refused_with_its_place(demo, tmp_path, change, where):
    assert change[0] in TREE
    text = TREE.replace(*change) % fake_id()
    with pytest.raises(LoadError) as exc:
        demo.load(write(tmp_path, text))
    assert where in str(exc.value)
    with demo.root() as root:
        register = get_register(find(root, XINGFU + '/volunteers'))
        assert register is None or not register.volunteers


def test_a_wrong_identity_number_in_the_file_is_refused(demo, tmp_path):
    with pytest.raises(LoadError) as exc:
        demo.load(write(tmp_path, TREE % (fake_id()[:-1] + 'Y')))
    assert 'id_number' in str(exc.value)


def test_export_ledger_command_writes_the_ledger(tmp_path):
    ini = write_ini(tmp_path, **{'shequ.demo_file': ''})
    tree = write(tmp_path, TREE % fake_id())
    for args in (('init', ini), ('load', ini, BASE_FILE), ('load', ini, tree)):
        done = subprocess.run([SHEQU, *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    out = tmp_path / 'ledger.xlsx'
    done = subprocess.run([SHEQU, 'volunteers', 'export-ledger', ini, XINGFU, str(out),
                           '--from', '2026-10-01', '--to', '2026-10-31'],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = list(load_workbook(out).active.values)
    assert rows[0][1] == '志愿者编号'
    assert rows[1][1:5] == ('V000001', '张三明', rows[1][3], '社区义诊') and rows[1][6] == 3.0
    empty = tmp_path / 'empty.xlsx'
    done = subprocess.run([SHEQU, 'volunteers', 'export-ledger', ini, XINGFU, str(empty),
                           '--from', '2027-01-01'], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and len(list(load_workbook(empty).active.values)) == 1
    missing = subprocess.run([SHEQU, 'volunteers', 'export-ledger', ini, '/nowhere',
                              str(empty)], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and '找不到单位' in missing.stderr
