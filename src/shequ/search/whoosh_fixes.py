"""Fixes to Whoosh-Reloaded 2.7.5 (pinned exactly in setup.py), applied on import.

1. `W3PerDocReader._cached_reader` caches the length-column readers it finds but not the
   fields that have none (ID, KEYWORD, NUMERIC), so flushing a segment asks the file system
   whether such a column exists once per posting: measured at about 12 % of indexing time.
   A segment's per-document files never change once written, so the answer can be cached.
2. A compound segment is memory-mapped, and each of its files is opened as a `BufferFile`
   over a memoryview of the map; `BufferFile` then wraps that view in `BytesIO`, which
   *copies* it. Every searcher (one per thread) thus held a private heap copy of the
   segment's postings, term index and stored fields — ~9 MB per thread on a 5,000-document
   county, ~4 threads per app server (bench/pages.py RSS, issue 14). `_ViewIO` reads the
   view in place: the pages stay file-backed and shared with the OS page cache, and only
   what a search touches is paged in. Whoosh reads these files with `get` (slices) and a
   few `read`/`seek` calls per search, so a pure-Python reader costs nothing measurable.
"""
from whoosh.codec import whoosh3
from whoosh.filedb import structfile


def _cached_reader(self, fieldname, column):
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


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
    if structfile.BufferFile.__init__ is not _buffer_file:
        structfile.BufferFile.__init__ = _buffer_file


apply()
