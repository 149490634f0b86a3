"""The yardstick of `bench/pages.py`: a bare Pyramid + ZODB traversal app.

It opens the same database read-only (FileStorage lets any number of readers share a file
with one writer) and traverses the same tree with Pyramid's default traverser — the cost
of the framework, the connection and the object loads a page cannot avoid — then renders a
short string. Where traversal stops early (an inherited standard lent by a section
fallback, an `@@view` name) the rest becomes the subpath and the same view answers, so every
path gets the short string after the same traversal. Run: pserve an ini whose app is `bench.bare_app:main`, or
`python bench/bare_app.py INI` (what bench/pages.py does).
"""
import sys

from pyramid.config import Configurator
from pyramid.response import Response
from pyramid.traversal import ResourceTreeTraverser


class BareTraverser(ResourceTreeTraverser):
    """Pyramid's traverser; a view name left over becomes part of the subpath."""

    def __call__(self, request):
        found = super().__call__(request)
        if found['view_name']:
            found['subpath'] = (found['view_name'],) + tuple(found['subpath'])
            found['view_name'] = ''
        return found


def root_factory(request):
    """The stored platform root (the object shequ traverses from)."""
    from pyramid_zodbconn import get_connection
    return get_connection(request).root()['shequ']


def bare_view(context, request):
    return Response('bare: %s' % getattr(context, '__name__', None), content_type='text/plain')


def main(global_config, **settings):
    """The WSGI app: pyramid_tm + pyramid_zodbconn + traversal + one tiny view."""
    with Configurator(settings=settings, root_factory=root_factory) as config:
        config.include('pyramid_tm')
        config.include('pyramid_zodbconn')
        config.add_traverser(BareTraverser)
        config.add_view(bare_view)
    return config.make_wsgi_app()


if __name__ == '__main__':   # python bench/bare_app.py INI: serve it as pserve would
    from pyramid.scripts.pserve import main as pserve
    sys.exit(pserve(['pserve', sys.argv[1]]))
