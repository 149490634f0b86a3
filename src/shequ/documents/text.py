"""Chinese sentence splitting and a sentence diff of two rich texts."""
import difflib
import re

from ..content.richtext import html_to_text

# a sentence ends after 。；！？ (full or half width !?;) or at a line break
_SENTENCE = re.compile(r'[^。；！？;!?\n]*(?:[。；！？;!?]+[”’"」』）)]*|\n|$)')


def sentences(text):
    """Chinese text has no spaces between words: split it on 。；！？ and line breaks."""
    out = []
    for match in _SENTENCE.finditer(text or ''):
        piece = match.group(0).strip()
        if piece:
            out.append(piece)
    return out


def sentence_diff(old_html, new_html):
    """Rows ('same'|'del'|'ins', sentence) turning the old text into the new one."""
    old, new = sentences(html_to_text(old_html)), sentences(html_to_text(new_html))
    rows = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == 'equal':
            rows.extend(('same', s) for s in old[a1:a2])
            continue
        rows.extend(('del', s) for s in old[a1:a2])
        rows.extend(('ins', s) for s in new[b1:b2])
    return rows
