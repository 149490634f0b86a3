"""Resident requests (诉求) in a closed loop: 受理 → 办理 → 办结 → 回访评价.

Residents submit on any tenant's `requests/` page (or through Open311); staff take
(首问负责), transfer, extend, note and answer within a deadline in working days; the
resident rates the answer and 不满意 reopens it for the reviewer. See `model.py` (storage),
`states.py` (the state machine), `actions.py` (every change), `workdays.py` (deadlines),
`views.py` (public), `staff.py` (inbox, statistics, keys, holidays), `open311.py` (API).
"""
from ..i18n import _
from .model import SECTION

AUDIT_ACTIONS = {
    'request-take': _('Request taken'),
    'request-transfer': _('Request transferred'),
    'request-extend': _('Request deadline extended'),
    'request-note': _('Request note added'),
    'request-reply': _('Request answered'),
    'request-rate-ok': _('Request rated'),
    'request-rate-bad': _('Request rated unsatisfied'),
    'request-close': _('Request closed'),
    'request-calendar': _('Request deadlines and holidays changed'),
    'request-apikey-add': _('Open311 key issued'),
    'request-apikey-revoke': _('Open311 key revoked'),
}


def panel(tenant, request):
    """The way in on every tenant home page: residents must find the form without a list."""
    from ..tree import Section, effective_setting
    section = tenant.get(SECTION)
    enabled = effective_setting(tenant, 'sections')
    if not isinstance(section, Section) or (enabled is not None and SECTION not in enabled):
        return None
    return {'tenant': tenant, 'section': section}


def includeme(config):
    """The section (order 60), traversal of `r/` and `open311/`, views and the import key."""
    from .imports import apply_import, import_schema
    from .pages import section_fallback
    config.add_translation_dirs('shequ.requests:locale')
    config.add_section(SECTION, _('Resident requests'), order=60)
    config.add_section_fallback(SECTION, section_fallback)
    config.add_tenant_import_key('requests', import_schema, apply_import)
    for action, label in AUDIT_ACTIONS.items():
        config.add_audit_action(action, label)
    config.add_tenant_panel('requests', panel, 'shequ.requests:templates/panel.pt', order=60)
    config.add_static_view('_requests', 'shequ.requests:static', cache_max_age=3600)
    config.include('.abuse')
    config.include('.notify')
    config.scan('.views')
    config.scan('.staff')
    config.scan('.open311')
