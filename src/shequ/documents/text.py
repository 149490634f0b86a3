"""Plain text of rich text, Chinese sentence splitting and a sentence diff of two texts."""
import difflib
import html
import re

import nh3

_BLOCK_END = re.compile(r'</(p|div|li|h[1-6]|tr|blockquote|pre|table|ul|ol)\s*>|<br\s*/?>|<hr\s*/?>',
                        re.IGNORECASE)
# a sentence ends after 。；！？ (full or half width !?;) or at a line break
_SENTENCE = re.compile(r'[^。；！？;!?\n]*(?:[。；！？;!?]+[”’"」』）)]*|\n|$)')


def html_to_text(markup):
    """Text of sanitised HTML with one line per block; entities decoded."""
    if not markup:
        return ''
    marked = _BLOCK_END.sub(lambda m: m.group(0) + '\n', markup)
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = (re.sub(r'[ \t\u3000\xa0]+', ' ', line).strip() for line in text.splitlines())
    return '\n'.join(line for line in lines if line)


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
