"""colander schemas: teams, activities, the registration form, adjustments, imports."""
import datetime

import colander
import deform

from ..content.forms import LocalDateTime, datetime_node
from ..i18n import _
from .model import GENDERS, STATUSES, valid_id_number

PHONE_RE = r'^1\d{10}$'
SKILLS_MAX = 10


def text(name, title, max_len=200, required=False, rows=None, description=''):
    widget = deform.widget.TextAreaWidget(rows=rows) if rows else None
    return colander.SchemaNode(
        colander.String(), name=name, title=title, description=description,
        missing=colander.required if required else '',
        validator=colander.Length(min=1 if required else 0, max=max_len), widget=widget)


def split_skills(value):
    """'急救, 理发；陪诊' → ('急救', '理发', '陪诊')."""
    if isinstance(value, (list, tuple)):
        parts = value
    else:
        for sep in '，、；;':
            value = (value or '').replace(sep, ',')
        parts = value.split(',')
    return tuple(p.strip() for p in parts if p and p.strip())[:SKILLS_MAX]


class Skills(colander.String):
    """Skills typed as one line separated by commas; stored as a tuple."""

    def serialize(self, node, appstruct):
        if appstruct is colander.null or appstruct is None:
            return colander.null
        return '，'.join(appstruct)

    def deserialize(self, node, cstruct):
        if isinstance(cstruct, (list, tuple)):
            return split_skills(cstruct)
        value = super().deserialize(node, cstruct)
        return () if value is colander.null else split_skills(value)


def skills_node(name='skills', title=_('Skills')):
    return colander.SchemaNode(Skills(), name=name, title=title, missing=(),
                               description=_('Separate several with commas.'))


def teams_of(context):
    """(slug, title) of the teams in the volunteers section of `context`."""
    from ..tree import Section
    node = context
    while node is not None and not isinstance(node, Section):
        node = node.__parent__
    if node is None:
        return []
    return sorted(((name, item.title) for name, item in node.items()
                   if getattr(item, 'type_name', None) == 'volunteer_team'),
                  key=lambda pair: pair[1])


def _teams(kw):
    if 'teams' in kw:
        return list(kw['teams'])
    return teams_of(kw.get('context'))


@colander.deferred
def team_widget(node, kw):
    return deform.widget.SelectWidget(values=[('', '—')] + _teams(kw))


@colander.deferred
def team_validator(node, kw):
    return colander.OneOf([''] + [name for name, _title in _teams(kw)])


def team_node():
    return colander.SchemaNode(colander.String(), name='team', title=_('Team'), missing='',
                               widget=team_widget, validator=team_validator)


def team_schema(**kw):
    """A volunteer team (志愿服务队); its phone is an office phone, shown to the public."""
    schema = colander.MappingSchema(**kw)
    schema.add(text('title', _('Title'), 100, required=True))
    schema.add(text('summary', _('About the team'), 2000, rows=3))
    schema.add(text('leader', _('Team leader'), 50))
    schema.add(text('phone', _('Team phone'), 40,
                    description=_('An office phone: it is shown to the public.')))
    return schema


def _activity_times(node, value):
    exc = colander.Invalid(node)
    if value.get('starts') and value.get('ends') and value['ends'] <= value['starts']:
        exc['ends'] = _('The end must be after the start.')
    if value.get('signup_deadline') and value.get('ends') and \
            value['signup_deadline'] > value['ends']:
        exc['signup_deadline'] = _('The sign-up deadline must be before the end.')
    if exc.children:
        raise exc


def activity_schema(validator=None, **kw):
    """A volunteer activity staff publish for volunteers to sign up to."""
    def both(node, value):
        _activity_times(node, value)
        if validator is not None:
            validator(node, value)
    schema = colander.MappingSchema(validator=both, **kw)
    schema.add(text('title', _('Title'), 100, required=True))
    schema.add(text('summary', _('About the activity'), 4000, rows=5))
    schema.add(team_node())
    schema.add(colander.SchemaNode(
        LocalDateTime(), name='starts', title=_('Starts'),
        widget=deform.widget.TextInputWidget(attributes={'type': 'datetime-local'})))
    schema.add(colander.SchemaNode(
        LocalDateTime(), name='ends', title=_('Ends'),
        widget=deform.widget.TextInputWidget(attributes={'type': 'datetime-local'})))
    schema.add(text('place', _('Place'), 200, required=True))
    schema.add(colander.SchemaNode(colander.Integer(), name='places',
                                   title=_('Places available'),
                                   validator=colander.Range(1, 10000)))
    schema.add(skills_node('skills', _('Skills wanted')))
    schema.add(datetime_node('signup_deadline', _('Sign-up deadline'),
                             _('Leave empty to take sign-ups until the start.')))
    return schema


