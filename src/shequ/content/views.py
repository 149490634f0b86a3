"""Generic views every content kind gets: add, edit, delete, workflow, contents."""
import colander
import deform
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.view import view_config

from ..i18n import _, flash
from ..security.redirects import same_site_url
from ..tree import Section
from . import Content, DRAFT, PUBLISHED, get_content_registry
from .forms import FormView, datetime_node
from .listing import Page, page_number, visible_items
from .naming import unique_name
from ..tree.ops import add, remove
from .versions import version_of
from .review import edit, edit_needs_review, pending_edit, review_form_note
from .workflow import (STATE_LABELS, WorkflowError, available_transitions, requires_review,
                       transition)

CONTENTS_PAGE = 30


@view_config(context=Section, renderer='templates/section.pt')
def section_view(context, request):
    """A section's public items (all items for its editors), paginated."""
    items = sorted(visible_items(context, request), key=lambda i: i.title)
    return {'page': Page(items, page_number(request))}


@view_config(context=Content, renderer='templates/item.pt')
def item_view(context, request):
    return {'item': context, 'workflow': workflow_box(context, request)}


def workflow_box(item, request):
    """State and transitions shown to editors on an item page (None for visitors)."""
    if not request.has_permission('view_unpublished', item):
        return None
    return {'state': STATE_LABELS.get(item.state, item.state),
            'transitions': available_transitions(item, request),
            'public': item.is_public(), 'pending': pending_edit(item)}


def with_times(schema):
    """A content schema plus the publish and expiry times every item has."""
    schema.add(datetime_node('publish_at', _('Publish at'),
                             _('Leave empty to publish at once.')))
    schema.add(datetime_node('expire_at', _('Expires at'), _('Leave empty to keep it.')))
    return schema


def _validate_times(node, value):
    if value.get('publish_at') and value.get('expire_at') and \
            value['expire_at'] <= value['publish_at']:
        exc = colander.Invalid(node)
        exc['expire_at'] = _('The expiry time must be after the publish time.')
        raise exc


@view_config(context=Section, name='add', renderer='templates/form.pt', permission='add')
class AddView(FormView):
    """Add an item of `?type=` to a section."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.ctype = get_content_registry(request.registry).get(request.params.get('type'))
        if self.ctype is None or self.ctype.section != context.__name__:
            raise HTTPNotFound()
        if not request.has_permission(self.ctype.add_permission, context):
            raise HTTPForbidden()
        self.title = _('Add ${type}', mapping={'type': request.localizer.translate(self.ctype.label)})
        self.buttons = (('save', _('Save as draft')),) + (
            (('submit', _('Submit for review')),) if requires_review(context) else
            (('publish', _('Publish')),) if request.has_permission('publish', context) else ())

    def schema_factory(self):
        return with_times(self.ctype.schema(validator=_validate_times))

    def make_form(self):
        form = super().make_form()
        form.action = self.request.resource_url(self.context, '@@add',
                                                query={'type': self.ctype.name})
        return form

    def _create(self, appstruct, target):
        item = self.ctype.create(**appstruct)
        item.creator = self.request.authenticated_userid
        name = unique_name(self.context, appstruct.get('title'))
        add(self.context, name, item, self.request)
        if target != DRAFT:
            transition(item, target, self.request)
        flash(self.request, _('Saved.'))
        return HTTPFound(self.request.resource_url(item))

    def save_success(self, appstruct):
        return self._create(appstruct, DRAFT)

    def submit_success(self, appstruct):
        return self._create(appstruct, 'submit')

    def publish_success(self, appstruct):
        return self._create(appstruct, 'publish')


@view_config(context=Content, name='edit', renderer='templates/form.pt', permission='edit')
class EditView(FormView):
    """Edit an item's fields; what was typed is kept on any error."""

    buttons = (('save', _('Save')),)

    def __init__(self, context, request):
        super().__init__(context, request)
        self.ctype = get_content_registry(request.registry).type_of(context)
        if self.ctype is None:
            raise HTTPNotFound()
        self.title = _('Edit')
        self.note = review_form_note(context, request)

    def current_version(self):
        return version_of(self.context)

    def schema_factory(self):
        return with_times(self.ctype.schema(validator=_validate_times))

    def appstruct(self):
        values = {}
        pending = pending_edit(self.context) if edit_needs_review(self.context, self.request) \
            else None
        proposed = pending['fields'] if pending else {}
        for node in self.schema_factory().children:
            if isinstance(node.typ, deform.FileData):
                continue  # a stored file is not an upload; the form starts empty
            value = proposed.get(node.name, getattr(self.context, node.name, None))
            values[node.name] = colander.null if value is None else value
        return values

    def save_success(self, appstruct):
        if edit(self.context, self.request, appstruct):
            flash(self.request, _('Saved.'))
        else:
            flash(self.request, _('Your edit awaits review: residents see it once a reviewer '
                                  'approves it.'))
        return HTTPFound(self.request.resource_url(self.context))


