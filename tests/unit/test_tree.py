"""Unit tests of the tenant tree and of setting inheritance."""
import pytest

from shequ.tree import (SECTION_NAMES, Root, Section, Tenant, ancestor_paths, effective_setting,
                        find_county, find_tenant, walk_tenants)


class Recorder:
    def __init__(self):
        self.events = []

    def notify(self, event):
        self.events.append(event)


@pytest.fixture
def tree():
    reg = Recorder()
    root = Root()
    county = root.add('sunwu', Tenant('county', '孙吴县', {'theme': 'blue', 'contact': {'phone': '1'}}),
                      registry=reg)
    street = county.add('qingxi', Tenant('street', '清溪街道', {'contact': {'phone': '2'}}), registry=reg)
    community = street.add('xingfu', Tenant('community', '幸福社区'), registry=reg)
    return root, county, street, community, reg


def test_new_tenant_has_every_reserved_section(tree):
    _root, county, *_ = tree
    assert [s.__name__ for s in county.sections()] == list(SECTION_NAMES)
    assert all(isinstance(s, Section) for s in county.sections())


def test_add_sets_lineage_and_counts_and_fires_event(tree):
    root, county, street, community, reg = tree
    assert community.__parent__ is street and community.__name__ == 'xingfu'
    assert len(root) == 1 and 'sunwu' in root
    assert [type(e).__name__ for e in reg.events] == ['ObjectAdded'] * 3


def test_tenant_cannot_take_a_section_name(tree):
    _root, county, *_ = tree
    with pytest.raises(ValueError):
        county.add('services', Tenant('township', '错误'), send_events=False)


def test_duplicate_name_is_refused(tree):
    _root, county, *_ = tree
    with pytest.raises(KeyError):
        county.add('qingxi', Tenant('street', '重复'), send_events=False)


def test_remove_fires_events_and_updates_count(tree):
    _root, _county, street, _community, reg = tree
    street.remove('xingfu', registry=reg)
    assert len(street.tenants()) == 0
    assert [type(e).__name__ for e in reg.events[-2:]] == ['ObjectWillBeRemoved', 'ObjectRemoved']


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        Tenant('province', '某省')


def test_setting_is_inherited_from_the_nearest_ancestor(tree):
    _root, county, street, community, _ = tree
    assert effective_setting(community, 'theme') == 'blue'
    assert effective_setting(community, 'contact') == {'phone': '2'}
    assert effective_setting(county, 'contact') == {'phone': '1'}


def test_own_setting_overrides_inherited(tree):
    _root, _county, _street, community, _ = tree
    community.settings['theme'] = 'green'
    assert effective_setting(community, 'theme') == 'green'


def test_missing_setting_gives_default(tree):
    *_, community, _ = tree
    assert effective_setting(community, 'logo', 'none.png') == 'none.png'


def test_lineage_helpers(tree):
    root, county, street, community, _ = tree
    section = community['services']
    assert find_tenant(section) is community
    assert find_county(section) is county
    assert ancestor_paths(section) == ['/sunwu', '/sunwu/qingxi', '/sunwu/qingxi/xingfu']
    assert [t.__name__ for t in walk_tenants(root)] == ['sunwu', 'qingxi', 'xingfu']
