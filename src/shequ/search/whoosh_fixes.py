"""Fixes to Whoosh-Reloaded 2.7.5 (pinned exactly in setup.py), applied on import.

`FileIndex._reader(…, reuse=old)` (what `Searcher.refresh()` calls) keeps the old
reader of every segment whose id is unchanged, with the deletions it was opened with,
and adds back the old reader's segments that a merge removed: a refreshed searcher still
found the earlier versions of an edited, withdrawn or deleted item. A refresh now opens
the current segments afresh and closes the old reader.

`W3PerDocReader._cached_reader` caches the length-column readers it finds but not the
fields that have none (ID, KEYWORD, NUMERIC), so flushing a segment asks the file system
whether such a column exists once per posting: measured at about 12 % of indexing time.
A segment's per-document files never change once written, so the answer can be cached.

`ArrayUnionMatcher` (what an `Or` of several clauses becomes in an index of up to 5,000
documents) made and cleared its score array of 2,048 slots in Python loops, whatever the
index size, each time it read a part: about a tenth of a search's CPU on the demo. The
array now holds no more slots than the index has documents and is made zeroed in C.

A query looks each of its terms up in the segment's term hash five times or so (does it
exist, its document frequency for pruning and for the Or tree's order, its term info for
the postings and for BM25): an md5 and several file reads each time. `W3TermsReader`
now remembers, per instance (one segment, never changed once written), where a term's
record is and its decoded term info, up to TERM_CACHE entries.

A compound segment is memory-mapped, and each of its files is opened as a `BufferFile`
over a memoryview of the map; `BufferFile` then wraps that view in `BytesIO`, which
*copies* it. Every searcher (one per thread) thus held a private heap copy of the
segment's postings, term index and stored fields — ~9 MB per thread on a 5,000-document
county, ~4 threads per app server (bench/pages.py RSS, issue 14). `_ViewIO` reads the
view in place: the pages stay file-backed and shared with the OS page cache, and only
what a search touches is paged in. Whoosh reads these files with `get` (slices) and a
few `read`/`seek` calls per search, so a pure-Python reader costs nothing measurable.
"""
from array import array

from whoosh.codec import whoosh3
from whoosh.filedb import structfile
from whoosh.index import FileIndex
from whoosh.matching import combo
from whoosh.reading import TermNotFound

TERM_CACHE = 20000
_MISSING = ()

_original_reader = FileIndex.__dict__['_reader'].__func__


def _reader(cls, storage, schema, segments, generation, reuse=None):
    reader = _original_reader(cls, storage, schema, segments, generation, reuse=None)
    if reuse is not None and reuse is not reader:
        try:
            reuse.close()
        except Exception:
            pass
    return reader


def _cached_reader(self, fieldname, column):
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


def _union_init(self, submatchers, doccount, boost=1.0, scored=True, partsize=2048):
    combo.CombinationMatcher.__init__(self, submatchers, boost=boost)
    self._scored = scored
    self._doccount = doccount
    self._partsize = max(1, min(partsize or doccount, doccount))
    self._a = array('d', bytes(8 * self._partsize))
    self._docnum = self._min_id()
    self._read_part()


def _union_read_part(self):
    scored, boost = self._scored, self._boost
    offset = self._docnum
    limit = min(offset + self._partsize, self._doccount)
    a = self._a
    a[:] = array('d', bytes(8 * len(a)))      # in place: all_ids() holds `a`
    for m in self._submatchers:
        while m.is_active() and m.id() < limit:
            i = m.id() - offset
            if scored:
                a[i] += m.score() * boost
            else:
                a[i] = 1
            m.next()
    self._offset = offset
    self._limit = limit


def _term_range(self, fieldname, tbytes):
    """Where the record of a term is, or _MISSING; remembered per segment."""
    cache = self.__dict__.get('_shequ_ranges')
    if cache is None:
        cache = self._shequ_ranges = {}
    key = (fieldname, tbytes)
    found = cache.get(key)
    if found is None:
        if len(cache) >= TERM_CACHE:
            cache.clear()
        try:
            found = self._tindex.range_for_key(self._keycoder(fieldname, tbytes))
        except KeyError:
            found = _MISSING
        cache[key] = found
    return found


def _range_for_key(self, fieldname, tbytes):
    found = _term_range(self, fieldname, tbytes)
    if found is _MISSING:
        raise KeyError((fieldname, tbytes))
    return found


def _contains(self, term):
    return _term_range(self, *term) is not _MISSING


def _term_info(self, fieldname, tbytes):
    cache = self.__dict__.get('_shequ_infos')
    if cache is None:
        cache = self._shequ_infos = {}
    key = (fieldname, tbytes)
    info = cache.get(key)
    if info is None:
        found = _term_range(self, fieldname, tbytes)
        if found is _MISSING:
            raise TermNotFound('No term %s:%r' % (fieldname, tbytes))
        if len(cache) >= TERM_CACHE:
            cache.clear()
        datapos, datalen = found
        info = cache[key] = whoosh3.W3TermInfo.from_bytes(self._dbfile.get(datapos, datalen))
    return info
class _ViewIO:
    """A read-only, seekable binary file over a buffer (a memoryview of an mmap), no copy."""

    __slots__ = ('_view', '_pos', '_len')

    def __init__(self, view):
        self._view = view
        self._pos = 0
        self._len = len(view)

    def _end(self, size):
        return self._len if size is None or size < 0 else min(self._len, self._pos + size)

    def read(self, size=-1):
        start, end = self._pos, self._end(size)
        self._pos = max(start, end)
        return bytes(self._view[start:end])

    def readline(self, size=-1):
        start, end = self._pos, self._end(size)
        line = bytes(self._view[start:end])
        newline = line.find(b'\n')
        if newline >= 0:
            line = line[:newline + 1]
        self._pos = start + len(line)
        return line

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def __iter__(self):
        return iter(self.readline, b'')

    def seek(self, offset, whence=0):
        if whence == 1:
            offset += self._pos
        elif whence == 2:
            offset += self._len
        if offset < 0:
            raise ValueError('negative seek position %d' % offset)
        self._pos = offset
        return offset

    def tell(self):
        return self._pos

    def readable(self):
        return True

    def seekable(self):
        return True

    def flush(self):
        pass

    def close(self):
        self._view = b''


# Whoosh's own __init__ (kept on our replacement, so importing this module twice is harmless)
_buffer_file_init = getattr(structfile.BufferFile.__init__, 'whoosh_init',
                            structfile.BufferFile.__init__)


def _buffer_file(self, buf, name=None, onclose=None):
    """`BufferFile.__init__`, reading a memoryview in place instead of copying it."""
    _buffer_file_init(self, b'' if isinstance(buf, memoryview) else buf, name, onclose)
    if isinstance(buf, memoryview):
        self._buf = buf
        self.file = _ViewIO(buf)


_buffer_file.whoosh_init = _buffer_file_init


def apply():
    """Install the fixes (idempotent)."""
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    FileIndex._reader = classmethod(_reader)
    combo.ArrayUnionMatcher.__init__ = _union_init
    combo.ArrayUnionMatcher._read_part = _union_read_part
    whoosh3.W3TermsReader._range_for_key = _range_for_key
    whoosh3.W3TermsReader.__contains__ = _contains
    whoosh3.W3TermsReader.term_info = _term_info
    if structfile.BufferFile.__init__ is not _buffer_file:
        structfile.BufferFile.__init__ = _buffer_file


apply()
