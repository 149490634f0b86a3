"""The indexer: the single owner of the Whoosh write lock, applying journal entries.

Each entry only names paths; the indexer re-reads whatever is stored at a path now and
makes the index agree (index it, re-index a tenant's subtree, or delete it), so applying
an entry twice, or late, is harmless. The cursor lives beside the indexes, one per index
replica, and is saved only after the Whoosh commit: a crash re-applies, never skips.
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

from ..tree import Section, Tenant, get_root, tenant_path, walk_tenants
from .journal import get_journal, key_time, make_key
from .schema import county_of, make_document, make_schema

log = logging.getLogger(__name__)

LOOKBACK_S = 120            # how late a transaction may commit after taking its key
RETENTION_S = 7 * 86400     # journal entries older than this are pruned
CURSOR_FILE = 'journal-cursor.json'
LOCK_FILE = 'indexer.lock'


class Busy(Exception):
    """Another indexer holds the lock; the entries wait for the next run."""


class Indexer:
    """Applies journal entries and rebuilds county indexes under `index_dir`."""

    def __init__(self, index_dir, content_registry):
        self.index_dir = index_dir
        self.content = content_registry
        self._thread_lock = threading.Lock()
        self._last_prune = 0.0
        self._cursor = None          # the last cursor key read or written by this process

    # --- locking and index files ---------------------------------------------------------

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
                    fcntl.flock(f, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def county_dir(self, county):
        return os.path.join(self.index_dir, county)

    def open_index(self, county):
        """The index of `county`, created empty when missing."""
        folder = self.county_dir(county)
        if whoosh_index.exists_in(folder):
            return whoosh_index.open_dir(folder)
        os.makedirs(folder, exist_ok=True)
        return whoosh_index.create_in(folder, make_schema())

    def read_cursor(self):
        try:
            with open(os.path.join(self.index_dir, CURSOR_FILE)) as f:
                data = json.load(f)
        except (OSError, ValueError):
            data = {}
        self._cursor = data.get('key', '')
        return self._cursor, set(data.get('recent', ()))

    def write_cursor(self, key, recent):
        path = os.path.join(self.index_dir, CURSOR_FILE)
        with open(path + '.tmp', 'w') as f:
            json.dump({'key': key, 'recent': sorted(recent)}, f)
        os.replace(path + '.tmp', path)
        self._cursor = key

    def behind(self, root):
        """Whether the journal has entries past this replica's cursor."""
        journal = get_journal(root)
        if journal is None:
            return False
        if self._cursor is None:
            self.read_cursor()
        return journal.last_key() > self._cursor

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

    def sync_paths(self, root, paths):
        """Make every county index agree with what is stored at `paths` now."""
        by_county = {}
        for path in paths:
            county = county_of(path)
            if county:
                by_county.setdefault(county, []).append(path)
        for county, county_paths in by_county.items():
            ix = self.open_index(county)
            writer = ix.writer(timeout=5.0)
            docs = {}
            try:
                for path in county_paths:
                    node = self.resolve(root, path)
                    if isinstance(node, Tenant) or node is None:
                        writer.delete_by_term('tenants', path)
                    writer.delete_by_term('path', path)
                    for item, type_name in self.items_below(node) if node is not None else ():
                        docs[tenant_path(item)] = (item, type_name)
                # one add per document: update_document does not see this writer's own adds
                for path, (item, type_name) in docs.items():
                    writer.delete_by_term('path', path)
                    writer.add_document(**make_document(item, type_name))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    # --- journal -------------------------------------------------------------------------

    def apply(self, root):
        """Apply the journal entries this replica has not applied yet; returns their count."""
        journal = get_journal(root)
        if journal is None:
            return 0
        cursor, recent = self.read_cursor()
        if cursor and cursor < journal.pruned_before:
            log.warning('index journal pruned past our cursor: rebuilding every county')
            self.rebuild(root)
            return 0
        low = '%020d' % max(0, key_time(cursor) - LOOKBACK_S * 10 ** 9) if cursor else ''
        entries = [(k, paths) for k, paths in journal.since(low) if k not in recent]
        if not entries:
            return 0
        paths = sorted({p for _k, ps in entries for p in ps})
        self.sync_paths(root, paths)
        new_cursor = max(cursor, max(k for k, _p in entries))
        horizon = key_time(new_cursor) - LOOKBACK_S * 10 ** 9
        recent = {k for k in recent | {k for k, _p in entries} if key_time(k) >= horizon}
        self.write_cursor(new_cursor, recent)
        return len(entries)

    def apply_db(self, db, prune=True):
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
                done = self.apply(root)
                tm.abort()
                if prune:
                    self.prune(tm, root)
                return done
        except (Busy, LockError):
            return None
        finally:
            tm.abort()
            conn.close()

    def prune(self, tm, root, now=None):
        """Drop journal entries older than the retention period (at most hourly)."""
        now = now or time.time()
        if now - self._last_prune < 3600:
            return
        self._last_prune = now
        journal = get_journal(root)
        if journal is None:
            return
        try:
            tm.begin()
            journal.prune(make_key(int((now - RETENTION_S) * 10 ** 9)))
            tm.commit()
        except Exception:      # a conflict only postpones pruning
            tm.abort()
            log.info('journal pruning postponed', exc_info=True)

    # --- rebuilding ----------------------------------------------------------------------

    def rebuild(self, root, tenant_path=None, tick=lambda n: None):
        """Rebuild one tenant's documents, or every county index from scratch."""
        journal = get_journal(root)
        start_key = journal.last_key() if journal is not None else ''
        if tenant_path:
            node = self.resolve(root, tenant_path)
            if not isinstance(node, Tenant):
                raise KeyError(tenant_path)
            self._rebuild_tenant(node, tenant_path, tick)
        else:
            counties = root.tenants()
            for county in counties:
                self._rebuild_county(county, tick)
            keep = {c.__name__ for c in counties}
            for name in os.listdir(self.index_dir):
                folder = os.path.join(self.index_dir, name)
                if os.path.isdir(folder) and name not in keep:
                    shutil.rmtree(folder)
        cursor, recent = self.read_cursor()
        if start_key > cursor:
            self.write_cursor(start_key, set())

    def count(self, root, tenant_path=None):
        """How many items a rebuild would index (for the progress bar)."""
        node = self.resolve(root, tenant_path) if tenant_path else None
        tenants = [node] if node is not None else root.tenants()
        return sum(len(self.items_below(t)) for t in tenants)

    def _rebuild_tenant(self, tenant, path, tick):
        ix = self.open_index(county_of(path))
        writer = ix.writer(timeout=5.0, limitmb=256)
        writer.delete_by_term('tenants', path)
        for item, type_name in self.items_below(tenant):
            writer.add_document(**make_document(item, type_name))
            tick(1)
        writer.commit()

    def _rebuild_county(self, county, tick):
        """Build into a fresh folder, then swap it in, so searches never see half an index."""
        final = self.county_dir(county.__name__)
        fresh = final + '.new'
        shutil.rmtree(fresh, ignore_errors=True)
        os.makedirs(fresh)
        ix = whoosh_index.create_in(fresh, make_schema())
        writer = ix.writer(limitmb=256)
        for item, type_name in self.items_below(county):
            writer.add_document(**make_document(item, type_name))
            tick(1)
        writer.commit()
        old = final + '.old'
        shutil.rmtree(old, ignore_errors=True)
        if os.path.exists(final):
            os.rename(final, old)
        os.rename(fresh, final)
        shutil.rmtree(old, ignore_errors=True)
