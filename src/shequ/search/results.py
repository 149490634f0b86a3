"""What a search answers (hits, results), where it runs (scope), and the collector that
ranks an item issued above below an equally relevant local one."""
from dataclasses import dataclass, field

from whoosh.collectors import TopCollector

FROM_ABOVE = 0.85   # an item issued above scores below an equally relevant local one


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
