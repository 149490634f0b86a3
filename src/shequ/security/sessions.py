"""Server-side records of who is logged in, so that logout and a new password end a session.

The session cookie is signed, not stored: a copy of it stays valid for as long as its
signature and idle time allow. So at login a random session id goes into the session and
(as a hash) onto the user, with the login time; a request is someone's only while its
session id is still recorded there and younger than `shequ.session_max_age`. Logout drops
the id, a password change drops them all. Only login, logout and password change write to
the database; ordinary requests just read. The idle timeout (`shequ.session_idle_timeout`)
is the cookie's own: the session factory refuses a cookie not used for that long.
"""
import secrets
import time

from .users import session_key

SESSION_ID = 'shequ.session_id'
SESSION_COOKIE = 'shequ_session'      # the signed session cookie's name
DEFAULT_MAX_AGE = 8 * 3600      # seconds from login, whatever happens
DEFAULT_IDLE_TIMEOUT = 3600     # seconds without a request


def session_max_age(settings):
    return int(settings.get('shequ.session_max_age') or DEFAULT_MAX_AGE)


def session_idle_timeout(settings):
    return int(settings.get('shequ.session_idle_timeout') or DEFAULT_IDLE_TIMEOUT)


def start_session(request, user, now=None):
    """Give the (fresh) session of `request` an id and record it on `user`."""
    now = time.time() if now is None else now
    session_id = secrets.token_urlsafe(32)
    request.session[SESSION_ID] = session_id
    user.open_session(session_key(session_id), now, session_max_age(request.registry.settings))


def end_session(request, user):
    """Forget the session of `request` on `user` (every copy of its cookie stops working)."""
    session_id = request.session.get(SESSION_ID)
    if user is not None and isinstance(session_id, str):
        user.end_session(session_key(session_id))


def session_is_open(request, user, now=None):
    """Whether the session of `request` is one `user` still has open, within its lifetime."""
    session_id = request.session.get(SESSION_ID)
    if not isinstance(session_id, str):
        return False
    started = user.session_started(session_key(session_id))
    if started is None:
        return False
    now = time.time() if now is None else now
    return now - started < session_max_age(request.registry.settings)
