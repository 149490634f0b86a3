"""Real DOCX and PDF files built in tests, and a small tenant tree for document tests."""

from bombs import make_docx  # noqa: F401 — tests import it from here too

TREE = '''\
tenants:
  - slug: sunwu
    kind: county
    title: 孙吴县
    children:
      - slug: qingxi
        kind: street
        title: 清溪街道
        children:
          - slug: xingfu
            kind: community
            title: 幸福社区
          - slug: chaoyang
            kind: community
            title: 朝阳社区
'''


def tree_file(tmp_path):
    """A tenant-tree file with a county, a street and two communities."""
    path = tmp_path / 'tree.yaml'
    path.write_text(TREE, encoding='utf-8')
    return str(path)


def make_pdf(text):
    """A one-page PDF showing ASCII `text` in Helvetica (xref offsets computed)."""
    stream = b'BT /F1 12 Tf 72 720 Td (' + text.encode('ascii') + b') Tj ET'
    objects = [
        b'<< /Type /Catalog /Pages 2 0 R >>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] '
        b'/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
        b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
        b'<< /Length %d >>\nstream\n' % len(stream) + stream + b'\nendstream',
    ]
    out = bytearray(b'%PDF-1.4\n')
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b'%d 0 obj\n' % n + body + b'\nendobj\n'
    xref = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1)
    for off in offsets:
        out += b'%010d 00000 n \n' % off
    out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objects) + 1, xref)
    return bytes(out)


SECTION = '/sunwu/qingxi/xingfu/documents'


def staff_of_xingfu(site, tmp_path):
    """Load the small tree into `site`; a browser logged in as staff of 幸福社区."""
    from helpers import add_user, login
    site.load(tree_file(tmp_path))
    with site.root() as root:
        add_user(root, 'wang', 'staff', '/sunwu/qingxi/xingfu', name='王芳')
    return login(site, 'wang')


def document_form(app, title='值班制度', upload=None, text='<p>第一条 社区实行工作日轮流值班。</p>'):
    """The filled-in add form of a work-rules document in 幸福社区."""
    form = app.get(SECTION + '/@@add?type=document').forms['deform']
    form['title'], form['doc_type'], form['effective_date'] = title, 'work_rules', '2024-03-01'
    form['text'] = text
    if upload is not None:
        form['upload'] = upload
    return form
