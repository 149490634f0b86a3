"""Query analysis before readings: question frames, spaced pinyin, hanzi with pinyin, prefixes."""
from shequ.search.query import join_spaced_pinyin, mixed_pinyin, strip_frames
from shequ.search.suggest import prefixes_for, title_keys


def test_the_frame_of_a_long_question_is_stripped_to_what_is_needed():
    assert strip_frames('我想问问老人证在哪弄需要什么材料') == '老人证'
    assert strip_frames('请问社保卡丢了怎么补办') == '社保卡丢了 补办'


def test_short_queries_and_questions_with_nothing_left_keep_their_words():
    assert strip_frames('低保怎么办') == '低保怎么办'
    assert strip_frames('请问一下能不能') == '请问一下能不能'


def test_pinyin_typed_syllable_by_syllable_is_joined():
    assert join_spaced_pinyin('lao nian ren you dai zheng') == 'laonianrenyoudaizheng'
    assert join_spaced_pinyin("she bao ka") == 'shebaoka'
    assert join_spaced_pinyin('l n z') == 'lnz'


def test_words_that_are_not_pinyin_stay_apart():
    assert join_spaced_pinyin('sbk lnz') == 'sbk lnz'
    assert join_spaced_pinyin('iphone screen') == 'iphone screen'


def test_hanzi_with_pinyin_reads_as_pinyin_throughout():
    assert mixed_pinyin('老年zheng') == 'laonianzheng'
    assert mixed_pinyin('社保ka') == 'shebaoka'
    assert mixed_pinyin('老年证') is None and mixed_pinyin('sbk') is None


def test_a_title_is_reached_from_the_start_of_its_words_in_hanzi_pinyin_and_initials():
    keys = dict(title_keys('最低生活保障申请'))
    assert keys['h:最低生活保障申请'] == 0 and keys['p:zuidishenghuobaozhangshenqing'] == 0
    assert keys['i:zdshbzsq'] == 0 and keys['h:生活保障申请'] == 1


def test_a_typed_prefix_is_looked_up_as_hanzi_or_as_pinyin_and_initials():
    assert prefixes_for('最低') == ['h:最低']
    assert prefixes_for('Zui Di') == ['p:zuidi', 'i:zuidi']
    assert prefixes_for('老年z') == ['p:laonianz']
    assert prefixes_for('  ') == []
