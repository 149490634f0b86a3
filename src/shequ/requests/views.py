"""Public pages of a requests section: the section page (published replies), the form,
the tracking number page, looking a request up by number and phone, and the rating.

Nothing here shows a resident's name, phone or e-mail, nor a staff login: the public reads
the unit that handled a request, never who.
"""
import hmac

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ..content.attachments import human_size
from ..i18n import _
from ..tree import LEVEL, Section, find_tenant, walk_tenants
from . import abuse
from .actions import rate, submit
from .model import (CATEGORIES, RATINGS, SECTION, TYPES, Photo, get_index, get_store,
                    section_of)
from .states import ACTION_LABELS, NotAllowed, PUBLIC_ACTIONS, REPLIED, STATE_LABELS
from .stats import public_view_of

MAX_DESCRIPTION = 2000
MAX_LOCATION = 200
MAX_PHOTOS = 3
DEFAULT_PHOTO_MB = 5
PHOTO_TYPES = {b'\x89PNG\r\n\x1a\n': 'image/png', b'\xff\xd8\xff': 'image/jpeg'}
PUBLISHED_SIZE = 20


def photo_type(data):
    """The type of a PNG, JPEG or WebP photo by its first bytes, else None."""
    for magic, content_type in PHOTO_TYPES.items():
        if data.startswith(magic):
            return content_type
    if data[:4] == b'RIFF' and data[8:12] == b'WEBP':
        return 'image/webp'
    return None


def photo_limit(registry):
    return int(float(registry.settings.get('shequ.requests_photo_mb', DEFAULT_PHOTO_MB))
               * 1024 * 1024)


def published(section, size=PUBLISHED_SIZE):
    """Answered requests residents allowed to publish, of this tenant and those below."""
    store = get_store(section)
    if store is None:
        return []
    tenant = find_tenant(section)
    numbers = []
    for t in [tenant, *walk_tenants(tenant)]:
        index = get_index(section_of(t)) if section_of(t) is not None else None
        if index is not None:
            numbers.extend(index.origin)
    items = [store.get(n) for n in numbers]
    items = [i for i in items if i is not None and i.may_publish and i.reply]
    items.sort(key=lambda i: i.replied, reverse=True)
    return items[:size]


@view_config(context=Section, section=SECTION, renderer='templates/section.pt',
             permission='view')
def section_view(context, request):
    """How to ask, the lookup form, the statistics in brief and the published replies."""
    return {'items': published(context), 'types': TYPES,
            'staff': request.has_permission('view_unpublished', context),
            'county': LEVEL.get(find_tenant(context).kind) == 1,
            'summary': public_view_of(context, request)}


def _form_values(request):
    post = request.POST
    return {k: post.get(k, '').strip() for k in
            ('kind', 'category', 'description', 'location', 'name', 'phone', 'email',
             'may_publish', 'urgent')}


def _validate(request, values):
    errors = {}
    if values['kind'] not in TYPES:
        errors['kind'] = _('Choose the type of your request.')
    if values['category'] not in CATEGORIES:
        errors['category'] = _('Choose a category.')
    if not values['description']:
        errors['description'] = _('Describe your request.')
    elif len(values['description']) > MAX_DESCRIPTION:
        errors['description'] = _('At most ${n} characters.', mapping={'n': MAX_DESCRIPTION})
    if len(values['location']) > MAX_LOCATION:
        errors['location'] = _('At most ${n} characters.', mapping={'n': MAX_LOCATION})
    if not values['name'] or len(values['name']) > 30:
        errors['name'] = _('Give your name (at most 30 characters).')
    digits = ''.join(c for c in values['phone'] if c.isdigit())
    if not 5 <= len(digits) <= 15 or len(values['phone']) > 20:
        errors['phone'] = _('Give a phone number we can call you back on.')
    if values['email'] and ('@' not in values['email'] or len(values['email']) > 100):
        errors['email'] = _('This is not an e-mail address.')
    if not abuse.check_challenge(request.registry, request.POST.get('challenge_token'),
                                 request.POST.get('challenge')):
        errors['challenge'] = _('The answer to the question is wrong; try the new one.')
    photos = []
    limit = photo_limit(request.registry)
    uploads = [f for f in request.POST.getall('photo')
               if getattr(f, 'file', None) is not None and getattr(f, 'filename', '')]
    if len(uploads) > MAX_PHOTOS:
        errors['photo'] = _('At most ${n} photos.', mapping={'n': MAX_PHOTOS})
    for upload in uploads[:MAX_PHOTOS]:
        data = upload.file.read(limit + 1)
        content_type = photo_type(data)
        if len(data) > limit:
            errors['photo'] = _('A photo is too big; the limit is ${limit}.',
                                mapping={'limit': human_size(limit)})
        elif content_type is None:
            errors['photo'] = _('Photos must be PNG, JPEG or WebP images.')
        else:
            photos.append((content_type, data))
    return errors, photos


