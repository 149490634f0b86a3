"""Open311 API keys of a tenant: issued by its administrators, stored only as hashes.

A key is 32 random bytes (`secrets.token_urlsafe`); being random, a plain SHA-256 of it
is enough to store (no slow hash needed). It is shown once, when issued. A revoked key is
kept (with who revoked it and when), so the record of who could write stays.
"""
import hashlib
import secrets

from persistent import Persistent

from ..clock import utcnow
from .model import get_index


class ApiKey(Persistent):
    def __init__(self, name, digest, created_by):
        self.name = name
        self.digest = digest
        self.created = utcnow()
        self.created_by = created_by
        self.revoked = None
        self.revoked_by = None

    @property
    def active(self):
        return self.revoked is None


def digest(key):
    return hashlib.sha256(key.encode('utf-8')).hexdigest()


def issue(section, name, created_by):
    """Make a key named `name` for the tenant of `section`; returns (key, ApiKey)."""
    key = secrets.token_urlsafe(32)
    record = ApiKey(name, digest(key), created_by)
    get_index(section, create=True).api_keys[record.digest] = record
    return key, record


def find(section, key):
    """The active ApiKey of this tenant matching `key`, or None."""
    index = get_index(section)
    if index is None or not key:
        return None
    record = index.api_keys.get(digest(key))
    return record if record is not None and record.active else None


def keys_of(section):
    index = get_index(section)
    return sorted(index.api_keys.values(), key=lambda k: k.created) if index else []


def revoke(section, key_digest, login):
    index = get_index(section)
    record = index.api_keys.get(key_digest) if index is not None else None
    if record is None or not record.active:
        return None
    record.revoked = utcnow()
    record.revoked_by = login
    return record
