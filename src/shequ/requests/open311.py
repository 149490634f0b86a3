"""Open311 GeoReport v2 for each tenant, JSON and XML as the specification defines them.

    <tenant>/requests/open311/discovery.{json,xml}
    <tenant>/requests/open311/v2/services.{json,xml}
    <tenant>/requests/open311/v2/services/<code>.{json,xml}
    <tenant>/requests/open311/v2/requests.{json,xml}        GET (filters), POST (api_key)
    <tenant>/requests/open311/v2/requests/<id>.{json,xml}

Services are the five request types; `category` and `anonymous_publish` are their
attributes. States map to open/closed, the detailed state in `status_notes`;
`expected_datetime` is the working-day deadline. A description is shown only when the
resident allowed publishing; names, phones and e-mails are never in any answer. Errors
are GeoReport error arrays with the HTTP status. POST needs no CSRF token: it carries an
`api_key` the tenant's administrator issued (`@@api-keys`, `shequ apikey add`).
"""
import datetime
import json
import xml.etree.ElementTree as ET

from pyramid.response import Response
from pyramid.view import view_config

from ..clock import CHINA_TZ, local, utcnow
from ..tree import find_tenant, tenant_path
from . import abuse, apikeys
from .actions import submit
from .model import CATEGORIES, TYPES, get_store, requests_below
from .pages import Open311, Open311Item, Open311V2
from .states import STATE_LABELS, is_open

SPEC = 'http://wiki.open311.org/GeoReport_v2'
CHANGESET = '2026-12-02T00:00:00+08:00'
MAX_RESULTS = 1000
DEFAULT_DAYS = 90
TYPE_DESCRIPTIONS = {
    'zixun': '政策、办事咨询', 'qiuzhu': '生活困难、紧急求助', 'tousu': '对服务或管理的投诉',
    'jubao': '违法违规行为举报', 'jianyi': '对社区治理的意见建议'}


def stamp(dt):
    return local(dt).isoformat(timespec='seconds') if dt is not None else None


def _xml(tag, value):
    el = ET.Element(tag)
    if isinstance(value, dict):
        for k, v in value.items():
            el.append(_xml(k, v))
    elif isinstance(value, list):
        child = {'services': 'service', 'service_requests': 'request', 'errors': 'error',
                 'attributes': 'attribute', 'values': 'value', 'endpoints': 'endpoint',
                 'formats': 'format'}.get(tag, 'item')
        for v in value:
            el.append(_xml(child, v))
    elif value is True or value is False:
        el.text = 'true' if value else 'false'
    elif value is not None:
        el.text = str(value)
    return el


def answer(data, fmt, root_tag, status=200):
    """`data` as JSON, or as XML under `root_tag`."""
    if fmt == 'xml':
        body = ET.tostring(_xml(root_tag, data), encoding='utf-8', xml_declaration=True)
        response = Response(body=body, content_type='text/xml', charset='utf-8')
    else:
        response = Response(body=json.dumps(data, ensure_ascii=False).encode('utf-8'),
                            content_type='application/json', charset='utf-8')
    response.status = status
    response.headers['Access-Control-Allow-Origin'] = '*'
    return response


def error(fmt, status, description):
    return answer([{'code': status, 'description': description}], fmt, 'errors', status)


def _service(code, translate):
    return {'service_code': code, 'service_name': translate(TYPES[code]),
            'description': TYPE_DESCRIPTIONS[code], 'metadata': True, 'type': 'realtime',
            'keywords': translate(TYPES[code]), 'group': '居民诉求'}


def _request(item, translate, tenant_title):
    state_label = translate(STATE_LABELS[item.state])
    notes = state_label
    if item.extended_days:
        notes += '；延期 %d 个工作日：%s' % (item.extended_days, item.extension_reason)
    if item.reply and item.may_publish:
        notes += '；答复：%s' % item.reply
    return {
        'service_request_id': item.number,
        'status': 'open' if is_open(item.state) else 'closed',
        'status_notes': notes,
        'service_name': translate(TYPES[item.kind]),
        'service_code': item.kind,
        'description': item.description if item.may_publish else '',
        'agency_responsible': tenant_title,
        'service_notice': '',
        'requested_datetime': stamp(item.submitted),
        'updated_datetime': stamp(item.updated),
        'expected_datetime': stamp(item.deadline),
        'address': item.location if item.may_publish else '',
        'address_id': '',
        'zipcode': '',
        'lat': '',
        'long': '',
        'media_url': '',
    }


def _fmt(name):
    return name.rpartition('.')[2]


def _discovery(context, request):
    fmt = _fmt(request.view_name)
    url = request.resource_url(context, 'v2').rstrip('/')
    tenant = find_tenant(context.__parent__)
    data = {'changeset': CHANGESET,
            'contact': '%s 诉求接口' % tenant.title,
            'key_service': request.resource_url(context.__parent__, '@@api-keys'),
            'endpoints': [{'specification': SPEC, 'url': url, 'changeset': CHANGESET,
                           'type': 'production', 'formats': ['text/xml',
                                                             'application/json']}]}
    return answer(data, fmt, 'discovery')


for _f in ('json', 'xml'):
    view_config(context=Open311, name='discovery.' + _f, permission='view')(_discovery)


def _services(context, request):
    translate = request.localizer.translate
    return answer([_service(c, translate) for c in TYPES], _fmt(request.view_name),
                  'services')


def _unit_titles(context):
    from .staff import unit_title
    return lambda path: unit_title(context, path)


