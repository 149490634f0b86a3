"""The search service of one application: open indexes, searchers, and running a search."""
import html
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from pyramid.settings import asbool
from whoosh import index as whoosh_index
from whoosh.highlight import ContextFragmenter, HtmlFormatter
from whoosh.collectors import FilterCollector, TopCollector
from whoosh.query import And, ConstantScoreQuery, Every, Not, NullQuery, Or, Term

from ..content import get_content_registry
from .indexer import Indexer
from .query import Lexicon, build, hidden_mask, not_yet_or_no_longer, scope_filter
from .synonyms import synonyms_for
from .usage import UsageCounter

log = logging.getLogger(__name__)

FACETS = ('type', 'category', 'owner')
SNIPPET_CHARS = 120


class AllDocsCollector(TopCollector):
    """The top hits, also noting every matched document (for facet counts)."""

    def __init__(self, limit):
        super().__init__(limit=limit, usequality=False)
        self.seen = []

    def collect(self, sub_docnum):
        self.seen.append(self.offset + sub_docnum)
        return super().collect(sub_docnum)


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


class SearchService:
    """Everything search needs at run time, made once per application."""

    def __init__(self, settings, registry):
        self.index_dir = settings.get('shequ.index_dir') or 'var/index'
        self.synonyms_file = settings.get('shequ.synonyms_file')
        self.inline = asbool(settings.get('shequ.index_inline', False))
        self.indexer = Indexer(self.index_dir, get_content_registry(registry))
        self._local = threading.local()
        self._lexicons = {}
        self.usage = UsageCounter(self.index_dir)
        self._filters = {}
        self._facet_arrays = {}

    # --- indexes ---------------------------------------------------------------------------

    def searcher(self, county):
        """This thread's up-to-date searcher of a county index, or None if it has none yet.

        A missing index (a fresh deploy, a rebuild swapping folders) or one with no
        documents gives None: the caller answers from what exists, never with an error.
        """
        cache = getattr(self._local, 'searchers', None)
        if cache is None:
            cache = self._local.searchers = {}
        searcher = cache.get(county)
        if searcher is not None:
            try:
                if not searcher.up_to_date():
                    searcher = cache[county] = searcher.refresh()
                return searcher if searcher.doc_count_all() else None
            except Exception:          # the index was swapped or removed by a rebuild
                cache.pop(county, None)
                try:
                    searcher.close()
                except Exception:
                    pass
        folder = self.indexer.county_dir(county)
        try:
            if not whoosh_index.exists_in(folder):
                return None
            searcher = whoosh_index.open_dir(folder).searcher()
        except Exception:              # half-written or being swapped: not ready yet
            log.info('index of %s not readable yet', county, exc_info=True)
            return None
        cache[county] = searcher
        return searcher if searcher.doc_count_all() else None

    def ready(self, county):
        """Whether `county` has an index to search (False while it is missing or swapped)."""
        return whoosh_index.exists_in(self.indexer.county_dir(county))

    @staticmethod
    def reader_key(county, reader):
        """What identifies one state of one county index: its generation and segments.

        Segment ids are random per segment, so a rebuilt index (whose generation starts
        again) never shares a key with the index it replaced, nor with another county's.
        """
        leaves = reader.leaf_readers() if hasattr(reader, 'leaf_readers') else [(reader, 0)]
        segments = tuple(sorted(str(r.segment().segment_id()) if r.segment() is not None else ''
                                for r, _offset in leaves))
        return (county, reader.generation(), segments)

    def lexicon(self, county, searcher, synonyms):
        """Pinyin lexicon of a county index, rebuilt when the index or synonyms change."""
        key = (self.reader_key(county, searcher.reader()), id(synonyms))
        found = self._lexicons.get(county)
        if found is None or found[0] != key:
            found = self._lexicons[county] = (key, Lexicon.from_reader(searcher.reader(), synonyms))
        return found[1]

    # --- searching -------------------------------------------------------------------------

    def search(self, text, scope, filters=None, public=True, limit=10, offset=0, now=None,
               visitor=None):
        """Ranked, faceted results for `text` over `scope`.

        The top hit counts as used once a day per `visitor` (the client's address).
        """
        results = Results(query=text)
        synonyms = synonyms_for(scope.county, self.synonyms_file)
        now = int(now if now is not None else time.time())
        wanted = offset + limit
        merged, facets = [], {name: Counter() for name in FACETS}
        for county in scope.counties:
            if not self.ready(county):
                results.unavailable.append(county)
            searcher = self.searcher(county)
            if searcher is None:
                continue
            try:
                plan = build(text, self.lexicon(county, searcher, synonyms), synonyms,
                             reader=searcher.reader())
                found = self._run(county, searcher, plan, scope, filters, public, now, wanted)
                hits = [self._hit(hit) for hit in found[:wanted]] if found is not None else []
            except Exception:
                # an index swapped or damaged under us: answer from the other counties
                log.exception('search in %s failed', county)
                if county not in results.unavailable:
                    results.unavailable.append(county)
                self._local.searchers.pop(county, None)
                continue
            results.suggestion = results.suggestion or plan.suggestion
            if found is None:
                continue
            results.total += len(found)
            for name in FACETS:
                facets[name].update(found.facet_counts[name])
            merged.extend(hits)
        merged.sort(key=lambda h: (-h.score, h.title))
        results.hits = merged[offset:wanted]
        results.facets = {name: facets[name].most_common() for name in FACETS}
        if results.hits and offset == 0:
            self.usage.hit(results.hits[0].path, visitor)
        return results

    def _run(self, county, searcher, plan, scope, filters, public, now, limit):
        if plan.query is NullQuery:
            return None
        parts = [Term('state', 'published')] if public else []
        parts.extend(Term(name, value) for name, value in (filters or {}).items() if value)
        query = plan.query
        if scope.path.count('/') > 1:
            # inside the query, not a filter: the intersection skips everything out of scope
            query = And([query, ConstantScoreQuery(scope_filter(scope.path, scope.above), 0.0)])
        masks = self._masks(scope, public, now)
        top = AllDocsCollector(limit=max(limit, 1))
        collector = FilterCollector(top, allow=self._docset(county, searcher, parts),
                                    restrict=Or(masks) if masks else None)
        searcher.search_with_collector(query, collector)
        found = collector.results()
        found.fragmenter = ContextFragmenter(maxchars=SNIPPET_CHARS, surround=30)
        found.formatter = HtmlFormatter(tagname='mark', between='…')
        found.facet_counts = self._facets(county, searcher, top.seen)
        return found

    @staticmethod
    def _masks(scope, public, now):
        """What must not show: hidden standards, untimely items, others' unpublished work."""
        masks = [m for m in (hidden_mask(scope.hidden), public and not_yet_or_no_longer(now))
                 if m is not None and m is not False]
        if not public and scope.above:
            # editors see their own unpublished work, never that of the tenants above them
            masks.append(And([Not(Term('tenants', scope.path)),
                              Or([Not(Term('state', 'published')),
                                  not_yet_or_no_longer(now)])]))
        return masks

    def _docset(self, county, searcher, parts):
        """The documents a filter allows, cached per index state (scopes repeat)."""
        if not parts:
            return None
        query = And(parts) if len(parts) > 1 else parts[0]
        key = (self.reader_key(county, searcher.reader()), repr(query))
        docs = self._filters.get(key)
        if docs is None:
            if len(self._filters) > 256:
                self._filters.clear()
            docs = self._filters[key] = set(searcher.docs_for_query(query))
        return docs

    def _facets(self, county, searcher, docnums):
        """Facet counts of the matched documents, from per-index-state value arrays."""
        reader = searcher.reader()
        key = self.reader_key(county, reader)
        arrays = self._facet_arrays.get(key)
        if arrays is None:
            if len(self._facet_arrays) > 32:
                self._facet_arrays.clear()
            arrays = self._facet_arrays[key] = {
                name: [v.decode('utf-8') if isinstance(v, bytes) else v
                       for v in reader.column_reader(name)] for name in FACETS}
        return {name: Counter(arrays[name][d] for d in docnums) for name in FACETS}

    def _hit(self, hit):
        body = hit.get('body', '')
        snippet = ''
        if body:
            try:
                snippet = hit.highlights('body', text=body, top=2)
            except Exception:       # a snippet is a nicety; never fail a search for it
                log.debug('highlighting failed', exc_info=True)
        if snippet:
            snippet = snippet.replace('\n', ' ')
        else:
            snippet = html.escape(body[:SNIPPET_CHARS] + ('…' if len(body) > SNIPPET_CHARS else ''))
        return Hit(path=hit['path'], title=hit.get('title', ''), type=hit.get('type', ''),
                   category=hit.get('category', ''), owner=hit.get('owner', ''),
                   section=hit.get('section', ''), slug=hit.get('slug', ''),
                   standard=bool(hit.get('standard')), score=round(hit.score or 0.0, 4),
                   snippet=snippet)

    def most_used(self, scope, public=True, limit=5, now=None):
        """The services searched for most in scope (standard ones first when unknown)."""
        now = int(now if now is not None else time.time())
        found = []
        for county in scope.counties:
            searcher = self.searcher(county)
            if searcher is None:
                continue
            parts = [Term('state', 'published')] if public else []
            if scope.path.count('/') > 1:
                parts.append(scope_filter(scope.path, scope.above))
            masks = self._masks(scope, public, now)
            try:
                for hit in searcher.search(Every(), filter=self._docset(county, searcher, parts),
                                           mask=Or(masks) if masks else None, limit=None):
                    found.append(self._hit(hit))
            except Exception:
                log.exception('most-used list of %s failed', county)
                self._local.searchers.pop(county, None)
        hits = self.usage.counts(h.path for h in found)
        found.sort(key=lambda h: (-hits.get(h.path, 0), not h.standard, h.title))
        return found[:limit]
