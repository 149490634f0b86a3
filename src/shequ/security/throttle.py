"""Slowing down password guessing without letting anyone lock a real user out.

Failed logins are counted in a small SQLite file beside the search indexes (shared by every
worker process of the machine, like `search/usage.py`), never in the ZODB:

- per client address: after `ADDRESS_FREE` failures, each further attempt from that
  address must wait 1, 2, 4 … seconds (at most `MAX_WAIT`) after the last failure;
- per account name (whether or not such a user exists, so the answer tells nothing): after
  `ACCOUNT_FREE` failures from anywhere, addresses that have failed themselves must wait in
  the same way. An address with no recent failure is never held back by the account's
  count, so a stranger guessing from elsewhere cannot keep the real user out.

Counts are forgotten `WINDOW` seconds after their last failure. Addresses and names are kept
only as salted hashes (the salt is random, made once per file). Refused logins go to the
root's audit log at most once per address every `AUDIT_INTERVAL` seconds (with the number
refused since) and at most `AUDIT_PER_HOUR` entries an hour in all, so an attacker cannot
flood the database; every refusal is also logged.

Two attempts from one address at the very same moment may both pass before either failure
is counted; that lets through at most as many guesses as the requests served in parallel.
"""
import hashlib
import ipaddress
import logging
import os
import secrets
import sqlite3
import threading
import time

from zope.interface import Interface, implementer

log = logging.getLogger(__name__)

ADDRESS_FREE = 10       # failures from one address before it has to wait
ACCOUNT_FREE = 5        # failures on one name before failing addresses have to wait
MAX_WAIT = 300          # seconds
WINDOW = 3600           # a count is forgotten this long after its last failure
AUDIT_INTERVAL = 300    # at most one audit entry per address in this many seconds
AUDIT_PER_HOUR = 120    # and at most this many in all

SCHEMA = (
    'CREATE TABLE IF NOT EXISTS failures (key TEXT PRIMARY KEY, count INTEGER, last REAL)',
    'CREATE TABLE IF NOT EXISTS refusals (key TEXT PRIMARY KEY, pending INTEGER, written REAL)',
    'CREATE TABLE IF NOT EXISTS audit_budget (hour INTEGER PRIMARY KEY, writes INTEGER)',
)


def client_address(request):
    """The address a request came from, IPv6 grouped by its /64 (one subscriber's block).

    REMOTE_ADDR only: X-Forwarded-For is whatever the client says. Behind a reverse proxy,
    let waitress rewrite REMOTE_ADDR (`trusted_proxy`, `trusted_proxy_headers`).
    """
    addr = request.remote_addr or 'unknown'
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return addr
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network('%s/64' % ip, strict=False))
    return str(ip)


def _delay(count, free):
    return 0 if count < free else min(MAX_WAIT, 2 ** min(count - free, 20))


class SaltedStore:
    """A small SQLite file of salted hashes (WAL, one connection per thread), shared by
    the worker processes of one machine; its `meta` table keeps the random salt.
    The login throttle and the requests form's throttle are both one."""

    def __init__(self, path, schema):
        self.path = os.path.abspath(path)
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self._local = threading.local()
        db = self._db()
        with db:
            db.execute('CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB)')
            for statement in schema:
                db.execute(statement)
            db.execute('INSERT OR IGNORE INTO meta VALUES (?, ?)',
                       ('salt', secrets.token_bytes(32)))
        self._salt = db.execute("SELECT value FROM meta WHERE name = 'salt'").fetchone()[0]

    def _db(self):
        db = getattr(self._local, 'db', None)
        if db is None:
            db = self._local.db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            db.execute('PRAGMA journal_mode=WAL')
        return db


class ILoginThrottle(Interface):
    """The registry utility counting failed logins (one per application)."""