@view_config(context=Content, name='delete', renderer='templates/delete.pt', permission='delete')
def delete_view(context, request):
    """GET asks for confirmation; POST deletes."""
    if request.method == 'POST' and request.POST.get('confirm') == 'yes':
        section = context.__parent__
        remove(section, context.__name__, request)
        flash(request, _('Deleted.'))
        return HTTPFound(request.resource_url(section, '@@contents'))
    return {'items': [context]}


@view_config(context=Content, name='workflow', request_method='POST', permission='view_unpublished')
def workflow_view(context, request):
    """Apply the transition named in the form."""
    try:
        t = transition(context, request.POST.get('transition', ''), request)
    except WorkflowError:
        raise HTTPBadRequest()
    except PermissionError:
        raise HTTPForbidden()
    flash(request, _('Done: ${action}.', mapping={'action': request.localizer.translate(t.label)}))
    return HTTPFound(same_site_url(request, request.POST.get('next'),
                                   request.resource_url(context)))


BULK_ACTIONS = {'publish': _('Publish'), 'withdraw': _('Withdraw'), 'delete': _('Delete')}


@view_config(context=Section, name='contents', renderer='templates/contents.pt',
             permission='view_unpublished')
def contents_view(context, request):
    """Every item of a section with its state, for staff; bulk publish/withdraw/delete."""
    if request.method == 'POST':
        return _bulk(context, request)
    items = sorted((v for v in context.values() if isinstance(v, Content)),
                   key=lambda i: i.modified, reverse=True)
    registry = get_content_registry(request.registry)
    addable = [t for t in registry.for_section(context.__name__)
               if request.has_permission(t.add_permission, context)]
    return {'page': Page(items, page_number(request), CONTENTS_PAGE), 'states': STATE_LABELS,
            'addable': addable, 'actions': BULK_ACTIONS,
            'transitions': lambda item: available_transitions(item, request),
            # a kind lending inherited standards to the section fills these (services)
            'inherited': (), 'hidden': (), 'local_details': False}


def _bulk(context, request):
    action = request.POST.get('action')
    names = [n for n in request.POST.getall('name') if n in context]
    items = [context[n] for n in names if isinstance(context[n], Content)]
    if action not in BULK_ACTIONS or not items:
        flash(request, _('Choose some items and an action.'))
        return HTTPFound(request.resource_url(context, '@@contents'))
    if action == 'delete':
        if not all(request.has_permission('delete', item) for item in items):
            raise HTTPForbidden()
        if request.POST.get('confirm') != 'yes':
            return _render_confirm(context, request, items)
        for item in items:
            remove(context, item.__name__, request)
        flash(request, _('Deleted ${n} items.', mapping={'n': len(items)}))
        return HTTPFound(request.resource_url(context, '@@contents'))
    done = 0
    for item in items:
        if action == 'publish' and item.state == PUBLISHED:
            continue
        try:
            transition(item, action, request)
            done += 1
        except WorkflowError:
            continue
        except PermissionError:
            raise HTTPForbidden()
    flash(request, _('${action}: ${n} items.', mapping={
        'action': request.localizer.translate(BULK_ACTIONS[action]), 'n': done}))
    return HTTPFound(request.resource_url(context, '@@contents'))


def _render_confirm(context, request, items):
    from pyramid.renderers import render_to_response
    return render_to_response('shequ:content/templates/delete.pt', {'items': items},
                              request=request)
