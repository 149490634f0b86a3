"""Themes: static assets per theme folder, the base layout, and per-tenant resolution."""
import os

from pyramid.events import BeforeRender
from pyramid.renderers import get_renderer

from . import chameleon_fixes  # noqa: F401 — before any template is compiled
from .layout import Layout

LAYOUT_TEMPLATE = 'shequ:theming/templates/layout.pt'
MACROS_TEMPLATE = 'shequ:theming/templates/macros.pt'
PRINT_TEMPLATE = 'shequ:theming/templates/print.pt'
STATIC_PREFIX = '_themes'


def available_themes(themes_dir):
    """Names of theme folders that carry a static/ directory."""
    if not themes_dir or not os.path.isdir(themes_dir):
        return []
    return sorted(name for name in os.listdir(themes_dir)
                  if os.path.isdir(os.path.join(themes_dir, name, 'static')))


def _traversed_resource(request):
    """On error pages the context is the exception: fall back to where traversal got."""
    root = getattr(request, 'root', None)
    if root is None:
        return None
    node = root
    for name in getattr(request, 'traversed', None) or ():
        child = node.get(name) if hasattr(node, 'get') else None
        if child is None:
            break
        node = child
    return node


def add_layout_globals(event):
    """Give every template `layout`, `print_layout` (A4, no chrome), `macros` and `ui`."""
    request = event.get('request')
    if request is None or 'ui' in event:
        return
    context = event.get('context')
    if not hasattr(context, '__parent__'):
        context = _traversed_resource(request)
    event['layout'] = get_renderer(LAYOUT_TEMPLATE).implementation()
    event['macros'] = get_renderer(MACROS_TEMPLATE).implementation()
    event['print_layout'] = get_renderer(PRINT_TEMPLATE).implementation()
    event['ui'] = Layout(context, request)


def includeme(config):
    """Serve each theme's static folder and register the layout subscriber."""
    settings = config.registry.settings
    themes_dir = settings.get('shequ.themes_dir')
    if not themes_dir:
        themes_dir = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'themes')
    themes_dir = os.path.abspath(themes_dir)
    settings['shequ.themes_dir'] = themes_dir
    settings['shequ.themes'] = available_themes(themes_dir)
    for name in settings['shequ.themes']:
        config.add_static_view('%s/%s' % (STATIC_PREFIX, name),
                               os.path.join(themes_dir, name, 'static'),
                               cache_max_age=3600)
    config.add_subscriber(add_layout_globals, BeforeRender)
