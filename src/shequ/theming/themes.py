"""The theme registry: every folder of `themes/` holding a `theme.yaml` is a theme.

    themes/qingshan/
      theme.yaml      name, title (Chinese label), description, colours, css, print_css,
                      extends
      static/         served at /_themes/qingshan/ (its CSS files, images)
      templates/      optional: layout.pt, macros.pt or print.pt replacing ours

A theme author adds a folder; no Python changes. `extends: default` puts the parent's CSS
files before the theme's own, so a theme can be a few lines of CSS over the default.
`colours: {primary: '#b71c1c', accent: '#f2c230'}` are the defaults a tenant's own colour
settings replace (served as CSS custom properties by `@@theme.css`).
"""
import logging
import os
from dataclasses import dataclass, field

import yaml
from zope.interface import Interface

from ..tree.settings import COLOUR_RE, THEME_RE

log = logging.getLogger(__name__)
DEFAULT = 'default'
TEMPLATE_NAMES = ('layout.pt', 'macros.pt', 'print.pt')


class IThemes(Interface):
    """The Themes utility of an application."""


@dataclass
class Theme:
    name: str
    title: str
    description: str = ''
    primary: str = '#b71c1c'
    accent: str = '#f2c230'
    css: list = field(default_factory=list)          # (theme name, file) pairs, in order
    print_css: list = field(default_factory=list)
    templates: dict = field(default_factory=dict)    # 'layout.pt' → absolute path
    folder: str = ''


class ThemeError(ValueError):
    pass


def _read(folder, name):
    with open(os.path.join(folder, 'theme.yaml'), encoding='utf-8') as f:
        data = yaml.safe_load(f) or {}
    if not isinstance(data, dict):
        raise ThemeError('%s/theme.yaml: not a mapping' % name)
    colours = data.get('colours') or {}
    for key in ('primary', 'accent'):
        value = str(colours.get(key, '')).lower()
        if value and not COLOUR_RE.match(value):
            raise ThemeError('%s/theme.yaml: colours.%s must be #rrggbb' % (name, key))
    return data, colours


def scan(themes_dir):
    """{name: Theme} of every valid theme folder; a broken one is logged and left out."""
    found, raw = {}, {}
    if not themes_dir or not os.path.isdir(themes_dir):
        return found
    for name in sorted(os.listdir(themes_dir)):
        folder = os.path.join(themes_dir, name)
        if not THEME_RE.match(name) or not os.path.isfile(os.path.join(folder, 'theme.yaml')):
            continue
        try:
            raw[name] = _read(folder, name)
        except (OSError, yaml.YAMLError, ThemeError) as exc:
            log.error('theme %s left out: %s', name, exc)
    for name, (data, _colours) in raw.items():
        folder = os.path.join(themes_dir, name)
        parent = data.get('extends')
        chain = [name]
        while parent and parent in raw and parent not in chain:
            chain.append(parent)
            parent = raw[parent][0].get('extends')
        css, print_css, templates = [], [], {}
        primary, accent = '#b71c1c', '#f2c230'
        for theme_name in reversed(chain):          # ancestors first
            tdata, tcolours = raw[theme_name]
            tfolder = os.path.join(themes_dir, theme_name)
            default_css = (['style.css'] if os.path.isfile(os.path.join(tfolder, 'static', 'style.css'))
                           else [])
            css += [(theme_name, c) for c in (tdata.get('css') or default_css)]
            if tdata.get('print_css'):
                print_css = [(theme_name, c) for c in tdata['print_css']]
            elif os.path.isfile(os.path.join(tfolder, 'static', 'print.css')):
                print_css = [(theme_name, 'print.css')]      # the nearest theme's
            primary = str(tcolours.get('primary') or primary).lower()
            accent = str(tcolours.get('accent') or accent).lower()
            for tname in TEMPLATE_NAMES:
                path = os.path.join(tfolder, 'templates', tname)
                if os.path.isfile(path):
                    templates[tname] = path
        found[name] = Theme(name=name, title=str(data.get('title') or name),
                            description=str(data.get('description') or ''),
                            primary=primary, accent=accent, css=css, print_css=print_css,
                            templates=templates, folder=folder)
    return found


class Themes:
    """The themes of one application (a utility on its registry)."""

    def __init__(self, themes_dir):
        self.dir = themes_dir
        self.themes = scan(themes_dir)

    def names(self):
        return sorted(self.themes, key=lambda n: (n != DEFAULT, n))

    def get(self, name):
        return self.themes.get(name) or self.themes.get(DEFAULT) or Theme(DEFAULT, DEFAULT)

    def choices(self):
        """(name, title) in display order, the default first."""
        return [(n, self.themes[n].title) for n in self.names()]


def get_themes(registry):
    themes = registry.queryUtility(IThemes)
    if themes is None:
        themes = Themes(None)
    return themes
