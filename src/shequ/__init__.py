"""shequ: the site a county runs for itself, its townships and every community below."""
import os
from urllib.parse import urlsplit

from pyramid.config import Configurator

# subpackages, in dependency order: the house first, then each content kind
INCLUDES = (
    '.i18n',
    '.tree',
    '.security',
    '.content',
    '.search',
    '.theming',
    '.services',
    '.documents',
    '.notices',
)


def ensure_storage_dirs(settings):
    """Create the folders an embedded FileStorage and the search index live in."""
    uri = settings.get('zodbconn.uri', '')
    if uri.startswith('file://'):
        os.makedirs(os.path.dirname(urlsplit(uri).path) or '.', exist_ok=True)
    if settings.get('shequ.index_dir'):
        os.makedirs(settings['shequ.index_dir'], exist_ok=True)


def main(global_config, **settings):
    """Build the WSGI application."""
    ensure_storage_dirs(settings)
    with Configurator(settings=settings, root_factory='shequ.tree.root_factory') as config:
        config.include('pyramid_chameleon')
        config.include('pyramid_tm')
        config.include('pyramid_retry')
        config.include('pyramid_zodbconn')
        for name in INCLUDES:
            config.include(name)
    return config.make_wsgi_app()
