"""Extension points live in one registry utility per application, never in module globals."""
import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationConflictError, ConfigurationError

from shequ.content import get_content_registry
from shequ.extensions import IExtensions, get_extensions, query_extensions


class Thing:
    type_name = 'thing'

    def __init__(self, **fields):
        self.fields = fields


def make_config():
    config = Configurator()
    config.include('shequ.tree')
    config.include('shequ.content')
    return config


def declare_things(config):
    config.add_section('things', 'Things', order=5)
    config.add_content_type('thing', Thing, dict, 'Thing', 'things', import_key='things')
    config.add_section_listing('things', lambda section, request: [])
    config.add_tenant_panel('things', lambda tenant, request: None, 'x.pt', order=3)
    config.add_tenant_import_key('thing_settings', dict, lambda tenant, value, registry: None)
    config.add_evolution_step(lambda root, registry: None, name='things.first')


def test_every_directive_fills_the_one_utility_of_its_registry():
    config = make_config()
    declare_things(config)
    config.commit()
    registry = config.registry
    ext = registry.getUtility(IExtensions)
    assert get_extensions(registry) is ext is query_extensions(registry)
    assert ext.section_names() == ['things']
    assert ext.section_label('things') == 'Things'
    assert set(ext.section_listings) == {'things'} and set(ext.tenant_panels) == {'things'}
    assert list(ext.evolution_steps)[-1] == 'things.first'
    assert 'add_missing_sections' in ext.evolution_steps      # the tree's own step
    content = get_content_registry(registry)
    assert content.types is ext.content_types and content.tenant_keys is ext.tenant_import_keys
    assert content.for_section('things') == [content.get('thing')]
    assert set(content.importable()) == {'things'}
    item = content.create('thing', title='x')
    assert content.type_of(item).name == 'thing' and item.fields == {'title': 'x'}


def test_two_applications_share_nothing():
    first, second = make_config(), make_config()
    declare_things(first)
    first.commit()
    second.commit()
    assert get_extensions(second.registry).section_names() == []
    assert get_content_registry(second.registry).types == {}


def test_a_registry_without_an_application_is_left_alone():
    from pyramid.registry import Registry
    bare = Registry('bare')
    assert query_extensions(bare) is None
    assert bare.queryUtility(IExtensions) is None


@pytest.mark.parametrize('directive, args', [
    ('add_section', ('things', 'More things')),
    ('add_content_type', ('thing', Thing, dict, 'Thing', 'things')),
    ('add_section_listing', ('things', lambda s, r: [])),
    ('add_tenant_panel', ('things', lambda t, r: None, 'y.pt')),
    ('add_tenant_import_key', ('thing_settings', dict, lambda t, v, r: None)),
    ('add_evolution_step', (lambda root, registry: None, 'things.first')),
])
def test_registering_twice_is_a_conflict(directive, args):
    config = make_config()
    declare_things(config)
    getattr(config, directive)(*args)
    with pytest.raises(ConfigurationConflictError):
        config.commit()


def test_a_content_type_in_an_undeclared_section_is_refused_at_start_up():
    config = make_config()
    config.add_content_type('thing', Thing, dict, 'Thing', 'nowhere')
    with pytest.raises(ConfigurationError, match='nowhere'):
        config.commit()
