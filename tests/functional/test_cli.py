"""The `shequ` command: init, load (validation, merge, idempotence) and evolve."""
import os
import subprocess
import sys
import textwrap
import tracemalloc

import pytest

from conftest import BASE_FILE
from sitekit import write_ini
from shequ.cli.loader import LoadError
from shequ.tree import walk_tenants

SHEQU = os.path.join(os.path.dirname(sys.executable), 'shequ')


@pytest.fixture
def ini(tmp_path):
    """An ini file like development.ini, pointing at a temp database."""
    return write_ini(tmp_path)


def run(*args):
    return subprocess.run([SHEQU, *args], capture_output=True, text=True, timeout=120)


def snapshot(site):
    """A comparable picture of everything stored: tenants, their titles and item titles."""
    with site.root() as root:
        out = []
        for tenant in walk_tenants(root):
            out.append((tenant.__name__, tenant.title, dict(tenant.settings)))
            for section in tenant.sections():
                out.extend((section.__name__, k, v.title) for k, v in section.items())
        return out


def test_init_loads_demo_once_then_keeps_data(ini, tmp_path):
    first = run('init', ini)
    assert first.returncode == 0, first.stderr
    assert '已导入演示数据' in first.stdout
    assert (tmp_path / 'var' / 'Data.fs').exists()
    second = run('init', ini)
    assert second.returncode == 0 and '未做改动' in second.stdout


def test_load_rejects_bad_file_and_writes_nothing(ini, tmp_path):
    assert run('init', ini).returncode == 0
    before = (tmp_path / 'var' / 'Data.fs').stat().st_size
    bad = tmp_path / 'bad.yaml'
    bad.write_text(textwrap.dedent('''\
        tenants:
          - slug: newcounty
            kind: county
            title: 新县
            children:
              - slug: ok-town
                kind: township
                title: 好镇
                services:
                  - slug: fine
                    title: 正常事项
                    category: 社会救助
                  - slug: broken
                    category: 社会救助
        '''), encoding='utf-8')
    res = run('load', ini, str(bad))
    assert res.returncode == 2
    assert 'tenants[0].children[0].services[1].title' in res.stderr
    assert (tmp_path / 'var' / 'Data.fs').stat().st_size == before


@pytest.mark.parametrize('body, where', [
    ('tenants:\n  - slug: Bad_Slug\n    kind: county\n    title: 县\n', 'tenants[0].slug'),
    ('tenants:\n  - slug: x\n    kind: province\n    title: 省\n', 'tenants[0].kind'),
    ('tenants:\n  - slug: x\n    kind: county\n    title: 县\n    colour: red\n', 'tenants[0].colour'),
    ('tenants:\n  - slug: x\n    kind: county\n    title: 县\n  - slug: x\n    kind: county\n'
     '    title: 县二\n', 'tenants[1].slug'),
    ('tenants:\n  - slug: x\n    kind: village\n    title: 村\n    children:\n'
     '      - {slug: y, kind: county, title: 县}\n', 'tenants[0].children[0].kind'),
    ('tenants: [\n', 'bad.yaml'),
    ('people: []\n', 'tenants'),
])
def test_validation_names_the_offending_entry_and_field(site, tmp_path, body, where):
    path = tmp_path / 'bad.yaml'
    path.write_text(body, encoding='utf-8')
    with pytest.raises(LoadError) as info:
        site.load(str(path))
    assert where in info.value.path
    assert snapshot(site) == []


