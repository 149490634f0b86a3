"""Chinese analysis: traditional folding, jieba segmentation with sequential positions, pinyin.

Whoosh pickles analyzers into the index schema, so every tokenizer here must stay importable
under this module path.
"""
import os
import re
from functools import lru_cache

import opencc
import rjieba
from pypinyin import Style, lazy_pinyin
from whoosh.analysis import Token, Tokenizer

# --- folding: traditional → simplified, full-width → half-width, ASCII lower case -------------
# Character-for-character, so offsets into the folded text are offsets into the original
# (the highlighter relies on that); phrase-level conversion would change lengths.


def _fold_table():
    table = {}
    folder = os.path.join(os.path.dirname(opencc.__file__), 'dictionary')

    def read(name):
        pairs = {}
        with open(os.path.join(folder, name), encoding='utf-8') as f:
            for line in f:
                key, _tab, values = line.rstrip('\n').partition('\t')
                candidates = values.split(' ')
                # 著 → 着 or 著: a character that may stand as it is is left alone
                if len(key) == 1 and len(candidates[0]) == 1 and key not in candidates:
                    pairs[key] = candidates[0]
        return pairs

    t2s = read('TSCharacters.txt')
    s2t = read('STCharacters.txt')
    simplified = set(t2s.values()) | set(s2t) | set(s2t.values())
    for name in ('TWVariantsRev.txt', 'HKVariantsRev.txt'):
        for variant, standard in read(name).items():
            if variant not in simplified:       # 么 is a Taiwan variant of 幺, yet standard
                table[ord(variant)] = t2s.get(standard, standard)
    table.update({ord(k): v for k, v in t2s.items()})
    for code in range(0xFF01, 0xFF5F):          # full-width ASCII
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = ' '
    for code in range(ord('A'), ord('Z') + 1):
        table[code] = chr(code + 32)
    for code in range(0xFF21, 0xFF3B):          # full-width capitals straight to lower case
        table[code] = chr(code - 0xFEE0 + 32)
    return table


FOLD = _fold_table()


def fold(text):
    """Traditional → simplified, full-width → ASCII, lower case; same length as `text`."""
    return text.translate(FOLD)


# --- segmentation ------------------------------------------------------------------------

def is_cjk(char):
    """A CJK unified ideograph (the basic block and extension A)."""
    return '\u4e00' <= char <= '\u9fff' or '\u3400' <= char <= '\u4dbf'


def has_cjk(text):
    return any(is_cjk(c) for c in text)


WORD_RE = re.compile(r'[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]')


def segment(text, subwords=True):
    """(pos, word, start, end) for the words of `text`, folded; sub-words share a position.

    Precise-mode words are numbered 0, 1, 2 … so phrase queries work; the dictionary
    words inside a long word (老年 and 优待 in 老年人优待证) are emitted at the position of
    the word that holds them, as jieba's search mode would add them.
    """
    folded = fold(text)
    pos = 0
    for word, start, end in rjieba.tokenize(folded, hmm=True):
        if not WORD_RE.search(word):
            continue
        word = word.strip()
        yield pos, word, start, end
        if subwords and len(word) > 2 and has_cjk(word):
            for size in (2, 3):
                for i in range(len(word) - size + 1):
                    gram = word[i:i + size]
                    if gram != word and rjieba.has_word(gram):
                        yield pos, gram, start + i, start + i + size
        pos += 1


def words(text):
    """The folded words of `text` (with sub-words), for building queries."""
    return [w for _pos, w, _s, _e in segment(text)]


# --- pinyin ------------------------------------------------------------------------------

@lru_cache(maxsize=200000)
def syllables(word):
    """Tone-less pinyin of each character of a folded CJK word, e.g. ('di', 'bao')."""
    return tuple(lazy_pinyin(word, style=Style.NORMAL, errors=lambda s: list(s)))


def full_pinyin(word):
    return ''.join(syllables(word))


def initials(word):
    return ''.join(s[0] for s in syllables(word) if s)


