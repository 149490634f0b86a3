"""Views of the tree: the platform home, 404 and error pages (tenant homes: content.home)."""
import logging

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.view import exception_view_config, notfound_view_config, view_config

from . import Root

log = logging.getLogger(__name__)


@view_config(context=Root, renderer='templates/root.pt')
def root_view(context, request):
    return {'tenants': context.tenants()}


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

