"""The one state machine of a resident request: every allowed step is in `TRANSITIONS`.

    new ──take──▶ in_progress ──reply──▶ replied ──rate 满意/基本满意──▶ closed
     ▲  ◀─transfer─┘   │ extend, note            └──rate 不满意──▶ reopened
     └──transfer (to another tenant: new there)          reopened ──reply──▶ replied
                                                          reopened/replied ──close──▶ closed

A transfer hands the request to another tenant, where it waits to be taken again (首问负责
starts anew there). Notes and extensions keep the state. Nothing is ever deleted: a request
ends `closed`, with its whole history.
"""
from ..i18n import _

NEW, IN_PROGRESS, REPLIED, REOPENED, CLOSED = (
    'new', 'in_progress', 'replied', 'reopened', 'closed')
STATES = (NEW, IN_PROGRESS, REPLIED, REOPENED, CLOSED)
OPEN_STATES = (NEW, IN_PROGRESS, REOPENED)

STATE_LABELS = {
    NEW: _('Waiting to be taken'),
    IN_PROGRESS: _('Being handled'),
    REPLIED: _('Answered'),
    REOPENED: _('Reopened for review'),
    CLOSED: _('Closed'),
}

# (state, action) → next state; an action missing here is refused
TRANSITIONS = {
    (NEW, 'take'): IN_PROGRESS,
    (NEW, 'transfer'): NEW,
    (NEW, 'note'): NEW,
    (IN_PROGRESS, 'transfer'): NEW,
    (IN_PROGRESS, 'extend'): IN_PROGRESS,
    (IN_PROGRESS, 'note'): IN_PROGRESS,
    (IN_PROGRESS, 'reply'): REPLIED,
    (REPLIED, 'rate-ok'): CLOSED,
    (REPLIED, 'rate-bad'): REOPENED,
    (REPLIED, 'note'): REPLIED,
    (REPLIED, 'close'): CLOSED,
    (REOPENED, 'note'): REOPENED,
    (REOPENED, 'extend'): REOPENED,
    (REOPENED, 'reply'): REPLIED,
    (REOPENED, 'close'): CLOSED,
    (CLOSED, 'note'): CLOSED,
}

# who may take each action: the permission needed on the handling tenant ('resident':
# whoever knows the number and phone; 'review': reviewers of a reopened request)
ACTORS = {
    'take': 'edit', 'transfer': 'edit', 'extend': 'edit', 'note': 'edit',
    'reply': 'edit', 'close': 'publish', 'rate-ok': 'resident', 'rate-bad': 'resident',
}

ACTION_LABELS = {
    'submit': _('Submitted'),
    'take': _('Taken (first responsible)'),
    'transfer': _('Transferred'),
    'extend': _('Extension'),
    'note': _('Internal note'),
    'reply': _('Answered'),
    'rate-ok': _('Rated by the resident'),
    'rate-bad': _('Rated unsatisfied: reopened'),
    'close': _('Closed'),
}

# history entries residents may read (internal notes are for staff only)
PUBLIC_ACTIONS = ('submit', 'take', 'transfer', 'extend', 'reply', 'rate-ok', 'rate-bad',
                  'close')


class NotAllowed(Exception):
    """The action is not allowed in the request's state."""


def next_state(state, action):
    """The state `action` leads to from `state`; NotAllowed when the table has no step."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise NotAllowed('%s from %s' % (action, state))


def allowed(state):
    """Actions allowed in `state`."""
    return [a for (s, a) in TRANSITIONS if s == state]


def permission_for(action, state):
    """The permission staff need for `action` (in a reopened request: `publish`)."""
    if state == REOPENED and ACTORS.get(action) == 'edit':
        return 'publish'
    return ACTORS.get(action, 'edit')


def is_open(state):
    return state in OPEN_STATES
