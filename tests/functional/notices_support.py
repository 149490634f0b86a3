"""Helpers for the notice tests: the add/edit form as a browser posts it, and tiny files."""
import io

from PIL import Image
from pypdf import PdfWriter
from webtest import Upload

from helpers import add_user, csrf, login
from shequ.tree.ops import add

XINGFU = '/sunwu/qingxi/xingfu'


def pdf_bytes():
    """A real one-page PDF."""
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


PDF = pdf_bytes()


def png_bytes():
    """A real 4x4 PNG image."""
    out = io.BytesIO()
    Image.new('RGB', (4, 4), (200, 30, 30)).save(out, format='PNG')
    return out.getvalue()


def notice_fields(token, title, category='通知公告', body='', rows=(), uploads=(),
                  button='publish', pinned=False, publish_at='', expire_at=''):
    """The fields of the notice form in document order (deform reads them with peppercorn)."""
    fields = [('_charset_', 'UTF-8'), ('__formid__', 'deform'), ('title', title),
              ('category', category)]
    if pinned:
        fields.append(('pinned', 'true'))
    fields += [('body', body), ('__start__', 'table:sequence')]
    for row in rows:
        fields.append(('__start__', 'row:mapping'))
        fields += [(key, str(row.get(key, ''))) for key in ('date', 'item', 'income',
                                                             'expense', 'note')]
        fields.append(('__end__', 'row:mapping'))
    fields += [('__end__', 'table:sequence'), ('__start__', 'new_attachments:sequence')]
    for name, data in uploads:
        fields += [('__start__', 'upload:mapping'), ('upload', Upload(name, data)),
                   ('__end__', 'upload:mapping')]
    fields += [('__end__', 'new_attachments:sequence'), ('publish_at', publish_at),
               ('expire_at', expire_at), ('csrf_token', token), (button, button)]
    return fields


def staff_app(site, login_name='wang', path=XINGFU):
    """A browser logged in as staff of the tenant at `path`."""
    with site.root() as root:
        add_user(root, login_name, 'staff', path)
    return login(site, login_name)


def post_notice(app, path=XINGFU, status=302, **kw):
    """Submit the add form of the notices section of `path`."""
    token = csrf(app, path + '/notices/@@add?type=notice')
    return app.post(path + '/notices/@@add?type=notice',
                    notice_fields(token, **kw), content_type='multipart/form-data',
                    status=status)


def add_notice(root, tenant_path, slug, title, state='published', **fields):
    """A notice stored directly (events fire, so its publication time is recorded)."""
    from shequ.notices import Notice
    node = root
    for part in [p for p in tenant_path.split('/') if p]:
        node = node[part]
    notice = Notice(title=title, **fields)
    notice.state = state
    add(node['notices'], slug, notice)
    return notice
