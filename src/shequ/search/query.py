"""From what a resident typed to a Whoosh query: words, synonyms, pinyin and homophones.

Residents rarely type the official name, so one query becomes several readings of it —
the folded text itself, a pinyin transliteration into words the index knows, a homophone
correction, and the synonyms of each — OR-ed together. Matching more of them scores more,
and nothing is required, so a long colloquial question still finds the service.
"""
import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

import rjieba
from whoosh.matching import ListMatcher, NullMatcher, ReadTooFar
from whoosh.query import And, NullQuery, NumericRange, Or, Phrase, Query, Term

from .analysis import (bigrams, fold, full_pinyin, has_cjk, initials, segment, split_pinyin,
                       words)

MAX_QUERY = 60
MAX_EQUIVALENTS = 8
COMMON = 0.2        # a term in more than this share of documents says little about any
# words that say how, not what: dropped from a query unless nothing else is left
STOPWORDS = frozenset('''
的 了 吗 呢 吧 啊 呀 哦 么 我 我的 我们 你 您 他 她 它 家 在 是 有 要 想 去 到 给 和 与 及 或 还 就 都
也 又 把 被 让 请问 请 问 一下 一个 怎么 怎么办 怎样 如何 哪里 哪儿 哪 在哪 在哪里 在哪儿 去哪 去哪里
去哪儿 找谁 找 谁 什么 啥 咋 咋办 咋弄 可以 能 能不能 可不可以 需要 需不需要 要不要 办 办理 申请
手续 流程 怎么弄 哪些 多少 多久 几天 没有 没 不 了解 咨询 想问 知道 应该 该 得 地 着 过 吗 嘛
'''.split())


# the frame of a spoken question: what is asked of whom, not what is needed. Removed from
# long queries before any reading is built, so the one or two words carrying the need weigh
# most (我想问问老人证在哪弄需要什么材料 → 老人证)
FRAMES = sorted(set('''
我想问问 我想问一下 我想问下 我想问 想问一下 想问问 想问下 请问一下 请问下 请问 问一下 问下 麻烦问下 麻烦问一下
能不能 可不可以 能否 是不是 有没有 会不会 要不要 需不需要 怎么办理 怎么办 怎么弄 怎么搞 怎么申请 怎么操作
如何办理 如何申请 如何 怎么 咋办 咋弄 咋整 在哪弄 在哪办 在哪里办 在哪儿办 在哪里弄 在哪里 在哪儿 去哪里办 去哪办 去哪儿办
到哪里办 到哪办 找谁办 找哪个部门 找谁 需要什么材料 需要哪些材料 要什么材料 要带什么 需要带什么 带什么材料
需要什么手续 要什么手续 什么手续 什么材料 需要什么 有什么条件 什么条件 什么时候 谁知道 谁能告诉我 帮忙看看
帮我看看 你好 您好 谢谢 急急急 在线等 我家 我们家 我
'''.split()), key=len, reverse=True)
FRAME_RE = re.compile('|'.join(map(re.escape, FRAMES)))
LONG_QUERY = 6      # frames are stripped from CJK text longer than this


def strip_frames(text):
    """`text` without the frame of a spoken question, if enough of it is left."""
    if len(text) <= LONG_QUERY:
        return text
    left = FRAME_RE.sub(' ', text)
    runs = re.findall(r'[\u3400-\u9fff]+', left)
    return ' '.join(runs) if sum(len(r) for r in runs) >= 2 else text


SPACED_RE = re.compile(r'[a-z]+(?:[\s\'’]+[a-z]+)+')


def join_spaced_pinyin(text):
    """Syllables typed one by one (`lao nian ren`, `l n r`) joined into one chunk."""
    def join(match):
        pieces = re.split(r'[\s\'’]+', match.group())
        if all(len(p) == 1 for p in pieces) or all(split_pinyin(p) for p in pieces):
            return ''.join(pieces)
        return match.group()
    return SPACED_RE.sub(join, text)


def mixed_pinyin(text):
    """Hanzi and pinyin typed together (`老年zheng`) as pinyin throughout, or None."""
    runs = re.findall(r'[\u3400-\u9fff]+|[a-z]+', text)
    if not any(has_cjk(r) for r in runs) or all(has_cjk(r) for r in runs):
        return None
    if not all(has_cjk(r) or split_pinyin(r) for r in runs):
        return None
    return ''.join(full_pinyin(r) if has_cjk(r) else r for r in runs)


@dataclass
class Plan:
    """The query to run, the readings it was built from and a suggestion to show."""

    query: object
    readings: list = field(default_factory=list)
    suggestion: str = None


