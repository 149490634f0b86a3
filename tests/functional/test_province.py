"""`shequ province` builds a tree the site serves (a tiny one here: 2 × 2 × 2)."""
import json
from urllib.parse import quote

from sitekit import SITE_LAYOUT, Site, write_ini

from shequ.cli import main as shequ


def test_a_tiny_province_is_a_tree_the_site_serves_and_is_reused(tmp_path, capsys):
    ini = write_ini(tmp_path, **SITE_LAYOUT)
    args = ['province', ini, '--counties', '2', '--townships', '2', '--communities', '2',
            '--items', '300']
    assert shequ(args) == 0
    marker = json.loads((tmp_path / 'province.json').read_text(encoding='utf-8'))
    assert marker['complete'] and marker['items'] >= 300 and marker['indexed_county'] == 'xian001'
    assert shequ(args) == 0
    assert '直接复用' in capsys.readouterr().out
    site = Site(tmp_path)
    try:
        for _name, path in marker['pages']:
            site.app.get(quote(path, safe='/?=@'), status=200)
        community = marker['pages'][2][1]
        catalogue = site.app.get(community + 'services/')
        assert catalogue.html.select('.badge.standard')     # the county's standards are lent
        notices = site.app.get('/xian001/notices/')
        assert len(notices.html.select('#notices-below li')) > 0
        found = site.app.get(community + '@@search.json', {'q': '低保'}).json
        assert found['total'] > 0
    finally:
        site.close()
