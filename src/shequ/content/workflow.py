"""The publishing workflow: draft → (submitted) → published → withdrawn."""
from ..i18n import _
from ..tree import effective_setting
from ..tree.ops import modify
from . import DRAFT, PUBLISHED, SUBMITTED, WITHDRAWN

STATE_LABELS = {
    DRAFT: _('Draft'),
    SUBMITTED: _('Awaiting review'),
    PUBLISHED: _('Published'),
    WITHDRAWN: _('Withdrawn'),
}


class Transition:
    def __init__(self, name, label, sources, target, permission):
        self.name, self.label, self.sources = name, label, sources
        self.target, self.permission = target, permission


TRANSITIONS = {t.name: t for t in (
    Transition('submit', _('Submit for review'), (DRAFT, WITHDRAWN), SUBMITTED, 'submit'),
    Transition('publish', _('Publish'), (DRAFT, SUBMITTED, WITHDRAWN), PUBLISHED, 'publish'),
    Transition('reject', _('Send back for changes'), (SUBMITTED,), DRAFT, 'publish'),
    Transition('withdraw', _('Withdraw'), (PUBLISHED, SUBMITTED), WITHDRAWN, 'withdraw'),
    Transition('redraft', _('Back to draft'), (WITHDRAWN,), DRAFT, 'edit'),
)}


def requires_review(context):
    """Whether the tenant of `context` requires a reviewer to publish."""
    return bool(effective_setting(context, 'require_review', False))


def available_transitions(item, request):
    """Transitions the requester may apply to `item` now."""
    out = []
    for t in TRANSITIONS.values():
        if item.state not in t.sources or not request.has_permission(t.permission, item):
            continue
        if t.name == 'submit' and not requires_review(item):
            continue
        out.append(t)
    return out


class WorkflowError(Exception):
    """A transition that is unknown, not allowed from this state, or not permitted."""


def transition(item, name, request, registry=None):
    """Apply transition `name` to `item` after checking state and permission."""
    t = TRANSITIONS.get(name)
    if t is None or item.state not in t.sources:
        raise WorkflowError(name)
    if not request.has_permission(t.permission, item):
        raise PermissionError(name)
    modify(item, request if request is not None else registry, action=t.name, state=t.target)
    return t
