"""shequ: the site a county runs for itself, its townships and every community below.

This module is the composition root: `main` includes every layer, bottom up, and checks
the database before serving it.
"""
import os
from urllib.parse import urlsplit

from pyramid.config import Configurator
from pyramid.settings import asbool

# subpackages, in layer order: the house first, then each content kind
INCLUDES = (
    '.i18n',
    '.evolve',
    '.tree',
    '.security',
    '.pagecache',
    '.content',
    '.search',
    '.theming',
    '.services',
    '.documents',
    '.notices',
    '.duties',
    '.volunteers',
    '.requests',
)


def ensure_storage_dirs(settings):
    """Create the folders an embedded FileStorage and the search index live in."""
    uri = settings.get('zodbconn.uri', '')
    if uri.startswith('file://'):
        os.makedirs(os.path.dirname(urlsplit(uri).path) or '.', exist_ok=True)
    if settings.get('shequ.index_dir'):
        os.makedirs(settings['shequ.index_dir'], exist_ok=True)


def pending_evolution(registry):
    """Evolution steps the stored root has not had (none for an empty database)."""
    import transaction
    from .evolve import pending_steps
    from .tree import get_root
    db = getattr(registry, '_zodb_databases', {}).get('')
    if db is None:
        return []
    conn = db.open(transaction_manager=transaction.TransactionManager())
    try:
        root = get_root(conn)
        return pending_steps(root, registry) if root is not None else []
    finally:
        conn.transaction_manager.abort()
        conn.close()


def refuse_unevolved(registry, config_file=None):
    """Raise EvolveNeeded (after closing the databases) if `shequ evolve` must run first."""
    from .evolve import EvolveNeeded
    steps = pending_evolution(registry)
    if steps:
        for db in getattr(registry, '_zodb_databases', {}).values():
            db.close()
        raise EvolveNeeded(steps, config_file)


def main(global_config, **settings):
    """Build the WSGI application; refuse a database that needs `shequ evolve`."""
    from .evolve import SKIP_EVOLVE_CHECK
    ensure_storage_dirs(settings)
    with Configurator(settings=settings, root_factory='shequ.tree.root_factory') as config:
        config.include('pyramid_chameleon')
        config.include('pyramid_tm')
        config.include('pyramid_retry')
        config.include('pyramid_zodbconn')
        for name in INCLUDES:
            config.include(name)
    app = config.make_wsgi_app()
    if not asbool((global_config or {}).get(SKIP_EVOLVE_CHECK, False)):
        refuse_unevolved(app.registry, (global_config or {}).get('__file__'))
    return app