@implementer(ILoginThrottle)
class LoginThrottle(SaltedStore):
    """Failure counts per address and per account name, in the SQLite file at `path`."""

    def __init__(self, path):
        SaltedStore.__init__(self, path, SCHEMA)

    def _key(self, kind, value):
        return hashlib.sha256(self._salt + ('%s:%s' % (kind, value)).encode('utf-8')).hexdigest()

    def _keys(self, address, login):
        return self._key('address', address), self._key('account', (login or '').lower())

    def _count(self, db, key, now):
        row = db.execute('SELECT count, last FROM failures WHERE key = ?', (key,)).fetchone()
        if row is None or now - row[1] > WINDOW:
            return 0, 0.0
        return row

    def wait(self, address, login, now=None):
        """Seconds `address` must wait before trying `login` (0: it may try now)."""
        now = time.time() if now is None else now
        address_key, account_key = self._keys(address, login)
        try:
            db = self._db()
            count, last = self._count(db, address_key, now)
            wait = last + _delay(count, ADDRESS_FREE) - now if count else 0
            if count:   # an address that never failed is not held back by the account
                count, last = self._count(db, account_key, now)
                if count:
                    wait = max(wait, last + _delay(count, ACCOUNT_FREE) - now)
        except sqlite3.Error:
            log.exception('login throttle unavailable; letting the attempt through')
            return 0
        return max(0, int(wait + 0.999))

    def failed(self, address, login, now=None):
        """Count one wrong password (or unknown name) from `address` for `login`."""
        now = time.time() if now is None else now
        try:
            db = self._db()
            with db:
                db.execute('BEGIN IMMEDIATE')
                for key in self._keys(address, login):
                    count, _last = self._count(db, key, now)
                    db.execute('INSERT OR REPLACE INTO failures VALUES (?, ?, ?)',
                               (key, count + 1, now))
                db.execute('DELETE FROM failures WHERE last < ?', (now - WINDOW,))
        except sqlite3.Error:
            log.exception('login throttle could not count a failure')

    def succeeded(self, address, login):
        """The account's own count starts again; the address's does not (it may be shared)."""
        try:
            with self._db() as db:
                db.execute('DELETE FROM failures WHERE key = ?', (self._keys(address, login)[1],))
        except sqlite3.Error:
            log.exception('login throttle could not reset an account')

    def refused(self, address, now=None):
        """Note one refused login from `address`; how many to audit now (0: not now).

        The first refusal from an address is audited at once, later ones together at most
        every AUDIT_INTERVAL seconds, within AUDIT_PER_HOUR entries an hour in all.
        """
        now = time.time() if now is None else now
        key = self._key('refused', address)
        try:
            db = self._db()
            with db:
                db.execute('BEGIN IMMEDIATE')
                row = db.execute('SELECT pending, written FROM refusals WHERE key = ?',
                                 (key,)).fetchone()
                pending, written = row if row is not None else (0, 0.0)
                pending += 1
                hour = int(now // 3600)
                used = db.execute('SELECT writes FROM audit_budget WHERE hour = ?',
                                  (hour,)).fetchone()
                used = used[0] if used else 0
                due = now - written >= AUDIT_INTERVAL and used < AUDIT_PER_HOUR
                if due:
                    db.execute('INSERT OR REPLACE INTO audit_budget VALUES (?, ?)',
                               (hour, used + 1))
                    db.execute('DELETE FROM audit_budget WHERE hour < ?', (hour - 1,))
                    db.execute('DELETE FROM refusals WHERE written < ? AND pending = 0',
                               (now - WINDOW,))
                db.execute('INSERT OR REPLACE INTO refusals VALUES (?, ?, ?)',
                           (key, 0 if due else pending, now if due else written))
        except sqlite3.Error:
            log.exception('login throttle could not note a refusal')
            return 0
        return pending if due else 0


def get_throttle(registry):
    return registry.getUtility(ILoginThrottle)


def throttle_file(settings):
    """`shequ.login_throttle_file`, else `login-throttle.sqlite` beside the index folder."""
    if settings.get('shequ.login_throttle_file'):
        return settings['shequ.login_throttle_file']
    index_dir = settings.get('shequ.index_dir')
    base = (os.path.dirname(os.path.abspath(index_dir.rstrip('/\\'))) if index_dir
            else os.path.abspath('var'))
    return os.path.join(base, 'login-throttle.sqlite')
