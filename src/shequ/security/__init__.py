"""Accounts, roles granted per tenant, the security policy, CSRF, sessions and audit."""
import os

from pyramid.session import SignedCookieSessionFactory
from pyramid.settings import asbool

from .policy import SecurityPolicy
from .roles import ROLES, grant, grants_of, normalise_role, revoke  # noqa: F401
from .sessions import SESSION_COOKIE, session_idle_timeout  # noqa: F401 (SESSION_COOKIE)
from .throttle import ILoginThrottle, LoginThrottle, throttle_file
from .users import (User, configure_hasher, evolve_drop_lockout_fields, find_user,  # noqa: F401
                    get_users)



def request_root(request):
    """The traversal root for code that runs before traversal (identity lookup)."""
    from ..tree import root_factory
    return root_factory(request)


def session_secret(settings):
    """The signing secret: the setting, else the SHEQU_SESSION_SECRET environment variable."""
    secret = settings.get('shequ.session_secret') or os.environ.get('SHEQU_SESSION_SECRET')
    if not secret:
        raise ValueError('set shequ.session_secret or SHEQU_SESSION_SECRET')
    return secret


def includeme(config):
    """Sessions (HttpOnly, SameSite; Secure in production), the policy, CSRF and views.

    The cookie expires after `shequ.session_idle_timeout` seconds unused; the lifetime from
    login (`shequ.session_max_age`) and logout are enforced by the policy (`sessions.py`).
    """
    settings = config.registry.settings
    configure_hasher(settings)
    idle = session_idle_timeout(settings)
    config.set_session_factory(SignedCookieSessionFactory(
        session_secret(settings), cookie_name=SESSION_COOKIE,
        secure=asbool(settings.get('shequ.secure_cookies', False)),
        httponly=True, samesite='Lax', timeout=idle, reissue_time=min(600, idle // 10),
        max_age=None))
    config.registry.registerUtility(LoginThrottle(throttle_file(settings)), ILoginThrottle)
    config.set_security_policy(SecurityPolicy())
    # every view needs `view` unless it says otherwise; the ACL grants `view` on unpublished
    # items only to those who may see them (exception and static views are exempt)
    config.set_default_permission('view')
    config.set_default_csrf_options(require_csrf=True)
    config.add_evolution_step(evolve_drop_lockout_fields, name='security.drop_lockout_fields')
    config.add_translation_dirs('shequ.security:locale')
    config.include('.audit')
    config.include('.headers')
    config.scan('.views')
