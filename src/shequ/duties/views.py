"""Duty-list pages: the list (own or inherited), A4 print, CSV/XLSX, hiding."""
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..content.inherit import NotHideable
from ..content.printing import print_values
from ..content.qr import qr_svg
from ..content.spreadsheet import XLSX_TYPE, append_row, bold_heading, download, new_sheet, \
    save, to_csv
from ..content.views import workflow_box
from ..i18n import _, flash
from ..tree import Section, find_tenant
from . import CERTIFICATES, DUTIES, KINDS, DutyList, InheritedDutyList, answer_text

HEADINGS = (_('No.'), _('Duty item'), _('Legal basis'), _('Responsible body or post'),
            _('Form of the work'), _('Note'))
CERTIFICATE_HEADINGS = (_('No.'), _('Duty item'), _('The community may issue it'),
                        _('Where to go instead'), _('Legal basis'),
                        _('Responsible body or post'), _('Note'))


def standard_note(item):
    """Who sets the standard this list follows, as a translation string, or None."""
    if isinstance(item, InheritedDutyList):
        return _('This list follows the standard set by ${owner}.',
                 mapping={'owner': item.owner.title})
    tenant = find_tenant(item)
    if item.standard and tenant is not None and not isinstance(item, InheritedDutyList) \
            and tenant.kind in DUTIES.standard_kinds:
        return _('${owner} sets this list as the standard for every unit below it.',
                 mapping={'owner': tenant.title})
    return None


def _page(item, request, workflow=None):
    return {'item': item, 'workflow': workflow, 'standard_note': standard_note(item),
            'inherited': isinstance(item, InheritedDutyList), 'section': item.__parent__,
            'certificates': item.kind == CERTIFICATES, 'answer': answer_text,
            'tenant': find_tenant(item.__parent__)}


@view_config(context=DutyList, renderer='templates/list.pt', permission='view')
def list_view(context, request):
    """A list stored by this unit."""
    return _page(context, request, workflow_box(context, request))


@view_config(context=InheritedDutyList, renderer='templates/list.pt', permission='view')
def inherited_view(context, request):
    """A standard list from above."""
    return _page(context, request)


@view_config(context=DutyList, name='print', renderer='templates/print.pt', permission='view')
@view_config(context=InheritedDutyList, name='print', renderer='templates/print.pt',
             permission='view')
def print_view(context, request):
    """The list on A4 for the notice board, with the QR code of its page."""
    values = _page(context, request)
    values.update(print_values(context, request), qr=qr_svg(request.resource_url(context)))
    return values


def table_rows(item, translate):
    """Heading then one row per item, as plain text."""
    certificates = item.kind == CERTIFICATES
    out = [[translate(h) for h in (CERTIFICATE_HEADINGS if certificates else HEADINGS)]]
    for n, row in enumerate(item.items, 1):
        if certificates:
            may = row.get('may_issue')
            out.append([n, row.get('name', ''),
                        '' if may is None else translate(_('Yes') if may else _('No')),
                        row.get('instead', ''), row.get('basis', ''),
                        row.get('responsible', ''), row.get('note', '')])
        else:
            out.append([n, row.get('name', ''), row.get('basis', ''),
                        row.get('responsible', ''), row.get('form', ''), row.get('note', '')])
    return out


@view_config(context=DutyList, name='items.csv', permission='view')
@view_config(context=InheritedDutyList, name='items.csv', permission='view')
def csv_view(context, request):
    """The list as CSV."""
    rows = table_rows(context, request.localizer.translate)
    return download(context, to_csv(rows), 'text/csv', 'csv')


@view_config(context=DutyList, name='items.xlsx', permission='view')
@view_config(context=InheritedDutyList, name='items.xlsx', permission='view')
def xlsx_view(context, request):
    """The list as an Excel workbook."""
    wb, ws = new_sheet(context.title)
    for row in table_rows(context, request.localizer.translate):
        append_row(ws, row)
    bold_heading(ws)
    for letter, width in zip('ABCDEFG', (6, 30, 30, 24, 30, 24, 24)):
        ws.column_dimensions[letter].width = width
    return download(context, save(wb), XLSX_TYPE, 'xlsx')


def _hide(section, request, hide):
    """GET or an unconfirmed POST asks first; a POST with confirm=yes hides (or shows)."""
    slug = request.params.get('slug', '')
    source = DUTIES.standards_above(section.__parent__).get(slug)
    if source is None or slug in section.data:
        raise HTTPNotFound()
    if hide and not getattr(source, 'hideable', False):
        raise HTTPForbidden(_('The unit that sets this list does not allow hiding it.'))
    if request.method != 'POST' or request.POST.get('confirm') != 'yes':
        return {'source': source, 'hide': hide, 'section': section}
    try:
        DUTIES.set_hidden(section, slug, hide, request=request)
    except NotHideable:
        raise HTTPForbidden(_('The unit that sets this list does not allow hiding it.'))
    mapping = {'title': source.title}
    flash(request, _('"${title}" is hidden here.', mapping=mapping) if hide
          else _('"${title}" is shown here again.', mapping=mapping))
    return HTTPFound(request.resource_url(section) if hide else request.resource_url(section, slug))


@view_config(context=Section, section='duties', name='hide', permission='edit',
             renderer='templates/hide.pt')
def hide_view(context, request):
    """Hide a hideable standard list from this unit (and the units below it)."""
    return _hide(context, request, True)


@view_config(context=Section, section='duties', name='unhide', permission='edit',
             renderer='templates/hide.pt')
def unhide_view(context, request):
    """Show a hidden standard list again."""
    return _hide(context, request, False)


@view_config(context=Section, section='duties', renderer='templates/section.pt',
             permission='view')
def section_view(context, request):
    """The lists a unit shows, by kind; its staff also see the lists hidden here."""
    from ..content.listing import visible_items
    lists = visible_items(context, request)
    groups = []
    for kind in KINDS:
        members = sorted((i for i in lists if i.kind == kind), key=lambda i: i.title)
        if members:
            groups.append((kind, members))
    hidden = DUTIES.hidden_here(context) if request.has_permission('edit', context) else []
    return {'groups': groups, 'hidden': hidden}
