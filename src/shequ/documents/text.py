"""Chinese sentence splitting and a bounded sentence diff of two rich texts."""
import re

from rapidfuzz.distance import Indel

from ..content.richtext import html_to_text

# a sentence ends after 。；！？ (full or half width !?;) or at a line break
_SENTENCE = re.compile(r'[^。；！？;!?\n]*(?:[。；！？;!?]+[”’"」』）)]*|\n|$)')

# A public page compares two revisions for anyone who asks, so its cost is capped: texts
# past these sizes are not compared sentence by sentence (the page says so instead).
MAX_MARKUP = 1_000_000     # characters of stored HTML per revision
MAX_SENTENCES = 5_000      # sentences per revision


def sentences(text):
    """Chinese text has no spaces between words: split it on 。；！？ and line breaks."""
    out = []
    for match in _SENTENCE.finditer(text or ''):
        piece = match.group(0).strip()
        if piece:
            out.append(piece)
    return out


def sentence_diff(old_html, new_html):
    """Rows ('same'|'del'|'ins', sentence) turning the old text into the new one.

    None when either text is too long to compare (see MAX_MARKUP, MAX_SENTENCES). The
    diff is a longest-common-subsequence diff by rapidfuzz's bit-parallel algorithm,
    O(n·m/64) in time whatever the texts, on sentences numbered exactly (no hashing).
    """
    if len(old_html or '') > MAX_MARKUP or len(new_html or '') > MAX_MARKUP:
        return None
    old, new = sentences(html_to_text(old_html)), sentences(html_to_text(new_html))
    if len(old) > MAX_SENTENCES or len(new) > MAX_SENTENCES:
        return None
    ids = {}
    old_ids = [ids.setdefault(s, len(ids)) for s in old]
    new_ids = [ids.setdefault(s, len(ids)) for s in new]
    rows, dels, inss = [], [], []
    for op in Indel.opcodes(old_ids, new_ids):
        if op.tag == 'equal':
            rows.extend(dels + inss)
            dels, inss = [], []
            rows.extend(('same', s) for s in old[op.src_start:op.src_end])
        else:  # a run of deletions and insertions: show what went, then what came
            dels.extend(('del', s) for s in old[op.src_start:op.src_end])
            inss.extend(('ins', s) for s in new[op.dest_start:op.dest_end])
    rows.extend(dels + inss)
    return rows
