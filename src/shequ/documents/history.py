"""Revision history of a document: the list, one revision, and what changed between two."""
from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from ..content.attachments import download_url, download_view, find_attachment
from ..i18n import _
from ..tree import find_tenant
from . import Document
from .text import sentence_diff
from .views import doc_macros, metadata_rows

IMPORTED = _('Imported from a file')
REPLACED = _('Replaced file')


def may_download(doc, att, request):
    """Everyone gets the current file; a replaced one only who sees unpublished content.

    A file is often replaced because it should not have been published (a list with ID
    numbers): it leaves the public history, and staff keep it.
    """
    return doc.is_current_attachment(att) or bool(request.has_permission('view_unpublished', doc))


def attachment_link(doc, att, request):
    """(file name, download URL) of `att` for this requester, or None when it is hidden."""
    if att is None or not may_download(doc, att, request):
        return None
    return att.filename, download_url(request, doc, att)


@view_config(context=Document, name='download', permission='view')
def document_download_view(context, request):
    """`@@download/<id>`: the generic download, refusing a replaced file to the public."""
    att = find_attachment(context, request.subpath[0]) if request.subpath else None
    if att is None or not may_download(context, att, request):
        raise HTTPNotFound()
    return download_view(context, request)


def _number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _revision_or_404(doc, value):
    rev = doc.revision(_number(value)) if _number(value) is not None else None
    if rev is None:
        raise HTTPNotFound()
    return rev


def who(rev, doc, request):
    """Who published a revision: the unit for the public, the person too for staff.

    Residents see the publishing unit only: a staff login (or a clerk's name) is never on
    a public page. Staff (`view_unpublished`) also see the person, or that it was imported.
    """
    tenant = find_tenant(doc)
    unit = tenant.title if tenant is not None else ''
    if not request.has_permission('view_unpublished', doc):
        return unit
    if rev.user_name and rev.user:
        return '%s · %s (%s)' % (unit, rev.user_name, rev.user)
    return rev.user or IMPORTED


@view_config(context=Document, name='history', renderer='templates/history.pt',
             permission='view')
def history_view(context, request):
    """Every published revision, newest first, with a form to compare two."""
    revisions = list(reversed(context.revision_list()))
    latest = revisions[0].number if revisions else 0
    return {'item': context, 'revisions': revisions,
            'who': lambda rev: who(rev, context, request),
            'default_a': max(1, latest - 1), 'default_b': latest,
            'att_link': lambda rev: attachment_link(context, rev.attachment, request)}


@view_config(context=Document, name='revision', renderer='templates/revision.pt',
             permission='view')
def revision_view(context, request):
    """`@@revision/<n>`: the document as revision n published it."""
    if not request.subpath:
        raise HTTPNotFound()
    rev = _revision_or_404(context, request.subpath[0])
    att = rev.attachment
    shown = attachment_link(context, att, request) is not None
    return {'item': context, 'rev': rev, 'who': who(rev, context, request),
            'total': len(context.revision_list()),
            'rows': metadata_rows(rev.fields, context.__parent__, request),
            'attachment': att if shown else None, 'replaced': att is not None and not shown,
            'attachment_url': shown and download_url(request, context, att),
            'doc_macros': doc_macros()}


def field_changes(doc, a, b, request):
    """(label, old, new) for each fact that differs between revisions `a` and `b`."""
    translate = request.localizer.translate
    section = doc.__parent__
    old = {translate(label): value for label, value, _url in metadata_rows(a.fields, section, request)}
    new = {translate(label): value for label, value, _url in metadata_rows(b.fields, section, request)}
    labels = list(new) + [k for k in old if k not in new]
    changes = [(k, old.get(k, ''), new.get(k, '')) for k in labels if old.get(k) != new.get(k)]
    if a.fields.get('title') != b.fields.get('title'):
        changes.insert(0, (translate(_('Title')), a.fields.get('title'), b.fields.get('title')))
    name_a, name_b = (_file_name(doc, rev.attachment, request) for rev in (a, b))
    if (a.attachment and a.attachment.id) != (b.attachment and b.attachment.id):
        changes.append((translate(_('Attached file')), name_a, name_b))
    return changes


def _file_name(doc, att, request):
    if att is None:
        return ''
    link = attachment_link(doc, att, request)
    return link[0] if link else request.localizer.translate(REPLACED)


@view_config(context=Document, name='diff', renderer='templates/diff.pt', permission='view')
def diff_view(context, request):
    """`@@diff?a=<n>&b=<m>`: changed facts and a sentence-by-sentence diff of the text."""
    a = _revision_or_404(context, request.params.get('a'))
    b = _revision_or_404(context, request.params.get('b'))
    text_a, text_b = a.fields.get('text', ''), b.fields.get('text', '')
    rows = sentence_diff(text_a, text_b)
    too_long = rows is None  # the page then links both revisions instead
    return {'item': context, 'a': a, 'b': b,
            'changes': field_changes(context, a, b, request),
            'rows': rows or [], 'too_long': too_long,
            'text_changed': text_a != text_b if too_long else any(
                kind != 'same' for kind, _s in rows),
            'revisions': context.revision_list()}
