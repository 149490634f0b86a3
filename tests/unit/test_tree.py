"""Unit tests of the tenant tree and of setting inheritance."""
import pytest
from pyramid.config import Configurator
from pyramid.registry import Registry

from shequ.tree.ops import add, remove
from shequ.tree import (Root, Section, Tenant, ancestor_paths, effective_setting, find_county,
                        find_tenant, walk_tenants)


class Recorder(Registry):
    """An application registry that keeps the events it is told about."""

    def __init__(self):
        super().__init__('test')
        self.events = []

    def notify(self, event):
        self.events.append(event)


def configured(*sections):
    """A registry where the tree is configured and `sections` (name, order) are declared."""
    config = Configurator(registry=Recorder())
    config.setup_registry()
    config.include('shequ.tree')
    for name, order in sections:
        config.add_section(name, name.title(), order=order)
    config.commit()
    return config.registry


@pytest.fixture
def reg():
    return configured(('notices', 20), ('services', 10), ('documents', 50))


@pytest.fixture
def tree(reg):
    root = Root()
    county = add(root, 'sunwu', Tenant('county', '孙吴县', {'theme': 'blue', 'contact': {'phone': '1'}}),
                 reg)
    street = add(county, 'qingxi', Tenant('street', '清溪街道', {'contact': {'phone': '2'}}), reg)
    community = add(street, 'xingfu', Tenant('community', '幸福社区'), reg)
    return root, county, street, community, reg


def test_added_tenant_has_every_declared_section_in_declared_order(tree):
    _root, county, street, community, reg = tree
    for tenant in (county, street, community):
        assert [s.__name__ for s in tenant.sections(reg)] == ['services', 'notices', 'documents']
        assert all(isinstance(s, Section) for s in tenant.sections(reg))
    assert county['services'].__parent__ is county


def test_tenant_alone_has_no_sections_until_added():
    assert len(Tenant('county', '某县')) == 0


def test_sections_no_longer_declared_are_kept_but_not_listed(tree):
    _root, county, _street, _community, reg = tree
    county.add('volunteers', Section(), registry=reg)
    assert 'volunteers' in county
    assert 'volunteers' not in [s.__name__ for s in county.sections(reg)]


def test_newly_declared_section_is_added_by_ensure_sections_not_by_reading(tree):
    _root, county, *_ = tree
    later = configured(('services', 10), ('duties', 30), ('notices', 20))
    assert [s.__name__ for s in county.sections(later)] == ['services', 'notices']
    assert 'duties' not in county
    assert county.ensure_sections(later) == ['duties']
    assert [s.__name__ for s in county.sections(later)] == ['services', 'notices', 'duties']


def test_sections_without_a_configured_application_are_every_stored_one(tree):
    _root, county, *_ = tree
    assert sorted(s.__name__ for s in county.sections(Registry('bare'))) == [
        'documents', 'notices', 'services']


def test_section_title_is_its_declared_label(tree, reg):
    from pyramid.threadlocal import manager
    _root, county, *_ = tree
    manager.push({'registry': reg, 'request': None})
    try:
        assert county['notices'].title == 'Notices'
    finally:
        manager.pop()
    assert county['notices'].title == 'notices'   # no application: the name


def test_add_sets_lineage_and_counts_and_fires_event(tree):
    root, county, street, community, reg = tree
    assert community.__parent__ is street and community.__name__ == 'xingfu'
    assert len(root) == 1 and 'sunwu' in root
    assert [type(e).__name__ for e in reg.events] == ['ObjectAdded'] * 3


def test_tenant_cannot_take_a_declared_section_name(tree):
    _root, county, _street, _community, reg = tree
    later = configured(('services', 10), ('duties', 30))
    with pytest.raises(ValueError):
        county.add('services', Tenant('township', '错误'), registry=reg)
    with pytest.raises(ValueError):
        county.add('duties', Tenant('township', '错误'), registry=later)


def test_duplicate_name_is_refused(tree):
    _root, county, _street, _community, reg = tree
    with pytest.raises(KeyError):
        county.add('qingxi', Tenant('street', '重复'), registry=reg)


def test_remove_fires_events_and_updates_count(tree):
    _root, _county, street, _community, reg = tree
    remove(street, 'xingfu', reg)
    assert len(street.tenants()) == 0
    assert [type(e).__name__ for e in reg.events[-2:]] == ['ObjectWillBeRemoved', 'ObjectRemoved']


def test_the_container_itself_sends_no_event(tree):
    """Events come from tree.ops only, so no caller can change the tree unannounced twice."""
    _root, county, street, _community, reg = tree
    before = len(reg.events)
    street.add('xinjian', Tenant('community', '新建社区'), registry=reg)
    street.remove('xinjian')
    assert len(reg.events) == before
    add(street, 'xinjian', Tenant('community', '新建社区'), reg)
    assert [type(e).__name__ for e in reg.events[before:]] == ['ObjectAdded']


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
