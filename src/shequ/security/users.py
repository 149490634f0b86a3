"""Users stored at the root, with argon2 password hashes and their open sessions."""
import hashlib
import logging

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from ..clock import utcnow

log = logging.getLogger(__name__)

MAX_SESSIONS = 20       # open sessions kept per user; logging in again drops the oldest
DEFAULT_HASHER = PasswordHasher()       # argon2-cffi's RFC 9106 low-memory profile
_hasher = DEFAULT_HASHER
# verified instead of a user's hash when there is no such user, so that a wrong name
# costs as long as a wrong password (and the answer's timing tells nothing)
_DUMMY_TEXT = 'no such user: this hash only takes time to check'
_DUMMY_HASH = _hasher.hash(_DUMMY_TEXT)


def configure_hasher(settings):
    """Use the argon2 cost of `shequ.argon2.time_cost`, `.memory_kib` and `.parallelism`
    (argon2-cffi's defaults when unset, as in every shipped ini file). Only the test
    suite lowers them, so that its hundreds of logins stay fast; a lower cost than the
    default is logged. Hashes made with other parameters still verify and are re-hashed
    at the next login. The hasher is per process: the last application made sets it."""
    global _hasher, _DUMMY_HASH
    wanted = tuple(int(settings.get('shequ.argon2.' + key) or default) for key, default in (
        ('time_cost', DEFAULT_HASHER.time_cost), ('memory_kib', DEFAULT_HASHER.memory_cost),
        ('parallelism', DEFAULT_HASHER.parallelism)))
    if wanted == (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism):
        return
    hasher = PasswordHasher(time_cost=wanted[0], memory_cost=wanted[1], parallelism=wanted[2])
    if wanted[0] < DEFAULT_HASHER.time_cost or wanted[1] < DEFAULT_HASHER.memory_cost:
        log.warning('argon2 cost lowered to time_cost=%d memory_kib=%d parallelism=%d: '
                    'for tests only', *wanted)
    _DUMMY_HASH, _hasher = hasher.hash(_DUMMY_TEXT), hasher


def verify_password(password_hash, password):
    """Whether `password` matches `password_hash` (None: checked against a dummy hash)."""
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def session_key(session_id):
    """What is stored of a session id: its hash (the id itself is only in the cookie)."""
    return hashlib.sha256(session_id.encode('ascii')).hexdigest()


class User(Persistent):
    """A person who can log in: staff, administrators, volunteers, registered residents.

    `sessions` maps the hash of each open session's id to its login time (seconds since
    the epoch). It is written at login, logout and password change only; users stored
    before it existed read it as empty. (The old lock-out's `failed_logins` and
    `locked_until` are removed by the evolve step `security.drop_lockout_fields`.)
    """

    sessions = {}   # the default of users stored before sessions were recorded; never mutated

    def __init__(self, login, name, password):
        self.login = login
        self.name = name
        self.password_hash = _hasher.hash(password)
        self.active = True
        self.created = utcnow()
        self.sessions = {}

    def set_password(self, password):
        """A new password ends every open session of the user."""
        self.password_hash = _hasher.hash(password)
        self.end_all_sessions()

    def check_password(self, password):
        """Whether `password` is right for this active user; never writes on failure."""
        if not verify_password(self.password_hash, password) or not self.active:
            return False
        if _hasher.check_needs_rehash(self.password_hash):
            self.password_hash = _hasher.hash(password)
        return True

    # --- open sessions ---

    def open_session(self, key, now, max_age):
        """Record a new session (by `session_key`), dropping ended and surplus ones."""
        alive = {k: t for k, t in self.sessions.items() if now - t < max_age}
        newest = sorted(alive.items(), key=lambda item: item[1])[-(MAX_SESSIONS - 1):]
        self.sessions = dict(newest, **{key: now})

    def session_started(self, key):
        """The login time of the open session `key`, or None."""
        return self.sessions.get(key)

    def end_session(self, key):
        if key in self.sessions:
            self.sessions = {k: t for k, t in self.sessions.items() if k != key}

    def end_all_sessions(self):
        if self.sessions:
            self.sessions = {}


class Users(Persistent):
    """All users of the platform, keyed by login."""

    def __init__(self):
        self.data = OOBTree()

    def get(self, login):
        return self.data.get(login)

    def add(self, user):
        if user.login in self.data:
            raise KeyError(user.login)
        self.data[user.login] = user
        return user

    def __contains__(self, login):
        return login in self.data

    def values(self):
        return self.data.values()


def get_users(root, create=False):
    """The root's Users folder; made only when asked to (reads never write)."""
    users = getattr(root, 'users', None) if root is not None else None
    if users is None and create:
        users = root.users = Users()
    return users


def find_user(root, login):
    """The user called `login`, or None."""
    users = get_users(root)
    return users.get(login) if users is not None and login else None


def evolve_drop_lockout_fields(root, registry):
    """Remove what the old account lock-out stored on users (nothing reads it now)."""
    users = get_users(root)
    for user in (users.values() if users is not None else ()):
        for name in ('failed_logins', 'locked_until'):
            if name in user.__dict__ or getattr(user, name, None) is not None:
                try:
                    delattr(user, name)
                except AttributeError:
                    pass