def test_load_is_idempotent_and_merges_by_slug(demo, tmp_path):
    before = snapshot(demo)
    assert demo.load(BASE_FILE) == (0, 0)
    assert snapshot(demo) == before
    change = tmp_path / 'change.yaml'
    change.write_text(textwrap.dedent('''\
        tenants:
          - slug: sunwu
            kind: county
            title: 孙吴县
            services:
              - slug: dibao
                title: 城乡最低生活保障申请
                category: 社会救助
            children:
              - slug: qingxi
                kind: street
                title: 清溪街道
                children:
                  - slug: xinhua
                    kind: community
                    title: 新华社区
        '''), encoding='utf-8')
    created, updated = demo.load(str(change))
    assert (created, updated) == (1, 1)
    res = demo.app.get('/sunwu/qingxi/xinhua/')
    assert '新华社区' in res.text
    assert '城乡最低生活保障申请' in demo.app.get('/sunwu/services/dibao').text
    assert len(snapshot(demo)) == len(before) + 1


def test_evolve_gives_every_tenant_its_missing_sections(demo):
    from shequ.evolve import evolve, pending_steps
    with demo.root() as root:
        assert pending_steps(root, demo.registry) == []
        del root['sunwu'].data['notices']
        del root.evolved['add_missing_sections']   # as if the step had never run
    with demo.root() as root:
        assert evolve(root, demo.registry, commit=lambda: None) == ['add_missing_sections']
        assert 'notices' in root['sunwu']
        assert 'add_missing_sections' in root.evolved
        assert evolve(root, demo.registry, commit=lambda: None) == []


def test_evolve_command_reports_up_to_date(ini):
    assert run('init', ini).returncode == 0
    res = run('evolve', ini)
    assert res.returncode == 0 and '已是最新' in res.stdout


def test_load_updates_only_the_fields_a_file_gives(demo, tmp_path):
    patch = tmp_path / 'patch.yaml'
    patch.write_text(textwrap.dedent('''\
        tenants:
          - slug: sunwu
            kind: county
            title: 孙吴县
            services:
              - slug: dibao
                title: 最低生活保障申请
                category: 社会救助
                phone: 0456-8000000
        '''), encoding='utf-8')
    assert demo.load(str(patch)) == (0, 1)
    with demo.root() as root:
        dibao = root['sunwu']['services']['dibao']
        assert dibao.phone == '0456-8000000'
        assert dibao.time_limit == '30 个工作日' and len(dibao.materials) == 4


def test_load_refuses_a_standard_service_in_a_village(site, tmp_path):
    bad = tmp_path / 'bad.yaml'
    bad.write_text(textwrap.dedent('''\
        tenants:
          - slug: c
            kind: county
            title: 某县
            children:
              - slug: t
                kind: township
                title: 某镇
                children:
                  - slug: v
                    kind: village
                    title: 某村
                    services:
                      - {slug: s, title: 村里的事项, category: 其他, standard: true}
        '''), encoding='utf-8')
    with pytest.raises(LoadError) as info:
        site.load(str(bad))
    assert 'children[0].children[0].services[0].standard' in info.value.path
    assert snapshot(site) == []


# --- hostile and broken tenant-tree files: refused safely, with file and line -------

ALIAS_BOMB = '''\
tenants:
  - slug: x
    kind: county
    title:
      - &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
      - &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
      - &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
      - &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
      - &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
      - &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
      - &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
      - &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
      - *h
'''


def write(tmp_path, body, name='bad.yaml', mode='w'):
    path = tmp_path / name
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding='utf-8')
    return str(path)


def test_an_alias_bomb_is_refused_in_little_memory(site, tmp_path):
    path = write(tmp_path, ALIAS_BOMB)
    tracemalloc.start()
    try:
        with pytest.raises(LoadError) as info:
            site.load(path)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, '%d MB' % (peak >> 20)
    assert info.value.line == 6 and '别名' in info.value.message
    assert str(info.value).startswith(path + ':6')
    assert snapshot(site) == []


def test_a_duplicate_key_is_refused_naming_both_lines(site, tmp_path):
    path = write(tmp_path, 'tenants:\n  - slug: x\n    kind: county\n    title: 县\n'
                           '    order: 1\n    title: 另一个县\n')
    with pytest.raises(LoadError) as info:
        site.load(path)
    assert info.value.line == 6 and info.value.file == path
    assert '键 "title" 重复：第 4 行和第 6 行' in info.value.message
    assert snapshot(site) == []


