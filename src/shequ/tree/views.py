"""Views of the tree: platform home, tenant home, generic section and item pages, errors."""
import logging

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.view import exception_view_config, notfound_view_config, view_config

from ..content.listing import render_tenant_panels, visible_items
from . import Root, Tenant

log = logging.getLogger(__name__)
LATEST_PER_SECTION = 5


@view_config(context=Root, renderer='templates/root.pt')
def root_view(context, request):
    return {'tenants': context.tenants()}


def latest_first(item):
    """Sort key for a tenant page card: pinned items, then by the date the kind shows."""
    return (bool(getattr(item, 'pinned', False)), getattr(item, 'date', None) or item.modified)


@view_config(context=Tenant, renderer='templates/tenant.pt')
def tenant_view(context, request):
    sections = []
    for section in context.sections():
        items = sorted(visible_items(section, request), key=latest_first, reverse=True)
        sections.append({'section': section, 'items': items[:LATEST_PER_SECTION],
                         'count': len(items)})
    return {'tenant': context, 'sections': sections, 'children': context.tenants(),
            'panels': render_tenant_panels(context, request)}


@notfound_view_config(renderer='templates/notfound.pt')
def notfound_view(request):
    request.response.status = 404
    return {}


@exception_view_config(BadCSRFToken, renderer='templates/expired.pt')
def bad_csrf_view(exc, request):
    """A form older than the session (or forged): say so in plain words, change nothing."""
    request.response.status = 400
    return {}


@exception_view_config(HTTPBadRequest, renderer='templates/badrequest.pt')
def bad_request_view(exc, request):
    """Any other refused request, in plain Chinese."""
    request.response.status = 400
    return {}


def error_view(exc, request):
    """A plain Chinese error page; the traceback goes to the log, never to the visitor."""
    log.exception('error serving %s', request.url)
    request.response.status = 500
    return {}


def includeme(config):
    """Show the plain error page unless `shequ.debug_errors` is on."""
    from pyramid.settings import asbool
    if not asbool(config.registry.settings.get('shequ.debug_errors', False)):
        config.add_exception_view(error_view, context=Exception,
                                  renderer='shequ:tree/templates/error.pt')

