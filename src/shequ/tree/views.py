"""Views of the tree: the platform home, 404 and error pages (tenant homes: content.home)."""
import logging

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.view import exception_view_config, notfound_view_config, view_config
from ZODB.POSException import ConflictError

from ..i18n import _
from . import Root
from .guard import CONTROL, BadInput

log = logging.getLogger(__name__)


@view_config(context=Root, renderer='templates/root.pt')
def root_view(context, request):
    return {}       # the counties: `ui.subtenant_links` (shared by visitors)


@notfound_view_config(renderer='templates/notfound.pt')
def notfound_view(request):
    request.response.status = 404
    return {}


@exception_view_config(BadCSRFToken, renderer='templates/expired.pt')
def bad_csrf_view(exc, request):
    """A form older than the session (or forged): say so in plain words, change nothing."""
    request.response.status = 400
    return {}


def _neutralise(request):
    """Let the page layout read the request: drop a query or path it cannot decode."""
    environ = request.environ
    try:
        request.path_info                                   # noqa: B018
    except UnicodeDecodeError:
        environ['PATH_INFO'] = '/'
    try:
        values = list(request.GET.values())
    except UnicodeDecodeError:
        values = None
    if values is None or any(CONTROL.search(v) for v in values):
        environ['QUERY_STRING'] = ''
        for key in [k for k in environ if k.startswith('webob._parsed_query')]:
            del environ[key]


@exception_view_config(BadInput, renderer='templates/badinput.pt')
def bad_input_view(exc, request):
    """Input no view may see (bad encoding, control characters, past a limit)."""
    _neutralise(request)
    request.response.status = 400
    log.info('refused input for %s: %s', request.path_url, exc.reason)
    return {'reason': exc.reason}


@exception_view_config(UnicodeDecodeError, renderer='templates/badinput.pt')
def undecodable_view(exc, request):
    """Text that is not UTF-8 wherever it is first read: 400, one log line, no traceback."""
    _neutralise(request)
    request.response.status = 400
    log.info('undecodable input for %s', request.path_url)
    return {'reason': _('The address or the form contains characters that are not valid '
                        'text (UTF-8).')}


@exception_view_config(HTTPBadRequest, renderer='templates/badrequest.pt')
def bad_request_view(exc, request):
    """Any other refused request, in plain Chinese."""
    request.response.status = 400
    return {}


@exception_view_config(ConflictError, renderer='templates/busy.pt')
def busy_view(exc, request):
    """Every retry of a write met another writer's change: 503, never a 500.

    pyramid_retry discards this answer and retries while attempts are left (it retries a
    retryable exception an exception view rendered), so only the last attempt's reaches
    the visitor; pyramid_tm aborts (request.exception). A save from a stale form answers
    409 in its own view before this can happen.
    """
    request.response.status = 503
    request.response.headers['Retry-After'] = '1'
    log.warning('conflict on every attempt for %s', request.path_url)
    return {}


def error_view(exc, request):
    """A plain Chinese error page; the traceback goes to the log, never to the visitor."""
    log.exception('error serving %s', request.url)
    request.response.status = 500
    return {}


def includeme(config):
    """Show the plain error page unless `shequ.debug_errors` is on."""
    from pyramid.settings import asbool
    config.include('.guard')
    if not asbool(config.registry.settings.get('shequ.debug_errors', False)):
        config.add_exception_view(error_view, context=Exception,
                                  renderer='shequ:tree/templates/error.pt')

