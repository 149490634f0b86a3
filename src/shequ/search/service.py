"""The search service of one application: open indexes, searchers, and running a search."""
import bisect
import html
import logging
import threading
import time
from collections import Counter

from pyramid.settings import asbool
from whoosh import index as whoosh_index
from whoosh.collectors import FilterCollector
from whoosh.query import And, Not, NullQuery, Or, Term

from ..content import get_content_registry
from .indexer import Indexer
from .query import DocsQuery, Lexicon, build, hidden_mask, not_yet_or_no_longer, scope_filter
from .analysis import fold
from .results import SNIPPET_CHARS, AllDocsCollector, Hit, Results, highlighter, snippet
from .segments import leaves, segment_key
from .suggest import Prefixes, listing_order
from .synonyms import synonyms_for
from .usage import UsageCounter

log = logging.getLogger(__name__)

FACETS = ('type', 'category', 'owner')
PLANS = 2000        # query plans kept (for texts of up to PLAN_TEXT characters)
PLAN_TEXT = 100
ANSWERS = 2000      # answers kept (a query, its scope and page, per index state and time)
RECHECK = 1.0       # seconds between a thread's looks at whether an index changed on disk


class SearchService:
    """Everything search needs at run time, made once per application."""

    def __init__(self, settings, registry):
        self.index_dir = settings.get('shequ.index_dir') or 'var/index'
        self.synonyms_file = settings.get('shequ.synonyms_file')
        self.inline = asbool(settings.get('shequ.index_inline', False))
        self.recheck = float(settings.get('shequ.search.recheck_seconds', RECHECK))
        self.clock = time.monotonic
        self.indexer = Indexer(self.index_dir, get_content_registry(registry))
        self._local = threading.local()
        self._lexicons = {}
        self.usage = UsageCounter(self.index_dir)
        self._filters = {}
        self._facet_arrays = {}
        self._segment_arrays = {}       # segment id -> facet field values of its documents
        self._moments = {}
        self._prefixes = {}
        self._prefix_segments = {}      # county -> {segment id: SegmentPrefixes}
        self._prefix_lock = threading.Lock()
        self._leaf_docs = {}
        self._plans = {}
        self._answers = {}
        self.max_answers = int(settings.get('shequ.search.answers', ANSWERS))

    # --- indexes ---------------------------------------------------------------------------

    def searcher(self, county):
        """This thread's up-to-date searcher of a county index, or None if it has none yet.

        A missing index (a fresh deploy, a rebuild swapping folders) or one with no
        documents gives None: the caller answers from what exists, never with an error.

        Whether the index changed is asked of the disk (Whoosh lists the folder) at most
        once every `shequ.search.recheck_seconds` (1 s) per thread, and at once after this
        process wrote the index (inline indexing, a command): each listing lets go of the
        GIL, which a thread then waits for behind the others under load. What another
        process (`shequ indexer`) writes is thus searched within that second.
        """
        cache = getattr(self._local, 'searchers', None)
        if cache is None:
            cache = self._local.searchers = {}
        entry = cache.get(county)
        now = self.clock()
        changes = self.indexer.changes
        if entry is not None:
            searcher, until, seen = entry
            try:
                if now >= until or seen != changes:
                    if not searcher.up_to_date():
                        searcher = searcher.refresh()
                    cache[county] = (searcher, now + self.recheck, changes)
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
        cache[county] = (searcher, now + self.recheck, changes)
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
        segments = tuple(sorted(segment_key(r) for r, _offset in leaves(reader)))
        return (county, reader.generation(), segments)

    def lexicon(self, county, searcher, synonyms):
        """Pinyin lexicon of a county index, rebuilt when the index or synonyms change."""
        key = (self.reader_key(county, searcher.reader()), id(synonyms))
        found = self._lexicons.get(county)
        if found is None or found[0] != key:
            found = self._lexicons[county] = (key, Lexicon.from_reader(searcher.reader(), synonyms))
        return found[1]

    def plan(self, county, searcher, text, synonyms):
        """The Plan for `text` in a county index, made once per index state and synonyms.

        Reading, expanding and pruning a query depends on nothing else, and residents ask
        the same few things again and again."""
        key = (self.reader_key(county, searcher.reader()), id(synonyms), text)
        found = self._plans.get(key)
        if found is not None and found[0] is synonyms:     # `is`: an id can be reused
            return found[1]
        plan = build(text, self.lexicon(county, searcher, synonyms), synonyms,
                     reader=searcher.reader())
        if len(text) > PLAN_TEXT:
            return plan
        if len(self._plans) >= PLANS:
            self._plans.clear()
        self._plans[key] = (synonyms, plan)
        return plan

    # --- searching -------------------------------------------------------------------------

    def search(self, text, scope, filters=None, public=True, limit=10, offset=0, now=None,
               visitor=None):
        """Ranked, faceted results for `text` over `scope`.

        The top hit counts as used once a day per `visitor` (the client's address).
        """
        synonyms = synonyms_for(scope.county, self.synonyms_file)
        now = int(now if now is not None else time.time())
        searchers = [(county, self.searcher(county)) for county in scope.counties]
        key = self._answer_key(text, scope, filters, public, limit, offset, now, searchers)
        found = self._answers.get(key)
        if found is not None and found[0] is synonyms:     # `is`: an id can be reused
            results = found[1].copy()
        else:
            results = self._search(text, scope, filters, public, limit, offset, now,
                                   synonyms, searchers)
            if not results.unavailable and len(text) <= PLAN_TEXT and self.max_answers:
                if len(self._answers) >= self.max_answers:
                    self._answers.clear()
                self._answers[key] = (synonyms, results.copy())
        results.state = key
        if results.hits and offset == 0:        # the database only once a day per visitor
            self.usage.hit_once(results.hits[0].path, visitor)
        return results

    def _answer_key(self, text, scope, filters, public, limit, offset, now, searchers):
        """What an answer depends on: the question, the scope, and for each county the
        state of its index and where `now` falls among its publish and expiry times."""
        states = []
        for county, searcher in searchers:
            if searcher is None:
                states.append((county, None))
                continue
            reader = searcher.reader()
            state = self.reader_key(county, reader)
            states.append((state, self._slot(state, reader, now)))
        return (text, tuple(scope.counties), scope.path, tuple(scope.above),
                repr(scope.hidden), tuple(scope.below_types), scope.level,
                tuple(sorted((filters or {}).items())), public, limit, offset, tuple(states))

    def _slot(self, state, reader, now):
        """Where `now` falls among the index's publish and expiry times: answers and time
        masks stay the same within one slot."""
        moments = self.moments(state, reader)
        return tuple(bisect.bisect_left(values, now) for values in moments) + (
            tuple(bisect.bisect_right(values, now) for values in moments))

    def _search(self, text, scope, filters, public, limit, offset, now, synonyms, searchers):
        results = Results(query=text)
        wanted = offset + limit
        merged, facets = [], {name: Counter() for name in FACETS + ('level',)}
        words = set()
        for county, searcher in searchers:
            if searcher is None:
                # a searcher proves the index is there; without one, ask the file system
                if not self.ready(county):
                    results.unavailable.append(county)
                continue
            try:
                plan = self.plan(county, searcher, text, synonyms)
                found = self._run(county, searcher, plan, scope, filters, public, now, wanted)
                hits = ([(self._hit(hit, scope), hit) for hit in found[:wanted]]
                        if found is not None else [])
            except Exception:
                # an index swapped or damaged under us: answer from the other counties
                log.exception('search in %s failed', county)
                if county not in results.unavailable:
                    results.unavailable.append(county)
                self._local.searchers.pop(county, None)
                continue
            results.suggestion = results.suggestion or plan.suggestion
            if plan.query is not NullQuery:     # the body terms, for the snippets
                words.update(t.text for t in plan.query.leaves()
                             if isinstance(t, Term) and t.fieldname == 'body')
            if found is None:
                continue
            results.total += len(found)
            for name, counts in found.facet_counts.items():
                facets[name].update(counts)
            merged.extend(hits)
        merged.sort(key=lambda pair: (-pair[0].score, pair[0].title))
        page = merged[offset:wanted]
        pattern = highlighter(words)
        for hit, whoosh_hit in page:        # snippets only for the hits shown
            hit.snippet = self._snippet(whoosh_hit, pattern)
        results.hits = [hit for hit, _w in page]
        results.facets = {name: counts.most_common() for name, counts in facets.items()}
        return results

    def _run(self, county, searcher, plan, scope, filters, public, now, limit):
        if plan.query is NullQuery:
            return None
        parts = [Term('state', 'published')] if public else []
        parts.extend(Term(name, value) for name, value in (filters or {}).items() if value)
        query = plan.query
        if scope.path.count('/') > 1:
            # inside the query, not a filter: the intersection skips everything out of scope
            query = And([query, self._docs_query(county, searcher, scope_filter(
                scope.path, scope.above, scope.below_types, scope.level))])
        restrict = self._restricted(county, searcher, scope, public, now)
        columns = self._columns(county, searcher)
        demote = None
        if scope.above and scope.below_types:
            above, owners = set(scope.above), columns['owner']
            standard = self._docset(county, searcher, [Term('standard', True)])
            demote = lambda d: owners[d] in above and d not in standard  # noqa: E731
        top = AllDocsCollector(limit=max(limit, 1), demote=demote)
        collector = FilterCollector(top, allow=self._docset(county, searcher, parts),
                                    restrict=restrict or None)
        searcher.search_with_collector(query, collector)
        found = collector.results()
        found.facet_counts = self._facets(columns, top.seen, demote)
        return found

    def _restricted(self, county, searcher, scope, public, now):
        """What must not show (a set of docnums): hidden standards, untimely items, others'
        unpublished work. Each part is cached per index state; the time mask also per
        position of `now` among the index's publish and expiry times, so it stays exact."""
        reader = searcher.reader()
        key = self.reader_key(county, reader)
        slot = self._slot(key, reader, now)
        masks = [m for m in (hidden_mask(scope.hidden), public and not_yet_or_no_longer(now))
                 if m is not None and m is not False]
        if not public and scope.above:
            # editors see their own unpublished work, never that of the tenants above them
            masks.append(And([Not(Term('tenants', scope.path)),
                              Or([Not(Term('state', 'published')),
                                  not_yet_or_no_longer(now)])]))
        if not masks:
            return None
        query = Or(masks)
        cache_key = (key, slot, repr(hidden_mask(scope.hidden)), public, scope.path)
        docs = self._filters.get(cache_key)
        if docs is None:
            if len(self._filters) > 256:
                self._filters.clear()
            docs = self._filters[cache_key] = set(searcher.docs_for_query(query))
        return docs

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

    def _docs_query(self, county, searcher, query):
        """`query` as a DocsQuery: its documents listed once per segment and index state."""
        key = (self.reader_key(county, searcher.reader()), repr(query))
        cache = self._leaf_docs

        def docs_of(leaf):
            leaf_key = key + (segment_key(leaf.reader()),)
            docs = cache.get(leaf_key)
            if docs is None:
                if len(cache) > 256:
                    cache.clear()
                docs = cache[leaf_key] = sorted(leaf.docs_for_query(query))
            return docs
        return DocsQuery(query, docs_of, len(self._docset(county, searcher, [query])))

    def _columns(self, county, searcher):
        """Per-document values of the facet fields, per index state: the concatenation of
        each segment's values, read once per segment (a segment's columns never change)."""
        reader = searcher.reader()
        key = self.reader_key(county, reader)
        arrays = self._facet_arrays.get(key)
        if arrays is None:
            if len(self._facet_arrays) > 32:
                self._facet_arrays.clear()
            parts = [self._segment_columns(leaf) for leaf, _offset in leaves(reader)]
            arrays = self._facet_arrays[key] = {
                name: [v for part in parts for v in part[name]] for name in FACETS}
        return arrays

    def _segment_columns(self, leaf):
        key = segment_key(leaf)
        found = self._segment_arrays.get(key) if key else None
        if found is None:
            found = {name: [v.decode('utf-8') if isinstance(v, bytes) else v
                            for v in leaf.column_reader(name)] for name in FACETS}
            if key:
                if len(self._segment_arrays) > 256:
                    self._segment_arrays.clear()
                self._segment_arrays[key] = found
        return found

    @staticmethod
    def _facets(arrays, docnums, demote):
        """Facet counts of the matched documents; `level` says here or from above."""
        counts = {name: Counter(arrays[name][d] for d in docnums) for name in FACETS}
        if demote is not None:
            above = sum(1 for d in docnums if demote(d))
            counts['level'] = Counter({'here': len(docnums) - above, 'above': above})
        return counts

    def _hit(self, hit, scope=None):
        """A Hit without its snippet (made only for the hits shown)."""
        owner, standard = hit.get('owner', ''), bool(hit.get('standard'))
        return Hit(path=hit['path'], title=hit.get('title', ''), type=hit.get('type', ''),
                   category=hit.get('category', ''), owner=owner,
                   section=hit.get('section', ''), slug=hit.get('slug', ''),
                   standard=standard, score=round(hit.score or 0.0, 4), snippet='',
                   from_above=scope is not None and scope.issued_above(owner, standard))

    @staticmethod
    def _snippet(hit, pattern):
        """Passages of the body around the query's body terms (see `results.snippet`)."""
        body = hit.get('body', '')
        found = snippet(body, fold(body), pattern) if body else ''
        if found:
            return found
        return html.escape(body[:SNIPPET_CHARS] + ('…' if len(body) > SNIPPET_CHARS else ''))

    def most_used(self, scope, public=True, limit=5, now=None):
        """What is used most in scope (services first, standard ones before others, then by
        title when the usage counts run out), for a search that found nothing.

        Reads the usage ranking only until `limit` items in scope are found, and the title
        order kept with the index state's prefix list: never a hit per document in scope."""
        now = int(now if now is not None else time.time())
        used, rest = [], []
        for county in scope.counties:
            searcher = self.searcher(county)
            if searcher is None:
                continue
            try:
                parts = [Term('state', 'published')] if public else []
                if scope.path.count('/') > 1:
                    parts.append(scope_filter(scope.path, scope.above))
                allowed = self._docset(county, searcher, parts)
                hidden = self._restricted(county, searcher, scope, public, now) or ()
                prefixes = self.prefixes(county, searcher)

                def shown(docnum):
                    return ((allowed is None or docnum in allowed) and docnum not in hidden)
                taken = []
                for path, hits in self.usage.ranked('/%s/' % county):
                    docnum = prefixes.docnum(path)
                    if docnum is not None and docnum not in taken and shown(docnum):
                        taken.append(docnum)
                        used.append((-hits, prefixes.docs[docnum]))
                        if len(taken) >= limit:
                            break
                more = limit - len(taken)
                for docnum in prefixes.by_title():
                    if more <= 0:
                        break
                    if docnum not in taken and shown(docnum):
                        rest.append(prefixes.docs[docnum])
                        more -= 1
            except Exception:
                log.exception('most-used list of %s failed', county)
                self._local.searchers.pop(county, None)
        used.sort(key=lambda u: (u[0], listing_order(u[1])))
        rest.sort(key=listing_order)
        return [self._listed(info, scope) for info in [u[1] for u in used] + rest][:limit]

    @staticmethod
    def _listed(info, scope):
        """A Hit (no score, no snippet) from a prefix list's document info."""
        title, type_name, path, owner, section, slug, standard = info
        return Hit(path=path, title=title, type=type_name, category='', owner=owner,
                   section=section, slug=slug, standard=standard, score=0.0, snippet='',
                   from_above=scope.issued_above(owner, standard))

    # --- suggestions ---------------------------------------------------------------------

    def prefixes(self, county, searcher):
        """The title prefixes of a county index, remade when the index changes from the
        per-segment lists of the segments it keeps (only new segments are read)."""
        key = self.reader_key(county, searcher.reader())
        found = self._prefixes.get(county)
        if found is None or found[0] != key:
            with self._prefix_lock:
                segments = self._prefix_segments.setdefault(county, {})
                prefixes = Prefixes(searcher.reader(), segments)
                for gone in set(segments) - prefixes.segment_ids():
                    del segments[gone]          # merged away: no index state holds it
            found = self._prefixes[county] = (key, prefixes)
        return found[1]

    def suggest(self, typed, scope, public=True, limit=8, now=None):
        """Up to `limit` Hits (without score or snippet) whose title starts like `typed`."""
        now = int(now if now is not None else time.time())
        out = []
        for county in scope.counties:
            searcher = self.searcher(county)
            if searcher is None:
                continue
            try:
                prefixes = self.prefixes(county, searcher)
                parts = [Term('state', 'published')] if public else []
                if scope.path.count('/') > 1:
                    parts.append(scope_filter(scope.path, scope.above, scope.below_types))
                allowed = self._docset(county, searcher, parts)
                hidden = self._restricted(county, searcher, scope, public, now) or ()
                for docs in prefixes.suggest(
                        typed, lambda d: (allowed is None or d in allowed) and d not in hidden,
                        limit):
                    # the copy nearest the scope: its own, then below it, then above
                    doc = min(docs, key=lambda d: (prefixes.docs[d][3] != scope.path,
                                                   not prefixes.docs[d][2].startswith(
                                                       scope.path.rstrip('/') + '/')))
                    out.append(self._listed(prefixes.docs[doc], scope))
            except Exception:
                log.exception('suggestions in %s failed', county)
                self._local.searchers.pop(county, None)
        return out[:limit]

    def moments(self, key, reader):
        """The index's sorted (publish, expiry) times, kept per index state `key`."""
        moments = self._moments.get(key)
        if moments is None:
            if len(self._moments) > 32:
                self._moments.clear()
            moments = self._moments[key] = self._moments_of(reader)
        return moments

    def next_moment(self, key, reader, now):
        """The first publish or expiry time after `now` in the index (None: none)."""
        ahead = [values[i] for values in self.moments(key, reader)
                 for i in (bisect.bisect_right(values, now),) if i < len(values)]
        return min(ahead) if ahead else None

    @staticmethod
    def _moments_of(reader):
        """The sorted publish and expiry times of the few timed items of an index."""
        out = []
        for name in ('publish_at', 'expire_at'):
            try:
                field = reader.schema[name]
                out.append(sorted(field.from_bytes(t) for t in field.sortable_terms(reader, name)))
            except Exception:       # no timed item yet: nothing to mask
                out.append([])
        return tuple(out)