@view_config(context=Section, section=SECTION, name='submit',
             renderer='templates/submit.pt', permission='view')
def submit_view(context, request):
    """The public form (CSRF, challenge, size limits, a per-address rate limit)."""
    values = {'kind': '', 'category': '', 'description': '', 'location': '', 'name': '',
              'phone': '', 'email': '', 'may_publish': '', 'urgent': ''}
    errors, problem = {}, None
    if request.method == 'POST':
        values = _form_values(request)
        errors, photos = _validate(request, values)
        if not errors and not abuse.allow(request):
            problem = _('Too many requests were sent from your network in the last hour. '
                        'Please try again later or call the unit.')
            request.response.status = 429
        elif not errors:
            item = submit(context, request, values['kind'], values['category'],
                          values['description'], values['location'], values['name'],
                          values['phone'], values['email'], bool(values['may_publish']),
                          bool(values['urgent']),
                          [Photo(t, d) for t, d in photos])
            return HTTPFound(request.resource_url(context, '@@submitted',
                                                  query={'number': item.number}))
        else:
            request.response.status = 400
    question, token = abuse.new_challenge(request.registry)
    return {'values': values, 'errors': errors, 'problem': problem, 'types': TYPES,
            'categories': CATEGORIES, 'question': question, 'token': token,
            'max_photos': MAX_PHOTOS, 'photo_limit': human_size(photo_limit(request.registry))}


@view_config(context=Section, section=SECTION, name='submitted',
             renderer='templates/submitted.pt', permission='view')
def submitted_view(context, request):
    number = request.params.get('number', '')[:30]
    return {'number': number}


def lookup(section, number, phone):
    """The request `number` of this county if `phone` is the one given with it."""
    store = get_store(section)
    item = store.get(number.strip().upper()) if store is not None and number else None
    if item is None or not phone:
        return None
    given = ''.join(c for c in phone if c.isdigit())
    stored = ''.join(c for c in item.phone if c.isdigit())
    return item if given and hmac.compare_digest(given, stored) else None


def public_history(item):
    return [e for _pos, e in item.history.since(0) if e[1] in PUBLIC_ACTIONS]


@view_config(context=Section, section=SECTION, name='track',
             renderer='templates/track.pt', permission='view')
def track_view(context, request):
    """Look a request up by number and phone (POST, so the phone is in no URL or log)."""
    number = request.params.get('number', '')[:30]
    values = {'number': number, 'item': None, 'error': None, 'history': [],
              'ratings': RATINGS, 'types': TYPES, 'phone': '', 'may_rate': False,
              'states': STATE_LABELS, 'labels': ACTION_LABELS}
    if request.method != 'POST':
        return values
    phone = request.POST.get('phone', '')[:20]
    item = lookup(context, number, phone)
    if item is None:
        # failed lookups count like submissions: nobody guesses phone numbers for long
        if not abuse.allow(request, 'lookup'):
            request.response.status = 429
            values['error'] = _('Too many requests were sent from your network in the last '
                                'hour. Please try again later or call the unit.')
            return values
        request.response.status = 404
        values['error'] = _('No request has this number and phone number.')
        return values
    if request.POST.get('rating'):
        try:
            rate(item, request, request.POST['rating'],
                 request.POST.get('comment', '').strip()[:500])
        except (ValueError, NotAllowed):
            request.response.status = 400
            values['error'] = _('This request cannot be rated now.')
    values.update(item=item, history=public_history(item), phone=phone,
                  may_rate=item.state == REPLIED)
    return values
