"""Every view of an item that is not public refuses anonymous visitors and residents,
and answers once the item is published again (so the URLs below are real)."""
from webtest import TestApp, Upload

from document_files import SECTION, document_form, make_pdf, staff_of_xingfu
from helpers import add_user, csrf, find, login
from notices_support import PDF, XINGFU, post_notice

DOC = SECTION + '/zhi-ban-zhi-du/'


def refused(res):
    return res.status_int == 403 or (res.status_int == 302 and '@@login' in res.location)


def transition(app, path, name):
    app.post(path + '@@workflow', {'csrf_token': csrf(app), 'transition': name}, status=302)


def test_every_view_of_a_withdrawn_item_is_refused_to_visitors(site, tmp_path):
    staff = staff_of_xingfu(site, tmp_path)
    with site.root() as root:
        add_user(root, 'resident', 'resident', XINGFU)
    document_form(staff, upload=Upload('v1.pdf', make_pdf('first'))).submit('publish')
    form = staff.get(DOC + '@@edit').forms['deform']
    form['text'] = '<p>第一条 修改后的值班制度。</p>'
    form.submit('save')
    transition(staff, DOC, 'withdraw')
    transition(staff, DOC, 'publish')
    notice = post_notice(staff, title='收支公开', category='财务公开',
                         uploads=[('a.pdf', PDF)],
                         rows=[{'date': '2026-10-01', 'item': '办公用品', 'expense': '120'}])
    notice_url = notice.location.replace('http://localhost', '')
    with site.root() as root:
        doc, item = find(root, DOC), find(root, notice_url)
        doc_att, notice_att = doc.attachment, item.attachments[0]
        urls = [DOC, DOC + '@@print', DOC + '@@qr.png', DOC + '@@history',
                DOC + '@@revision/1', DOC + '@@diff?a=1&b=2',
                DOC + '@@download/%s/%s' % (doc_att.id, doc_att.filename),
                notice_url, notice_url + '@@print', notice_url + '@@qr.png',
                notice_url + '@@table.csv', notice_url + '@@table.xlsx',
                notice_url + '@@download/%s/%s' % (notice_att.id, notice_att.filename)]
    visitors = [TestApp(site.wsgi), login(site, 'resident')]
    for app in visitors:
        for url in urls:
            assert app.get(url).status_int == 200, url
    transition(staff, DOC, 'withdraw')
    transition(staff, notice_url, 'withdraw')
    for app in visitors:
        for url in urls:
            assert refused(app.get(url, expect_errors=True)), url
    for url in urls:
        assert staff.get(url).status_int == 200, url


def test_every_view_of_a_draft_service_is_refused_to_visitors(demo):
    from helpers import add_draft
    with demo.root() as root:
        add_user(root, 'resident', 'resident', '/sunwu')
        add_user(root, 'county-staff', 'staff', '/sunwu')
        add_draft(root, '/sunwu', 'draft-guide', '草稿指南')
    base = '/sunwu/services/draft-guide/'
    urls = [base, base + '@@print', base + '@@poster', base + '@@qr.png']
    for app in (TestApp(demo.wsgi), login(demo, 'resident')):
        for url in urls:
            assert refused(app.get(url, expect_errors=True)), url
    staff = login(demo, 'county-staff')
    for url in urls:
        assert staff.get(url).status_int == 200, url


def test_a_draft_successor_is_not_named_on_the_public_document(site, tmp_path):
    staff = staff_of_xingfu(site, tmp_path)
    document_form(staff).submit('publish')
    document_form(staff, title='新值班制度（草稿）').submit('save')
    with site.root() as root:
        newer = [d for d in find(root, SECTION).values() if d.state == 'draft'][0]
        find(root, DOC).superseded_by = newer.__name__
    anonymous = TestApp(site.wsgi)
    for url in (DOC, DOC + '@@print'):
        assert '新值班制度（草稿）' not in anonymous.get(url).text, url
        assert '新值班制度（草稿）' in staff.get(url).text, url
