"""Search: Chinese analysis, one Whoosh index per county, a journal in ZODB, views."""
from ..tree import ObjectAdded, ObjectModified, ObjectRemoved, ObjectWillBeRemoved  # noqa: F401
from . import whoosh_fixes  # noqa: F401 — applied before any index is written
from .journal import evolve_journal
from .service import SearchService
from .subscribers import JournalSubscriber, get_search  # noqa: F401


def includeme(config):
    """Make the search service, journal every change, register the views."""
    config.registry.search = SearchService(config.registry.settings, config.registry)
    subscriber = JournalSubscriber(config.registry)
    for event in (ObjectAdded, ObjectModified, ObjectWillBeRemoved):
        config.add_subscriber(subscriber, event)
    config.add_evolution_step(evolve_journal, name='search.append_only_journal')
    config.add_translation_dirs('shequ.search:locale')
    config.add_static_view('_search', 'shequ.search:static', cache_max_age=3600)
    from .views import staff_panel
    config.add_tenant_panel('search-staff', staff_panel, 'shequ.search:templates/staff_panel.pt',
                            order=1)
    config.scan('.views')
    from .pagecache_hooks import register
    register(config)
