"""Snippets: passages around the query's words, found by string search in folded text."""
from shequ.search.analysis import fold
from shequ.search.results import highlighter, snippet


def make(text, words, **kw):
    return snippet(text, fold(text), highlighter(words), **kw)


def test_marks_words_and_escapes_the_rest():
    text = '<b>申请</b>最低生活保障需要户口簿'
    out = make(text, ['最低', '生活', '户口簿'])
    assert out == '&lt;b&gt;申请&lt;/b&gt;<mark>最低生活</mark>保障需要<mark>户口簿</mark>'


def test_traditional_text_is_found_by_its_folded_form_and_shown_as_written():
    assert make('辦理殘疾人證', ['残疾']) == '辦理<mark>殘疾</mark>人證'


def test_two_passages_in_text_order_without_repeating_text():
    text = 'A' * 200 + '低保' + 'B' * 200 + '低保' + 'C' * 200 + '低保'
    out = make(text, ['低保'], maxchars=50, surround=10)
    assert out.count('<mark>') == 2 and out.count('…') == 1
    assert out.startswith('A' * 10 + '<mark>')
    assert len(out.replace('<mark>', '').replace('</mark>', '')) <= 2 * (10 + 2 + 10) + 1


def test_single_characters_are_left_out_when_longer_words_are_there():
    assert make('居民身份证和老年证', ['证', '老年']) == '居民身份证和<mark>老年</mark>证'
    assert make('居民身份证', ['证']) == '居民身份<mark>证</mark>'


def test_nothing_found_or_no_words_gives_empty():
    assert make('居民身份证', ['低保']) == ''
    assert make('居民身份证', []) == ''
