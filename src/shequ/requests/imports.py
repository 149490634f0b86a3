"""The tenant-tree file's `requests` key: requests with their steps, merged by number.

    requests:
    - number: SW20261002-0001
      type: tousu            # zixun qiuzhu tousu jubao jianyi
      category: 环境卫生
      description: …
      location: …
      name: 张建国            # private: never shown publicly
      phone: '13904561234'    # private
      may_publish: true
      submitted: 2026-10-02 09:15
      steps:                 # played through the state machine, in order
      - {action: take, at: 2026-10-02 10:00, by: xingfu-staff, name: 李娜}
      - {action: transfer, at: …, to: /sunwu/qingxi, text: 需街道协调}
      - {action: extend, at: …, days: 5, text: …}
      - {action: reply, at: …, text: …}
      - {action: rate, at: …, rating: 满意, text: …}

A number already stored is left as it is, so loading a file twice adds nothing twice.
"""
import colander
from pyramid.traversal import find_resource

from ..clock import CHINA_TZ
from . import actions
from .model import CATEGORIES, RATINGS, TYPES, section_of
from .states import TRANSITIONS

STEP_ACTIONS = sorted({a for _s, a in TRANSITIONS if not a.startswith('rate')} | {'rate'})


def _strict(schema):
    schema.typ = colander.Mapping(unknown='raise')
    return schema


class China(colander.DateTime):
    """A time without a zone is China time."""

    def __init__(self):
        super().__init__(default_tzinfo=CHINA_TZ)


def _text(name, max_length, missing=colander.required):
    return colander.SchemaNode(colander.String(), name=name, missing=missing,
                               validator=colander.Length(max=max_length))


def _step_schema():
    s = _strict(colander.MappingSchema(name='step'))
    s.add(colander.SchemaNode(colander.String(), name='action',
                              validator=colander.OneOf(STEP_ACTIONS)))
    s.add(colander.SchemaNode(China(), name='at'))
    s.add(_text('by', 60, ''))
    s.add(_text('name', 30, ''))
    s.add(_text('to', 200, ''))
    s.add(_text('text', 2000, ''))
    s.add(colander.SchemaNode(colander.Integer(), name='days', missing=0,
                              validator=colander.Range(0, 30)))
    s.add(colander.SchemaNode(colander.String(), name='rating', missing='',
                              validator=colander.OneOf(('',) + RATINGS)))
    return s


def _request_schema():
    s = _strict(colander.MappingSchema(name='request'))
    s.add(colander.SchemaNode(colander.String(), name='number',
                              validator=colander.Regex(r'^[A-Z]{1,4}\d{8}-\d{4}$',
                                                       '编号格式如 SW20261002-0001')))
    s.add(colander.SchemaNode(colander.String(), name='type',
                              validator=colander.OneOf(tuple(TYPES))))
    s.add(colander.SchemaNode(colander.String(), name='category',
                              validator=colander.OneOf(CATEGORIES)))
    s.add(_text('description', 2000))
    s.add(_text('location', 200, ''))
    s.add(_text('name', 30, ''))
    s.add(_text('phone', 20, ''))
    s.add(_text('email', 100, ''))
    s.add(colander.SchemaNode(colander.Boolean(), name='may_publish', missing=False))
    s.add(colander.SchemaNode(colander.Boolean(), name='urgent', missing=False))
    s.add(colander.SchemaNode(China(), name='submitted'))
    s.add(colander.SequenceSchema(_step_schema(), name='steps', missing=()))
    return s


def import_schema():
    return colander.SequenceSchema(_request_schema(), name='requests')


def apply_import(tenant, value, registry):
    """Submit each request not stored yet and play its steps with their times."""
    section = section_of(tenant)
    for entry in value:
        item = actions.submit(section, registry, entry['type'], entry['category'],
                              entry['description'], entry['location'], entry['name'],
                              entry['phone'], entry['email'], entry['may_publish'],
                              entry['urgent'], now=entry['submitted'],
                              number=entry['number'], via='import')
        if item is None:
            continue
        for s in entry['steps']:
            actor = (s['by'], s['name'])
            if s['action'] == 'take':
                actions.take(item, registry, actor, s['at'])
            elif s['action'] == 'transfer':
                target = find_resource(_root(tenant), s['to'])
                actions.transfer(item, registry, target, s['text'], actor, s['at'])
            elif s['action'] == 'extend':
                actions.extend(item, registry, s['days'] or 1, s['text'], actor, s['at'])
            elif s['action'] == 'note':
                actions.note(item, registry, s['text'], actor, s['at'])
            elif s['action'] == 'reply':
                actions.reply(item, registry, s['text'], actor, s['at'])
            elif s['action'] == 'rate':
                actions.rate(item, registry, s['rating'], s['text'], s['at'])
            elif s['action'] == 'close':
                actions.close(item, registry, s['text'], actor, s['at'])


def _root(node):
    while node.__parent__ is not None:
        node = node.__parent__
    return node
