"""Chinese analysis: folding, sequential positions, pinyin, and analyzers Whoosh can pickle."""
import pickle

from whoosh import index
from whoosh.query import Phrase

from shequ.search.analysis import (
    ChineseTokenizer, PinyinTokenizer, PinyinWordTokenizer, fold, split_pinyin, words)
from shequ.search.schema import make_schema


def tokens(tokenizer, text):
    return [(t.pos, t.text) for t in tokenizer(text, positions=True)]


def test_traditional_characters_fold_to_simplified_keeping_offsets():
    assert fold('殘疾人證辦理') == '残疾人证办理'
    assert fold('ＡＢＣ１２３') == 'abc123'
    assert len(fold('長壽補貼，臺灣')) == len('長壽補貼，臺灣')


def test_words_are_numbered_in_order_and_sub_words_share_a_position():
    found = tokens(ChineseTokenizer(), '老年人优待证办理')
    assert (0, '老年人') in found and (0, '老年') in found
    assert (1, '优待证') in found and (2, '办理') in found


def test_token_offsets_point_into_the_original_text():
    text = '申请殘疾人證'
    for token in ChineseTokenizer()(text, chars=True):
        assert fold(text[token.startchar:token.endchar]) == token.text


def test_pinyin_field_has_one_syllable_per_character():
    assert [t for _p, t in tokens(PinyinTokenizer(), '低保')] == ['di', 'bao']


def test_pinyin_words_carry_full_pinyin_and_initials():
    found = {t for _p, t in tokens(PinyinWordTokenizer(), '居住证办理')}
    assert {'juzhuzheng', 'jzz'} <= found


def test_ascii_chunks_split_into_pinyin_syllables_or_none():
    assert split_pinyin('canjirenzheng') == ('can', 'ji', 'ren', 'zheng')
    assert split_pinyin('xian') == ('xian',)
    assert split_pinyin('jzz') is None


def test_query_words_drop_punctuation():
    found = words('低保，怎么办？')
    assert found[:2] == ['低保', '怎么办'] and '，' not in found and '？' not in found


def test_phrase_query_matches_adjacent_words_only(tmp_path):
    ix = index.create_in(str(tmp_path), make_schema())
    with ix.writer() as w:
        w.add_document(path='/a', title='最低生活保障申请')
        w.add_document(path='/b', title='生活困难申请保障')
    with ix.searcher() as s:
        hits = [h['path'] for h in s.search(Phrase('title', ['生活', '保障']))]
    assert hits == ['/a']


def test_schema_with_our_analyzers_survives_pickling():
    schema = make_schema()
    copy = pickle.loads(pickle.dumps(schema))
    for name in ('title', 'py', 'pyw', 'grams'):
        assert copy[name].analyzer == schema[name].analyzer
        assert tokens(copy[name].analyzer, '殘疾人證') == tokens(schema[name].analyzer, '殘疾人證')
