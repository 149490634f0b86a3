"""Synonym lists: the text format, lookup in a query, the shipped default list."""
import os

import pytest

from conftest import HERE
from shequ.search.synonyms import (
    SynonymError, Synonyms, file_groups, parse_synonyms, set_county_synonyms, synonyms_for)
from shequ.tree import Tenant

DEFAULT = os.path.join(HERE, 'config', 'synonyms.txt')


def test_a_line_is_an_official_term_and_its_everyday_words():
    assert parse_synonyms('最低生活保障 = 低保, 低保金，低保户 # note') == [
        ('最低生活保障', '低保', '低保金', '低保户')]


def test_traditional_terms_are_folded_when_read():
    assert parse_synonyms('殘疾人證 = 殘疾證') == [('残疾人证', '残疾证')]


def test_bad_lines_are_reported_with_their_numbers():
    with pytest.raises(SynonymError) as info:
        parse_synonyms('低保 = 最低生活保障\n只有一个词\n甲 乙 = 丙', strict=True)
    assert [number for number, _msg in info.value.errors] == [2, 3]


def test_longest_synonym_term_in_a_query_wins():
    synonyms = Synonyms(parse_synonyms('城乡居民医疗保险 = 城乡居民医保\n医疗保险 = 医保'))
    found = dict(synonyms.matches('我想交城乡居民医保'))
    assert found == {'城乡居民医保': ('城乡居民医疗保险',)}


def test_a_term_in_two_groups_expands_to_both_without_merging_them():
    synonyms = Synonyms(parse_synonyms('报修 = 坏了\n换领 = 坏了'))
    assert set(dict(synonyms.matches('坏了'))['坏了']) == {'报修', '换领'}
    assert dict(synonyms.matches('报修'))['报修'] == ('坏了',)


def test_default_list_covers_what_residents_ask_for():
    groups = file_groups(DEFAULT)
    assert len(groups) >= 150
    terms = {t for g in groups for t in g}
    for everyday in ('低保', '老年证', '新农合', '社保卡', '上户口', '公积金', '暖气', '领证'):
        assert everyday in terms


def test_a_county_list_adds_to_the_default_list():
    county = Tenant('county', '测试县')
    set_county_synonyms(county, '小区门禁卡 = 门禁卡, 出入证\n')
    assert dict(synonyms_for(county, DEFAULT).matches('出入证'))
    assert dict(synonyms_for(county, DEFAULT).matches('低保'))


def test_a_bad_county_list_is_not_stored():
    county = Tenant('county', '测试县')
    with pytest.raises(SynonymError):
        set_county_synonyms(county, '孤零零')
    assert not getattr(county, 'search_synonyms', '')


def test_a_county_list_past_its_limits_is_refused_with_the_line():
    import pytest
    from shequ.search.synonyms import SynonymError, parse_synonyms
    with pytest.raises(SynonymError) as info:
        parse_synonyms('低保 最低生活保障\n' + ' '.join('词%d' % i for i in range(30)), strict=True)
    assert info.value.errors == [(2, 'at most 20 terms of at most 30 characters')]
    with pytest.raises(SynonymError):
        parse_synonyms('\n'.join('甲%d 乙%d' % (i, i) for i in range(3001)), strict=True)
