"""An append-only log that concurrent writers append to without a ConflictError.

Used for the per-tenant audit log and the search journal: many transactions append to one
log at once, and nothing may make them conflict. A BTree with time-ordered keys does not
do: every insert lands in the rightmost bucket, and two inserts conflict whenever that
bucket splits (and always when the values are mutable). Here, as in Substance D's
deferred-indexing queue or zc.queue, the newest entries sit in one small persistent
`LogHead` whose `_p_resolveConflict` merges concurrent appends; when the head is full the
first append of the next transaction seals its entries into an immutable `LogPage`,
linked from the head.

Entries are immutable (tuples of plain values). Each has a position that never changes:
a transaction whose append is merged into another's is placed after everything already
committed, so positions follow commit order and a reader's "done up to position N"
cursor never misses a late commit. Old pages can be dropped (`prune_before`); pruning
touches only sealed pages and the log object, never the head, so it never conflicts with
writers either.
"""
from persistent import Persistent
from ZODB.POSException import ConflictError

PAGE_SIZE = 64


class LogPage(Persistent):
    """Sealed entries, never changed after sealing (except `prev`, cut by pruning)."""

    def __init__(self, base, entries, prev):
        self.base = base
        self.entries = entries
        self.prev = prev


class LogHead(Persistent):
    """The newest, still open entries; concurrent appends to it are merged on commit."""

    def __init__(self):
        self.base = 0            # position of entries[0]
        self.entries = ()
        self.prev = None         # the newest sealed LogPage

    def append(self, entries, page_size):
        for entry in entries:
            # seal only what this transaction found committed, never its own entries: then
            # a seal always covers exactly the state a concurrent writer started from, and
            # `_p_resolveConflict` can always merge (one transaction's many entries may
            # make the head longer than a page until the next transaction seals them)
            if len(self.entries) >= page_size and not self._p_changed:
                self.prev = LogPage(self.base, self.entries, self.prev)
                self.base += len(self.entries)
                self.entries = ()
            self.entries = self.entries + (entry,)
        return self.base + len(self.entries)

    def _p_resolveConflict(self, old, committed, new):
        """Merge two transactions' appends: committed's entries first, then new's.

        `old` is the state `new`'s transaction started from. Either side may have sealed
        a prefix of those old entries into a page (never anything else: see `append`);
        the result takes the further seal, and keeps every committed entry's position.
        """
        base, size = old['base'], len(old['entries'])
        cb, nb = committed['base'], new['base']
        if not base <= nb <= base + size or cb < base:
            raise ConflictError('the log head changed in a way appends cannot explain')
        added = new['entries'][base + size - nb:]           # new's own entries
        merged = dict(committed)
        if cb >= nb:
            merged['entries'] = committed['entries'] + added
        else:                                                # new sealed further
            merged['base'], merged['prev'] = nb, new['prev']
            merged['entries'] = (old['entries'][nb - base:]
                                 + committed['entries'][base + size - cb:] + added)
        return merged


class AppendLog(Persistent):
    """Entries in commit order, each with a stable position (0, 1, 2 …)."""

    page_size = PAGE_SIZE

    def __init__(self, page_size=None):
        self.head = LogHead()
        self.first = 0           # positions below this were pruned
        if page_size:
            self.page_size = page_size

    def append(self, entry):
        """Append one immutable entry; returns the position after it."""
        return self.head.append((entry,), self.page_size)

    def extend(self, entries):
        return self.head.append(tuple(entries), self.page_size)

    @property
    def end(self):
        """The position the next entry will take (count of entries ever appended)."""
        return self.head.base + len(self.head.entries)

    def __len__(self):
        """Entries still held (appended minus pruned)."""
        return self.end - self.first

    def _chunks(self):
        """(base, entries) newest chunk first, down to the oldest kept page."""
        head = self.head
        yield head.base, head.entries
        page = head.prev
        while page is not None and page.base + len(page.entries) > self.first:
            yield page.base, page.entries
            page = page.prev

    def since(self, position):
        """(position, entry) for every entry at or after `position`, oldest first."""
        found = []
        for base, entries in self._chunks():
            if base + len(entries) <= position:
                break
            found.append((base, entries))
        out = []
        for base, entries in reversed(found):
            for i, entry in enumerate(entries):
                if base + i >= max(position, self.first):
                    out.append((base + i, entry))
        return out

    def newest(self, start=0, size=50):
        """Entries newest first: `size` of them, skipping the `start` newest."""
        out, skipped = [], 0
        for _base, entries in self._chunks():
            for entry in reversed(entries):
                if skipped < start:
                    skipped += 1
                    continue
                out.append(entry)
                if len(out) >= size:
                    return out
        return out

    def __iter__(self):
        """Every entry held, oldest first."""
        return (entry for _pos, entry in self.since(self.first))

    def prune_before(self, keep):
        """Drop sealed pages whose entries all fail `keep(entry)`; returns entries dropped.

        Entries are dropped a page at a time, oldest first, stopping at the first page
        holding an entry to keep. The head is never touched.
        """
        pages = []
        page = self.head.prev
        while page is not None and page.base + len(page.entries) > self.first:
            pages.append(page)
            page = page.prev
        newest_dropped = None
        for page in reversed(pages):          # oldest first
            if any(keep(e) for e in page.entries):
                break
            newest_dropped = page
        if newest_dropped is None:
            return 0
        newer = self.head if newest_dropped is self.head.prev else \
            pages[pages.index(newest_dropped) - 1]
        new_first = newest_dropped.base + len(newest_dropped.entries)
        dropped = new_first - self.first
        self.first = new_first
        if newer is not self.head:
            newer.prev = None                 # let the dropped pages be packed away
        return dropped
