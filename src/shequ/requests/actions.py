"""Every change of a request: submitting it and each step of the state machine.

Each step checks the transition table (`states.py`), appends to the request's history and
sets the changed fields through `tree.ops.modify`, so the audit log, the page cache and any
other subscriber hear of it. `rr` is the current request (whose user acts) or, for imports
and the CLI, the registry with an explicit `actor`.
"""
from pyramid.threadlocal import get_current_registry

from ..clock import local, utcnow
from ..tree import find_county, find_tenant, tenant_path
from ..tree.ops import modify
from . import notify
from .model import (BAD_RATING, RATINGS, ResidentRequest, county_prefix, get_index,
                    get_store, section_of)
from .states import next_state
from .workdays import calendar_for


def _registry(rr):
    if rr is None:
        return get_current_registry()
    return rr.registry if hasattr(rr, 'method') else rr


def actor_of(rr, actor=None):
    """(login, display name) of whoever acts: `actor`, else the request's user."""
    if actor is not None:
        return actor
    user = getattr(rr, 'identity', None) if hasattr(rr, 'method') else None
    if user is not None:
        return user.login, user.name
    return '', ''


def calendar_of(resource, registry):
    store = get_store(resource)
    return calendar_for(registry, store.calendar if store is not None else None)


def limit_days(store, kind, urgent):
    return store.limit('urgent') if urgent else store.limit(kind)


def submit(section, rr, kind, category, description, location='', name='', phone='',
           email='', may_publish=False, urgent=False, photos=(), now=None, number=None,
           via='web'):
    """Store a new request submitted to the tenant of `section`; returns it.

    `photos` are Photo objects. `number` (imports only) keeps a number given in a file.
    """
    registry = _registry(rr)
    now = now or utcnow()
    store = get_store(section, create=True)
    tenant = find_tenant(section)
    origin = tenant_path(tenant)

    def make(num):
        item = ResidentRequest(num, kind, category, description, location, name, phone,
                               email, may_publish, urgent, now, origin, via)
        item.photos = tuple(photos)
        item.deadline = calendar_of(section, registry).deadline(
            now, limit_days(store, kind, urgent))
        return item

    if number is None:
        item = store.claim(county_prefix(section), local(now).strftime('%Y%m%d'), make)
    else:
        item = make(number)
        if not store.insert(item):
            return None
    item.__parent__ = section
    index = get_index(section, create=True)
    index.handling.add(item.number)
    index.origin.add(item.number)
    item.history.append((now, 'submit', '', '', origin, '', ''))
    notify.new_request(registry, tenant, item)
    return item


def step(item, rr, action, actor=None, now=None, text='', target='', **fields):
    """Apply one transition: check it, record it, change the fields (with events)."""
    state = next_state(item.state, action)
    now = now or utcnow()
    login, name = actor_of(rr, actor)
    item.history.append((now, action, login, name, item.tenant, target, text))
    modify(item, rr if hasattr(rr, 'method') else _registry(rr), action='request-' + action,
           detail=item.number, state=state, updated=now, **fields)
    return item


def take(item, rr, actor=None, now=None):
    """首问负责: the first staff member who takes the request owns it."""
    login, name = actor_of(rr, actor)
    return step(item, rr, 'take', (login, name), now, owner=login, owner_name=name)


def transfer(item, rr, target_tenant, reason, actor=None, now=None):
    """Hand the request to another tenant of the same county, with a reason."""
    if find_county(target_tenant) is not find_county(item.__parent__) \
            or tenant_path(target_tenant) == item.tenant:
        raise ValueError('not a tenant to transfer to')
    target = section_of(target_tenant)
    old_index = get_index(item.__parent__, create=True)
    new_index = get_index(target, create=True)
    path = tenant_path(target_tenant)
    # recorded in the log of the tenant that hands it on, then it moves
    step(item, rr, 'transfer', actor, now, text=reason, target=path, tenant=path,
         owner=None, owner_name='')
    old_index.handling.remove(item.number)
    new_index.handling.add(item.number)
    item.__parent__ = target
    notify.new_request(_registry(rr), target_tenant, item)
    return item


def extend(item, rr, days, reason, actor=None, now=None):
    """Move the deadline on by `days` working days; the resident sees the reason."""
    registry = _registry(rr)
    deadline = calendar_of(item.__parent__, registry).extend(item.deadline, days)
    return step(item, rr, 'extend', actor, now, text=reason,
                target=local(deadline).strftime('%Y-%m-%d'), deadline=deadline,
                extended_days=item.extended_days + days, extension_reason=reason)


def note(item, rr, text, actor=None, now=None):
    """An internal note: staff only."""
    return step(item, rr, 'note', actor, now, text=text)


def reply(item, rr, text, actor=None, now=None):
    """办结告知: the answer to the resident (a reopened request may be answered again)."""
    now = now or utcnow()
    fields = {'reply': text, 'replied': now}
    if item.owner is None:
        login, name = actor_of(rr, actor)
        fields.update(owner=login, owner_name=name)
    step(item, rr, 'reply', actor, now, text=text, **fields)
    notify.replied(_registry(rr), item)
    return item


def rate(item, rr, rating, comment='', now=None):
    """The resident's rating: 不满意 reopens the request for the tenant's reviewer."""
    if rating not in RATINGS:
        raise ValueError(rating)
    now = now or utcnow()
    if rating == BAD_RATING:
        step(item, rr, 'rate-bad', ('', ''), now, text=rating + ('：' + comment if comment
                                                                   else ''),
             rating=rating, rating_comment=comment)
        notify.reopened(_registry(rr), find_tenant(item.__parent__), item)
        return item
    return step(item, rr, 'rate-ok', ('', ''), now, text=rating + ('：' + comment if comment
                                                                    else ''),
                rating=rating, rating_comment=comment, closed=now)


def close(item, rr, text='', actor=None, now=None):
    """Close a reopened or answered request (a reviewer's decision), with a word why."""
    now = now or utcnow()
    return step(item, rr, 'close', actor, now, text=text, closed=now)

