"""Standard documents (制度文件): conventions, charters, work rules and emergency plans.

A Document keeps one current attachment (PDF or DOCX) and a history of published
revisions; each revision holds a snapshot of the fields and text and a reference to
the attachment of that moment. Residents download the current file only; a replaced
file stays downloadable for staff (`view_unpublished`) from the revision history.
"""
from BTrees.IOBTree import IOBTree
from pyramid.threadlocal import get_current_registry

from ..clock import utcnow
from ..content import Content, PUBLISHED
from ..content.attachments import Attachment, attachment_from_upload
from ..i18n import _
from .text import html_to_text

# (code, label, Chinese name residents search for and files may use)
DOC_TYPES = (
    ('convention', _("Residents' convention"), '居民公约'),
    ('village_rules', _('Village rules and regulations'), '村规民约'),
    ('charter', _('Self-governance charter'), '自治章程'),
    ('work_rules', _('Work rules'), '工作制度'),
    ('emergency_plan', _('Emergency plan'), '应急预案'),
    ('other', _('Other documents'), '其他'),
)
SUB_TYPES = (
    ('meeting', _('Meeting rules'), '会议制度'),
    ('duty', _('Duty rota rules'), '值班制度'),
    ('visit', _('Home visit rules'), '走访制度'),
    ('reception', _('Reception rules'), '接待制度'),
    ('finance', _('Financial rules'), '财务制度'),
    ('disclosure', _('Public disclosure rules'), '公开制度'),
    ('archives', _('Archive rules'), '档案管理制度'),
    ('other', _('Other rules'), '其他制度'),
)
CURRENT, REPEALED = 'current', 'repealed'
STATUSES = (
    (CURRENT, _('In force'), '现行有效'),
    (REPEALED, _('Repealed'), '已废止'),
)
TYPE_LABELS = {code: label for code, label, _zh in DOC_TYPES}
SUB_TYPE_LABELS = {code: label for code, label, _zh in SUB_TYPES}
STATUS_LABELS = {code: label for code, label, _zh in STATUSES}
TYPE_ORDER = {code: n for n, (code, _l, _zh) in enumerate(DOC_TYPES)}
CHINESE = {('type', c): zh for c, _l, zh in DOC_TYPES}
CHINESE.update({('sub', c): zh for c, _l, zh in SUB_TYPES})

# the fields a revision snapshots (the attachment is kept beside them)
SNAPSHOT_FIELDS = ('title', 'doc_type', 'sub_type', 'number', 'effective_date', 'status',
                   'repealed_date', 'issuer', 'superseded_by', 'text')


class Revision:
    """One published state of a document; never changed after it is made.

    A plain (non-persistent) object stored inside the document's IOBTree: it is
    written once and never mutated, and its attachment is a persistent Attachment
    whose blob therefore stays alive as long as the revision does.
    """

    def __init__(self, number, fields, attachment, user=None, user_name=None, time=None):
        self.number = number
        self.fields = dict(fields)
        self.attachment = attachment
        self.user = user
        self.user_name = user_name
        self.time = time or utcnow()

    @property
    def title(self):
        return self.fields.get('title', '')


class Document(Content):
    """A standard document with one current attachment and its published revisions."""

    type_name = 'document'
    fields = SNAPSHOT_FIELDS + ('upload',)

    # defaults, also for items stored before a field existed
    doc_type = 'other'
    sub_type = ''
    number = ''
    effective_date = None
    status = CURRENT
    repealed_date = None
    issuer = ''
    superseded_by = ''
    text = ''
    attachment = None
    revisions = None

    def __init__(self, **kw):
        self.revisions = IOBTree()
        super().__init__(**kw)

    def update(self, registry=None, **kw):
        """Set fields; an `upload` (deform file dict or Attachment) replaces the attachment."""
        upload = kw.pop('upload', None)
        if kw.get('status') == CURRENT:
            kw['repealed_date'] = None
        changed = super().update(**kw)
        if upload:
            if not isinstance(upload, Attachment):
                upload = attachment_from_upload(upload, registry or get_current_registry())
            if upload is not None:
                self.attachment = upload
                self.modified = utcnow()
                changed.append('attachment')
        return changed

    @property
    def attachments(self):
        """The current attachment and those of every revision (what `@@download` serves)."""
        seen, out = set(), []
        candidates = [self.attachment] + [r.attachment for r in self.revision_list()]
        for att in candidates:
            if att is not None and att.id not in seen:
                seen.add(att.id)
                out.append(att)
        return out

    def is_current_attachment(self, att):
        """Whether `att` is the file the document has now (not one it replaced)."""
        return att is not None and self.attachment is not None and att.id == self.attachment.id

    @property
    def is_repealed(self):
        return self.status == REPEALED

    # --- revisions -------------------------------------------------------------------

    def revision_list(self):
        """Revisions, oldest first."""
        return list(self.revisions.values()) if self.revisions is not None else []

    def revision(self, number):
        """Revision `number`, or None."""
        return self.revisions.get(number) if self.revisions is not None else None

    def snapshot(self):
        """The fields a revision keeps, as they are now."""
        return {name: getattr(self, name) for name in SNAPSHOT_FIELDS}

    def record_revision(self, user=None, user_name=None):
        """Keep the current state as a new revision unless it equals the latest one."""
        if self.revisions is None:
            self.revisions = IOBTree()
        fields = self.snapshot()
        latest = self.revisions[self.revisions.maxKey()] if len(self.revisions) else None
        if latest is not None and latest.fields == fields and latest.attachment is self.attachment:
            return None
        number = (latest.number if latest else 0) + 1
        rev = Revision(number, fields, self.attachment, user=user, user_name=user_name)
        self.revisions[number] = rev
        return rev

    # --- search ----------------------------------------------------------------------

    def search_fields(self):
        """Title, the text without tags, the attachment's text; the type as category."""
        fields = super().search_fields()
        body = [html_to_text(self.text)]
        if self.attachment is not None and self.attachment.text:
            body.append(self.attachment.text)
        fields['body'] = '\n'.join(p for p in body if p)
        fields['category'] = CHINESE.get(('type', self.doc_type), '')
        fields['keywords'] = tuple(k for k in (
            CHINESE.get(('sub', self.sub_type), ''), self.number, self.issuer) if k)
        return fields


def record_published_revision(event):
    """A document that is (still) published after an add, edit or publish gets a revision."""
    doc = event.object
    if not isinstance(doc, Document) or doc.state != PUBLISHED:
        return
    request = event.request
    user = getattr(request, 'authenticated_userid', None) if request is not None else None
    identity = getattr(request, 'identity', None) if request is not None else None
    doc.record_revision(user=user, user_name=getattr(identity, 'name', None))


def includeme(config):
    """Register the document content type, its revision subscriber, views and messages."""
    from ..tree.events import ObjectAdded, ObjectModified
    from .schema import document_import_schema, document_schema
    config.add_section('documents', _('Standard documents'), order=50)
    config.add_content_type(
        'document', Document, document_schema, _('Standard document'), 'documents',
        add_permission='add', import_key='documents', import_schema=document_import_schema,
        applies_below=True)
    config.add_subscriber(record_published_revision, ObjectAdded)
    config.add_subscriber(record_published_revision, ObjectModified)
    config.add_translation_dirs('shequ.documents:locale')
    config.scan('.views')
    config.scan('.history')