# --- registration ------------------------------------------------------------------

def _id_number(node, value):
    if not valid_id_number(value):
        raise colander.Invalid(node, _('This is not a valid 18-digit identity number.'))


def _birth_year_range():
    year = datetime.date.today().year
    return colander.Range(year - 100, year - 8,
                          min_err=_('Enter a real birth year.'),
                          max_err=_('Enter a real birth year.'))


def person_nodes(schema, ask_status=False):
    """The fields of a volunteer the register keeps (private ones included)."""
    schema.add(text('name', _('Full name'), 20, required=True))
    schema.add(colander.SchemaNode(
        colander.String(), name='gender', title=_('Gender'), validator=colander.OneOf(GENDERS),
        widget=deform.widget.RadioChoiceWidget(values=[(g, g) for g in GENDERS], inline=True)))
    schema.add(colander.SchemaNode(colander.Integer(), name='birth_year', title=_('Birth year'),
                                   validator=_birth_year_range()))
    schema.add(colander.SchemaNode(
        colander.String(), name='phone', title=_('Mobile phone'),
        validator=colander.Regex(PHONE_RE, _('Enter an 11-digit mobile number.'))))
    schema.add(colander.SchemaNode(
        colander.String(), name='id_number', title=_('Identity card number'),
        preparer=lambda v: v.strip().upper() if isinstance(v, str) else v,
        validator=_id_number))
    schema.add(skills_node())
    schema.add(team_node())
    if ask_status:
        schema.add(colander.SchemaNode(
            colander.String(), name='status', title=_('Status'),
            validator=colander.OneOf(STATUSES),
            widget=deform.widget.SelectWidget(values=[(s, s) for s in STATUSES])))
    return schema


LOGIN_RE = r'^[A-Za-z0-9._-]{2,40}$'


def _must_consent(node, value):
    if value is not True:
        raise colander.Invalid(node, _('Please agree to continue.'))


def registration_schema(with_account=True):
    """What a resident fills in to register as a volunteer."""
    schema = person_nodes(colander.MappingSchema())
    if with_account:
        schema.add(colander.SchemaNode(
            colander.String(), name='login', title=_('User name for logging in'),
            validator=colander.Regex(LOGIN_RE, _('User names use letters, digits, dot, '
                                                 'dash and underscore.'))))
        schema.add(colander.SchemaNode(
            colander.String(), name='password', title=_('Password'),
            validator=colander.Length(min=8, max=200,
                                      min_err=_('At least 8 characters.')),
            widget=deform.widget.CheckedPasswordWidget()))
    schema.add(colander.SchemaNode(
        colander.Boolean(), name='consent', title=_('Consent'), validator=_must_consent,
        widget=deform.widget.CheckboxWidget(),
        description=_('I agree that the community keeps these details to manage volunteer '
                      'service; the public sees only my masked name, team and hours.')))
    return schema


def volunteer_edit_schema():
    """Staff edit a volunteer's record."""
    return person_nodes(colander.MappingSchema(), ask_status=True)


def finite_range(low, high):
    """A Range that refuses NaN first (comparing a NaN Decimal raises, not fails)."""
    in_range = colander.Range(low, high)

    def validate(node, value):
        if not value.is_finite():
            raise colander.Invalid(node, _('Enter a number.'))
        in_range(node, value)
    return validate


def _hours_node(name, title, allow_negative=False):
    low = -1000 if allow_negative else 0
    return colander.SchemaNode(colander.Decimal(quant='0.1'), name=name, title=title,
                               validator=finite_range(low, 1000))


def adjustment_schema():
    """An explicit correction of one ledger entry."""
    schema = colander.MappingSchema()
    schema.add(colander.SchemaNode(colander.String(), name='corrects',
                                   title=_('Entry to correct'),
                                   widget=deform.widget.SelectWidget(values=())))
    schema.add(_hours_node('hours', _('Hours to add (negative to take away)'), True))
    schema.add(text('reason', _('Reason'), 500, required=True, rows=2))
    return schema
