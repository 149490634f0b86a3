"""Suggestions as you type: titles whose start, or the start of one of their words, matches
a prefix typed in hanzi, full pinyin or initials.

One `Prefixes` is built per county index state (like the pinyin lexicon) from the stored
titles and keywords: a sorted list of keys (`h:` hanzi, `p:` pinyin, `i:` initials), each
pointing at a title. A prefix is a bisection and a short scan; what the scope and the
visitor may see is checked afterwards against the cached filter sets of the search.
"""
import bisect
import heapq
import re
from functools import lru_cache

from .analysis import fold, has_cjk, segment, syllables
from .segments import leaves, segment_key

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


def listing_order(info):
    """Where a document's info sorts in a list without scores (the most-used list when
    usage counts run out): services first, standard ones before others, then by title."""
    return (KIND_ORDER.get(info[1], 2), not info[6], info[0])


class SegmentPrefixes:
    """Sorted prefix keys of the titles and keywords of one Whoosh segment.

    A segment never changes once written (only its deletions do), so its prefix list is
    made once and shared by every index state holding the segment: after an edit only the
    new small segment is read. Deleted documents are kept here and filtered by `Prefixes`.
    """

    def __init__(self, reader):
        self.docs = {}          # local docnum -> (title, type, path, owner, section, slug, standard)
        titles = {}             # title -> [local docnums]
        keywords = {}           # keyword -> set of titles
        for docnum in range(reader.doc_count_all()):
            fields = reader.stored_fields(docnum)
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
        self.paths = {}
        for docnum, info in self.docs.items():
            self.paths.setdefault(info[2], []).append(docnum)
        self.by_title = sorted(self.docs, key=lambda d: listing_order(self.docs[d]))

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


class _Docs:
    """docnum -> document info over the live documents of an index state's segments."""

    def __init__(self, prefixes):
        self._p = prefixes

    def __getitem__(self, docnum):
        part, local = self._p.locate(docnum)
        if part is None:
            raise KeyError(docnum)
        return part.docs[local]

    def __contains__(self, docnum):
        part, local = self._p.locate(docnum)
        return part is not None and local in part.docs


class Prefixes:
    """The prefix lists of one index state: one `SegmentPrefixes` per segment (taken from
    `cache`, keyed by segment id, when an earlier state had the segment), with the state's
    deletions applied. Document numbers are the index state's (segment offset + local)."""

    def __init__(self, reader, cache=None):
        cache = {} if cache is None else cache
        self.parts = []         # (offset, SegmentPrefixes, leaf reader)
        for leaf, offset in leaves(reader):
            key = segment_key(leaf)
            part = cache.get(key) if key else None
            if part is None:
                part = SegmentPrefixes(leaf)
                if key:
                    cache[key] = part
            self.parts.append((offset, part, leaf))
        self.offsets = [offset for offset, _part, _leaf in self.parts]
        self.docs = _Docs(self)

    def segment_ids(self):
        return {segment_key(leaf) for _o, _p, leaf in self.parts}

    def locate(self, docnum):
        """(SegmentPrefixes, local docnum) of a live docnum, or (None, None)."""
        n = bisect.bisect_right(self.offsets, docnum) - 1
        if n < 0:
            return None, None
        offset, part, leaf = self.parts[n]
        local = docnum - offset
        if local >= leaf.doc_count_all() or leaf.is_deleted(local):
            return None, None
        return part, local

    def docnum(self, path):
        """The docnum of the live document at `path` (None: not in this index state)."""
        for offset, part, leaf in reversed(self.parts):
            for local in part.paths.get(path, ()):
                if not leaf.is_deleted(local):
                    return offset + local
        return None

    def by_title(self):
        """Every live titled docnum, services first, standard ones before others, then by
        title (the most-used list's order when usage counts run out), lazily merged."""
        def segment_order(offset, part, leaf):
            for local in part.by_title:
                if not leaf.is_deleted(local):
                    yield listing_order(part.docs[local]), offset + local
        for _key, docnum in heapq.merge(*(segment_order(*p) for p in self.parts)):
            yield docnum

    def suggest(self, typed, visible, limit=8):
        """Up to `limit` lists of docnums with one title each for `typed`; `visible(docnum)`
        filters.

        Services first, then notices and documents, then the rest; within each, a match at
        the start of the title before one inside it, shorter titles first.
        """
        found = {}              # title -> [how, docnums]
        for offset, part, leaf in self.parts:
            for i, how in part.lookup(typed).items():
                docs = [offset + d for d in part.docnums[i]
                        if not leaf.is_deleted(d) and visible(offset + d)]
                if not docs:
                    continue
                entry = found.setdefault(part.titles[i], [how, [], part.docs[docs[0] - offset]])
                entry[0] = min(entry[0], how)
                entry[1].extend(docs)
        candidates = sorted(((KIND_ORDER.get(info[1], 2), how, len(title), title), docs)
                            for title, (how, docs, info) in found.items())
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
