"""The `shequ` command: init, load (validation, merge, idempotence) and evolve."""
import os
import subprocess
import sys
import textwrap

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
