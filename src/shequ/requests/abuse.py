"""Abuse protection of the public form and the POST API: a per-address rate limit and a
challenge that needs no outside service and no JavaScript.

The rate limit counts submissions per client address (salted hashes) in a small SQLite
file beside the search indexes (`shequ.requests_throttle_file`), shared by the worker
processes of a machine and never in the ZODB, like the login throttle. The challenge is
a sum of two small numbers written in Chinese; the form carries the numbers' HMAC with the
session secret and the time, so the server keeps nothing and an answer is good for an hour.
"""
import hashlib
import hmac
import os
import secrets
import time

from zope.interface import Interface, implementer

from ..security import session_secret
from ..security.throttle import SaltedStore, client_address

WINDOW = 3600
DEFAULT_PER_HOUR = 5
CHALLENGE_AGE = 3600
DIGITS = '零一二三四五六七八九十'


class ISubmitThrottle(Interface):
    """The registry utility counting submissions per address."""


@implementer(ISubmitThrottle)
class SubmitThrottle(SaltedStore):
    """Submissions per address in the last hour, in the SQLite file at `path`."""

    def __init__(self, path, per_hour=DEFAULT_PER_HOUR):
        self.per_hour = per_hour
        SaltedStore.__init__(self, path, ('CREATE TABLE IF NOT EXISTS sent (key TEXT, at REAL)',))

    def _key(self, address):
        return hashlib.sha256(self._salt + address.encode('utf-8')).hexdigest()

    def allow(self, address, now=None):
        """Whether `address` may submit now; counts the submission when it may."""
        now = time.time() if now is None else now
        key = self._key(address)
        db = self._db()
        with db:
            db.execute('DELETE FROM sent WHERE at < ?', (now - WINDOW,))
            count = db.execute('SELECT COUNT(*) FROM sent WHERE key = ?', (key,)).fetchone()[0]
            if count >= self.per_hour:
                return False
            db.execute('INSERT INTO sent VALUES (?, ?)', (key, now))
        return True


def get_throttle(registry):
    return registry.getUtility(ISubmitThrottle)


def allow(request, purpose='submit'):
    """Whether the client may submit (or fail another lookup) now; counts it if so."""
    address = client_address(request)
    key = address if purpose == 'submit' else '%s:%s' % (purpose, address)
    return get_throttle(request.registry).allow(key)


def chinese_number(n):
    """0–20 in Chinese characters: 7 → 七, 13 → 十三, 20 → 二十."""
    if n <= 10:
        return DIGITS[n]
    if n < 20:
        return '十' + DIGITS[n - 10]
    return DIGITS[n // 10] + '十' + (DIGITS[n % 10] if n % 10 else '')


def _sign_answer(secret, issued, answer):
    message = ('%d:%d' % (issued, answer)).encode()
    return hmac.new(secret.encode('utf-8'), message, hashlib.sha256).hexdigest()[:32]


def new_challenge(registry, now=None):
    """(question in Chinese, token): the token proves the answer without storing it."""
    issued = int(time.time() if now is None else now)
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    secret = session_secret(registry.settings)
    question = '%s加%s等于几？' % (chinese_number(a), chinese_number(b))
    return question, '%d.%s' % (issued, _sign_answer(secret, issued, a + b))


def check_challenge(registry, token, answer, now=None):
    """Whether `answer` (digits or Chinese) answers the challenge of `token` in time."""
    now = time.time() if now is None else now
    try:
        issued_text, signature = (token or '').split('.', 1)
        issued = int(issued_text)
    except ValueError:
        return False
    if not 0 <= now - issued <= CHALLENGE_AGE:
        return False
    value = parse_answer(answer)
    if value is None:
        return False
    expected = _sign_answer(session_secret(registry.settings), issued, value)
    return hmac.compare_digest(expected, signature)


def parse_answer(text):
    """'12', '１２' or '十二' → 12; None when it is not a number up to 20."""
    text = (text or '').strip()
    if text.isdigit():
        try:
            return int(text)
        except ValueError:
            return None
    for n in range(21):
        if chinese_number(n) == text:
            return n
    return None


def includeme(config):
    settings = config.registry.settings
    path = settings.get('shequ.requests_throttle_file') or os.path.join(
        os.path.dirname(os.path.abspath(settings.get('shequ.index_dir') or 'var/index')),
        'requests-throttle.sqlite')
    per_hour = int(settings.get('shequ.requests_per_hour', DEFAULT_PER_HOUR))
    config.registry.registerUtility(SubmitThrottle(path, per_hour), ISubmitThrottle)
