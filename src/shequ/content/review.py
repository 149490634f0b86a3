"""Review of edits to published items where a tenant requires review.

Where `require_review` is set, staff cannot publish; a reviewer must. Editing an item that
is already published would otherwise put the change live at once. Instead the change is
kept on the item as a *pending edit* — the public keeps seeing the approved text — until
a reviewer approves it (the fields are then applied) or sends it back (it is dropped).
All three steps go through `tree.ops.modify`, so they are audited and indexed like any
other change.
"""
import colander
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPFound
from pyramid.view import view_config

from ..clock import fmt, utcnow
from ..i18n import _, flash
from ..tree.ops import modify
from . import PUBLISHED, Content, get_content_registry
from .richtext import html_to_text
from .workflow import requires_review

ATTR = 'pending_edit'


def pending_edit(item):
    """The edit awaiting review on `item`: {'fields', 'login', 'name', 'time'}, or None."""
    return getattr(item, ATTR, None)


def edit_needs_review(item, request):
    """Whether an edit of `item` by the requester must wait for a reviewer."""
    return (item.state == PUBLISHED and requires_review(item)
            and not request.has_permission('publish', item))


def plain(value):
    """A value compared by content: lists and tuples alike, mappings by their items."""
    if isinstance(value, (list, tuple)):
        return tuple(plain(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, plain(v)) for k, v in value.items()))
    return value


def propose(item, request, fields):
    """Keep `fields` as the pending edit of `item` (replacing an earlier one)."""
    changed = {k: v for k, v in fields.items() if plain(getattr(item, k, None)) != plain(v)}
    pending = None
    if changed:
        user = request.identity
        pending = {'fields': changed, 'login': getattr(user, 'login', None),
                   'name': getattr(user, 'name', None), 'time': utcnow()}
    modify(item, request, action='propose' if pending else 'withdraw-edit',
           **{ATTR: pending})
    return pending


def edit(item, request, fields):
    """Apply `fields` now, or keep them for review; returns True if they went live."""
    if edit_needs_review(item, request):
        propose(item, request, fields)
        return False
    modify(item, request, **fields)
    return True


def approve(item, request):
    """Apply the pending edit (a reviewer's act)."""
    pending = pending_edit(item)
    if pending is None:
        return False
    modify(item, request, action='approve-edit', **dict(pending['fields'], **{ATTR: None}))
    return True


def reject(item, request):
    """Drop the pending edit; the published text stays as it is."""
    if pending_edit(item) is None:
        return False
    modify(item, request, action='reject-edit', **{ATTR: None})
    return True


def shown(value):
    """A field value as plain text for the comparison table."""
    if value is None or value is colander.null:
        return ''
    if isinstance(value, str):
        return html_to_text(value) if '<' in value else value
    if isinstance(value, (list, tuple)):
        return '\n'.join(shown(v) for v in value)
    if isinstance(value, dict):
        return '；'.join('%s' % shown(v) for v in value.values() if v)
    if hasattr(value, 'filename'):
        return value.filename
    if hasattr(value, 'strftime'):
        return fmt(value)
    if isinstance(value, bool):
        return '是' if value else '否'
    return str(value)


def comparison(item, request):
    """Rows (label, current text, proposed text) of the pending edit's fields."""
    pending = pending_edit(item)
    if pending is None:
        return []
    ctype = get_content_registry(request.registry).type_of(item)
    titles = {}
    if ctype is not None:
        titles = {node.name: node.title for node in ctype.schema().children}
    titles.update(publish_at=_('Publish at'), expire_at=_('Expires at'))
    rows = []
    for name, value in pending['fields'].items():
        rows.append({'label': titles.get(name, name), 'old': shown(getattr(item, name, None)),
                     'new': shown(value)})
    return rows


@view_config(context=Content, name='review-edit', renderer='templates/review_edit.pt',
             permission='view_unpublished')
def review_edit_view(context, request):
    """The pending edit beside the published text; reviewers approve or send it back."""
    pending = pending_edit(context)
    may_decide = request.has_permission('publish', context)
    if request.method == 'POST':
        if not may_decide:
            raise HTTPForbidden()
        decision = request.POST.get('decision')
        if decision not in ('approve', 'reject'):
            raise HTTPBadRequest()
        if pending is None:
            flash(request, _('There is no edit awaiting review.'))
        elif decision == 'approve':
            approve(context, request)
            flash(request, _('The edit is approved and now shown to residents.'))
        else:
            reject(context, request)
            flash(request, _('The edit was sent back; residents keep seeing the approved text.'))
        return HTTPFound(request.resource_url(context))
    return {'item': context, 'pending': pending, 'rows': comparison(context, request),
            'may_decide': may_decide}


def review_form_note(item, request):
    """What the edit form says when the edit will wait for review (or is waiting)."""
    if not edit_needs_review(item, request):
        return None
    if pending_edit(item) is not None:
        return _('This form shows your edit awaiting review. Saving it again replaces it.')
    return _('This tenant requires review: your edit is shown to residents only after a '
             'reviewer approves it.')
