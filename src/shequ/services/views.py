"""Service guide pages: the guide (own or inherited), print, QR poster, overrides, hiding."""
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.renderers import get_renderer, render
from pyramid.view import view_config

from ..content.forms import FormView
from ..content.printing import print_values
from ..content.qr import qr_svg
from ..content.views import contents_view, workflow_box
from ..i18n import _, flash
from ..pagecache.memo import visitor_html
from ..tree import Section, find_tenant
from . import Service
from .inherit import (InheritedService, hidden_here, inherited_services, set_hidden,
                      set_overrides, standards_above)
from .schema import OVERRIDE_FIELDS, STANDARD_KINDS, OverrideSchema

GUIDE_TEMPLATE = 'shequ:services/templates/guide.pt'




def guide_macros():
    """The macros that render a service guide (page and print share them)."""
    return get_renderer(GUIDE_TEMPLATE).implementation()


def standard_note(item):
    """Who sets the standard this page follows, as a translation string, or None."""
    if isinstance(item, InheritedService):
        return _('This service follows the standard set by ${owner}.',
                 mapping={'owner': item.owner.title})
    tenant = find_tenant(item)
    if item.standard and tenant is not None and tenant.kind in STANDARD_KINDS:
        return _('${owner} sets this service as the standard for every unit below it.',
                 mapping={'owner': tenant.title})
    return None


def _page(item, request, workflow=None):
    return {'item': item, 'workflow': workflow, 'guide': guide_macros(),
            'standard_note': standard_note(item),
            'inherited': isinstance(item, InheritedService),
            'section': item.__parent__}


def _with_article(values, request):
    """The guide itself, shared by visitors without a login (`pagecache.memo`; keyed by
    the section, as an inherited guide is not stored, and the page's URL)."""
    values['article'] = visitor_html(
        request, values['section'], ('guide', request.path_url),
        lambda: render('shequ.services:templates/service_article.pt', values, request=request))
    return values


@view_config(context=Service, renderer='templates/service.pt', permission='view')
def service_view(context, request):
    """A service guide stored in this tenant's catalogue."""
    return _with_article(_page(context, request, workflow_box(context, request)), request)


@view_config(context=InheritedService, renderer='templates/service.pt', permission='view')
def inherited_view(context, request):
    """A standard from above, merged with this tenant's local fields."""
    return _with_article(_page(context, request), request)


@view_config(context=Service, name='print', renderer='templates/print.pt', permission='view')
@view_config(context=InheritedService, name='print', renderer='templates/print.pt',
             permission='view')
def print_view(context, request):
    """A clean A4 guide with the QR code of the page."""
    values = _page(context, request)
    values.update(print_values(context, request), qr=qr_svg(request.resource_url(context)))
    return values


@view_config(context=Service, name='poster', renderer='templates/poster.pt',
             permission='view_unpublished')
@view_config(context=InheritedService, name='poster', renderer='templates/poster.pt',
             permission='view_unpublished')
def poster_view(context, request):
    """A QR poster for the service-station wall: big code, title, unit, phone."""
    return dict(print_values(context, request), item=context, tenant=find_tenant(context),
                qr=qr_svg(request.resource_url(context), scale=10))


@view_config(context=InheritedService, name='override', renderer='shequ:content/templates/form.pt',
             permission='edit')
class OverrideView(FormView):
    """Staff of a tenant set the local fields of a standard they inherit."""

    buttons = (('save', _('Save')),)

    def __init__(self, context, request):
        super().__init__(context, request)
        self.title = _('Local details of "${title}"', mapping={'title': context.title})

    def schema_factory(self):
        schema = OverrideSchema()
        source = self.context.source
        for node in schema.children:
            standard = getattr(source, node.name, '')
            node.description = (
                _('Leave empty to use the standard: ${value}', mapping={'value': standard})
                if standard else _('Leave empty if there is nothing local to add.'))
        return schema

    def appstruct(self):
        own = (getattr(self.context.__parent__, 'overrides', None) or {})
        return dict(own.get(self.context.__name__) or {})

    def save_success(self, appstruct):
        set_overrides(self.context.__parent__, self.context.__name__,
                      {k: appstruct.get(k, '') for k in OVERRIDE_FIELDS}, request=self.request)
        flash(self.request, _('Saved.'))
        return HTTPFound(self.request.resource_url(self.context))


def _standard_or_404(section, request):
    slug = request.params.get('slug', '')
    source = standards_above(section.__parent__).get(slug)
    if source is None or slug in section.data:
        raise HTTPNotFound()
    return source


def _hide_or_show(section, request, hide):
    source = _standard_or_404(section, request)
    slug = source.__name__
    if request.method == 'POST' and request.POST.get('confirm') == 'yes':
        set_hidden(section, slug, hide, request=request)
        mapping = {'title': source.title}
        flash(request, _('"${title}" is hidden from this catalogue.', mapping=mapping) if hide
              else _('"${title}" is shown in this catalogue again.', mapping=mapping))
        target = request.resource_url(section) if hide else request.resource_url(section, slug)
        return HTTPFound(target)
    return {'source': source, 'hide': hide, 'section': section}


@view_config(context=Section, section='services', name='hide', permission='edit',
             renderer='templates/hide.pt')
def hide_view(context, request):
    """Confirm, then hide an inherited standard service from this tenant's catalogue."""
    return _hide_or_show(context, request, True)


@view_config(context=Section, section='services', name='unhide', permission='edit',
             renderer='templates/hide.pt')
def unhide_view(context, request):
    """Confirm, then show a hidden standard service again."""
    return _hide_or_show(context, request, False)


@view_config(context=Section, section='services', name='contents',
             renderer='shequ:content/templates/contents.pt', permission='view_unpublished')
def services_contents_view(context, request):
    """The generic contents page, plus the standards inherited here and those hidden here."""
    values = contents_view(context, request)
    if isinstance(values, dict):
        values.update(inherited=inherited_services(context), hidden=hidden_here(context),
                      local_details=bool(request.has_permission('edit', context)))
    return values
