"""Rich text is cleaned on the way in and once more on the way out."""
from webtest import TestApp

from shequ.content import PUBLISHED
from shequ.notices import Notice
from shequ.tree.ops import add

HOSTILE = '<p>停水通知</p><script>alert(1)</script><img src=x onerror=alert(2)>'


def test_hostile_html_stored_behind_the_forms_back_never_reaches_a_page(demo):
    with demo.root() as root:
        notice = Notice(title='停水通知', category='通知公告')
        notice.body = HOSTILE  # as if written by an old import or a script, unsanitised
        notice.state = PUBLISHED
        add(root['sunwu']['notices'], 'tingshui', notice, demo.registry)
    for path in ('/sunwu/notices/tingshui/', '/sunwu/notices/tingshui/@@print'):
        html = TestApp(demo.wsgi).get(path).text
        assert '<p>停水通知</p>' in html
        assert '<script>alert(1)' not in html and 'onerror' not in html
