"""The index journal: which paths changed, written in ZODB in the changing transaction.

The journal is the root's `changes`, an `AppendLog` (see `tree.log`): concurrent writers
append to it without ever conflicting, and each entry's position follows commit order,
so an indexer that has applied everything below position N has missed nothing. Entries
are `(time in ns, paths)`, one per transaction, listing every changed path once; the key
is taken in a before-commit hook.
"""
import time

from persistent import Persistent

from ..tree.log import AppendLog

JOURNAL_ATTR = 'changes'


class IndexJournal(Persistent):
    """The journal as stored before evolve step `shequ.search:1` (an OOBTree by time key).

    Kept only so old databases can be opened and the step can drop it.
    """


def get_journal(root, create=False):
    """The journal of the platform root (made with the root; made here for older roots)."""
    journal = getattr(root, JOURNAL_ATTR, None)
    if journal is None and create:
        journal = AppendLog()
        setattr(root, JOURNAL_ATTR, journal)
    return journal


def entry(paths, now_ns=None):
    """A journal entry: when, and which paths (sorted, each once)."""
    return (now_ns if now_ns is not None else time.time_ns(), tuple(sorted(set(paths))))


def evolve_journal(root, registry):
    """Replace the old time-keyed journal by the append-only one.

    Its first entry names every county, so every replica re-reads them whole: what the
    old journal held is not carried over, and nothing it named is missed.
    """
    journal = get_journal(root, create=True)
    journal.append(entry('/' + name for name in root.keys()))
    if getattr(root, 'search_journal', None) is not None:
        del root.search_journal


class _Pending:
    """Paths changed in one transaction, flushed into the journal just before it commits."""

    def __init__(self, root):
        self.root = root
        self.paths = set()

    def flush(self):
        if self.paths:
            get_journal(self.root, create=True).append(entry(self.paths))


_PENDING = object()   # key of our data on a transaction


def record(root, path, after_commit=None):
    """Note that `path` changed in the current transaction of `root`'s connection.

    `after_commit(db)` runs once after that transaction commits successfully.
    """
    jar = root._p_jar
    if jar is None:
        # a root made in this very transaction: no transaction to hook into yet, so write
        # the entry now (it commits with the root); the next search or commit applies it
        get_journal(root, create=True).append(entry([path]))
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
