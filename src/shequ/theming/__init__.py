"""Themes: static assets per theme folder, the base layout, and per-tenant resolution."""
import os

from pyramid.events import BeforeRender
from pyramid.renderers import get_renderer

from . import chameleon_fixes  # noqa: F401 — before any template is compiled
from .layout import ELDER_COOKIE, IStaticURLs, Layout, StaticURLs
from .themes import IThemes, Themes

LAYOUT_TEMPLATE = 'shequ:theming/templates/layout.pt'
MACROS_TEMPLATE = 'shequ:theming/templates/macros.pt'
PRINT_TEMPLATE = 'shequ:theming/templates/print.pt'
STATIC_PREFIX = '_themes'


def template_for(request, theme, name, default):
    """The theme's own copy of template `name` (layout.pt …) if it has one, else ours."""
    return theme.templates.get(name, default) if theme is not None else default


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


def _layout(request, context):
    """The page's Layout: one per request and context on a GET, whose panels and
    macros render several templates (each a BeforeRender); made afresh on other methods,
    which may change what it shows between two renders."""
    if request.method not in ('GET', 'HEAD'):
        return Layout(context, request)
    known = request.__dict__.get('_shequ_layout')
    if known is not None and known.context is context:
        return known
    ui = request.__dict__['_shequ_layout'] = Layout(context, request)
    return ui


def add_layout_globals(event):
    """Give every template `layout`, `print_layout` (A4, no chrome), `macros` and `ui`."""
    request = event.get('request')
    if request is None or 'ui' in event:
        return
    context = event.get('context')
    if not hasattr(context, '__parent__'):
        context = _traversed_resource(request)
    ui = _layout(request, context)
    templates = ui.__dict__.get('_templates')
    if templates is None:       # once per Layout: a page's panels render with the same
        theme = ui.theme_info
        templates = ui.__dict__['_templates'] = {
            'layout': get_renderer(template_for(request, theme, 'layout.pt', LAYOUT_TEMPLATE)
                                   ).implementation(),
            'macros': get_renderer(template_for(request, theme, 'macros.pt', MACROS_TEMPLATE)
                                   ).implementation(),
            'print_layout': get_renderer(template_for(request, theme, 'print.pt',
                                                      PRINT_TEMPLATE)).implementation(),
        }
    event.update(templates)
    event['ui'] = ui


def includeme(config):
    """Serve each theme's static folder and register the layout subscriber."""
    settings = config.registry.settings
    themes_dir = settings.get('shequ.themes_dir')
    if not themes_dir:
        themes_dir = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'themes')
    themes_dir = os.path.abspath(themes_dir)
    settings['shequ.themes_dir'] = themes_dir
    themes = Themes(themes_dir)
    config.registry.registerUtility(themes, IThemes)
    config.registry.registerUtility(StaticURLs(), IStaticURLs)
    settings['shequ.themes'] = themes.names()
    for name in themes.names():
        static = os.path.join(themes_dir, name, 'static')
        if os.path.isdir(static):
            config.add_static_view('%s/%s' % (STATIC_PREFIX, name), static, cache_max_age=3600)
    config.add_subscriber(add_layout_globals, BeforeRender)
    config.add_page_cache_cookie(ELDER_COOKIE, 'elder mode: larger text, one column')
    config.scan('.views')
    config.scan('.settings_views')
