"""Duty lists (清单): what a community must do, helps the government with, may certify,
and may not be asked to do. A county or township publishes standard lists that every unit
below shows (`content.inherit`, as standard services); a unit adds its own lists."""
from ..content import Content
from ..content.inherit import Inheritance, Inherited
from ..i18n import _
from .schema import CERTIFICATES, KINDS, duty_list_schema

__all__ = ('DutyList', 'InheritedDutyList', 'DUTIES', 'KINDS', 'CERTIFICATES')

SECTION = 'duties'


class DutyList(Content):
    """One list with its items; the items are an immutable tuple of dicts, edited in one
    form, so the whole list is one object with one workflow state."""

    type_name = 'duty_list'
    fields = ('title', 'kind', 'summary', 'standard', 'hideable', 'items')
    kind = KINDS[0]
    summary = ''
    standard = False
    hideable = False
    items = ()

    def update(self, **kw):
        if 'items' in kw:
            kw['items'] = tuple(dict(item) for item in kw['items'] or ())
        return super().update(**kw)

    @property
    def category(self):
        return self.kind

    def search_fields(self):
        """Every item with its answer: a resident asking 能开X证明吗 finds the item."""
        fields = super().search_fields()
        parts = [self.summary]
        for item in self.items:
            parts.append(' '.join(p for p in (item.get('name', ''), answer_text(item),
                                             item.get('responsible', ''), item.get('basis', ''),
                                             item.get('note', '')) if p))
        fields['body'] = '\n'.join(p for p in parts if p)
        fields['keywords'] = tuple(item.get('name', '') for item in self.items
                                   if item.get('name'))[:50]
        fields['standard'] = bool(self.standard)
        return fields


def answer_text(item):
    """A certificate item's answer in words: 社区可以开具 / 社区不能开具，请到 … 办理."""
    if item.get('may_issue') is True:
        return '社区可以开具'
    if item.get('may_issue') is False:
        instead = item.get('instead', '')
        return '社区不能开具，请到%s办理' % instead if instead else '社区不能开具'
    return ''


class InheritedDutyList(Inherited):
    """A standard list from above as a unit below shows it."""

    type_name = 'duty_list'


DUTIES = Inheritance(SECTION, 'duty_list', InheritedDutyList,
                     may_hide=lambda source: bool(source.hideable))


def hidden_lists_schema():
    """Tenant-tree key `hidden_duties`: the slugs of the standard lists a tenant hides."""
    import colander
    from ..tree import SLUG_RE
    return colander.SchemaNode(colander.Sequence(), colander.SchemaNode(
        colander.String(), name='slug', validator=colander.Regex(SLUG_RE)))


AUDIT_ACTIONS = {
    'roster-edit': _('Duty roster changed'),
    'roster-delete': _('Shift deleted'),
    'roster-import': _('Duty roster imported'),
    'roster-copy': _('Duty roster copied forward'),
}


def includeme(config):
    """Register the section, the duty-list type, inheritance of standard lists and views."""
    config.add_translation_dirs('shequ.duties:locale')
    config.add_section('duties', _('Duty lists'), order=30)
    config.add_content_type('duty_list', DutyList, duty_list_schema, _('Duty list'), 'duties',
                            add_permission='add', import_key='duties')
    config.add_section_fallback('duties', DUTIES.find)
    config.add_section_listing('duties', DUTIES.listing)
    config.add_tenant_import_key('hidden_duties', hidden_lists_schema, DUTIES.apply_hidden)
    # the on-duty roster (值班表): shifts on the section, not content items
    from .roster import apply_shifts, shifts_schema
    from .roster_views import on_duty_panel
    config.add_tenant_import_key('shifts', shifts_schema, apply_shifts)
    config.add_tenant_panel('on_duty', on_duty_panel, 'shequ.duties:templates/roster_panel.pt',
                            order=10)
    for action, label in AUDIT_ACTIONS.items():
        config.add_audit_action(action, label)
    config.scan('.views')
    config.scan('.roster_views')
    config.scan('.roster_staff')
