"""Volunteer pages of the section itself: the section page, its folders, a team and the
tenant panel. Volunteers (`people.py`), activities (`activities.py`) and the publicity
list and honour boards (`boards.py`) have their own modules."""
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ..content.listing import visible_items
from ..content.views import workflow_box
from ..security.roles import publicly_visible
from ..tree import Section, effective_setting
from . import SECTION, VolunteerActivity, VolunteerTeam
from . import ledger
from .common import own_volunteer
from .model import get_register
from .pages import Folder

PANEL_SIZE = 3


@view_config(context=Section, section=SECTION, renderer='templates/section.pt',
             permission='view')
def section_view(context, request):
    """Teams, coming activities and the ways in: register, publicity, honour board."""
    items = visible_items(context, request)
    teams = sorted((i for i in items if isinstance(i, VolunteerTeam)), key=lambda i: i.title)
    now = ledger.now()
    activities = sorted((i for i in items if isinstance(i, VolunteerActivity)),
                        key=lambda i: (i.starts is None, i.starts))
    coming = [a for a in activities if a.ends is None or a.ends >= now]
    past = [a for a in reversed(activities) if a.ends is not None and a.ends < now][:10]
    register = get_register(context)
    staff = request.has_permission('edit', context)
    return {'teams': teams, 'coming': coming, 'past': past, 'staff': staff,
            'count': register.volunteer_count() if register is not None else 0,
            'pending': len(register.registrations) if register is not None and staff else 0,
            'mine': own_volunteer(request, context)}




@view_config(context=Folder, permission='view')
def folder_view(context, request):
    """`v/` and `c/` have no page of their own: the section (staff: the volunteer list)."""
    section = context.__parent__
    if context.__name__ == 'v' and request.has_permission('edit', section):
        return HTTPFound(request.resource_url(section, '@@staff'))
    return HTTPFound(request.resource_url(section))


@view_config(context=VolunteerTeam, renderer='templates/team.pt', permission='view')
def team_view(context, request):
    """A team: what it does, its office phone and its activities."""
    activities = [i for i in visible_items(context.__parent__, request)
                  if isinstance(i, VolunteerActivity) and i.team == context.__name__]
    activities.sort(key=lambda a: (a.starts is None, a.starts), reverse=True)
    return {'item': context, 'workflow': workflow_box(context, request),
            'activities': activities[:20]}


def panel(tenant, request):
    """The next activities (from the section's calendar: no scan) and the honour board."""
    section = tenant.get(SECTION)
    if not isinstance(section, Section):
        return None
    enabled = effective_setting(tenant, 'sections')
    if enabled is not None and SECTION not in enabled:
        return None
    register = get_register(section)
    now = ledger.now()
    coming = []
    if register is not None:
        for (starts, _name), slug in register.calendar.items((now, '')):
            item = section.get(slug)
            if isinstance(item, VolunteerActivity) and publicly_visible(item) \
                    and item.deadline is not None:
                coming.append(item)
            if len(coming) >= PANEL_SIZE:
                break
    if register is None and not tenant.tenants():
        return None
    return {'tenant': tenant, 'section': section, 'coming': coming,
            'count': register.volunteer_count() if register is not None else 0}
