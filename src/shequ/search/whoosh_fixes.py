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
"""
from whoosh.codec import whoosh3
from whoosh.index import FileIndex

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


def apply():
    """Install the fix (idempotent)."""
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    FileIndex._reader = classmethod(_reader)


apply()
