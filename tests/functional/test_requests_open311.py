"""Open311 GeoReport v2 as a third-party app uses it: plain JSON and XML over HTTP.

The client below knows nothing of shequ's code: it reads the discovery document, lists
services, reads a service definition, posts a request with a key issued by
`shequ apikey add`, and reads it back by id.
"""
import json
import xml.etree.ElementTree as ET

from webtest import TestApp

from helpers import add_user, login
from sitekit import BASE_FILE, SITE_LAYOUT, Site, write_ini
from shequ.cli import main as shequ

TENANT = '/sunwu/qingxi/xingfu/requests/open311/'


class Client:
    """A minimal GeoReport v2 client over a WSGI app."""

    def __init__(self, app, root):
        self.app = app
        discovery = app.get(root + 'discovery.json').json
        endpoint = [e for e in discovery['endpoints'] if e['type'] == 'production'][0]
        assert 'application/json' in endpoint['formats']
        self.base = endpoint['url'].replace('http://localhost', '') + '/'

    def get(self, path, fmt='json', **params):
        res = self.app.get(self.base + path + '.' + fmt, params, expect_errors=True)
        return res.status_int, (json.loads(res.text) if fmt == 'json'
                                else ET.fromstring(res.body))

    def post(self, fmt='json', **params):
        res = self.app.post(self.base + 'requests.' + fmt, params, expect_errors=True)
        return res.status_int, (json.loads(res.text) if fmt == 'json'
                                else ET.fromstring(res.body))


def issue_key(tmp_path, capsys, name='幸福社区小程序', action='add'):
    code = shequ(['apikey', action, write_ini(tmp_path, **SITE_LAYOUT),
                  '/sunwu/qingxi/xingfu', name])
    out = capsys.readouterr().out.strip()
    assert code == 0
    return out


def test_an_independent_client_lists_services_posts_with_a_key_and_reads_it_back(
        tmp_path, capsys):
    site = Site(tmp_path)
    site.load(BASE_FILE)
    site.close()
    key = issue_key(tmp_path, capsys)
    assert len(key) >= 40
    site = Site(tmp_path)
    try:
        client = Client(TestApp(site.wsgi), TENANT)
        status, services = client.get('services')
        assert status == 200
        codes = {s['service_code'] for s in services}
        assert codes == {'zixun', 'qiuzhu', 'tousu', 'jubao', 'jianyi'}
        assert all({'service_name', 'metadata', 'type', 'keywords', 'group', 'description'}
                   <= set(s) for s in services)
        status, xml_services = client.get('services', 'xml')
        assert xml_services.tag == 'services'
        assert {s.findtext('service_code') for s in xml_services.findall('service')} == codes
        status, definition = client.get('services/tousu')
        category = [a for a in definition['attributes'] if a['code'] == 'category'][0]
        assert category['datatype'] == 'singlevaluelist' and category['required'] is True
        assert client.get('services/nosuch')[0] == 404

        status, created = client.post(
            api_key=key, service_code='tousu', description='小区门口的路灯坏了三天',
            address_string='幸福路5号', first_name='建国', last_name='欧阳',
            phone='13987654321', email='ouyang@example.cn', **{
                'attribute[category]': '市政设施', 'attribute[anonymous_publish]': 'true'})
        assert status == 200, created
        request_id = created[0]['service_request_id']
        assert set(created[0]) == {'service_request_id', 'service_notice', 'account_id'}
        status, found = client.get('requests/' + request_id)
        assert status == 200 and len(found) == 1
        one = found[0]
        assert one['service_request_id'] == request_id and one['service_code'] == 'tousu'
        assert one['status'] == 'open' and one['status_notes']
        assert one['description'] == '小区门口的路灯坏了三天'
        assert one['expected_datetime'] > one['requested_datetime']
        status, listed = client.get('requests', service_code='tousu', status='open')
        assert request_id in [r['service_request_id'] for r in listed]
        status, xml_one = client.get('requests/' + request_id, 'xml')
        assert xml_one.tag == 'service_requests'
        assert xml_one.find('request').findtext('service_request_id') == request_id
        status, xml_created = client.post('xml', api_key=key, service_code='zixun',
                                          description='请问居住证明怎么开', address_string='幸福社区')
        assert status == 200 and xml_created.find('request').findtext('service_request_id')
        # no answer of the API ever carries the resident's name, phone or e-mail
        for path in ('requests', 'requests/' + request_id):
            for fmt in ('json', 'xml'):
                text = client.app.get(client.base + path + '.' + fmt).text
                assert '欧阳' not in text and '13987654321' not in text
                assert 'ouyang@example.cn' not in text

        # without a key, or with a wrong one: a GeoReport error with its status
        status, errors = client.post(service_code='tousu', description='x',
                                     address_string='y')
        assert status == 403 and errors[0]['code'] == 403 and errors[0]['description']
        status, errors = client.post('xml', api_key='wrong', service_code='tousu',
                                     description='x', address_string='y')
        assert status == 403 and errors.tag == 'errors'
        assert errors.find('error').findtext('code') == '403'
        status, errors = client.post(api_key=key, service_code='nosuch', description='x',
                                     address_string='y')
        assert status == 400 and errors[0]['code'] == 400
        status, errors = client.post(api_key=key, service_code='tousu', description='x')
        assert status == 400                            # no location

        # staff of the community find the request in their inbox
        with site.root() as root:
            add_user(root, 'xf-staff', 'staff', '/sunwu/qingxi/xingfu')
        inbox = login(site, 'xf-staff').get('/sunwu/qingxi/xingfu/requests/@@inbox')
        assert request_id in inbox.text
        page = login(site, 'xf-staff').get('/sunwu/qingxi/xingfu/requests/r/' + request_id)
        assert '13987654321' in page.text                 # staff do see the phone
    finally:
        site.close()

    # a revoked key no longer works
    issue_key(tmp_path, capsys, action='revoke')
    site = Site(tmp_path)
    try:
        client = Client(TestApp(site.wsgi), TENANT)
        status, errors = client.post(api_key=key, service_code='tousu', description='x',
                                     address_string='y')
        assert status == 403 and errors[0]['code'] == 403
    finally:
        site.close()


def test_a_tenant_administrator_issues_and_revokes_keys_on_the_api_keys_page(demo):
    with demo.root() as root:
        add_user(root, 'xf-admin', 'admin', '/sunwu/qingxi/xingfu')
        add_user(root, 'xf-staff', 'staff', '/sunwu/qingxi/xingfu')
    url = '/sunwu/qingxi/xingfu/requests/@@api-keys'
    assert login(demo, 'xf-staff').get(url, expect_errors=True).status_int == 403
    admin = login(demo, 'xf-admin')
    form = [f for f in admin.get(url).forms.values() if 'name' in f.fields][0]
    form['name'] = '网格通'
    page = form.submit()
    key = page.html.find(id='new-key').text
    assert key not in admin.get(url).text                 # shown once only
    app = TestApp(demo.wsgi)
    v2 = '/sunwu/qingxi/xingfu/requests/open311/v2/'
    ok = app.post(v2 + 'requests.json', {'api_key': key, 'service_code': 'jianyi',
                                         'description': '建议增加健身器材',
                                         'address_string': '幸福广场'})
    assert ok.status_int == 200
    form = [f for f in admin.get(url).forms.values() if 'revoke' in f.fields][0]
    form.submit()
    refused = app.post(v2 + 'requests.json', {'api_key': key, 'service_code': 'jianyi',
                                              'description': 'x', 'address_string': 'y'},
                       expect_errors=True)
    assert refused.status_int == 403
