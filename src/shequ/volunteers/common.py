"""Helpers every volunteer view uses: the section, the logged-in volunteer, team titles,
auditing, and who may see a volunteer's private fields."""
from ..security.audit import record
from ..tree import Section, Tenant, find_tenant
from . import SECTION, VolunteerTeam
from .model import get_register
from .schema import teams_of


def section_of(context):
    """The volunteers section of the tenant `context` is in (or is)."""
    tenant = context if isinstance(context, Tenant) else find_tenant(context)
    section = tenant.get(SECTION) if tenant is not None else None
    return section if isinstance(section, Section) else None


def own_volunteer(request, section):
    """The volunteer record of the logged-in user in this section's register, or None."""
    register = get_register(section) if section is not None else None
    login = request.authenticated_userid
    return register.for_login(login) if register is not None and login else None


def team_titles(section):
    """{slug: title} of every team (forms and staff lists: reads the section's items)."""
    return dict(teams_of(section)) if section is not None else {}


def team_title(section, slug):
    """The title of one team, read by its slug (public pages: no walk over the section)."""
    team = section.get(slug) if section is not None and slug else None
    return team.title if isinstance(team, VolunteerTeam) else ''


def audit(section, request, action, target, title):
    record(find_tenant(section), request, action, target, title)



def may_see_private(request, page):
    """Staff of the tenant, or the volunteer themself."""
    if request.has_permission('edit', page):
        return True
    login = request.authenticated_userid
    return bool(login) and page.volunteer.login == login
