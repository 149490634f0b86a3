"""Attachments: uploaded files kept as ZODB blobs, checked for size and type, served safely."""
import hashlib
import os
import re
import secrets
import unicodedata
import uuid
from urllib.parse import quote

import colander
import deform
from persistent import Persistent
from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import FileResponse, Response
from pyramid.threadlocal import get_current_registry
from pyramid.view import view_config
from ZODB.blob import Blob

from ..clock import utcnow
from ..i18n import _
from ..tree import find_tenant, tenant_path
from . import Content
from .extract import MEMORY, TIMEOUT, TOO_LARGE, UNREADABLE, extract
from .tmpstore import UID_BYTES, make_tmpstore

DEFAULT_MAX_MB = 20
# extension → (content type, magic-byte prefixes the file must start with)
KINDS = {
    'pdf': ('application/pdf', (b'%PDF-',)),
    'png': ('image/png', (b'\x89PNG\r\n\x1a\n',)),
    'jpg': ('image/jpeg', (b'\xff\xd8\xff',)),
    'jpeg': ('image/jpeg', (b'\xff\xd8\xff',)),
    'gif': ('image/gif', (b'GIF87a', b'GIF89a')),
    'webp': ('image/webp', (b'RIFF',)),
    'doc': ('application/msword', (b'\xd0\xcf\x11\xe0',)),
    'docx': ('application/vnd.openxmlformats-officedocument.wordprocessingml.document', (b'PK\x03\x04',)),
    'xls': ('application/vnd.ms-excel', (b'\xd0\xcf\x11\xe0',)),
    'xlsx': ('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', (b'PK\x03\x04',)),
}
# why the text of a file is not in the search index (Attachment.text_refused)
REFUSALS = {
    TOO_LARGE: _('the file unpacks to too much data'),
    TIMEOUT: _('reading it took too long'),
    MEMORY: _('reading it needed too much memory'),
    UNREADABLE: _('the file could not be read'),
}
INLINE_TYPES = {'application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp'}
ALL_KINDS = tuple(KINDS)


def safe_filename(name):
    """A download name with no path, control or quoting characters ('../../x' → 'x')."""
    name = unicodedata.normalize('NFC', name or '')
    name = re.split(r'[\\/]', name)[-1]
    name = ''.join(c for c in name if unicodedata.category(c)[0] != 'C')
    name = re.sub(r'["<>:|?*;%]', '_', name).strip(' .')
    return name[:120] or 'file'


def human_size(size):
    """'1.5 MB', '20 MB', '10 KB' — sizes as people read them."""
    if size >= 1024 * 1024:
        return ('%.1f' % (size / 1024 / 1024)).replace('.0', '') + ' MB'
    return '%d KB' % max(1, round(size / 1024))


def extension(name):
    return os.path.splitext(name or '')[1].lower().lstrip('.')


class Attachment(Persistent):
    """One stored file: a blob, its safe name, type, size and extracted text.

    `text_refused` says why a PDF/DOCX/XLSX has no text in the search index (a key of
    REFUSALS); the file itself is stored and served all the same.
    """

    text_refused = None   # also what attachments stored before it existed read

    def __init__(self, filename, content_type, data):
        self.id = uuid.uuid4().hex
        self.filename = safe_filename(filename)
        self.content_type = content_type
        self.size = len(data)
        self.uploaded = utcnow()
        self.blob = Blob()
        with self.blob.open('w') as f:
            f.write(data)
        self.text, self.text_refused = extract(self.filename, data)

    @property
    def size_label(self):
        return human_size(self.size)

    def text_note(self, translate):
        """For staff: 'text not indexed for search: why', translated; None when it is."""
        if not self.text_refused:
            return None
        reason = REFUSALS.get(self.text_refused, REFUSALS[UNREADABLE])
        return translate(_('Text of this file not indexed for search: ${reason}.',
                           mapping={'reason': translate(reason)}))


def max_bytes(registry):
    """The upload limit from `shequ.max_upload_mb`."""
    settings = registry.settings or {}
    return int(float(settings.get('shequ.max_upload_mb', DEFAULT_MAX_MB)) * 1024 * 1024)


def check_upload(filename, data, limit, kinds=ALL_KINDS):
    """The content type of an acceptable upload, or an error message (a TranslationString)."""
    ext = extension(filename)
    if ext not in kinds or ext not in KINDS:
        return None, _('This type of file is not accepted. Allowed: ${kinds}.',
                       mapping={'kinds': ', '.join(k.upper() for k in kinds)})
    if len(data) > limit:
        return None, _('The file is too big: ${size}. The limit is ${limit}.',
                       mapping={'size': human_size(len(data)) + '+' if len(data) == limit + 1
                                else human_size(len(data)), 'limit': human_size(limit)})
    if not data:
        return None, _('The file is empty.')
    content_type, magics = KINDS[ext]
    if not any(data.startswith(m) for m in magics):
        return None, _('The file content does not match its name (.${ext}).',
                       mapping={'ext': ext})
    return content_type, None


