"""Pinyin sort keys and initials of service titles, computed when a title is stored.

pypinyin costs about half a millisecond a title; a catalogue page sorting a hundred
services by it on every request spent most of its time there. A `Service` keeps its
title's key and initial (`Service.update`), an inherited standard reads its source's,
and the evolve step `services.title_pinyin` fills them in for services stored before.
"""
import string
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

LETTERS = tuple(string.ascii_uppercase)
OTHER = '#'


def pinyin_key(text):
    """Sort key of a Chinese title: its full pinyin, then the text."""
    return (' '.join(lazy_pinyin(text or '')).lower(), text or '')


def initial(text):
    """The pinyin initial of `text` as an upper-case letter, '#' for anything else."""
    text = (text or '').strip()
    if not text:
        return OTHER
    letter = lazy_pinyin(text[0], style=Style.FIRST_LETTER, errors='default')[0][:1].upper()
    return letter if letter in LETTERS else OTHER


@lru_cache(maxsize=256)
def category_pinyin(name):
    """The pinyin of a category name (a handful per site: cached by the name itself)."""
    return pinyin_key(name)[0]


def title_keys(title):
    """(pinyin sort key, initial) stored with a title."""
    return pinyin_key(title), initial(title)


def title_key(item):
    """The stored pinyin sort key of an item's title (computed if it has none yet)."""
    key = getattr(item, 'title_pinyin', None)
    if key is None or key[1] != (item.title or ''):
        return pinyin_key(item.title)
    return key


def title_initial(item):
    """The stored pinyin initial of an item's title (computed if it has none yet)."""
    letter = getattr(item, 'title_initial', None)
    if letter is None or title_key(item)[1] != (item.title or ''):
        return initial(item.title)
    return letter
