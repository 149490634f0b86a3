"""Imports run downward only: no module imports a higher layer, no content kind another.

Every module under src/shequ is parsed (never imported); relative imports are resolved,
and imports inside functions count as much as those at the top.
"""
import ast
import os

from conftest import HERE

SRC = os.path.join(HERE, 'src')

# bottom to top; a module may import its own layer and the layers below it
LAYERS = (
    ('base', ('shequ.extensions', 'shequ.evolve', 'shequ.clock', 'shequ.i18n', 'shequ.paging')),
    ('tree', ('shequ.tree',)),
    ('security', ('shequ.security',)),
    ('pagecache', ('shequ.pagecache',)),
    ('content', ('shequ.content',)),
    ('search', ('shequ.search',)),
    ('theming', ('shequ.theming',)),
    ('content kinds', ()),          # every other subpackage: services, notices, documents …
    ('cli', ('shequ.cli',)),
    ('composition root', ('shequ',)),   # shequ/__init__.py: main() includes every layer
)
KINDS = 'content kinds'
RANK = {layer: n for n, (layer, _units) in enumerate(LAYERS)}
LAYER_OF = {unit: layer for layer, units in LAYERS for unit in units}


def modules(src=SRC):
    """(dotted module name, path) of every Python file of the shequ package."""
    top = os.path.join(src, 'shequ')
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith(('.', '__')))
        for name in sorted(files):
            if name.endswith('.py'):
                path = os.path.join(folder, name)
                parts = os.path.relpath(path, src)[:-3].split(os.sep)
                if parts[-1] == '__init__':
                    parts = parts[:-1]
                yield '.'.join(parts), path


def unit_of(dotted, src=SRC):
    """The part of shequ a dotted name belongs to: 'shequ.<subpackage or module>' or 'shequ'."""
    parts = dotted.split('.')
    if len(parts) > 1:
        candidate = os.path.join(src, 'shequ', parts[1])
        if os.path.isdir(candidate) or os.path.exists(candidate + '.py'):
            return 'shequ.' + parts[1]
    return 'shequ'   # the package itself, or a name defined in shequ/__init__.py


def layer_of(unit, src=SRC):
    if unit in LAYER_OF:
        return LAYER_OF[unit]
    if os.path.isdir(os.path.join(src, *unit.split('.'))):
        return KINDS
    return None


def imported_names(module, path):
    """(line, dotted name) of every shequ import in the file, relative ones resolved."""
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), path)
    package = module if path.endswith('__init__.py') else module.rpartition('.')[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split('.')
                if node.level > len(parts):
                    raise AssertionError('%s:%d: relative import beyond the package'
                                         % (path, node.lineno))
                base = '.'.join(parts[:len(parts) - node.level + 1])
                target = base + '.' + node.module if node.module else base
            else:
                target = node.module
            if node.module is None:   # `from . import a, b`: each name may be a module
                for alias in node.names:
                    yield node.lineno, target + '.' + alias.name
            else:
                yield node.lineno, target


def violations(src=SRC):
    """A sentence for every upward import and every import between two content kinds."""
    found = []
    for module, path in modules(src):
        here = unit_of(module, src)
        here_layer = layer_of(here, src)
        where = os.path.relpath(path, src)
        if here_layer is None:
            found.append('%s: module %s has no layer: add it to LAYERS' % (where, here))
            continue
        for line, name in imported_names(module, path):
            if name != 'shequ' and not name.startswith('shequ.'):
                continue
            there = unit_of(name, src)
            if there == here:
                continue
            there_layer = layer_of(there, src)
            if there_layer is None:
                found.append('%s:%d imports %s, which has no layer' % (where, line, name))
            elif RANK[there_layer] > RANK[here_layer]:
                found.append('%s:%d imports %s: %s (layer %r) is above %s (layer %r)'
                             % (where, line, name, there, there_layer, here, here_layer))
            elif here_layer == there_layer == KINDS:
                found.append('%s:%d imports %s: content kind %s depends on content kind %s'
                             % (where, line, name, here, there))
    return found


def test_imports_run_downward_only():
    found = violations()
    assert not found, 'imports against the layer order (%s):\n  %s' % (
        ' → '.join(layer for layer, _units in LAYERS), '\n  '.join(found))


def test_every_module_is_seen_and_has_a_layer():
    seen = {unit_of(module) for module, _path in modules()}
    assert {'shequ', 'shequ.tree', 'shequ.content', 'shequ.services', 'shequ.cli'} <= seen
    assert all(layer_of(unit) is not None for unit in seen)


def test_the_check_catches_upward_and_sideways_imports(tmp_path):
    pkg = tmp_path / 'shequ'
    for folder in ('tree', 'content', 'services', 'notices'):
        (pkg / folder).mkdir(parents=True)
        (pkg / folder / '__init__.py').write_text('')
    (pkg / '__init__.py').write_text('')
    (pkg / 'tree' / 'views.py').write_text('def f():\n    from ..content import listing\n')
    (pkg / 'notices' / '__init__.py').write_text('from shequ.services import Service\n')
    (pkg / 'content' / '__init__.py').write_text('from ..tree import views\nfrom . import x\n')
    found = violations(str(tmp_path))
    assert len(found) == 2, found
    assert found[0].startswith('shequ/notices/__init__.py:1 imports shequ.services')
    assert found[1].startswith('shequ/tree/views.py:2 imports shequ.content:')