class Lexicon:
    """Words of one index's titles and keywords plus synonym terms, by pinyin and initials."""

    def __init__(self, weighted_words):
        self.by_pinyin = defaultdict(dict)
        self.by_initials = defaultdict(dict)
        self.words = set()
        for word, weight in weighted_words:
            if len(word) < 2 or not has_cjk(word) or not all('\u3400' <= c <= '\u9fff' for c in word):
                continue
            self.words.add(word)
            for table, key in ((self.by_pinyin, full_pinyin(word)), (self.by_initials, initials(word))):
                table[key][word] = max(weight, table[key].get(word, 0))

    @classmethod
    def from_reader(cls, reader, synonyms):
        found = []
        for fieldname in ('title', 'keywords'):
            if fieldname in reader.schema:
                for term in reader.field_terms(fieldname):
                    found.append((term, reader.doc_frequency(fieldname, term)))
        found.extend((term, 1) for term in synonyms.group_of)
        return cls(found)

    def best(self, table, key, limit=3):
        candidates = table.get(key)
        if not candidates:
            return []
        return sorted(candidates, key=lambda w: (-candidates[w], w))[:limit]

    def transliterate(self, chunk):
        """Chinese words for an ASCII chunk of full pinyin or initials: [[candidates] …]."""
        syl = split_pinyin(chunk)
        if syl:
            units, table, join = syl, self.by_pinyin, ''.join
        else:
            units, table, join = tuple(chunk), self.by_initials, ''.join
        # cover as much of the chunk as possible with known words, longest words first
        best = [(0, 0, [])] + [None] * len(units)
        for end in range(1, len(units) + 1):
            skip = best[end - 1]
            best[end] = (skip[0], skip[1] + 1, skip[2])
            for start in range(max(0, end - 8), end - 1):
                prev = best[start]
                found = self.best(table, join(units[start:end]))
                if prev is not None and found:
                    candidate = (prev[0] + end - start, prev[1] + 1, prev[2] + [found])
                    if (candidate[0], -candidate[1]) > (best[end][0], -best[end][1]):
                        best[end] = candidate
        covered, _count, parts = best[-1]
        # initials are too ambiguous to guess from a part; pinyin may carry a stray syllable
        enough = covered == len(units) if table is self.by_initials else covered * 2 >= len(units)
        return parts if enough else []

    def correct(self, text):
        """`text` with homophone typos replaced by known words (低包 → 低保), or None."""
        chars = list(text)
        changed, i = False, 0
        while i < len(chars):
            for size in (4, 3, 2):
                window = ''.join(chars[i:i + size])
                if len(window) < size or not all('\u4e00' <= c <= '\u9fff' for c in window):
                    continue
                if window in self.words or rjieba.has_word(window):
                    continue
                found = self.best(self.by_pinyin, full_pinyin(window), limit=1)
                if found and found[0] != window:
                    chars[i:i + size] = list(found[0])
                    changed = True
                    i += size - 1
                    break
            i += 1
        return ''.join(chars) if changed else None


def main_words(text):
    """The words of `text` without their sub-words (the longest word at each position)."""
    longest = {}
    for pos, word, _start, _end in segment(text):
        if len(word) > len(longest.get(pos, '')):
            longest[pos] = word
    return list(dict.fromkeys(longest[p] for p in sorted(longest)))


def _any_field(token, boost=1.0):
    return Or([Term('title', token), Term('keywords', token), Term('meta', token),
               Term('body', token)], boost=boost)


def _substring(text, boost):
    """`text` (nearly) as a substring of a title or keyword: all its character bigrams.

    An AND of bigram terms rather than a phrase: almost as exact for short titles, and
    it skips through postings instead of decoding positions, several times faster.
    """
    grams = list(dict.fromkeys(bigrams(text)))
    if not grams:
        return None
    if len(grams) == 1:
        return Term('grams', grams[0], boost=boost)
    return And([Term('grams', g) for g in grams], boost=boost / len(grams))


def reading_clauses(text, weight):
    """Clauses for one Chinese reading of the query.

    Homophones are left to the lexicon's correction (a reading of its own): a sound phrase
    per word here cost a quarter of matcher construction and found nothing more over the
    two quality sets (bench/search_quality.py)."""
    tokens = list(dict.fromkeys(words(text)))
    content = [t for t in tokens if t not in STOPWORDS] or tokens
    clauses = [_any_field(t) for t in content]
    single = {}     # a two-character run is one bigram: one term weighing 3.0 + 0.3
    for run in re.findall(r'[\u3400-\u9fff]{2,}', text):
        whole = _substring(run, 3.0)
        if isinstance(whole, Term):
            single[whole.text] = whole
        elif whole is not None:
            clauses.append(whole)
    for gram in dict.fromkeys(bigrams(text)):
        if gram in single:
            single[gram].boost += 0.3 if gram not in STOPWORDS else 0.0
        elif gram not in STOPWORDS:
            clauses.append(Term('grams', gram, boost=0.3))
    clauses.extend(single.values())
    return Or(clauses, boost=weight) if clauses else None


