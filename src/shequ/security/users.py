"""Users stored at the root, with argon2 password hashes and lock-out after failures."""
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from ..clock import utcnow

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
_hasher = PasswordHasher()


class User(Persistent):
    """A person who can log in: staff, administrators, volunteers, registered residents."""

    def __init__(self, login, name, password):
        self.login = login
        self.name = name
        self.password_hash = _hasher.hash(password)
        self.failed_logins = 0
        self.locked_until = None
        self.active = True
        self.created = utcnow()

    def set_password(self, password):
        self.password_hash = _hasher.hash(password)

    def is_locked(self, now=None):
        return self.locked_until is not None and self.locked_until > (now or utcnow())

    def check_password(self, password, now=None):
        """Verify `password`, counting failures; returns True on success."""
        now = now or utcnow()
        if not self.active or self.is_locked(now):
            return False
        try:
            _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            self.failed_logins += 1
            if self.failed_logins >= MAX_FAILED_LOGINS:
                self.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                self.failed_logins = 0
            return False
        if self.failed_logins or self.locked_until:
            self.failed_logins = 0
            self.locked_until = None
        if _hasher.check_needs_rehash(self.password_hash):
            self.set_password(password)
        return True


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