SYLLABLES = frozenset((
    'a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai '
    'can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua '
    'chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de '
    'dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa '
    'fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai '
    'guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan '
    'huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan '
    'kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao '
    'le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo lv lve '
    'ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan '
    'nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nue nuo nv '
    'nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian '
    'qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru '
    'rua ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei '
    'shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun '
    'suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai '
    'wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun '
    'ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen '
    'zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan '
    'zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo').split())
# what people type for ü
SYLLABLE_ALIASES = {'lue': 'lve', 'nue': 'nve'}


@lru_cache(maxsize=20000)
def split_pinyin(chunk):
    """Split an ASCII chunk into pinyin syllables ('canjiren' → can ji ren), or None.

    Prefers the fewest syllables, so 'xian' stays one syllable; apostrophes separate.
    """
    best = [()] + [None] * len(chunk)
    for end in range(1, len(chunk) + 1):
        for start in range(max(0, end - 6), end):
            piece = chunk[start:end]
            if best[start] is not None and piece in SYLLABLES:
                candidate = best[start] + (SYLLABLE_ALIASES.get(piece, piece),)
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    return best[-1] or None


# --- tokenizers --------------------------------------------------------------------------

class _Base(Tokenizer):
    """Shared token plumbing: one reused Token, positions and offsets on demand."""

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self).__name__)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode='', **kw):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kw)
        for pos, text, start, end in self.tokens(value):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token

    def tokens(self, value):
        raise NotImplementedError


class ChineseTokenizer(_Base):
    """jieba (rjieba) words with sequential positions and true character offsets."""

    def tokens(self, value):
        return segment(value)


class ChineseBodyTokenizer(_Base):
    """jieba words only, for long text: sub-words would double its postings (measured
    about 12 % of indexing time) while titles and keywords, which carry them, do the finding."""

    def tokens(self, value):
        return segment(value, subwords=False)


class PinyinTokenizer(_Base):
    """One tone-less syllable per Chinese character, numbered in order; ASCII words as-is."""

    def tokens(self, value):
        pos = 0
        last = -1
        for word_pos, word, start, end in segment(value):
            if word_pos == last:        # a sub-word: its syllables are already out
                continue
            last = word_pos
            if has_cjk(word):
                for i, syl in enumerate(syllables(word)):
                    yield pos, syl, start + i, start + i + 1
                    pos += 1
            else:
                yield pos, word, start, end
                pos += 1


class PinyinWordTokenizer(_Base):
    """Full pinyin and initials of each word and of runs of two or three words."""

    def tokens(self, value):
        main = []
        for pos, word, start, end in segment(value):
            if not has_cjk(word):
                continue
            yield pos, full_pinyin(word), start, end
            if len(word) > 1:
                yield pos, initials(word), start, end
            if not main or main[-1][0] != pos:
                main.append((pos, word, start, end))
        for size in (2, 3):
            for i in range(len(main) - size + 1):
                run = main[i:i + size]
                text = ''.join(w for _p, w, _s, _e in run)
                yield run[0][0], full_pinyin(text), run[0][2], run[-1][3]
                yield run[0][0], initials(text), run[0][2], run[-1][3]


class BigramTokenizer(_Base):
    """Overlapping character bigrams of Chinese runs, so partial names match across words."""

    RUN_RE = re.compile(r'[\u3400-\u4dbf\u4e00-\u9fff]+|[0-9a-z]+')

    def tokens(self, value):
        pos = 0
        for match in self.RUN_RE.finditer(fold(value)):
            run, start = match.group(), match.start()
            if not is_cjk(run[0]) or len(run) == 1:
                yield pos, run, start, match.end()
                pos += 1
                continue
            for i in range(len(run) - 1):
                yield pos, run[i:i + 2], start + i, start + i + 2
                pos += 1


def chinese_analyzer():
    return ChineseTokenizer()


def body_analyzer():
    return ChineseBodyTokenizer()


def pinyin_analyzer():
    return PinyinTokenizer()


def pinyin_word_analyzer():
    return PinyinWordTokenizer()


def bigram_analyzer():
    return BigramTokenizer()


def bigrams(text):
    """The bigram tokens of `text`, for building queries."""
    return [t for _p, t, _s, _e in BigramTokenizer().tokens(text)]
