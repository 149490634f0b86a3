"""The tenant-tree file's `volunteers` key: teams, activities, volunteers and hours.

Loading is a merge: teams and activities by slug, volunteers by number, hours by a key
made of their fields (loading a file twice records nothing twice). Hours whose date is
older than the publicity period count at once.
"""
import datetime
import hashlib
from decimal import Decimal

import colander

from ..clock import CHINA_TZ
from ..content import PUBLISHED
from ..tree import SLUG_RE
from ..tree.ops import add, modify
from . import SECTION, VolunteerActivity, VolunteerTeam
from . import ledger
from .model import GENDERS, STATUSES, Volunteer, get_register, valid_id_number
from .schema import Skills, activity_schema, finite_range, team_schema


def _strict(schema):
    schema.typ = colander.Mapping(unknown='raise')
    return schema


def _slug():
    return colander.SchemaNode(colander.String(), name='slug', validator=colander.Regex(SLUG_RE))


def _id_number(node, value):
    if not valid_id_number(value):
        raise colander.Invalid(node, '不是有效的18位身份证号码')


def _volunteer_schema():
    schema = _strict(colander.MappingSchema(name='volunteer'))
    schema.add(colander.SchemaNode(colander.String(), name='number',
                                   validator=colander.Regex(r'^V\d{6}$', '编号格式为 V000001')))
    schema.add(colander.SchemaNode(colander.String(), name='name',
                                   validator=colander.Length(1, 20)))
    schema.add(colander.SchemaNode(colander.String(), name='gender',
                                   validator=colander.OneOf(GENDERS)))
    schema.add(colander.SchemaNode(colander.Integer(), name='birth_year',
                                   validator=colander.Range(1900, 2030)))
    schema.add(colander.SchemaNode(colander.String(), name='phone',
                                   validator=colander.Regex(r'^1\d{10}$', '手机号为11位数字')))
    schema.add(colander.SchemaNode(colander.String(), name='id_number', validator=_id_number))
    schema.add(colander.SchemaNode(Skills(), name='skills', missing=()))
    schema.add(colander.SchemaNode(colander.String(), name='team', missing=''))
    schema.add(colander.SchemaNode(colander.Date(), name='registered', missing=None))
    schema.add(colander.SchemaNode(colander.String(), name='status', missing=STATUSES[0],
                                   validator=colander.OneOf(STATUSES)))
    schema.add(colander.SchemaNode(colander.String(), name='login', missing=None))
    return schema


def _hours_schema():
    schema = _strict(colander.MappingSchema(name='entry'))
    schema.add(colander.SchemaNode(colander.String(), name='volunteer'))
    schema.add(colander.SchemaNode(colander.Date(), name='date'))
    schema.add(colander.SchemaNode(colander.Decimal(quant='0.1'), name='hours',
                                   validator=finite_range(Decimal('0.1'), 24)))
    schema.add(colander.SchemaNode(colander.String(), name='activity', missing=''))
    schema.add(colander.SchemaNode(colander.String(), name='title', missing='',
                                   validator=colander.Length(max=100)))
    return schema


def _with_slug(schema):
    schema = _strict(schema)
    schema.add(_slug())
    if 'team' in schema:
        schema['team'].validator = None
        schema['team'].widget = None
    return schema


def _check_refs(node, value):
    teams = {t['slug'] for t in value.get('teams', ())}
    numbers = {v['number'] for v in value.get('volunteers', ())}
    activities = {a['slug'] for a in value.get('activities', ())}
    exc = colander.Invalid(node)
    for i, entry in enumerate(value.get('hours', ())):
        if entry['volunteer'] not in numbers:
            exc.add(colander.Invalid(node['hours'], '未知的志愿者编号 %s' % entry['volunteer']), i)
        elif entry['activity'] and entry['activity'] not in activities:
            exc.add(colander.Invalid(node['hours'], '未知的活动 %s' % entry['activity']), i)
    seen = {}
    for i, entry in enumerate(value.get('volunteers', ())):
        for field in ('number', 'id_number'):
            if (field, entry[field]) in seen:
                exc.add(colander.Invalid(node['volunteers'], '%s 重复: %s' % (
                    field, entry[field])), i)
            seen[(field, entry[field])] = i
    for key in ('volunteers', 'activities'):
        for i, entry in enumerate(value.get(key, ())):
            if entry['team'] and entry['team'] not in teams:
                exc.add(colander.Invalid(node[key], '未知的服务队 %s' % entry['team']), i)
    if exc.children:
        raise exc


def import_schema():
    """{teams, activities, volunteers, hours}, unknown keys refused."""
    schema = _strict(colander.MappingSchema(validator=_check_refs))
    schema.add(colander.SchemaNode(colander.Sequence(), _with_slug(team_schema(name='team')),
                                   name='teams', missing=()))
    schema.add(colander.SchemaNode(colander.Sequence(),
                                   _with_slug(activity_schema(name='activity')),
                                   name='activities', missing=()))
    schema.add(colander.SchemaNode(colander.Sequence(), _volunteer_schema(),
                                   name='volunteers', missing=()))
    schema.add(colander.SchemaNode(colander.Sequence(), _hours_schema(), name='hours',
                                   missing=()))
    return schema


def _merge_item(section, factory, fields, registry):
    fields = dict(fields)
    slug = fields.pop('slug')
    existing = section.get(slug)
    if existing is not None:
        modify(existing, registry, **fields)
        return existing
    item = factory(**fields)
    item.state = PUBLISHED
    return add(section, slug, item, registry)


def apply_import(tenant, value, registry):
    """Merge the `volunteers` key of a tenant-tree file into `tenant`."""
    section = tenant[SECTION]
    for team in value['teams']:
        _merge_item(section, VolunteerTeam, team, registry)
    for activity in value['activities']:
        _merge_item(section, VolunteerActivity, activity, registry)
    register = get_register(section, create=True)
    for fields in value['volunteers']:
        _merge_volunteer(register, fields)
    days = ledger.publicity_days(section)
    today = datetime.datetime.now(CHINA_TZ).date()
    for entry in value['hours']:
        volunteer = register.get(entry['volunteer'])
        key = '|'.join(str(entry[k]) for k in ('volunteer', 'date', 'hours', 'activity',
                                              'title'))
        entry_id = 'imp-' + hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]
        if ledger.find_entry(volunteer, entry_id) is not None:
            continue
        activity = section.get(entry['activity']) if entry['activity'] else None
        title = entry['title'] or (activity.title if activity is not None else '')
        path = '/'.join(('', *_path(section), entry['activity'])) if activity else ''
        left = max(days - (today - entry['date']).days, 0)
        ledger.record_service(register, volunteer, int(entry['hours'] * 60), entry['date'],
                              left, 'import', path, title, entry_id=entry_id)


def _path(node):
    names = []
    while node is not None and node.__name__:
        names.append(node.__name__)
        node = node.__parent__
    return reversed(names)


def _merge_volunteer(register, fields):
    number = fields['number']
    volunteer = register.get(number)
    values = {k: v for k, v in fields.items() if k != 'number'}
    if values['registered'] is None:
        values['registered'] = datetime.date.today()
    if volunteer is None:
        volunteer = Volunteer(number, **values)
        register.volunteers[number] = volunteer
        register.volunteer_count.change(1)
    else:
        register.by_id.pop(volunteer.id_number, None)
        for key, value in values.items():
            if getattr(volunteer, key) != value:
                setattr(volunteer, key, value)
    register.by_id[volunteer.id_number] = number
    if volunteer.login:
        register.by_login[volunteer.login] = number