def read_upload(value, limit):
    """Read at most limit+1 bytes from a deform upload dict."""
    fp = value.get('fp')
    if fp is None:
        return b''
    fp.seek(0)
    return fp.read(limit + 1)


class UploadValidator:
    """colander validator for a deform file upload: type by name and content, and size."""

    def __init__(self, kinds=ALL_KINDS):
        self.kinds = kinds

    def __call__(self, node, value):
        request = node.bindings['request'] if node.bindings else None
        limit = max_bytes(request.registry) if request is not None else DEFAULT_MAX_MB << 20
        data = read_upload(value, limit)
        _type, error = check_upload(value.get('filename', ''), data, limit, self.kinds)
        if error is not None:
            raise colander.Invalid(node, error)


def upload_tmpstore(registry):
    """The shared on-disk store of uploads awaiting a form's next try (made by `includeme`)."""
    store = getattr(registry, 'upload_tmpstore', None)
    if store is None:
        store = registry.upload_tmpstore = make_tmpstore(registry.settings or {},
                                                         max_bytes(registry) + 1)
    return store


class SecureFileUploadWidget(deform.widget.FileUploadWidget):
    """deform's upload widget with unguessable uids (deform's own: 10 `random` characters)."""

    def random_id(self):
        return secrets.token_urlsafe(UID_BYTES)


def upload_owner(request, context):
    """Whose pending uploads a form may see: its tenant's and its user's.

    Staff of another tenant, or another user, who post a uid they have learnt get nothing;
    a visitor who is not logged in is known by the session's CSRF token.
    """
    tenant = find_tenant(context) if context is not None else None
    where = tenant_path(tenant) if tenant is not None else '/'
    user = getattr(request, 'identity', None)
    if user is not None:
        who = 'user:' + user.login
    else:
        token = request.session.get_csrf_token()
        who = 'session:' + hashlib.sha256(token.encode('utf-8')).hexdigest()
    return '%s %s' % (where, who)


@colander.deferred
def _upload_widget(node, kw):
    """deform keeps a pending upload in the shared store, in the part of the form's tenant
    and user (the schema is bound per request)."""
    request = kw.get('request')
    registry = request.registry if request is not None else get_current_registry()
    store = upload_tmpstore(registry)
    if request is not None:
        context = kw.get('context', getattr(request, 'context', None))
        store = store.for_owner(upload_owner(request, context))
    return SecureFileUploadWidget(store)


def upload_node(name, title, kinds=ALL_KINDS, **kw):
    """A file-upload schema node accepting `kinds` (extensions) up to the size limit."""
    kw.setdefault('missing', None)
    kw.setdefault('validator', UploadValidator(kinds))
    return colander.SchemaNode(deform.FileData(), name=name, title=title,
                               widget=_upload_widget, **kw)


def attachment_from_upload(value, registry):
    """An Attachment from a validated upload dict, or None when nothing was uploaded."""
    if not value or not value.get('fp'):
        return None
    limit = max_bytes(registry)
    data = read_upload(value, limit)
    content_type, error = check_upload(value.get('filename', ''), data, limit)
    if error is not None:
        raise ValueError(error)
    return Attachment(value['filename'], content_type, data)


def find_attachment(item, attachment_id):
    """The attachment of `item` with `attachment_id`, looking in `item.attachments`."""
    for att in getattr(item, 'attachments', None) or ():
        if att.id == attachment_id:
            return att
    return None


def content_disposition(att):
    """inline for PDFs and images, else attachment; the name RFC 6266/5987-encoded."""
    kind = 'inline' if att.content_type in INLINE_TYPES else 'attachment'
    ascii_name = att.filename.encode('ascii', 'replace').decode('ascii').replace('?', '_')
    return "%s; filename=\"%s\"; filename*=UTF-8''%s" % (kind, ascii_name,
                                                        quote(att.filename, safe=''))


@view_config(context=Content, name='download', permission='view')
def download_view(context, request):
    """Serve `@@download/<id>[/<name>]` with its stored type and a safe file name."""
    if not request.subpath:
        raise HTTPNotFound()
    att = find_attachment(context, request.subpath[0])
    if att is None:
        raise HTTPNotFound()
    try:
        response = FileResponse(att.blob.committed(), request=request,
                                content_type=att.content_type)
    except Exception:  # not committed yet (same transaction): read it whole
        with att.blob.open('r') as f:
            response = Response(body=f.read(), content_type=att.content_type)
    response.headers['Content-Disposition'] = content_disposition(att)
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Content-Security-Policy'] = "default-src 'none'; sandbox"
    return response


def download_url(request, item, att):
    """The URL residents download `att` of `item` from."""
    return request.resource_url(item, '@@download', att.id, att.filename)
