"""Notices (通知公告) and public disclosure (居务/财务/党务公开): resource and registration."""
import decimal

from ..clock import utcnow
from ..content import PUBLISHED, Content
from ..content.richtext import html_to_text
from ..i18n import _
from ..tree.events import ObjectAdded, ObjectModified, ObjectWillBeRemoved
from .schema import CATEGORIES, FINANCE, normalise_import, notice_import_schema, notice_schema

__all__ = ('Notice', 'CATEGORIES', 'FINANCE', 'totals')

ZERO = decimal.Decimal('0.00')


def totals(rows):
    """(total income, total expense, balance) of income/expense rows."""
    income = sum((r.get('income') or ZERO for r in rows), ZERO)
    expense = sum((r.get('expense') or ZERO for r in rows), ZERO)
    return income, expense, income - expense


class Notice(Content):
    """A notice or disclosure; a 财务公开 notice carries an income/expense table."""

    type_name = 'notice'
    fields = ('title', 'category', 'pinned', 'body', 'table', 'attachments', 'removed_attachments')
    # class defaults: also what a notice stored before a field existed reads
    category = CATEGORIES[0]
    pinned = False
    body = ''
    table = ()
    attachments = ()
    removed_attachments = ()   # taken off the notice: staff still see and download them
    published = None   # when it was first published (set by `mark_published`)

    def update(self, **kw):
        """Store rows and attachments as tuples so nothing is mutated in place."""
        if 'table' in kw:
            kw['table'] = tuple(dict(row) for row in kw['table'] or ())
        for name in ('attachments', 'removed_attachments'):
            if name in kw:
                kw[name] = tuple(kw[name] or ())
        return super().update(**kw)

    @property
    def date(self):
        """The date residents see: the publish time, else first publication, else creation."""
        return self.publish_at or self.published or self.created

    def totals(self):
        return totals(self.table)

    def search_fields(self):
        """Title, body as plain text, table items, attachments' text and the category."""
        fields = super().search_fields()
        parts = [html_to_text(self.body)]
        parts += ['%s %s' % (r.get('item', ''), r.get('note', '')) for r in self.table]
        parts += ['%s %s' % (a.filename, a.text or '') for a in self.attachments]
        fields['body'] = '\n'.join(p.strip() for p in parts if p and p.strip())
        fields['category'] = self.category
        return fields


def mark_published(event):
    """Remember when a notice first became published (its date in lists and feeds)."""
    obj = event.object
    if isinstance(obj, Notice) and obj.state == PUBLISHED and obj.published is None:
        obj.published = utcnow()


def includeme(config):
    """Register the notice content type, its catalogue, subscribers and views."""
    config.add_translation_dirs('shequ.notices:locale')
    config.add_static_view('_notices', 'shequ.notices:static', cache_max_age=3600)
    config.add_section('notices', _('Notices'), order=20)
    config.add_content_type(
        'notice', Notice, notice_schema, _('Notice'), 'notices', add_permission='add',
        import_key='notices', import_schema=notice_import_schema, applies_below=True,
        extra={'normalise': normalise_import})
    from .feeds import above_panel, below_panel
    config.add_tenant_panel('notices-above', above_panel, 'shequ.notices:templates/panel_above.pt',
                            order=5)
    config.add_tenant_panel('notices-below', below_panel, 'shequ.notices:templates/panel_below.pt',
                            order=10)
    config.add_subscriber(mark_published, ObjectAdded)
    config.add_subscriber(mark_published, ObjectModified)
    from .below import BelowSubscriber, evolve_below_index
    below = BelowSubscriber(Notice)
    for event in (ObjectAdded, ObjectModified, ObjectWillBeRemoved):
        config.add_subscriber(below, event)
    config.add_evolution_step(evolve_below_index, name='notices.below_index')
    config.scan('.views')
    config.scan('.table')
    config.scan('.feeds')
