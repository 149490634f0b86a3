"""Pages of the documents section: the grouped list, a document, its A4 print page."""
from functools import lru_cache

from pypinyin import lazy_pinyin
from pyramid.renderers import get_renderer, render
from pyramid.view import view_config

from ..content.attachments import download_url
from ..content.listing import Page, page_number, visible_items
from ..content.printing import print_values
from ..content.qr import qr_svg
from ..content.views import workflow_box
from ..pagecache.memo import visitor_html
from ..i18n import _
from ..tree import Section, find_tenant
from . import (CURRENT, DOC_TYPES, REPEALED, STATUS_LABELS, STATUSES, SUB_TYPE_LABELS,
               TYPE_LABELS, TYPE_ORDER, Document)

PAGE_SIZE = 20
SORTS = {'date': _('Newest effective date first'), 'title': _('Title (pinyin order)')}


def doc_macros():
    """The documents' template macros (facts table, attachment line)."""
    return get_renderer('shequ:documents/templates/macros.pt').implementation()


def metadata_rows(fields, section, request):
    """(label, value, url) rows of a document's facts, from a field dict (current or revision)."""
    translate = request.localizer.translate
    doc_type = translate(TYPE_LABELS.get(fields.get('doc_type'), fields.get('doc_type') or ''))
    if fields.get('sub_type') in SUB_TYPE_LABELS:
        doc_type += ' · ' + translate(SUB_TYPE_LABELS[fields['sub_type']])
    status = fields.get('status') or CURRENT
    issuer = fields.get('issuer') or getattr(find_tenant(section), 'title', '')
    rows = [(_('Document type'), doc_type, None)]
    if fields.get('number'):
        rows.append((_('Document number'), fields['number'], None))
    rows.append((_('Issuing body'), issuer, None))
    rows.append((_('Effective date'), _iso(fields.get('effective_date')), None))
    rows.append((_('Status'), translate(STATUS_LABELS.get(status, status)), None))
    if status == REPEALED and fields.get('repealed_date'):
        rows.append((_('Repeal date'), _iso(fields['repealed_date']), None))
    newer = section.get(fields.get('superseded_by') or '') if section is not None else None
    if isinstance(newer, Document) and request.has_permission('view', newer):
        rows.append((_('Superseded by'), newer.title, request.resource_url(newer)))
    return rows


def _iso(date):
    return date.isoformat() if date else ''


def replaced_documents(doc, request):
    """Public documents of the same section that name `doc` as their successor."""
    return [d for d in visible_items(doc.__parent__, request)
            if isinstance(d, Document) and d.superseded_by == doc.__name__]


@lru_cache(maxsize=4096)
def _pinyin(title):
    """The pinyin of a title, cached by the title itself (pypinyin per document per request
    was most of the section page's time)."""
    return ''.join(lazy_pinyin(title))


def _title_key(doc):
    return _pinyin(doc.title or '')


def _date_key(doc):
    date = doc.effective_date
    return -date.toordinal() if date else 0


def ordered_documents(docs, sort):
    """By type, in-force before repealed, then newest effective date (or pinyin title)."""
    second = _title_key if sort == 'title' else _date_key
    return sorted(docs, key=lambda d: (TYPE_ORDER.get(d.doc_type, 99), d.status == REPEALED,
                                       second(d), _title_key(d)))


def group_by_type(docs):
    """[(type code, label, [docs])] keeping the order of `docs`."""
    groups = []
    for doc in docs:
        if not groups or groups[-1][0] != doc.doc_type:
            groups.append((doc.doc_type, TYPE_LABELS.get(doc.doc_type, doc.doc_type), []))
        groups[-1][2].append(doc)
    return groups


@view_config(context=Section, section='documents', renderer='templates/section.pt')
def documents_section(context, request):
    """Documents grouped by type; `?status=`, `?type=` filter, `?sort=` orders, paginated.

    Visitors without a login share the rendered list of each URL (`pagecache.memo`)."""
    query = tuple(sorted(request.environ.get('QUERY_STRING', '').split('&')))
    return {'body': visitor_html(request, context, ('documents', request.path_url, query),
                                 lambda: render('shequ.documents:templates/section_body.pt',
                                                documents_values(context, request),
                                                request=request))}


def documents_values(context, request):
    """The grouped, filtered and ordered page of a documents section."""
    docs = [d for d in visible_items(context, request) if isinstance(d, Document)]
    status = request.params.get('status', '')
    status = status if status in STATUS_LABELS else ''
    doc_type = request.params.get('type', '')
    doc_type = doc_type if doc_type in TYPE_LABELS else ''
    sort = request.params.get('sort', 'date')
    sort = sort if sort in SORTS else 'date'
    counts = {code: sum(1 for d in docs if d.status == code) for code in STATUS_LABELS}
    if status:
        docs = [d for d in docs if d.status == status]
    if doc_type:
        docs = [d for d in docs if d.doc_type == doc_type]
    page = Page(ordered_documents(docs, sort), page_number(request), PAGE_SIZE)
    query = {k: v for k, v in (('status', status), ('type', doc_type), ('sort', sort)) if v}
    return {'page': page, 'groups': group_by_type(page.items), 'status': status,
            'doc_type': doc_type, 'sort': sort, 'sorts': SORTS, 'statuses': STATUSES,
            'types': DOC_TYPES, 'counts': counts, 'query': query}


@view_config(context=Document, renderer='templates/document.pt')
def document_view(context, request):
    """The document: facts, attachment, text, revision count and links; the article itself
    is shared by visitors without a login (`pagecache.memo`)."""
    def article():
        att = context.attachment
        return render('shequ.documents:templates/document_article.pt', {
            'item': context,
            'rows': metadata_rows(context.snapshot(), context.__parent__, request),
            'attachment': att, 'attachment_url': att and download_url(request, context, att),
            'revisions': len(context.revision_list()),
            'replaces': replaced_documents(context, request), 'doc_macros': doc_macros()},
            request=request)
    return {'item': context, 'workflow': workflow_box(context, request),
            'article': visitor_html(request, context, ('document', request.path_url), article)}


@view_config(context=Document, name='print', renderer='templates/print.pt', permission='view')
def print_view(context, request):
    """The document on an A4 page without navigation, with a QR code of its address."""
    return dict(print_values(context, request), item=context,
                rows=metadata_rows(context.snapshot(), context.__parent__, request),
                qr=qr_svg(request.resource_url(context)), doc_macros=doc_macros())