def synonym_clauses(term, weight, body=False):
    """Clauses for an equivalent of a term the query contains."""
    clauses = []
    whole = _substring(term, 3.0) if has_cjk(term) else Term('pyw', term, boost=2.0)
    if whole is not None:
        clauses.append(whole)
    tokens = [t for t in dict.fromkeys(words(term)) if t not in STOPWORDS and len(t) > 1]
    # every word of it in the title or keywords, not necessarily adjacent; not its
    # sub-words: titles and keywords index them with their word, so they match nothing more
    required = [t for t in main_words(term) if t not in STOPWORDS and len(t) > 1]
    if len(required) > 1:
        clauses.append(And([Or([Term('title', t), Term('keywords', t)]) for t in required],
                           boost=1.0))
    if body and has_cjk(term):  # a notice's or a rule's text says it in formal words (犬只)
        whole_words = [t for t in tokens if len(t) >= 2] or ([term] if len(term) >= 2 else [])
        clauses.extend(Term('body', t, boost=0.5) for t in whole_words[:2])
    return Or(clauses, boost=weight) if clauses else None


def ascii_clauses(chunk, guessed):
    """Direct pinyin matches for a chunk typed in Latin letters (or a number)."""
    clauses = [Term('pyw', chunk, boost=2.0), Term('title', chunk), Term('keywords', chunk),
               Term('body', chunk, boost=0.5)]
    syl = split_pinyin(chunk)
    if syl and len(syl) > 1 and not guessed:    # no known word reads like it: match sounds
        clauses.append(Phrase('py', list(syl), boost=1.5))
    return clauses


def build(raw, lexicon, synonyms, reader=None):
    """The Plan for the text a resident typed (`reader` lets it drop near-universal terms)."""
    text = join_spaced_pinyin(fold(raw or '').strip()[:MAX_QUERY])
    if not text:
        return Plan(NullQuery)
    cjk = strip_frames(''.join(re.findall(r'[\u3400-\u9fff]+', text)))
    chunks = re.findall(r'[a-z0-9]+', text.replace("'", ''))
    clauses, readings = [], []
    suggestion = None
    if cjk:
        readings.append((cjk, 1.0))
        corrected = lexicon.correct(cjk) if lexicon else None
        if corrected:
            readings.append((corrected, 0.9))
            suggestion = corrected
    if chunks:
        parts = [lexicon.transliterate(c) if lexicon and not c.isdigit() else [] for c in chunks]
        for chunk, part in zip(chunks, parts):
            clauses.extend(ascii_clauses(chunk, bool(part)))
        guess = ''.join(p[0] for part in parts for p in part)
        if guess:
            readings.append((guess, 1.0))
            alternatives = {w for part in parts for p in part for w in p[1:]}
            readings.extend((w, 0.5) for w in sorted(alternatives))
            suggestion = suggestion or (cjk + guess if cjk else guess)
        mixed = mixed_pinyin(text) if lexicon and cjk else None
        whole = lexicon.transliterate(mixed) if mixed else []
        if whole:
            reading = ''.join(p[0] for p in whole)
            readings.append((reading, 1.0))
            suggestion = reading
    seen = set()
    for reading, weight in list(readings):
        clause = reading_clauses(reading, weight)
        if clause is not None:
            clauses.append(clause)
        for term, equivalents in synonyms.matches(reading):
            for other in equivalents[:MAX_EQUIVALENTS]:
                if other not in seen:
                    seen.add(other)
                    clause = synonym_clauses(other, 0.8 * weight, other in synonyms.heads)
                    if clause is not None:
                        clauses.append(clause)
    query = Or(clauses) if clauses else NullQuery
    if reader is not None and query is not NullQuery:
        query = prune_common(query, reader)
    return Plan(query, [r for r, _w in readings] + sorted(seen), suggestion)


