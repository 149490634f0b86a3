"""The indexer: the single owner of the Whoosh write lock, applying journal entries.

Each entry only names paths; the indexer re-reads whatever is stored at a path now and
makes the index agree (index it, re-index a tenant's subtree, or delete it), so applying
an entry twice, or late, is harmless. Each county index has its own cursor (the journal
position it has applied up to), kept beside the indexes, one set per index replica, and
saved only after that county's Whoosh commit: a crash re-applies, never skips; one
county's trouble never holds up another's.

A path that cannot be indexed is logged, recorded for `shequ indexer --failed` and
skipped. A county whose index is missing (a fresh deploy, a removed folder) or whose
cursor the journal was pruned past needs a whole rebuild: the indexer process does that
(`rebuild_missing=True`); a web request never does — it leaves the county to the indexer,
and searches there answer honestly from what exists.
"""
import fcntl
import json
import logging
import os
import shutil
import threading
import time
from contextlib import contextmanager

import transaction
from whoosh import index as whoosh_index
from whoosh.index import LockError

from ..clock import utcnow
from ..tree import Section, Tenant, get_root, tenant_path, walk_tenants
from .journal import get_journal
from .schema import county_of, make_document, make_schema

log = logging.getLogger(__name__)

RETENTION_S = 7 * 86400     # journal entries older than this are pruned
CURSOR_FILE = 'cursors.json'
FAILED_FILE = 'failed.json'
LOCK_FILE = 'indexer.lock'


class Busy(Exception):
    """Another indexer holds the lock; the entries wait for the next run."""


def _write_json(path, data):
    with open(path + '.tmp', 'w', encoding='utf-8') as f:
        json.dump(data, f, ensure_ascii=False, indent=0, sort_keys=True)
    os.replace(path + '.tmp', path)


