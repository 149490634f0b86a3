"""The deployment files say what works: every database URI production.ini documents
resolves with zodburi (RelStorage brings `postgres://`), and config/zeo.conf is a valid
ZEO server configuration."""
import os
import re

import ZConfig
import ZEO
from pyramid.paster import get_appsettings
from zodburi import resolve_uri

from sitekit import HERE

PRODUCTION = os.path.join(HERE, 'production.ini')


def documented_uris():
    with open(PRODUCTION, encoding='utf-8') as f:
        lines = re.findall(r'^#? ?zodbconn\.uri = (\S+)$', f.read(), re.M)
    return [line.replace('%(here)s', HERE) for line in lines]


def test_every_documented_database_uri_resolves():
    uris = documented_uris()
    assert [u.split(':', 1)[0] for u in uris] == ['file', 'zeo', 'zconfig', 'postgres']
    for uri in uris:
        factory, dbkw = resolve_uri(uri)      # parses everything; opens nothing
        assert callable(factory) and dbkw['cache_size'] == 20000, uri
    postgres = uris[-1]
    assert 'keep_history=false' in postgres and 'shared_blob_dir=false' in postgres


def test_production_serves_filestorage_indexing_inline():
    settings = get_appsettings(PRODUCTION)
    assert settings['zodbconn.uri'].startswith('file://')
    assert settings['shequ.index_inline'] == 'true'   # no second process may open it


def test_a_second_app_server_takes_its_port_from_the_command_line():
    from plaster import get_loader
    loader = get_loader(PRODUCTION, protocols=['wsgi'])
    assert loader.get_settings('server:main')['listen'] == '*:6543'
    # `pserve production.ini http_port=6544` passes the variable as a default
    assert loader.get_settings('server:main', defaults={'http_port': '6544'})['listen'] == '*:6544'


def test_zeo_server_configuration_is_valid(tmp_path, monkeypatch):
    (tmp_path / 'var').mkdir()
    monkeypatch.chdir(tmp_path)          # paths are relative to where runzeo runs
    schema = ZConfig.loadSchema(os.path.join(os.path.dirname(ZEO.__file__), 'schema.xml'))
    config, _handler = ZConfig.loadConfig(schema, os.path.join(HERE, 'config', 'zeo.conf'))
    assert config.zeo.address.address == ('127.0.0.1', 8100)
    assert config.storages[0].config.blob_dir == 'var/blobs'
