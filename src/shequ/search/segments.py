"""A Whoosh index state as its segments: what per-segment caches are keyed by.

A segment never changes once written (only its deletions do), and its id is random, so
data derived from one segment can be kept by its id and shared by every index state —
every reader after an edit — that still holds it.
"""


def leaves(reader):
    """[(segment reader, docnum offset)] of a reader (one segment, or several)."""
    return reader.leaf_readers() if hasattr(reader, 'leaf_readers') else [(reader, 0)]


def segment_key(leaf):
    """The id of a segment reader's segment ('' for a reader without one)."""
    segment = leaf.segment() if hasattr(leaf, 'segment') else None
    return str(segment.segment_id()) if segment is not None else ''