def _read_json(path):
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class Indexer:
    """Applies journal entries and rebuilds county indexes under `index_dir`."""

    def __init__(self, index_dir, content_registry):
        self.index_dir = index_dir
        self.content = content_registry
        self._thread_lock = threading.Lock()
        self._last_prune = 0.0
        self._cursors = None         # the cursors last read or written by this process
        self.waiting = set()         # counties left for the indexer process to rebuild
        self.changes = 0             # times this process held the lock (and may have written)

    # --- locking, index files, cursors -------------------------------------------------

    @contextmanager
    def lock(self):
        """The indexer lock (threads and processes); raises Busy when someone else has it."""
        if not self._thread_lock.acquire(blocking=False):
            raise Busy()
        try:
            os.makedirs(self.index_dir, exist_ok=True)
            with open(os.path.join(self.index_dir, LOCK_FILE), 'a') as f:
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    raise Busy()
                try:
                    yield
                finally:
                    self.changes += 1      # under the thread lock: searchers look again
                    fcntl.flock(f, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def county_dir(self, county):
        return os.path.join(self.index_dir, county)

    def has_index(self, county):
        return whoosh_index.exists_in(self.county_dir(county))

    def open_index(self, county):
        """The index of `county`, created empty when missing."""
        folder = self.county_dir(county)
        if whoosh_index.exists_in(folder):
            return whoosh_index.open_dir(folder)
        os.makedirs(folder, exist_ok=True)
        return whoosh_index.create_in(folder, make_schema())

    def read_cursors(self):
        """{county: journal position applied up to} of this replica."""
        data = _read_json(os.path.join(self.index_dir, CURSOR_FILE))
        self._cursors = {k: v for k, v in data.get('counties', {}).items() if isinstance(v, int)}
        return dict(self._cursors)

    def write_cursor(self, county, position):
        """Record that `county`'s index holds every journal entry below `position`."""
        cursors = self.read_cursors()
        if position is None:
            cursors.pop(county, None)
        else:
            cursors[county] = position
        os.makedirs(self.index_dir, exist_ok=True)
        _write_json(os.path.join(self.index_dir, CURSOR_FILE), {'counties': cursors})
        self._cursors = cursors

    def needs_rebuild(self, county, cursors, journal):
        """Whether `county` can only be brought up to date by a whole rebuild."""
        cursor = cursors.get(county)
        if cursor is None:
            # never indexed here: the journal alone builds it if it still starts at 0
            return self.has_index(county) or journal.first > 0
        # a cursor past the end belongs to another journal (replaced by an evolve step)
        return not self.has_index(county) or not journal.first <= cursor <= journal.end

    def rebuild_count(self, root):
        """How many items a rebuild of the counties that need one would index (read only)."""
        journal = get_journal(root)
        if journal is None:
            return 0
        cursors = self.read_cursors()
        return sum(len(self.items_below(c)) for c in root.tenants()
                   if self.needs_rebuild(c.__name__, cursors, journal))

    def behind(self, root):
        """Whether the journal has entries that this replica could apply now."""
        journal = get_journal(root)
        if journal is None:
            return False
        if self._cursors is None:
            self.read_cursors()
        end = journal.end
        return any(self._cursors.get(c.__name__, 0) < end for c in root.tenants()
                   if c.__name__ not in self.waiting)

    # --- failed paths ------------------------------------------------------------------

    def failed(self):
        """{path: {'error', 'time'}} of paths that could not be indexed."""
        return _read_json(os.path.join(self.index_dir, FAILED_FILE))

    def _note_failures(self, failed, done):
        current = self.failed()
        updated = {p: v for p, v in current.items() if p not in done}
        updated.update(failed)
        if updated != current:
            _write_json(os.path.join(self.index_dir, FAILED_FILE), updated)

    # --- what a path holds now -----------------------------------------------------------

    def resolve(self, root, path):
        node = root
        for name in (p for p in path.split('/') if p):
            node = node.get(name) if hasattr(node, 'get') else None
            if node is None:
                return None
        return node

    def items_below(self, node):
        """Content items at or below a tenant or section, with their type names."""
        if isinstance(node, Section):
            sections = [node]
        elif isinstance(node, Tenant):
            sections = [s for t in [node, *walk_tenants(node)] for s in t.sections()]
        else:
            ctype = self.content.type_of(node)
            return [(node, ctype.name)] if ctype else []
        found = []
        for section in sections:
            for item in section.values():
                ctype = self.content.type_of(item)
                if ctype is not None:
                    found.append((item, ctype.name))
        return found

    def _documents(self, items, failed):
        """Index documents of `items`; an item that cannot be made into one is noted."""
        for item, type_name in items:
            path = tenant_path(item)
            try:
                doc = make_document(item, type_name)
            except Exception as exc:
                log.exception('cannot index %s; skipped', path)
                failed[path] = {'error': '%s: %s' % (type(exc).__name__, exc),
                                'time': utcnow().isoformat(timespec='seconds')}
                continue
            yield path, doc

    def sync_paths(self, root, county, paths):
        """Make `county`'s index agree with what is stored at `paths` now.

        Returns (indexed paths, failed {path: info}); a path that fails is skipped.
        """
        failed, docs = {}, {}
        ix = self.open_index(county)
        writer = ix.writer(timeout=5.0)
        try:
            for path in paths:
                try:
                    node = self.resolve(root, path)
                    if isinstance(node, Tenant) or node is None:
                        writer.delete_by_term('tenants', path)
                    writer.delete_by_term('path', path)
                    items = self.items_below(node) if node is not None else ()
                except Exception as exc:
                    log.exception('cannot read %s for indexing; skipped', path)
                    failed[path] = {'error': '%s: %s' % (type(exc).__name__, exc),
                                    'time': utcnow().isoformat(timespec='seconds')}
                    continue
                docs.update(self._documents(items, failed))
            # one add per document: update_document does not see this writer's own adds
            for path, doc in docs.items():
                writer.delete_by_term('path', path)
                writer.add_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return set(paths) | set(docs), failed

    # --- journal -------------------------------------------------------------------------

    def apply(self, root, rebuild_missing=False, tick=lambda n: None):
        """Apply the journal entries this replica has not applied yet; returns their count.

        Counties are independent: a county whose index fails to update keeps its cursor
        and is tried again next time, and the others go on.
        """
        journal = get_journal(root)
        if journal is None:
            return 0
        end = journal.end
        cursors = self.read_cursors()
        counties = {c.__name__ for c in root.tenants()}
        todo = {}
        for county in sorted(counties | set(cursors)):
            if county not in counties:
                if rebuild_missing:        # a county removed from the tree
                    shutil.rmtree(self.county_dir(county), ignore_errors=True)
                    self.write_cursor(county, None)
                continue
            if self.needs_rebuild(county, cursors, journal):
                if rebuild_missing:
                    self._rebuild_county(root[county], end, tick)
                    self.waiting.discard(county)
                else:
                    if county not in self.waiting:
                        log.warning('search index of %s needs a rebuild: left to `shequ '
                                    'indexer`', county)
                    self.waiting.add(county)
                continue
            self.waiting.discard(county)
            if cursors.get(county, 0) < end:
                todo[county] = cursors.get(county, 0)
        if not todo:
            return 0
        low = min(todo.values())
        entries = journal.since(low)
        applied = 0
        for county, cursor in sorted(todo.items()):
            paths = sorted({p for pos, (_t, ps) in entries if pos >= cursor
                            for p in ps if county_of(p) == county})
            try:
                if paths:
                    done, failed = self.sync_paths(root, county, paths)
                    self._note_failures(failed, done - set(failed))
            except Exception:
                log.exception('indexing %s failed; will retry', county)
                continue
            self.write_cursor(county, end)
            applied = max(applied, sum(1 for pos, _e in entries if pos >= cursor))
        return applied

    def retry_failed(self, root):
        """Index the recorded failed paths again; returns those that still fail."""
        by_county = {}
        for path in self.failed():
            by_county.setdefault(county_of(path), []).append(path)
        for county, paths in by_county.items():
            if county in root and self.has_index(county):
                done, failed = self.sync_paths(root, county, paths)
                self._note_failures(failed, done - set(failed))
            else:
                self._note_failures({}, set(paths))
        return self.failed()

    def apply_db(self, db, prune=True, rebuild_missing=False, tick=lambda n: None):
        """One pass over `db` in a connection of its own; returns entries applied or None if busy."""
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            with self.lock():
                tm.begin()
                root = get_root(conn)
                if root is None:
                    tm.abort()
                    return 0
                done = self.apply(root, rebuild_missing=rebuild_missing, tick=tick)
                tm.abort()
                if prune:
                    self.prune(tm, root)
                return done
        except (Busy, LockError):
            return None
        finally:
            tm.abort()
            conn.close()

    def prune(self, tm, root, now=None, force=False):
        """Drop journal entries older than the retention period (at most hourly)."""
        now = now or time.time()
        if not force and now - self._last_prune < 3600:
            return
        self._last_prune = now
        journal = get_journal(root)
        if journal is None:
            return
        horizon = int((now - RETENTION_S) * 10 ** 9)
        try:
            tm.begin()
            journal.prune_before(lambda entry: entry[0] >= horizon)
            tm.commit()
        except Exception:      # a conflict only postpones pruning
            tm.abort()
            log.info('journal pruning postponed', exc_info=True)

    # --- rebuilding ----------------------------------------------------------------------

    def rebuild(self, root, tenant_path=None, tick=lambda n: None):
        """Rebuild one tenant's documents, or every county index from scratch.

        Rebuilding one tenant never moves a cursor: the county's other pending changes
        are still applied by the next `apply`. If the county has no usable index yet,
        the whole county is rebuilt instead (returns the path actually rebuilt).
        """
        journal = get_journal(root)
        end = journal.end if journal is not None else 0
        if tenant_path:
            node = self.resolve(root, tenant_path)
            if not isinstance(node, Tenant):
                raise KeyError(tenant_path)
            county = county_of(tenant_path)
            if journal is not None and self.needs_rebuild(county, self.read_cursors(), journal):
                self._rebuild_county(root[county], end, tick)
                return '/' + county
            self._rebuild_tenant(node, tenant_path, tick)
            return tenant_path
        counties = root.tenants()
        for county in counties:
            self._rebuild_county(county, end, tick)
        keep = {c.__name__ for c in counties}
        for name in os.listdir(self.index_dir):
            folder = os.path.join(self.index_dir, name)
            if os.path.isdir(folder) and name not in keep:
                shutil.rmtree(folder)
        for county in set(self.read_cursors()) - keep:
            self.write_cursor(county, None)
        return '/'

    def count(self, root, tenant_path=None):
        """How many items a rebuild would index (for the progress bar)."""
        node = self.resolve(root, tenant_path) if tenant_path else None
        tenants = [node] if node is not None else root.tenants()
        return sum(len(self.items_below(t)) for t in tenants)

    def _rebuild_tenant(self, tenant, path, tick):
        ix = self.open_index(county_of(path))
        writer = ix.writer(timeout=5.0, limitmb=256)
        failed, done = {}, set()
        writer.delete_by_term('tenants', path)
        for doc_path, doc in self._documents(self.items_below(tenant), failed):
            writer.add_document(**doc)
            done.add(doc_path)
            tick(1)
        writer.commit()
        self._note_failures(failed, done)

    def _rebuild_county(self, county, end, tick):
        """Build into a fresh folder, then swap it in, so searches never see half an index."""
        final = self.county_dir(county.__name__)
        fresh = final + '.new'
        shutil.rmtree(fresh, ignore_errors=True)
        os.makedirs(fresh)
        ix = whoosh_index.create_in(fresh, make_schema())
        writer = ix.writer(limitmb=256)
        failed, done = {}, set()
        for doc_path, doc in self._documents(self.items_below(county), failed):
            writer.add_document(**doc)
            done.add(doc_path)
            tick(1)
        writer.commit()
        old = final + '.old'
        shutil.rmtree(old, ignore_errors=True)
        if os.path.exists(final):
            os.rename(final, old)
        os.rename(fresh, final)
        shutil.rmtree(old, ignore_errors=True)
        self.write_cursor(county.__name__, end)
        stale = {p for p in self.failed() if county_of(p) == county.__name__}
        self._note_failures(failed, stale | done)
