"""The documents section and pages: demo data, grouping, repeal marks, filters, print, rights."""

import pytest
from webtest import TestApp

from document_files import SECTION, document_form, staff_of_xingfu
from helpers import add_user, csrf, find, login

XINGFU = '/sunwu/qingxi/xingfu/documents/'


@pytest.fixture
def docs_site(full_demo_site):
    """The full demo, read-only: its documents live in config/demo.yaml."""
    return full_demo_site


@pytest.mark.parametrize('path', [
    '/sunwu/documents/', '/sunwu/qingxi/documents/', XINGFU, '/sunwu/qingxi/chaoyang/documents/',
    '/sunwu/sunwuzhen/dongxing/documents/', '/sunwu/chenqing/chenqingcun/documents/',
    '/sunwu/yanjiang/sijitun/documents/'])
def test_demo_documents_open_for_every_tenant_that_has_them(docs_site, path):
    page = docs_site.app.get(path)
    links = page.html.select('ul.doc-list a')
    assert links
    for link in links:
        assert docs_site.app.get(link['href']).status_int == 200


def test_loaded_documents_start_with_revision_one(docs_site):
    with docs_site.root() as root:
        docs = list(root['sunwu']['qingxi']['xingfu']['documents'].values())
        assert len(docs) == 7 and all(len(d.revision_list()) == 1 for d in docs)


def test_section_groups_by_type_in_force_first_and_marks_repealed(docs_site):
    page = docs_site.app.get(XINGFU)
    groups = [g.select_one('h2').text for g in page.html.select('section.doc-group')]
    assert groups == ['居民公约', '自治章程', '工作制度']
    conventions = page.html.select('#type-convention li')
    assert conventions[0]['class'] == ['current'] and '幸福社区居民公约' in conventions[0].text
    assert conventions[1]['class'] == ['repealed'] and '已废止' in conventions[1].text


def test_status_filter_shows_only_repealed_documents(docs_site):
    page = docs_site.app.get(XINGFU + '?status=repealed')
    titles = [a.text for a in page.html.select('ul.doc-list a')]
    assert titles == ['幸福社区居民公约（2019年版）']


def test_repealed_document_says_so_and_links_its_successor(docs_site):
    page = docs_site.app.get(XINGFU + 'jumin-gongyue-2019')
    assert '本文件已废止' in page.text and '2024-03-01' in page.text
    successor = page.html.select_one('table.doc-facts a')
    assert successor.text == '幸福社区居民公约'
    assert '取代' in docs_site.app.get(successor['href']).text


def test_document_page_shows_facts_and_text(docs_site):
    page = docs_site.app.get(XINGFU + 'zhiban-zhidu')
    facts = page.html.select_one('table.doc-facts').text
    assert '工作制度 · 值班制度' in facts and '现行有效' in facts and '2023-01-01' in facts
    assert '二十四小时应急值班电话' in page.html.select_one('.doc-text').text


def test_print_view_has_no_navigation_chrome(docs_site):
    page = docs_site.app.get(XINGFU + 'jumin-gongyue/@@print')
    html = page.html
    assert html.select_one('body.print') and html.select_one('.sheet h1').text == '幸福社区居民公约'
    assert not html.select('nav') and not html.select('header') and not html.select('form')
    assert html.select_one('.qr svg') is not None
    assert '第十四条' in page.text


def test_long_list_is_paginated_and_keeps_the_filter(site, tmp_path):
    staff = staff_of_xingfu(site, tmp_path)
    with site.root() as root:
        from shequ.documents import Document
        section = find(root, SECTION)
        for n in range(23):
            doc = Document(title='制度%02d' % n, doc_type='work_rules')
            doc.state = 'published'
            section.add('d%02d' % n, doc)
    first = staff.get(SECTION + '/?status=current')
    assert len(first.html.select('ul.doc-list li')) == 20
    second = first.click(href='page=2')
    assert len(second.html.select('ul.doc-list li')) == 3 and 'status=current' in second.request.url


def test_repealed_without_a_repeal_date_is_refused_next_to_the_field(site, tmp_path):
    staff = staff_of_xingfu(site, tmp_path)
    form = document_form(staff, title='旧制度')
    form['status'] = 'repealed'
    res = form.submit('publish', status=400)
    assert '必须填写废止日期' in res.html.select_one('.item-repealed_date').text
    assert '旧制度' in res.text
    with site.root() as root:
        assert len(find(root, SECTION)) == 0


def test_staff_of_another_community_cannot_add_or_edit_documents_here(site, tmp_path):
    own = staff_of_xingfu(site, tmp_path)
    document_form(own, title='值班制度').submit('publish')
    with site.root() as root:
        add_user(root, 'cy', 'staff', '/sunwu/qingxi/chaoyang')
    other = login(site, 'cy')
    token = csrf(other)
    item = SECTION + '/zhi-ban-zhi-du'
    for res in (other.get(SECTION + '/@@add?type=document', expect_errors=True),
                other.post(SECTION + '/@@add?type=document', {
                    'csrf_token': token, 'title': '冒充', 'doc_type': 'other',
                    'effective_date': '2024-01-01', 'publish': 'publish'}, expect_errors=True),
                other.get(item + '/@@edit', expect_errors=True),
                other.post(item + '/@@edit', {'csrf_token': token, 'title': '改掉',
                                              'doc_type': 'other', 'effective_date': '2024-01-01',
                                              'save': 'save'}, expect_errors=True)):
        assert res.status_int == 403
    with site.root() as root:
        assert [d.title for d in find(root, SECTION).values()] == ['值班制度']


def test_anonymous_visitor_cannot_see_a_draft_or_its_history(site, tmp_path):
    staff = staff_of_xingfu(site, tmp_path)
    url = document_form(staff, title='草拟制度').submit('save').location
    anon = TestApp(site.wsgi)
    for path in (url, url + '@@history', url + '@@print'):
        res = anon.get(path, expect_errors=True)
        assert res.status_int == 403 or '@@login' in res.location
    assert '草拟制度' not in anon.get(SECTION + '/').text
