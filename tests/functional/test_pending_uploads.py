"""A file sent with a form that failed validation waits on disk, in the folder
`shequ.upload_tmp_dir`, where every worker process finds it when the form comes back."""
import json
import os
import subprocess
import sys

from webtest import Upload

from conftest import HERE, Site
from document_files import SECTION, document_form, make_pdf, staff_of_xingfu
from helpers import find

# another worker: its own process and app (and database), the same upload folder
OTHER_WORKER = '''
import json, pathlib, sys
sys.path[:0] = [sys.argv[1], sys.argv[1] + '/functional']
from helpers import find
from sitekit import Site
from document_files import SECTION, document_form, staff_of_xingfu
folder, shared, uid = pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4]
site = Site(folder, **{'shequ.upload_tmp_dir': shared})
staff = staff_of_xingfu(site, folder)
fields = []
for name, value in document_form(staff).submit_fields('save'):  # no file chosen here
    fields.append((name, value))
    if name == 'upload':
        fields.append(('uid', uid))  # as the page the other worker rendered carries it
res = staff.post(SECTION + '/@@add?type=document', fields, content_type='multipart/form-data',
                 expect_errors=True)
with site.root() as root:
    doc = find(root, SECTION + '/zhi-ban-zhi-du')
    att, data = doc and doc.attachment, b''
    if att:
        with att.blob.open('r') as f:
            data = f.read()
    print(json.dumps({'status': res.status_int, 'filename': att and att.filename,
                      'pdf': data.startswith(b'%PDF-')}))
site.close()
'''


def failed_with_a_file(staff):
    """Send the add form with a PDF and no title: the page comes back with the file kept."""
    form = document_form(staff, title='', upload=Upload('roster.pdf', make_pdf('pending')))
    res = form.submit('save', status=400)
    assert '必填' in res.text
    return res.forms['deform']


def test_a_resubmitted_form_keeps_the_file_after_a_validation_error(site, tmp_path):
    staff = staff_of_xingfu(site, tmp_path)
    again = failed_with_a_file(staff)
    again['title'] = '值班制度'
    assert again.submit('save').status_int == 302
    with site.root() as root:
        att = find(root, SECTION + '/zhi-ban-zhi-du').attachment
        assert att.filename == 'roster.pdf'
        with att.blob.open('r') as f:
            assert f.read().startswith(b'%PDF-')


def test_the_pending_file_waits_in_the_configured_folder(tmp_path):
    shared = tmp_path / 'shared-uploads'
    site = Site(tmp_path / 'a', **{'shequ.upload_tmp_dir': str(shared)})
    try:
        failed_with_a_file(staff_of_xingfu(site, tmp_path))
        names = os.listdir(shared)
        assert len(names) == 2 and any(n.endswith('.data') for n in names)
    finally:
        site.close()


def test_another_worker_process_finishes_the_form_with_the_pending_file(tmp_path):
    shared = tmp_path / 'shared-uploads'
    site = Site(tmp_path / 'a', **{'shequ.upload_tmp_dir': str(shared)})
    try:
        again = failed_with_a_file(staff_of_xingfu(site, tmp_path))
    finally:
        site.close()
    uid = again['uid'].value  # the page carries only the uid of the waiting file
    assert uid
    other = tmp_path / 'b'
    other.mkdir()
    out = subprocess.run([sys.executable, '-c', OTHER_WORKER, os.path.join(HERE, 'tests'),
                          str(other), str(shared), uid],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {'status': 302, 'filename': 'roster.pdf', 'pdf': True}


def post_with_uid(app, section, uid):
    """The add form of a document in `section`, sent with no file but `uid` (as if learnt)."""
    form = app.get(section + '/@@add?type=document').forms['deform']
    form['title'], form['doc_type'], form['effective_date'] = '值班制度', 'work_rules', '2024-03-01'
    fields = []
    for name, value in form.submit_fields('save'):
        fields.append((name, value))
        if name == 'upload':
            fields.append(('uid', uid))
    return app.post(section + '/@@add?type=document', fields,
                    content_type='multipart/form-data', expect_errors=True)


def attached(site, path):
    with site.root() as root:
        doc = find(root, path)
        return doc is not None and doc.attachment is not None


def test_staff_of_another_tenant_who_post_the_uid_do_not_get_the_file(site, tmp_path):
    from helpers import add_user, login
    uid = failed_with_a_file(staff_of_xingfu(site, tmp_path))['uid'].value
    with site.root() as root:
        add_user(root, 'chen', 'staff', '/sunwu/qingxi/chaoyang')
    other = '/sunwu/qingxi/chaoyang/documents'
    post_with_uid(login(site, 'chen'), other, uid)
    assert not attached(site, other + '/zhi-ban-zhi-du')


def test_another_user_of_the_same_tenant_does_not_get_the_file_either(site, tmp_path):
    from helpers import add_user, login
    uid = failed_with_a_file(staff_of_xingfu(site, tmp_path))['uid'].value
    with site.root() as root:
        add_user(root, 'zhou', 'staff', '/sunwu/qingxi/xingfu')
    post_with_uid(login(site, 'zhou'), SECTION, uid)
    assert not attached(site, SECTION + '/zhi-ban-zhi-du')


def test_the_uploader_still_gets_the_file_back_by_its_uid(site, tmp_path):
    staff = staff_of_xingfu(site, tmp_path)
    uid = failed_with_a_file(staff)['uid'].value
    assert len(uid) >= 24                 # from `secrets`, not deform's 10 characters
    post_with_uid(staff, SECTION, uid)
    assert attached(site, SECTION + '/zhi-ban-zhi-du')
