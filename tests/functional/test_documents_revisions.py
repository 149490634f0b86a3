"""Revision history: every published state is kept, viewable and comparable."""

import pytest
from webtest import Upload

from document_files import SECTION, document_form, make_pdf, staff_of_xingfu
from helpers import csrf, find
from shequ.documents import text as text_module

ITEM = SECTION + '/zhi-ban-zhi-du/'
FIRST = '<p>第一条 社区实行工作日轮流值班。第二条 值班人员八点到岗。</p><p>第三条 值班情况记入台账。</p>'
SECOND = '<p>第一条 社区实行工作日轮流值班。第二条 值班人员七点半到岗。</p><p>第三条 值班情况记入台账。</p>'


@pytest.fixture
def staff(site, tmp_path):
    return staff_of_xingfu(site, tmp_path)


def transition(app, name):
    app.post(ITEM + '@@workflow', {'csrf_token': csrf(app), 'transition': name})


def edit(app, **fields):
    form = app.get(ITEM + '@@edit').forms['deform']
    for key, value in fields.items():
        form[key] = value
    assert form.submit('save').status_int == 302


@pytest.fixture
def republished(site, staff):
    """Published with a PDF, withdrawn, edited (new text and file), published again."""
    document_form(staff, text=FIRST, upload=Upload('v1.pdf', make_pdf('first roster'))).submit('publish')
    transition(staff, 'withdraw')
    edit(staff, text=SECOND, upload=Upload('v2.pdf', make_pdf('second roster')))
    transition(staff, 'publish')
    return staff


def revisions(site):
    with site.root() as root:
        return find(root, ITEM).revision_list()


def test_publish_edit_publish_again_keeps_two_revisions(site, republished):
    revs = revisions(site)
    assert [r.number for r in revs] == [1, 2]
    assert '八点到岗' in revs[0].fields['text'] and '七点半到岗' in revs[1].fields['text']
    assert revs[1].user == 'wang' and revs[1].user_name == '王芳'


def test_draft_edits_make_no_revision_until_published(site, staff):
    document_form(staff, text=FIRST).submit('save')
    edit(staff, text=SECOND)
    assert revisions(site) == []
    transition(staff, 'publish')
    assert len(revisions(site)) == 1


def test_republishing_without_changes_adds_no_revision(site, staff):
    document_form(staff, text=FIRST).submit('publish')
    transition(staff, 'withdraw')
    transition(staff, 'publish')
    assert len(revisions(site)) == 1


def test_editing_a_published_document_keeps_the_new_state_as_a_revision(site, staff):
    document_form(staff, text=FIRST).submit('publish')
    edit(staff, text=SECOND)
    assert [r.number for r in revisions(site)] == [1, 2]


def test_history_lists_both_revisions_with_who_published(site, republished):
    page = republished.get(ITEM + '@@history')
    rows = page.html.select('table.doc-revisions tbody tr')
    assert [r.select('td')[0].text.strip() for r in rows] == ['第 2 版', '第 1 版']
    assert '王芳 (wang)' in rows[0].text
    assert 'v1.pdf' in rows[1].text and 'v2.pdf' in rows[0].text


def test_document_page_shows_the_revision_count_and_links_history(republished):
    page = republished.get(ITEM)
    assert '已发布 2 个版本' in page.text
    assert page.click(href='@@history').status_int == 200


def test_old_revision_page_shows_its_own_text(republished):
    page = republished.get(ITEM + '@@revision/1')
    assert '八点到岗' in page.text and '七点半到岗' not in page.text
    assert '第 1 版（共 2 版）' in page.text


def test_diff_marks_the_changed_sentence_and_keeps_the_others_unchanged(republished):
    page = republished.get(ITEM + '@@diff?a=1&b=2')
    table = page.html.select_one('table.doc-diff')
    deleted = [td.text.strip() for td in table.select('tr.diff-del del')]
    inserted = [td.text.strip() for td in table.select('tr.diff-ins ins')]
    same = [tr.select('td')[-1].text.strip() for tr in table.select('tr.diff-same')]
    assert deleted == ['第二条 值班人员八点到岗。']
    assert inserted == ['第二条 值班人员七点半到岗。']
    assert same == ['第一条 社区实行工作日轮流值班。', '第三条 值班情况记入台账。']


def test_diff_lists_the_changed_attachment_as_a_field_change(republished):
    changes = republished.get(ITEM + '@@diff?a=1&b=2').html.select_one('table.doc-field-changes')
    assert '附件' in changes.text and 'v1.pdf' in changes.text and 'v2.pdf' in changes.text


def test_unknown_revision_is_not_found(republished):
    assert republished.get(ITEM + '@@revision/9', status=404)
    assert republished.get(ITEM + '@@diff?a=1&b=x', status=404)


