"""Notice pages: the section list, a notice, its A4 print sheet, forms and attachments."""
import base64

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.renderers import render
from pyramid.view import view_config

from ..content.attachments import (attachment_from_upload, download_url, download_view,
                                   find_attachment)
from ..content.listing import Page, indexed_names, indexed_page, page_number, visible_items
from ..content.printing import print_values
from ..content.qr import qr_png
from ..content.review import edit
from ..pagecache.memo import visitor_html
from ..content.views import AddView, EditView, workflow_box
from ..i18n import _, flash
from ..tree import Section, find_tenant
from . import CATEGORIES, FINANCE, Notice
from .feeds import BELOW_COUNT, latest_below

BOARD_QR_SCALE = 6
FORM_SCRIPT = 'shequ.notices:static/notice-form.js'   # the table only for 财务公开


def newest_first(notices):
    """Pinned notices first, then the newest."""
    return sorted(notices, key=lambda n: (bool(n.pinned), n.date), reverse=True)


def category_param(request):
    """The `?category=` filter when it names a known category, else None."""
    category = request.params.get('category')
    return category if category in CATEGORIES else None


@view_config(context=Section, section='notices', renderer='templates/section.pt')
def notices_view(context, request):
    """A tenant's notices (pinned first, newest first), by category, paginated.

    Visitors without a login share the rendered list of each URL (`pagecache.memo`)."""
    query = tuple(sorted(request.environ.get('QUERY_STRING', '').split('&')))
    html = visitor_html(request, context, ('notices', request.path_url, query), lambda: render(
        'shequ.notices:templates/section_body.pt', notices_values(context, request),
        request=request))
    # the feeds of the units below exist wherever there are units below
    return {'body': html, 'below': bool(find_tenant(context).tenants())}


def notices_values(context, request):
    """The list of a notices section for `?category=` and `?page=`, and the newest below."""
    category = category_param(request)
    names = indexed_names(context, request, category=category)
    if names is not None:       # the section's index: only this page's notices are loaded
        page = indexed_page(context, names, page_number(request))
        page.items = [n for n in page.items if isinstance(n, Notice)]
    else:
        items = [n for n in visible_items(context, request) if isinstance(n, Notice)]
        if category:
            items = [n for n in items if n.category == category]
        page = Page(newest_first(items), page_number(request))
    tenant = find_tenant(context)
    below = latest_below(tenant, BELOW_COUNT) if tenant.tenants() else []
    return {'page': page, 'category': category, 'categories': CATEGORIES, 'below': below}


def attachment_rows(item, request):
    """(attachment, download URL) of a notice's files."""
    return [(att, download_url(request, item, att)) for att in item.attachments]


def removed_rows(item, request):
    """(attachment, download URL) of the files taken off a notice, for staff only."""
    if not request.has_permission('view_unpublished', item):
        return []
    return [(att, download_url(request, item, att)) for att in item.removed_attachments]


@view_config(context=Notice, renderer='templates/notice.pt', permission='view')
def notice_view(context, request):
    """A notice with its text, table, attachments and bulletin-board QR code; the notice
    itself is shared by visitors without a login (`pagecache.memo`)."""
    def article():
        return render('shequ.notices:templates/notice_article.pt', {
            'item': context, 'attachments': attachment_rows(context, request),
            'totals': context.totals(), 'removed': removed_rows(context, request),
            'can_edit': request.has_permission('edit', context)}, request=request)
    return {'item': context, 'workflow': workflow_box(context, request),
            'article': visitor_html(request, context, ('notice', request.path_url), article)}


class _Files:
    """The files the generic download view may look in (its `attachments`)."""

    def __init__(self, attachments):
        self.attachments = attachments


@view_config(context=Notice, name='download', permission='view')
def notice_download_view(context, request):
    """`@@download/<id>`: a notice's files; those taken off it only for staff."""
    if request.subpath and find_attachment(context, request.subpath[0]) is None:
        if not request.has_permission('view_unpublished', context):
            raise HTTPNotFound()
        return download_view(_Files(context.attachments + context.removed_attachments), request)
    return download_view(context, request)


@view_config(context=Notice, name='print', renderer='templates/print.pt', permission='view')
def print_view(context, request):
    """The A4 sheet posted on the physical bulletin board, with its QR code (码上公开)."""
    png = qr_png(request.resource_url(context), scale=BOARD_QR_SCALE)
    return dict(print_values(context, request), item=context, totals=context.totals(),
                finance=context.category == FINANCE,
                qr_src='data:image/png;base64,' + base64.b64encode(png).decode('ascii'))


def stored_uploads(uploads, registry):
    """Attachments made from the uploads of a validated form (empty slots skipped)."""
    made = (attachment_from_upload(value, registry) for value in uploads or ())
    return tuple(att for att in made if att is not None)


@view_config(context=Section, section='notices', name='add', renderer='shequ:content/templates/form.pt',
             permission='add')
class AddNoticeView(AddView):
    """The generic add form, turning uploaded files into attachments."""

    scripts = (FORM_SCRIPT,)

    def _create(self, appstruct, target):
        if 'new_attachments' in appstruct:  # another kind may share the section
            appstruct = dict(appstruct)
            appstruct['attachments'] = stored_uploads(appstruct.pop('new_attachments'),
                                                      self.request.registry)
        return super()._create(appstruct, target)


@view_config(context=Notice, name='edit', renderer='shequ:content/templates/form.pt',
             permission='edit')
class EditNoticeView(EditView):
    """The generic edit form; new uploads are added to the notice's attachments."""

    scripts = (FORM_SCRIPT,)

    def appstruct(self):
        values = super().appstruct()
        for name in ('new_attachments', 'table_paste', 'table_file'):
            values.pop(name, None)
        return values

    def save_success(self, appstruct):
        appstruct = dict(appstruct)
        new = stored_uploads(appstruct.pop('new_attachments', ()), self.request.registry)
        if new:
            appstruct['attachments'] = self.context.attachments + new
        return super().save_success(appstruct)


@view_config(context=Notice, name='remove-attachment', permission='edit',
             renderer='templates/remove_attachment.pt')
def remove_attachment_view(context, request):
    """GET asks to confirm; POST removes the attachment `@@remove-attachment/<id>`."""
    att = find_attachment(context, request.subpath[0]) if request.subpath else None
    if att is None:
        raise HTTPNotFound()
    if request.method == 'POST' and request.POST.get('confirm') == 'yes':
        edit(context, request,
             {'attachments': tuple(a for a in context.attachments if a.id != att.id),
              'removed_attachments': context.removed_attachments + (att,)})
        flash(request, _('The attachment ${name} was removed.',
                                mapping={'name': att.filename}))
        return HTTPFound(request.resource_url(context))
    return {'item': context, 'att': att}
