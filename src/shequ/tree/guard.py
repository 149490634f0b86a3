"""One error policy for bad input: refuse it with 400 and a plain Chinese page, before
any view runs and so before anything could be committed.

Checked on every request, before traversal: the query and form fields must decode as
UTF-8, hold no control characters (tab and line breaks excepted), and stay within the
size and count limits in settings. File fields are not checked here (their own limits
apply when they are stored). A path that does not decode is refused the same way.
"""
import re

from pyramid.events import BeforeTraversal
from pyramid.exceptions import URLDecodeError
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.settings import asbool

from ..i18n import _

CONTROL = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
DEFAULTS = {'shequ.max_field_chars': 200000, 'shequ.max_form_fields': 2000}


class BadInput(HTTPBadRequest):
    """A request whose input this site refuses; `reason` says why, in the user's words."""

    def __init__(self, reason):
        super().__init__()
        self.reason = reason


def _limit(settings, name):
    try:
        return int(settings.get(name, DEFAULTS[name]))
    except (TypeError, ValueError):
        return DEFAULTS[name]


def check_input(request):
    """Raise BadInput for input no view should ever see."""
    settings = request.registry.settings
    max_chars, max_fields = (_limit(settings, 'shequ.max_field_chars'),
                             _limit(settings, 'shequ.max_form_fields'))
    try:
        request.path_info                                   # noqa: B018 — decodes the path
        fields = list(request.GET.items())
        if request.method == 'POST' and request.content_type in (
                'application/x-www-form-urlencoded', 'multipart/form-data'):
            fields += list(request.POST.items())
    except (UnicodeDecodeError, URLDecodeError):
        raise BadInput(_('The address or the form contains characters that are not valid '
                         'text (UTF-8).'))
    if len(fields) > max_fields:
        raise BadInput(_('The form has too many fields.'))
    for name, value in fields:
        if not isinstance(value, str):
            continue                                        # an uploaded file
        if CONTROL.search(name) or CONTROL.search(value):
            raise BadInput(_('The form contains control characters that are not text. '
                             'Remove them and try again.'))
        if len(value) > max_chars:
            raise BadInput(_('A field is too long (at most ${n} characters).',
                             mapping={'n': max_chars}))


def _on_before_traversal(event):
    check_input(event.request)


def includeme(config):
    if asbool(config.registry.settings.get('shequ.input_guard', True)):
        config.add_subscriber(_on_before_traversal, BeforeTraversal)
