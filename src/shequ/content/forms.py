"""A small form-view base on deform + colander: a schema, buttons, one method per button."""
from datetime import timezone
from importlib.resources import files

import colander
import deform
from pyramid.i18n import get_localizer
from pyramid.threadlocal import get_current_request

from ..clock import CHINA_TZ, local
from ..i18n import _
from ..security.headers import allow_inline_attributes, nonce_inline
from .versions import CONFLICT_MESSAGE, FIELD as VERSION_FIELD, differences, is_stale, \
    version_node


# the inline attributes of deform's templates (sequence.pt, sequence_item.pt), which the
# page's Content-Security-Policy allows by hash (tests/browser adds and removes an item)
DEFORM_HANDLERS = ('javascript: return deform.appendSequenceItem(this);',
                   'javascript:deform.removeSequenceItem(this);')
DEFORM_STYLES = ('padding:0',)


def _translator(term):
    request = get_current_request()
    return get_localizer(request).translate(term) if request is not None else term


def configure_deform():
    """deform renders with its own templates, translated through the request's locale."""
    search_path = (str(files('shequ.content') / 'templates' / 'deform'),   # label fixes
                   str(files('deform') / 'templates'))
    deform.Form.set_zpt_renderer(search_path, translator=_translator)


def csrf_node(request):
    """The hidden `csrf_token` field every form carries (Pyramid checks it on POST)."""
    return colander.SchemaNode(colander.String(), name='csrf_token',
                               widget=deform.widget.HiddenWidget(),
                               default=request.session.get_csrf_token(), missing='')


class LocalDateTime(colander.DateTime):
    """A datetime typed as China time in a `datetime-local` input (no seconds, no zone).

    What is typed without a zone is China time; what is stored is timezone-aware UTC (as
    `clock` says every stored time is); forms show it in China time again.
    """

    def __init__(self):
        super().__init__(default_tzinfo=CHINA_TZ)

    def serialize(self, node, appstruct):
        if appstruct is colander.null or appstruct is None:
            return colander.null
        return local(appstruct).strftime('%Y-%m-%dT%H:%M')

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        if value is colander.null or value is None:
            return value
        return value.astimezone(timezone.utc)


def datetime_node(name, title, description=''):
    """An optional date-and-time field in China time."""
    return colander.SchemaNode(
        LocalDateTime(), name=name, title=title, description=description, missing=None,
        widget=deform.widget.TextInputWidget(attributes={'type': 'datetime-local'}))


class FormView:
    """Subclasses set `schema_factory` and `buttons`, and define `<button>_success`."""

    schema_factory = None
    buttons = (('save', _('Save')),)
    use_ajax = False
    scripts = ()        # asset specs of a form's own scripts (`<script src>`, no inline code)
    conflict_info = None    # {'message', 'rows'} when a save came from a stale form (409)

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def current_version(self):
        """The version of what the form edits (`content.versions`); None: not checked."""
        return None

    def make_schema(self):
        schema = self.schema_factory()
        schema.add(csrf_node(self.request))
        current = self.current_version()
        if current is not None:
            schema.add(version_node(current))
        return schema.bind(request=self.request, context=self.context)

    def make_form(self):
        buttons = [deform.Button(name, title=title) for name, title in self.buttons]
        return deform.Form(self.make_schema(), buttons=buttons, formid='deform')

    def appstruct(self):
        """Initial values shown on GET."""
        return {}

    def show(self, form, rendered=None):
        """The values the page template gets.

        deform's widgets bring inline scripts and styles: they get the page's CSP nonce;
        the few handler and style attributes of its templates are allowed by hash.
        """
        resources = form.get_widget_resources()
        allow_inline_attributes(self.request, DEFORM_HANDLERS, DEFORM_STYLES)
        rendered = nonce_inline(self.request, rendered or form.render(self.appstruct()))
        return {'form': rendered, 'view': self, 'conflict': self.conflict_info,
                'js': resources['js'], 'css': resources['css']}

    def __call__(self):
        form = self.make_form()
        if self.request.method == 'POST':
            for name, _title in self.buttons:
                if name in self.request.POST:
                    try:
                        appstruct = form.validate(self.request.POST.items())
                    except deform.ValidationFailure as failure:
                        self.request.response.status = 400
                        return self.show(form, failure.render())
                    appstruct.pop('csrf_token', None)
                    posted = appstruct.pop(VERSION_FIELD, None)
                    current = self.current_version()
                    if current is not None and is_stale(posted, current):
                        return self.conflict(form, appstruct, current)
                    return getattr(self, name + '_success')(appstruct)
        return self.show(form)

    def conflict(self, form, appstruct, current):
        """409: what is stored now beside what was typed; the form keeps what was typed
        and now carries the current version, so saving again is an explicit overwrite."""
        self.request.response.status = 409
        self.conflict_info = {'message': CONFLICT_MESSAGE,
                              'rows': differences(form.schema, self.appstruct(), appstruct)}
        # render from what was posted (as a failed validation does), not from the
        # appstruct: uploads and sequences round-trip only as their cstruct
        form.cstruct = dict(form.cstruct, **{VERSION_FIELD: current})
        return self.show(form, form.render())
