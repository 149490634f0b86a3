"""Most-used counts: each visitor counts once a day per item, and no address is stored."""
import os
import sqlite3

from webtest import TestApp

from conftest import HERE
from shequ.search.subscribers import get_search
from shequ.search.usage import UsageCounter

CATALOGUE = os.path.join(HERE, 'tests', 'data', 'search', 'catalogue.yaml')
XINGHUA = '/linhe/hedong/xinghua'


def top_hit(site, address):
    app = TestApp(site.wsgi, extra_environ={'REMOTE_ADDR': address})
    return app.get(XINGHUA + '/@@search.json', params={'q': '异地就医备案'}).json['results'][0]['path']


def test_repeated_searches_from_one_address_count_once_and_two_addresses_twice(site):
    site.load(CATALOGUE)
    usage = get_search(site.registry).usage
    for _ in range(100):
        path = top_hit(site, '198.51.100.23')
    assert usage.counts([path]) == {path: 1}
    top_hit(site, '203.0.113.40')
    assert usage.counts([path]) == {path: 2}


def test_no_address_is_stored_and_yesterdays_visitors_are_forgotten(tmp_path):
    usage = UsageCounter(str(tmp_path))
    day = 86400
    usage.hit('/a/services/x', '198.51.100.23', now=10 * day)
    usage.hit('/a/services/x', '198.51.100.23', now=10 * day + 60)
    usage.hit('/a/services/x', '198.51.100.23', now=11 * day)      # a new day counts again
    assert usage.counts(['/a/services/x']) == {'/a/services/x': 2}
    for name in os.listdir(tmp_path):          # the database and its write-ahead log
        with open(tmp_path / name, 'rb') as f:
            assert b'198.51.100.23' not in f.read()
    db = sqlite3.connect(usage.path)
    assert db.execute('SELECT COUNT(*) FROM seen').fetchone()[0] == 1   # only today's
    assert db.execute('SELECT COUNT(*) FROM salts').fetchone()[0] == 1
