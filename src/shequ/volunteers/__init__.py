"""Volunteer service (志愿服务): teams, activities, the volunteer register, service hours
with their publicity period, certificates and honour boards.

Teams and activities are content items of the `volunteers` section (listed, searched,
workflow). Volunteers are not: they live in the section's `Register` (`model.py`), so
their private fields never reach a listing or the search index, and pages read one
volunteer by number without loading the others.
"""
from BTrees.OOBTree import OOBTree

from ..content import Content
from ..i18n import _
from .model import Places, get_register
from .schema import activity_schema, team_schema

SECTION = 'volunteers'


class VolunteerTeam(Content):
    """A volunteer service team (志愿服务队)."""

    type_name = 'volunteer_team'
    fields = ('title', 'summary', 'leader', 'phone')
    summary = ''
    leader = ''
    phone = ''

    def search_fields(self):
        fields = super().search_fields()
        fields['body'] = '\n'.join(p for p in (self.summary, self.leader) if p)
        fields['category'] = '志愿服务队'
        return fields


class VolunteerActivity(Content):
    """An activity volunteers sign up to; sign-ups keyed by volunteer number.

    `seats` (a `Places`) counts places taken, merging concurrent sign-ups unless they
    would overbook; `signups` and `attendance` are OOBTrees keyed by volunteer number, so
    two volunteers signing up at once change different keys.
    """

    type_name = 'volunteer_activity'
    fields = ('title', 'summary', 'team', 'starts', 'ends', 'place', 'places', 'skills',
              'signup_deadline')
    summary = ''
    team = ''
    starts = None
    ends = None
    place = ''
    places = 1
    skills = ()
    signup_deadline = None

    def __init__(self, **kw):
        self.seats = Places(int(kw.get('places') or 1))
        self.signups = OOBTree()        # number → signed-up time (UTC)
        self.attendance = OOBTree()     # number → (minutes, entry id, staff login, time)
        super().__init__(**kw)

    def update(self, **kw):
        if 'skills' in kw:
            kw['skills'] = tuple(kw['skills'] or ())
        changed = super().update(**kw)
        if 'places' in changed and self.seats.capacity != self.places:
            self.seats.capacity = self.places
        return changed

    @property
    def category(self):
        return '志愿活动'

    @property
    def keywords(self):
        return self.skills

    @property
    def deadline(self):
        """Sign-ups close at the deadline, or at the start when none is set."""
        return self.signup_deadline or self.starts

    @property
    def duration_minutes(self):
        if not self.starts or not self.ends:
            return 0
        return max(int((self.ends - self.starts).total_seconds() // 60), 0)

    def search_fields(self):
        """Public text only: title, summary, place, skills wanted (never a volunteer)."""
        fields = super().search_fields()
        fields['body'] = '\n'.join(p for p in (self.summary, self.place) if p)
        return fields


def _index_activity(event):
    """Keep the section's calendar of activities by start, for the tenant panel."""
    from ..tree.events import ObjectWillBeRemoved
    item = event.object
    if not isinstance(item, VolunteerActivity) or event.parent is None:
        return
    register = get_register(event.parent, create=True)
    old = register.calendar_keys.get(event.name)
    new = None if isinstance(event, ObjectWillBeRemoved) or item.starts is None \
        else (item.starts, event.name)
    if old == new:
        return
    if old is not None:
        register.calendar.pop(old, None)
        del register.calendar_keys[event.name]
    if new is not None:
        register.calendar[new] = event.name
        register.calendar_keys[event.name] = new


AUDIT_ACTIONS = {
    'volunteer-approve': _('Volunteer registration approved'),
    'volunteer-refuse': _('Volunteer registration refused'),
    'volunteer-edit': _('Volunteer record changed'),
    'volunteer-hours': _('Service hours recorded'),
    'volunteer-adjust': _('Service hours adjusted'),
    'volunteer-certificate': _('Service certificate issued'),
}


def includeme(config):
    """Register the section, the two content types, the register's traversal and views."""
    from ..tree.events import ObjectAdded, ObjectModified, ObjectWillBeRemoved
    from .imports import import_schema, apply_import
    from .pages import section_fallback
    from .views import panel
    config.add_translation_dirs('shequ.volunteers:locale')
    config.add_section(SECTION, _('Volunteers'), order=40)
    config.add_content_type('volunteer_team', VolunteerTeam, team_schema, _('Volunteer team'),
                            SECTION, add_permission='add')
    config.add_content_type('volunteer_activity', VolunteerActivity, activity_schema,
                            _('Volunteer activity'), SECTION, add_permission='add')
    config.add_section_fallback(SECTION, section_fallback)
    config.add_tenant_import_key('volunteers', import_schema, apply_import)
    config.add_tenant_panel('volunteers', panel, 'shequ.volunteers:templates/panel.pt',
                            order=40)
    for event in (ObjectAdded, ObjectModified, ObjectWillBeRemoved):
        config.add_subscriber(_index_activity, event)
    for action, label in AUDIT_ACTIONS.items():
        config.add_audit_action(action, label)
    config.add_static_view('_volunteers', 'shequ.volunteers:static', cache_max_age=3600)
    config.scan('.views')
    config.scan('.people')
    config.scan('.activities')
    config.scan('.boards')
    config.scan('.registration')
    config.scan('.certificates')
    config.scan('.exports')
