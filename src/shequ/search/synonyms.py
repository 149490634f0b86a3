"""Synonym lists: everyday words ↔ official terms, platform-wide and per county.

Format, one group per line (blank lines and `#` comments ignored)::

    最低生活保障 = 低保, 低保金, 低保户

The term left of `=` is the official one (used for suggestions); all terms of a line are
equivalent. A line without `=` lists equivalent terms, the first being the official one.
Terms are separated by commas (`,` `，` `、`) or spaces. Matching is done on folded text,
so traditional characters and full-width letters need no entries of their own.
"""
import os
import re
import time
from functools import lru_cache

from .analysis import fold

SEPARATORS = re.compile(r'[,，、;；\s]+')
COUNTY_ATTR = 'search_synonyms'


class SynonymError(ValueError):
    """A synonym list has bad lines; `errors` is a list of (line number, message)."""

    def __init__(self, errors):
        super().__init__('; '.join('%d: %s' % e for e in errors))
        self.errors = errors


MAX_GROUPS = 3000        # groups in one list
MAX_TERMS = 20           # terms in one group
MAX_TERM_CHARS = 30      # characters in one term


def parse_synonyms(text, strict=False):
    """The groups of a synonym list as tuples, official term first.

    Bad lines are skipped, or raise SynonymError when `strict`.
    """
    groups, errors = [], []
    lines = text.splitlines()
    if sum(1 for line in lines if line.split('#', 1)[0].strip()) > MAX_GROUPS:
        errors.append((MAX_GROUPS + 1, 'at most %d groups' % MAX_GROUPS))
        lines = lines[:MAX_GROUPS]
    for number, line in enumerate(lines, 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        official, sep, rest = line.partition('=')
        terms = [t for t in SEPARATORS.split(official if sep else line) if t]
        if sep:
            if len(terms) != 1:
                errors.append((number, 'one official term before "="'))
                continue
            terms += [t for t in SEPARATORS.split(rest) if t]
        terms = list(dict.fromkeys(fold(t) for t in terms))
        if len(terms) > MAX_TERMS or any(len(t) > MAX_TERM_CHARS for t in terms):
            errors.append((number, 'at most %d terms of at most %d characters'
                           % (MAX_TERMS, MAX_TERM_CHARS)))
            continue
        if len(terms) < 2:
            errors.append((number, 'a group needs at least two terms'))
            continue
        groups.append(tuple(terms))
    if strict and errors:
        raise SynonymError(errors)
    return groups


class Synonyms:
    """Groups of equivalent terms with substring lookup; a term may sit in several groups."""

    def __init__(self, groups=()):
        self.group_of = {}        # term → every term equivalent to it, itself first
        self.official = {}
        self.heads = set()        # the official term of each group
        for group in groups:
            self.heads.add(group[0])
            for term in group:
                known = self.group_of.setdefault(term, [term])
                known.extend(t for t in group if t not in known)
                self.official.setdefault(term, group[0])
        # longest first, so 城乡居民医保 is seen before 医保
        self.terms = sorted(self.group_of, key=len, reverse=True)

    def __len__(self):
        return len(self.group_of)

    def matches(self, text):
        """(term, equivalents) for each synonym term found in the folded `text`."""
        found, covered = [], set()
        for term in self.terms:
            if len(term) < 2 or term not in text:
                continue
            start = text.find(term)
            span = set(range(start, start + len(term)))
            if span <= covered:       # inside a longer term already matched
                continue
            covered |= span
            found.append((term, tuple(self.group_of[term][1:])))
        return found


def merge(*lists):
    """One Synonyms made from several lists of groups."""
    return Synonyms([g for groups in lists for g in groups])


@lru_cache(maxsize=8)
def _file_groups(path, mtime):
    with open(path, encoding='utf-8') as f:
        return tuple(parse_synonyms(f.read()))


STAT_EVERY = 1.0
_marks = {}         # path -> (mtime or None, monotonic time until which it is taken as is)


def file_mark(path, clock=time.monotonic):
    """The modification time of the file at `path` (None when there is none), stat'ed at
    most once every STAT_EVERY seconds: every search and its cache key ask, and each stat
    lets go of the GIL, which the thread then waits for behind the others under load. A
    changed platform list is thus read within a second."""
    if not path:
        return None
    now = clock()
    known = _marks.get(path)
    if known is not None and now < known[1]:
        return known[0]
    try:
        mark = os.path.getmtime(path)
    except OSError:
        mark = None
    _marks[path] = (mark, now + STAT_EVERY)
    return mark


def file_groups(path):
    """The groups of the platform list at `path` (re-read when the file changes)."""
    mark = file_mark(path)
    if mark is None:
        return ()
    return _file_groups(path, mark)


@lru_cache(maxsize=256)
def text_groups(text):
    return tuple(parse_synonyms(text or ''))


@lru_cache(maxsize=256)
def _combined(path_groups, county_groups):
    return merge(path_groups, county_groups)


def synonyms_for(county, path):
    """The platform list merged with `county`'s own list (county may be None)."""
    own = text_groups(county_synonyms(county)) if county is not None else ()
    return _combined(file_groups(path), own)


def county_synonyms(county):
    """The raw text of a county's own synonym list."""
    return getattr(county, COUNTY_ATTR, '') or ''


def set_county_synonyms(county, text):
    """Validate and store a county's own list; raises SynonymError on bad lines."""
    text = text.replace('\r\n', '\n').strip() + '\n'
    parse_synonyms(text, strict=True)
    setattr(county, COUNTY_ATTR, text)
    return text
