"""The index journal: which paths changed, written in ZODB in the changing transaction.

Content writers only ever insert a fresh, time-ordered key into an OOBTree and bump a
`BTrees.Length`, both of which resolve concurrent inserts without a ConflictError. The
key is taken in a before-commit hook (one entry per transaction, listing every changed
path once), so keys are close to commit order; the indexer still looks back a little
behind its cursor to catch a transaction that took a key and committed late.
"""
import os
import time

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent

JOURNAL_ATTR = 'search_journal'


def make_key(now_ns=None):
    """A journal key that sorts by time: nanoseconds, then random bits against collisions."""
    return '%020d.%s' % (now_ns if now_ns is not None else time.time_ns(), os.urandom(4).hex())


def key_time(key):
    """The nanosecond timestamp a key was made at."""
    return int(key.split('.', 1)[0])


class IndexJournal(Persistent):
    """Entries `key → tuple of paths`; pruned by the indexer after a retention period."""

    def __init__(self):
        self.entries = OOBTree()
        self.count = Length()
        self.pruned_before = ''      # keys below this have been pruned

    def append(self, paths, key=None):
        key = key or make_key()
        self.entries[key] = tuple(sorted(paths))
        self.count.change(1)
        return key

    def since(self, low):
        """(key, paths) with key > `low`, oldest first."""
        return self.entries.items(min=low, excludemin=True) if low else self.entries.items()

    def last_key(self):
        return self.entries.maxKey() if len(self.entries) else ''

    def prune(self, before):
        """Drop entries older than the key `before`; returns how many."""
        old = list(self.entries.keys(max=before, excludemax=True))
        for key in old:
            del self.entries[key]
        if old:
            self.count.change(-len(old))
            self.pruned_before = max(self.pruned_before, before)
        return len(old)

    def __len__(self):
        return self.count()


def get_journal(root, create=False):
    """The journal kept on the platform root, made on first write."""
    journal = getattr(root, JOURNAL_ATTR, None)
    if journal is None and create:
        journal = IndexJournal()
        setattr(root, JOURNAL_ATTR, journal)
    return journal


class _Pending:
    """Paths changed in one transaction, flushed into the journal just before it commits."""

    def __init__(self, root):
        self.root = root
        self.paths = set()

    def flush(self):
        if self.paths:
            get_journal(self.root, create=True).append(self.paths)


_PENDING = object()   # key of our data on a transaction


def record(root, path, after_commit=None):
    """Note that `path` changed in the current transaction of `root`'s connection.

    `after_commit(db)` runs once after that transaction commits successfully.
    """
    jar = root._p_jar
    if jar is None:
        # a root made in this very transaction: no transaction to hook into yet, so write
        # the entry now (it commits with the root); the next search or commit applies it
        get_journal(root, create=True).append([path])
        return
    txn = jar.transaction_manager.get()
    try:
        pending = txn.data(_PENDING)
    except KeyError:
        pending = _Pending(root)
        txn.set_data(_PENDING, pending)
        txn.addBeforeCommitHook(pending.flush)
        if after_commit is not None:
            db = jar.db()
            txn.addAfterCommitHook(lambda ok: ok and after_commit(db))
    pending.paths.add(path)