def prune_common(query, reader):
    """Drop what cannot match (terms absent from this index) and single terms found in most
    documents (they rank nothing and cost the most); building matchers is what costs.

    If pruning would leave nothing, the query is returned as it was.
    """
    total = reader.doc_count_all() or 1
    common = COMMON * total if total >= 50 else total + 1
    impossible, frequent = object(), object()

    def walk(node):
        if isinstance(node, Term):
            df = reader.doc_frequency(node.fieldname, node.text)
            return impossible if df == 0 else (frequent if df > common else node)
        if isinstance(node, Phrase):
            if any(reader.doc_frequency(node.fieldname, w) == 0 for w in node.words):
                return impossible
            return node
        if isinstance(node, Or):
            kept = [c for c in map(walk, node.subqueries) if c is not impossible and c is not frequent]
            return type(node)(kept, boost=node.boost) if kept else impossible
        if isinstance(node, And):
            kept = []
            for child, done in zip(node.subqueries, map(walk, node.subqueries)):
                if done is impossible:
                    return impossible
                kept.append(child if done is frequent else done)
            return type(node)(kept, boost=node.boost)
        return node

    pruned = walk(query)
    return query if pruned is impossible or pruned is frequent else pruned


# --- filters -------------------------------------------------------------------------------

def not_yet_or_no_longer(now):
    """Mask of items not public at `now` (epoch seconds) by their publish and expiry times.

    Only the few timed items fall in these ranges, so this stays cheap at any index size.
    """
    return Or([NumericRange('publish_at', now, None, startexcl=True),
               NumericRange('expire_at', None, now)])


def scope_filter(scope, above, below_types=(), level=None):
    """Items of the tenant at path `scope` and below, standards owned above it, and the
    items of kinds that apply below (`below_types`: notices, documents …) owned above it.

    `level` narrows to 'here' (the tenant's own and inherited standards) or 'above' (what
    the tenants above issued for everyone below them). Siblings never match: their items
    carry neither the scope's path among their `tenants` nor an owner above it.
    """
    own = Term('tenants', scope)
    owners = Or([Term('owner', p) for p in above]) if above else None
    issued = (And([Or([Term('type', t) for t in sorted(below_types)]), owners])
              if owners is not None and below_types else None)
    if level == 'above':
        return issued if issued is not None else NullQuery
    if owners is None:
        return own
    parts = [own, And([Term('standard', True), owners])]
    if issued is not None and level != 'here':
        parts.append(issued)
    return Or(parts)


def hidden_mask(hidden):
    """Inherited standards a tenant hides: `hidden` is [(owners above it, slugs)]."""
    parts = [And([Term('standard', True), Or([Term('slug', s) for s in sorted(slugs)]),
                  Or([Term('owner', p) for p in owners])])
             for owners, slugs in hidden if owners and slugs]
    return Or(parts) if parts else None


# --- cached document sets as query parts ---------------------------------------------------

class DocsMatcher(ListMatcher):
    """A sorted list of document numbers, every one scoring 0; skips by bisection."""

    def __init__(self, ids, position=0):
        super().__init__(ids, position=position)

    def skip_to(self, id):
        if not self.is_active():
            raise ReadTooFar
        self._i = bisect.bisect_left(self._ids, id, self._i)

    def copy(self):
        return DocsMatcher(self._ids, self._i)

    def replace(self, minquality=0):
        return self if self.is_active() else NullMatcher()

    def supports(self, astype):
        return False

    def supports_block_quality(self):
        return False

    def max_quality(self):
        return 0.0

    def block_quality(self):
        return 0.0

    def weight(self):
        return 0.0

    def score(self):
        return 0.0


class DocsQuery(Query):
    """The documents `filter` matches, as a part of a query that adds nothing to scores
    (like `ConstantScoreQuery(filter, 0.0)`), read from a list made once per segment state.

    `docs_of(leaf_searcher)` gives the sorted local document numbers of one segment (the
    service caches them); `size` is the whole index's count, for Whoosh's matcher order.
    Building the scope filter's matchers anew cost a third of a community search.
    """

    def __init__(self, filter, docs_of, size):
        self.filter = filter
        self.docs_of = docs_of
        self.size = size

    def __repr__(self):
        return '%s(%r)' % (type(self).__name__, self.filter)

    def __eq__(self, other):
        return type(other) is type(self) and other.filter == self.filter

    def __hash__(self):
        return hash((type(self).__name__, self.filter))

    def is_leaf(self):
        return True

    def terms(self, phrases=False):
        return iter(())

    def estimate_size(self, ixreader):
        return self.size

    def docs(self, searcher):
        return iter(self.docs_of(searcher))

    def matcher(self, searcher, context=None):
        ids = self.docs_of(searcher)
        return DocsMatcher(ids) if ids else NullMatcher()
