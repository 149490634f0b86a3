"""How often residents land on each item, kept beside the indexes in a small SQLite file.

Usage counts are derived data like the indexes (losing them loses only the "most used"
order), so they live outside the ZODB and a search never writes to the database.
"""
import os
import sqlite3
import threading


class UsageCounter:
    """Counts per item path, shared by every process that uses the same index folder."""

    def __init__(self, folder):
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, 'usage.sqlite')
        self._local = threading.local()
        with self._db() as db:
            db.execute('CREATE TABLE IF NOT EXISTS usage (path TEXT PRIMARY KEY, hits INTEGER)')

    def _db(self):
        db = getattr(self._local, 'db', None)
        if db is None:
            db = self._local.db = sqlite3.connect(self.path, timeout=2)
            db.execute('PRAGMA journal_mode=WAL')
        return db

    def hit(self, path):
        """Count one more use of `path`; a busy database only loses this one count."""
        try:
            with self._db() as db:
                db.execute('INSERT INTO usage VALUES (?, 1) '
                           'ON CONFLICT(path) DO UPDATE SET hits = hits + 1', (path,))
        except sqlite3.OperationalError:
            pass

    def counts(self, paths):
        """{path: hits} for `paths` (absent ones count 0)."""
        paths = list(paths)
        found = {}
        for start in range(0, len(paths), 500):
            chunk = paths[start:start + 500]
            rows = self._db().execute(
                'SELECT path, hits FROM usage WHERE path IN (%s)' % ','.join('?' * len(chunk)),
                chunk)
            found.update(rows)
        return found
