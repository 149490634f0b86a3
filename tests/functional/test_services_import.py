"""The tenant-tree file carries guides, `hidden_standard` and `overrides`."""
import pytest

from conftest import DEMO_FILE
from helpers import find
from services_helpers import SERVICES_FILE
from shequ.cli.loader import LoadError


def _write(tmp_path, text):
    path = tmp_path / 'tree.yaml'
    path.write_text(text, encoding='utf-8')
    return str(path)


TREE = '''
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
%s
'''


def test_demo_services_file_loads_over_the_demo_and_again_changes_nothing(site):
    created, _updated = site.load(SERVICES_FILE)
    assert created >= 60
    assert site.load(SERVICES_FILE) == (0, 0)
    with site.root() as root:
        county = find(root, '/sunwu/services')
        assert sum(1 for s in county.values() if s.standard) >= 30


def test_overrides_in_the_file_show_on_the_community_page(site, tmp_path):
    site.load(DEMO_FILE)
    site.load(_write(tmp_path, TREE % '''            overrides:
              dibao: {location: 幸福社区一窗受理窗口, phone: 0456-8231101}'''))
    page = site.app.get('/sunwu/qingxi/xingfu/services/dibao')
    assert '幸福社区一窗受理窗口' in page.text and '0456-8231101' in page.text


def test_hidden_standard_in_the_file_hides_the_service(site, tmp_path):
    site.load(DEMO_FILE)
    site.load(_write(tmp_path, TREE % '            hidden_standard: [juzhuzheng]'))
    site.app.get('/sunwu/qingxi/xingfu/services/juzhuzheng', status=404)
    with site.root() as root:
        assert 'juzhuzheng' in find(root, '/sunwu/qingxi/xingfu/services').hidden_standard


def test_hidden_standard_list_in_the_file_replaces_the_previous_one(site, tmp_path):
    site.load(DEMO_FILE)
    site.load(_write(tmp_path, TREE % '            hidden_standard: [juzhuzheng]'))
    site.load(_write(tmp_path, TREE % '            hidden_standard: [tekun]'))
    site.app.get('/sunwu/qingxi/xingfu/services/juzhuzheng', status=200)
    site.app.get('/sunwu/qingxi/xingfu/services/tekun', status=404)


def test_override_of_an_unknown_field_is_refused_with_a_chinese_message(site, tmp_path):
    path = _write(tmp_path, TREE % '''            overrides:
              dibao: {fee: 免费}''')
    with pytest.raises(LoadError) as info:
        site.load(path)
    assert info.value.path.endswith('children[0].children[0].overrides')
    assert '只能设置 location（办理地点）、hours（办理时间）、phone（咨询电话）和 note（本地说明），不能设置 fee' \
        in info.value.message
    with site.root() as root:
        assert find(root, '/sunwu') is None


def test_hidden_standard_with_a_bad_slug_is_refused(site, tmp_path):
    with pytest.raises(LoadError) as info:
        site.load(_write(tmp_path, TREE % '            hidden_standard: [居住证]'))
    assert '只能使用小写字母' in info.value.message
