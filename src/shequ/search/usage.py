"""How many visitors land on each item, kept beside the indexes in a small SQLite file.

Usage counts are derived data like the indexes (losing them loses only the "most used"
order), so they live outside the ZODB and a search never writes to the database.

An item counts each visitor once a day, so repeating a request pushes nothing up. A
visitor is a hash of their address with a random salt made for that day; the salt and the
day's hashes are deleted once the day is over, so nothing stored names anyone, and no
hash can be linked to an address afterwards.
"""
import hashlib
import os
import secrets
import sqlite3
import threading
import time

DAY_OFFSET = 8 * 3600     # days begin at midnight China time
MEMO_MAX = 100000         # visitor-item notes `hit_once` keeps in memory per day

SCHEMA = (
    'CREATE TABLE IF NOT EXISTS usage (path TEXT PRIMARY KEY, hits INTEGER)',
    'CREATE TABLE IF NOT EXISTS salts (day INTEGER PRIMARY KEY, salt BLOB)',
    'CREATE TABLE IF NOT EXISTS seen (day INTEGER, visitor TEXT, path TEXT, '
    'PRIMARY KEY (day, visitor, path)) WITHOUT ROWID',
)


class UsageCounter:
    """Distinct visitors per item path, shared by every process using the same index folder."""

    def __init__(self, folder):
        os.makedirs(folder, exist_ok=True)
        self.path = os.path.join(folder, 'usage.sqlite')
        self._local = threading.local()
        self._memo = (None, b'', set())   # (day, salt, hashes): see `hit_once`
        self._memo_lock = threading.Lock()
        with self._db() as db:
            for statement in SCHEMA:
                db.execute(statement)

    def _db(self):
        db = getattr(self._local, 'db', None)
        if db is None:
            db = self._local.db = sqlite3.connect(self.path, timeout=2)
            db.execute('PRAGMA journal_mode=WAL')
        return db

    def hit_once(self, path, visitor=None, now=None):
        """`hit`, without touching the database when this process has already counted
        `visitor`'s use of `path` today (a cached search answer served again). The note is
        a hash with a salt this process made for the day and keeps in memory only."""
        now = time.time() if now is None else now
        day = int((now + DAY_OFFSET) // 86400)
        memo_day, salt, seen = self._memo
        if memo_day != day:
            salt, seen = secrets.token_bytes(16), set()
            self._memo = (day, salt, seen)
        who = hashlib.sha256(salt + ('%s\x00%s' % (visitor or '', path)).encode('utf-8')).digest()
        if who in seen:
            return
        if self.hit(path, visitor, now):
            with self._memo_lock:
                if len(seen) >= MEMO_MAX:
                    seen.clear()
                seen.add(who)

    def hit(self, path, visitor=None, now=None):
        """Count one use of `path` by `visitor` (an address), unless they were counted today.

        A busy database only loses this one count (False).
        """
        now = time.time() if now is None else now
        day = int((now + DAY_OFFSET) // 86400)
        try:
            with self._db() as db:
                db.execute('INSERT OR IGNORE INTO salts VALUES (?, ?)',
                           (day, secrets.token_bytes(16)))
                salt = db.execute('SELECT salt FROM salts WHERE day = ?', (day,)).fetchone()[0]
                who = hashlib.sha256(salt + (visitor or '').encode('utf-8')).hexdigest()[:32]
                new = db.execute('INSERT OR IGNORE INTO seen VALUES (?, ?, ?)',
                                 (day, who, path)).rowcount
                if new:
                    db.execute('INSERT INTO usage VALUES (?, 1) '
                               'ON CONFLICT(path) DO UPDATE SET hits = hits + 1', (path,))
                db.execute('DELETE FROM seen WHERE day < ?', (day,))
                db.execute('DELETE FROM salts WHERE day < ?', (day,))
        except sqlite3.OperationalError:
            return False
        return True

    def ranked(self, prefix=''):
        """(path, hits) of the used paths starting with `prefix` (which ends with '/'), most
        used first, read lazily: a caller stops when it has enough."""
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else '\U0010ffff'
        yield from self._db().execute(
            'SELECT path, hits FROM usage WHERE path >= ? AND path < ? AND hits > 0 '
            'ORDER BY hits DESC, path', (prefix, upper))

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
