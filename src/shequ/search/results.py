"""What a search answers (hits, results), where it runs (scope), and the collector that
ranks an item issued above below an equally relevant local one."""
import dataclasses
import html
import re
from dataclasses import dataclass, field

from whoosh.collectors import TopCollector

FROM_ABOVE = 0.85   # an item issued above scores below an equally relevant local one
SNIPPET_CHARS = 120
SURROUND = 30       # characters of context before the first and after the last match


def highlighter(words):
    """A pattern finding any of `words` (folded query terms), longest first, or None.

    A single character is left out when longer words are there: found inside other words
    (证 in 身份证) it would mark nearly every line."""
    words = {w for w in words if w}
    words = {w for w in words if len(w) > 1} or words
    words = sorted(words, key=lambda w: (-len(w), w))
    return re.compile('|'.join(map(re.escape, words))) if words else None


def snippet(text, folded, pattern, maxchars=SNIPPET_CHARS, surround=SURROUND, top=2):
    """Up to `top` passages of `text` around the query's words, escaped, the words in
    <mark>; passages in text order joined by '…'. Empty if no word occurs.

    The words are found by string search in `folded` (`analysis.fold(text)`, which keeps
    every offset), not by re-analysing the text: a snippet costs microseconds, not the
    milliseconds Whoosh's highlighter spent segmenting each body again.
    """
    if pattern is None or not text:
        return ''
    fragments = []          # [start, end, [matches]]
    for match in pattern.finditer(folded):
        start, end = match.span()
        if fragments and end - fragments[-1][0] <= maxchars:
            matches = fragments[-1][2]
            if matches[-1][1] == start:        # adjacent words: one mark
                matches[-1] = (matches[-1][0], end)
            else:
                matches.append((start, end))
            fragments[-1][1] = end
        else:
            after = fragments[-1][1] if fragments else 0     # never repeat text
            fragments.append([max(after, start - surround), end, [(start, end)]])
    if not fragments:
        return ''
    best = sorted(fragments, key=lambda f: -len(f[2]))[:top]
    best.sort()
    out = []
    for i, (start, end, matches) in enumerate(best):
        end = min(len(text), end + surround,
                  best[i + 1][0] if i + 1 < len(best) else len(text))
        pieces, at = [], start
        for m_start, m_end in matches:
            pieces.append(html.escape(text[at:m_start]))
            pieces.append('<mark>%s</mark>' % html.escape(text[m_start:m_end]))
            at = m_end
        pieces.append(html.escape(text[at:end]))
        out.append(''.join(pieces))
    return '…'.join(out).replace('\n', ' ')


class AllDocsCollector(TopCollector):
    """The top hits, also noting every matched document (for facet counts).

    `demote(docnum)` says whether a document was issued by a tenant above the scope: its
    score is multiplied by FROM_ABOVE, so an equally relevant local item ranks first.
    """

    def __init__(self, limit, demote=None):
        super().__init__(limit=limit, usequality=False)
        self.seen = []
        self.demote = demote

    def collect(self, sub_docnum):
        docnum = self.offset + sub_docnum
        self.seen.append(docnum)
        score = self.matcher.score()
        if self.demote is not None and self.demote(docnum):
            score *= FROM_ABOVE
        return self._collect(docnum, score)


@dataclass
class Hit:
    """One result: the stored fields the views need, its score and a highlighted snippet."""

    path: str
    title: str
    type: str
    category: str
    owner: str
    section: str
    slug: str
    standard: bool
    score: float
    snippet: str
    from_above: bool = False    # issued by a tenant above the scope for everyone below


@dataclass
class Results:
    """A page of hits with totals, facet counts and a suggestion."""

    query: str
    total: int = 0
    hits: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)
    suggestion: str = None
    unavailable: list = field(default_factory=list)   # counties whose index is not ready
    state: tuple = None     # what the answer depends on (`SearchService._answer_key`)

    def copy(self):
        """A copy to keep or hand out: its lists and hits are its own."""
        return Results(query=self.query, total=self.total,
                       hits=[dataclasses.replace(h) for h in self.hits],
                       facets={k: list(v) for k, v in self.facets.items()},
                       suggestion=self.suggestion, unavailable=list(self.unavailable))


@dataclass
class Scope:
    """Where a search runs: the county slugs, the scope filter and hidden standards."""

    counties: list
    path: str = '/'
    above: list = field(default_factory=list)       # strict ancestor tenant paths
    hidden: list = field(default_factory=list)      # [(owners above, slugs)]
    county: object = None                           # county tenant, for its synonyms
    below_types: tuple = ()     # kinds whose items apply below their tenant (notices …)
    level: str = None           # 'here' or 'above': narrow to one side of the scope

    def issued_above(self, owner, standard):
        """Whether an item of `owner` is shown here because it applies from above."""
        return not standard and owner in self.above