@pytest.mark.parametrize('body, line', [
    ('tenants: [\n', 2),
    ('tenants:\n  - slug: x\n    kind: county\n   title: 县\n', 4),
    ('tenants:\n  - slug: "x\n', 3),
])
def test_a_yaml_syntax_error_reports_its_line(site, tmp_path, body, line):
    path = write(tmp_path, body)
    with pytest.raises(LoadError) as info:
        site.load(path)
    assert info.value.path == path and info.value.line == line
    assert info.value.message.startswith('YAML 语法错误')
    assert str(info.value).startswith('%s:%d: ' % (path, line))


def test_a_validation_error_keeps_its_entry_and_gains_file_and_line(site, tmp_path):
    path = write(tmp_path, 'tenants:\n  - slug: x\n    kind: village\n    title: 村\n'
                           '    children:\n      - {slug: y, kind: county, title: 县}\n')
    with pytest.raises(LoadError) as info:
        site.load(path)
    assert info.value.path == 'tenants[0].children[0].kind' and info.value.line == 6
    assert str(info.value) == '%s:6: tenants[0].children[0].kind: county 不能位于这一层级' % path


@pytest.mark.parametrize('settings, where, expected', [
    ('{theme: 5}', 'tenants[0].settings.theme', '应为文本，实际是整数 (5)'),
    ('{contact: {phone: [1, 2]}}', 'tenants[0].settings.contact.phone', '应为文本，实际是列表'),
    ('{require_review: 3}', 'tenants[0].settings.require_review', '应为布尔值 (true 或 false)'),
    ('{sections: services}', 'tenants[0].settings.sections', '应为列表，实际是文本 (services)'),
    ('[theme]', 'tenants[0].settings', '应为映射 (键: 值)，实际是列表'),
    ('{colour: red}', 'tenants[0].settings', '未知的键: colour'),
])
def test_a_wrong_setting_names_file_key_and_expected_type(site, tmp_path, settings, where,
                                                          expected):
    path = write(tmp_path, 'tenants:\n  - slug: x\n    kind: county\n    title: 县\n'
                           '    settings: %s\n' % settings)
    with pytest.raises(LoadError) as info:
        site.load(path)
    assert info.value.path == where and expected in info.value.message
    assert info.value.file == path and info.value.line == 5


@pytest.mark.parametrize('body, line, reason', [
    (ALIAS_BOMB, 6, '别名'),
    ('tenants:\n  - slug: x\n    kind: county\n    title: \xb8\xdf\n'.encode('latin-1'), 4, 'UTF-8'),
    ('tenants:\n' + '  ' + '[' * 200 + ']' * 200 + '\n', 2, '嵌套'),
    ('tenants:\n  - slug: x\n    kind: county\n    title: 县\n    documents:\n'
     '      - {slug: a, title: 公约, effective_date: 2024-13-45}\n', 6, '2024-13-45'),
    ('tenants:\n  - slug: x\n    kind: county\n    title: 县\n    settings: {theme: 5}\n', 5, '应为文本'),
])
def test_load_of_a_bad_file_prints_where_and_why_without_a_traceback(ini, tmp_path, body, line,
                                                                    reason):
    path = write(tmp_path, body)
    res = run('load', ini, path)
    assert res.returncode == 2, res.stderr
    assert 'Traceback' not in res.stderr
    assert '位置: %s:%d' % (path, line) in res.stderr and reason in res.stderr


def test_an_unknown_setting_is_reported_at_its_own_line(site, tmp_path):
    path = write(tmp_path, 'tenants:\n  - slug: x\n    kind: county\n    title: 县\n'
                           '    settings:\n      theme: blue\n      colour: red\n')
    with pytest.raises(LoadError) as info:
        site.load(path)
    assert (info.value.path, info.value.message, info.value.line) == \
        ('tenants[0].settings', '未知的键: colour', 7)