def _requests_get(context, request):
    fmt = _fmt(request.view_name)
    translate = request.localizer.translate
    store = get_store(context.section)
    items = requests_below(store, find_tenant(context.section))
    params = request.GET
    ids = [i.strip() for i in params.get('service_request_id', '').split(',') if i.strip()]
    if ids:
        items = [i for i in items if i.number in ids]
    else:
        codes = [c.strip() for c in params.get('service_code', '').split(',') if c.strip()]
        if codes:
            items = [i for i in items if i.kind in codes]
        status = params.get('status', '').strip()
        if status:
            wanted = set(status.split(','))
            if not wanted <= {'open', 'closed'}:
                return error(fmt, 400, 'status must be open or closed')
            items = [i for i in items if ('open' if i.is_open() else 'closed') in wanted]
        try:
            end = _when(params.get('end_date')) or utcnow()
            start = _when(params.get('start_date')) or end - datetime.timedelta(
                days=DEFAULT_DAYS)
        except ValueError:
            return error(fmt, 400, 'start_date and end_date must be w3c date-times')
        items = [i for i in items if start <= i.submitted <= end]
    items.sort(key=lambda i: i.submitted, reverse=True)
    title = _unit_titles(context)
    return answer([_request(i, translate, title(i.tenant)) for i in items[:MAX_RESULTS]],
                  fmt, 'service_requests')


def _when(text):
    if not text:
        return None
    value = datetime.datetime.fromisoformat(text.strip().replace('Z', '+00:00'))
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHINA_TZ)
    return value.astimezone(datetime.timezone.utc)


def _requests_post(context, request):
    fmt = _fmt(request.view_name)
    post = request.POST
    section = context.section
    if apikeys.find(section, post.get('api_key', '')) is None:
        return error(fmt, 403, 'a valid api_key is required')
    code = post.get('service_code', '')
    if code not in TYPES:
        return error(fmt, 400, 'service_code not found')
    description = post.get('description', '').strip()
    if not description or len(description) > 2000:
        return error(fmt, 400, 'description is required (at most 2000 characters)')
    location = post.get('address_string', '').strip()[:200]
    lat, lon = post.get('lat', '').strip(), post.get('long', '').strip()
    if not location and not (lat and lon) and not post.get('address_id'):
        return error(fmt, 400, 'a location is required: lat and long, address_string or '
                               'address_id')
    if not location:
        location = ('%s,%s' % (lat, lon))[:200] if lat and lon else post.get(
            'address_id', '')[:200]
    category = post.get('attribute[category]', '其他')
    if category not in CATEGORIES:
        return error(fmt, 400, 'attribute[category] is not one of the listed values')
    if not abuse.allow(request):
        return error(fmt, 429, 'too many requests from this address; try again later')
    name = ('%s%s' % (post.get('last_name', ''), post.get('first_name', ''))).strip()[:30]
    item = submit(section, request, code, category, description, location, name,
                  post.get('phone', '').strip()[:20], post.get('email', '').strip()[:100],
                  post.get('attribute[anonymous_publish]') == 'true', via='open311')
    notice = '已受理，请在 %s 前留意答复' % local(item.deadline).strftime('%Y-%m-%d')
    return answer([{'service_request_id': item.number, 'service_notice': notice,
                    'account_id': None}], fmt, 'service_requests')


for _f in ('json', 'xml'):
    view_config(context=Open311V2, name='services.' + _f, request_method='GET',
                permission='view')(_services)
    view_config(context=Open311V2, name='requests.' + _f, request_method='GET',
                permission='view')(_requests_get)
    view_config(context=Open311V2, name='requests.' + _f, request_method='POST',
                permission='view', require_csrf=False)(_requests_post)


@view_config(context=Open311Item, permission='view', request_method='GET')
def item_view(context, request):
    """`services/<code>.<fmt>` (the definition) or `requests/<id>.<fmt>` (one request)."""
    fmt = context.fmt
    if context.kind == 'services':
        if context.key not in TYPES:
            return error(fmt, 404, 'service_code not found')
        attributes = [
            {'variable': True, 'code': 'category', 'datatype': 'singlevaluelist',
             'required': True, 'datatype_description': '诉求类别', 'order': 1,
             'description': '类别',
             'values': [{'key': c, 'name': c} for c in CATEGORIES]},
            {'variable': True, 'code': 'anonymous_publish', 'datatype': 'singlevaluelist',
             'required': False, 'datatype_description': '是否同意匿名公开诉求和答复',
             'order': 2, 'description': '同意匿名公开',
             'values': [{'key': 'true', 'name': '同意'}, {'key': 'false', 'name': '不同意'}]},
        ]
        return answer({'service_code': context.key, 'attributes': attributes}, fmt,
                      'service_definition')
    store = get_store(context.section)
    item = store.get(context.key) if store is not None else None
    here = tenant_path(find_tenant(context.section)).rstrip('/') + '/'
    if item is None or not ((item.origin.rstrip('/') + '/').startswith(here)
                            or (item.tenant.rstrip('/') + '/').startswith(here)):
        return error(fmt, 404, 'service_request_id not found')
    title = _unit_titles(context)(item.tenant)
    return answer([_request(item, request.localizer.translate, title)], fmt,
                  'service_requests')


@view_config(context=Open311V2, permission='view')
@view_config(context=Open311, permission='view')
def api_root(context, request):
    return error('json', 404, 'see discovery.json')
