"""A page's static URLs are made once per process, the file stat'ed at most once a second
(`theming.layout.StaticURLs`): a replaced asset gets its new `?v=` once that second is
over, and not a request sooner."""
import re
import shutil

from sitekit import BASE_FILE, HERE, Site
from shequ.theming.layout import IStaticURLs

CSS = re.compile(r'/_themes/default/style\.css\?v=([0-9a-f]{12})')


def test_a_replaced_stylesheet_gets_a_new_version_after_the_stat_interval(tmp_path):
    themes = tmp_path / 'themes'
    shutil.copytree(HERE + '/themes', themes)
    site = Site(tmp_path / 'site', **{'shequ.themes_dir': str(themes),
                                      'shequ.page_cache': 'off'})
    try:
        site.load(BASE_FILE)
        now = [1000.0]
        site.registry.getUtility(IStaticURLs)._clock = lambda: now[0]
        first = CSS.search(site.app.get('/').text).group(1)
        css = themes / 'default' / 'static' / 'style.css'
        css.write_text(css.read_text(encoding='utf-8') + '\n/* changed */\n', encoding='utf-8')
        now[0] += 0.5                 # within the second: not stat'ed again
        assert CSS.search(site.app.get('/').text).group(1) == first
        now[0] += 0.6
        second = CSS.search(site.app.get('/').text).group(1)
        assert second != first
        assert '/* changed */' in site.app.get('/_themes/default/style.css?v=' + second).text
    finally:
        site.close()
