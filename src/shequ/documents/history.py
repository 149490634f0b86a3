"""Revision history of a document: the list, one revision, and what changed between two."""
from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from ..content.attachments import download_url
from ..i18n import _
from . import Document
from .text import sentence_diff
from .views import doc_macros, metadata_rows

IMPORTED = _('Imported from a file')


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


def who(rev):
    """The person who published a revision, or a note that it came from a file."""
    if rev.user_name and rev.user:
        return '%s (%s)' % (rev.user_name, rev.user)
    return rev.user or IMPORTED


@view_config(context=Document, name='history', renderer='templates/history.pt',
             permission='view')
def history_view(context, request):
    """Every published revision, newest first, with a form to compare two."""
    revisions = list(reversed(context.revision_list()))
    latest = revisions[0].number if revisions else 0
    return {'item': context, 'revisions': revisions, 'who': who,
            'default_a': max(1, latest - 1), 'default_b': latest,
            'att_url': lambda rev: download_url(request, context, rev.attachment)}


@view_config(context=Document, name='revision', renderer='templates/revision.pt',
             permission='view')
def revision_view(context, request):
    """`@@revision/<n>`: the document as revision n published it."""
    if not request.subpath:
        raise HTTPNotFound()
    rev = _revision_or_404(context, request.subpath[0])
    att = rev.attachment
    return {'item': context, 'rev': rev, 'who': who(rev),
            'total': len(context.revision_list()),
            'rows': metadata_rows(rev.fields, context.__parent__, request),
            'attachment': att, 'attachment_url': att and download_url(request, context, att),
            'doc_macros': doc_macros()}


def field_changes(a, b, section, request):
    """(label, old, new) for each fact that differs between revisions `a` and `b`."""
    translate = request.localizer.translate
    old = {translate(label): value for label, value, _url in metadata_rows(a.fields, section, request)}
    new = {translate(label): value for label, value, _url in metadata_rows(b.fields, section, request)}
    labels = list(new) + [k for k in old if k not in new]
    changes = [(k, old.get(k, ''), new.get(k, '')) for k in labels if old.get(k) != new.get(k)]
    if a.fields.get('title') != b.fields.get('title'):
        changes.insert(0, (translate(_('Title')), a.fields.get('title'), b.fields.get('title')))
    name_a = a.attachment.filename if a.attachment else ''
    name_b = b.attachment.filename if b.attachment else ''
    if (a.attachment and a.attachment.id) != (b.attachment and b.attachment.id):
        changes.append((translate(_('Attached file')), name_a, name_b))
    return changes


@view_config(context=Document, name='diff', renderer='templates/diff.pt', permission='view')
def diff_view(context, request):
    """`@@diff?a=<n>&b=<m>`: changed facts and a sentence-by-sentence diff of the text."""
    a = _revision_or_404(context, request.params.get('a'))
    b = _revision_or_404(context, request.params.get('b'))
    text_a, text_b = a.fields.get('text', ''), b.fields.get('text', '')
    rows = sentence_diff(text_a, text_b)
    too_long = rows is None  # the page then links both revisions instead
    return {'item': context, 'a': a, 'b': b,
            'changes': field_changes(a, b, context.__parent__, request),
            'rows': rows or [], 'too_long': too_long,
            'text_changed': text_a != text_b if too_long else any(
                kind != 'same' for kind, _s in rows),
            'revisions': context.revision_list()}
