"""Suggestions as you type: titles whose start, or the start of one of their words, matches
a prefix typed in hanzi, full pinyin or initials.

One `Prefixes` is built per county index state (like the pinyin lexicon) from the stored
titles and keywords: a sorted list of keys (`h:` hanzi, `p:` pinyin, `i:` initials), each
pointing at a title. A prefix is a bisection and a short scan; what the scope and the
visitor may see is checked afterwards against the cached filter sets of the search.
"""
import bisect
import re
from functools import lru_cache

from .analysis import fold, has_cjk, segment, syllables

MAX_SCAN = 4000         # keys looked at for one prefix (a one-letter prefix matches many)
WORD_STARTS = 10        # a title is found from the start of any of its first words
SKIP = frozenset('关于 做好 开展 进一步 加强 的 和 与 及 年 年度 第'.split())
KIND_ORDER = {'service': 0, 'notice': 1, 'document': 1}
CJK_RE = re.compile(r'[\u3400-\u9fff]')


@lru_cache(maxsize=100000)
def title_keys(title):
    """(key, how) pairs of a title: its start (0) and the start of its next words (1).

    Cached: an index state's prefix list is rebuilt after every change, mostly of the same
    titles."""
    words = [w for _pos, w, _s, _e in _main_words(title)]
    keys = []
    for n, word in enumerate(words[:WORD_STARTS]):
        if not has_cjk(word) or (n and word in SKIP):
            continue
        rest = words[n:]
        hanzi = ''.join(w for w in rest if has_cjk(w))
        if not hanzi:
            continue
        how = 0 if n == 0 else 1
        sounds = [s for w in rest if has_cjk(w) for s in syllables(w)]
        keys.append(('h:' + hanzi, how))
        keys.append(('p:' + ''.join(sounds), how))
        keys.append(('i:' + ''.join(s[0] for s in sounds if s), how))
    return tuple(keys)


def _main_words(text):
    last = -1
    for pos, word, start, end in segment(text, subwords=False):
        if pos != last:
            last = pos
            yield pos, word, start, end


class Prefixes:
    """Sorted prefix keys of one index state's titles and keywords."""

    def __init__(self, reader):
        self.docs = {}          # docnum -> (title, type, path, owner, section, slug, standard)
        titles = {}             # title -> [docnums]
        keywords = {}           # keyword -> set of titles
        for docnum, fields in reader.iter_docs():
            title = fields.get('title') or ''
            if not title:
                continue
            self.docs[docnum] = (title, fields.get('type', ''), fields.get('path', ''),
                                 fields.get('owner', ''), fields.get('section', ''),
                                 fields.get('slug', ''), bool(fields.get('standard')))
            titles.setdefault(title, []).append(docnum)
            for word in (fields.get('keywords') or '').split():
                if len(word) >= 2 and has_cjk(word):
                    keywords.setdefault(word, set()).add(title)
        self.titles = list(titles)
        self.docnums = [titles[t] for t in self.titles]
        number = {t: i for i, t in enumerate(self.titles)}
        keys = []
        for title, i in number.items():
            keys.extend((key, how, i) for key, how in title_keys(title))
        for word, owners in keywords.items():
            for key, how in title_keys(word)[:3]:
                keys.extend((key, 2, number[t]) for t in owners)
        keys.sort()
        self.keys = [k for k, _h, _i in keys]
        self.refs = [(h, i) for _k, h, i in keys]

    def docnum(self, path):
        """The docnum of the live document at `path` (None: not in this index state)."""
        numbers = getattr(self, '_numbers', None)
        if numbers is None:
            numbers = self._numbers = {info[2]: d for d, info in self.docs.items()}
        return numbers.get(path)

    def by_title(self):
        """Every titled docnum, services first, standard ones before others, then by title
        (the most-used list's order when usage counts run out), sorted on first use."""
        order = getattr(self, '_by_title', None)
        if order is None:
            order = self._by_title = sorted(
                self.docs, key=lambda d: (KIND_ORDER.get(self.docs[d][1], 2),
                                          not self.docs[d][6], self.docs[d][0]))
        return order

    def __len__(self):
        return len(self.keys)

    def lookup(self, typed):
        """{title number: best match (0 title start, 1 word start, 2 keyword)} for a prefix."""
        found = {}
        for prefix in prefixes_for(typed):
            start = bisect.bisect_left(self.keys, prefix)
            end = min(len(self.keys), start + MAX_SCAN)
            for n in range(start, end):
                if not self.keys[n].startswith(prefix):
                    break
                how, i = self.refs[n]
                if how < found.get(i, 3):
                    found[i] = how
        return found

    def suggest(self, typed, visible, limit=8):
        """Up to `limit` (title, doc info) for `typed`; `visible(docnum)` filters.

        Services first, then notices and documents, then the rest; within each, a match at
        the start of the title before one inside it, shorter titles first.
        """
        candidates = []
        for i, how in self.lookup(typed).items():
            docs = [d for d in self.docnums[i] if visible(d)]
            if not docs:
                continue
            info = self.docs[docs[0]]
            candidates.append(((KIND_ORDER.get(info[1], 2), how, len(info[0]), info[0]), docs))
        candidates.sort(key=lambda c: c[0])
        return [docs for _key, docs in candidates[:limit]]


def prefixes_for(typed):
    """The keys a typed prefix is looked up under: hanzi, or pinyin and initials."""
    text = re.sub(r"[\s'’]+", '', fold(typed or ''))
    if not text:
        return []
    if CJK_RE.search(text):
        hanzi = ''.join(CJK_RE.findall(text))
        rest = re.sub(r'[\u3400-\u9fff]', '', text)
        if rest:        # hanzi then pinyin being typed (老年z): read it all as pinyin
            sounds = ''.join(s for c in hanzi for s in syllables(c))
            return ['p:' + sounds + re.sub(r'[^a-z]', '', rest)]
        return ['h:' + hanzi]
    letters = re.sub(r'[^a-z]', '', text)
    if len(letters) < 1:
        return []
    return ['p:' + letters, 'i:' + letters]
