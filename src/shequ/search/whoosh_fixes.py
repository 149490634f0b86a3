"""A fix to Whoosh-Reloaded 2.7.5 (pinned exactly in setup.py), applied on import.

`W3PerDocReader._cached_reader` caches the length-column readers it finds but not the
fields that have none (ID, KEYWORD, NUMERIC), so flushing a segment asks the file system
whether such a column exists once per posting: measured at about 12 % of indexing time.
A segment's per-document files never change once written, so the answer can be cached.
"""
from whoosh.codec import whoosh3


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


apply()