def test_old_revision_attachment_still_downloads(site, republished):
    old = make_pdf('first roster')
    page = republished.get(ITEM + '@@revision/1')
    res = page.click(href='@@download')
    assert res.body == old and res.content_type == 'application/pdf'
    with site.root() as root:
        assert find(root, ITEM).attachment.filename == 'v2.pdf'



# --- the public diff is bounded: a crafted pair of texts never costs minutes of CPU ---

# short sentences alternating in one text and paired in the other: difflib's
# SequenceMatcher (autojunk=False) took 39 s of CPU on this 4 KB pair
WORST_OLD = '<p>' + '甲；乙；' * 1000 + '</p>'
WORST_NEW = '<p>' + '甲；甲；乙；乙；' * 500 + '</p>'


def test_diff_of_a_worst_case_pair_answers_anonymous_readers(site, staff):
    # no time limit asserted (a busy machine would fail it; the whole view measured
    # 0.016 s when it was fixed): the pair that took difflib 39 s must give the right rows
    document_form(staff, text=WORST_OLD).submit('publish')
    edit(staff, text=WORST_NEW)
    page = site.app.get(ITEM + '@@diff?a=1&b=2')
    rows = [(tr['class'][0], tr.select('td')[-1].text.strip())
            for tr in page.html.select('table.doc-diff tr')]
    # a true diff: the kept and deleted rows are the old text, the kept and inserted the new
    assert [s for kind, s in rows if kind != 'diff-ins'] == ['甲；', '乙；'] * 1000
    assert [s for kind, s in rows if kind != 'diff-del'] == ['甲；', '甲；', '乙；', '乙；'] * 500
    assert sum(kind == 'diff-same' for kind, _s in rows) == 1500   # the longest one kept


def test_texts_past_the_cap_are_not_compared_and_the_page_says_so(site, staff, monkeypatch):
    monkeypatch.setattr(text_module, 'MAX_SENTENCES', 3)
    document_form(staff, text=FIRST + '<p>第四条 节假日另行安排。</p>').submit('publish')
    edit(staff, text=SECOND + '<p>第四条 节假日另行安排。</p>')
    page = site.app.get(ITEM + '@@diff?a=1&b=2')
    assert '两个版本的正文太长，无法逐句比较' in page.text
    assert not page.html.select('table.doc-diff')
    links = [a['href'] for a in page.html.select('p.diff-too-long a')]
    assert [href.rsplit('/', 2)[-2:] for href in links] == [['@@revision', '1'], ['@@revision', '2']]


def test_unchanged_long_texts_say_the_text_did_not_change(site, staff, monkeypatch):
    monkeypatch.setattr(text_module, 'MAX_SENTENCES', 1)
    document_form(staff, text=FIRST).submit('publish')
    edit(staff, title='值班制度（修订）')
    page = site.app.get(ITEM + '@@diff?a=1&b=2')
    assert '正文没有变化' in page.text and '太长' not in page.text


# --- a replaced file leaves the public history; staff keep it ---------------------

def attachment_ids(site):
    with site.root() as root:
        doc = find(root, ITEM)
        return doc.revision(1).attachment.id, doc.attachment.id


def test_a_replaced_file_is_not_downloadable_by_the_public(site, republished):
    old, current = attachment_ids(site)
    assert site.app.get(ITEM + '@@download/%s/v1.pdf' % old, status=404)
    assert site.app.get(ITEM + '@@download/%s' % old, status=404)
    assert site.app.get(ITEM + '@@download/%s/v2.pdf' % current).body == make_pdf('second roster')
    assert republished.get(ITEM + '@@download/%s/v1.pdf' % old).body == make_pdf('first roster')


def test_the_public_history_names_no_replaced_file(site, republished):
    history = site.app.get(ITEM + '@@history')
    rows = history.html.select('table.doc-revisions tbody tr')
    assert 'v2.pdf' in rows[0].text and 'v1.pdf' not in history.text
    assert '已替换的附件' in rows[1].text and not rows[1].select('a[href*="@@download"]')
    revision = site.app.get(ITEM + '@@revision/1')
    assert 'v1.pdf' not in revision.text and '该版本的附件已被替换' in revision.text
    assert not revision.html.select('a[href*="@@download"]')
    diff = site.app.get(ITEM + '@@diff?a=1&b=2').html.select_one('table.doc-field-changes')
    assert 'v1.pdf' not in diff.text and '已替换的附件' in diff.text and 'v2.pdf' in diff.text


def test_staff_see_and_download_every_file_of_the_history(site, republished):
    history = republished.get(ITEM + '@@history')
    links = {a.text: a['href'] for a in history.html.select('table.doc-revisions a[href*="@@download"]')}
    assert set(links) == {'v1.pdf', 'v2.pdf'}
    assert republished.get(links['v1.pdf']).body == make_pdf('first roster')
    assert '已替换' not in republished.get(ITEM + '@@revision/1').text
