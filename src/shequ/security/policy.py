"""The Pyramid 2 security policy: session identity, role principals per tenant lineage."""
from pyramid.authentication import SessionAuthenticationHelper
from pyramid.authorization import ACLHelper, Authenticated, Everyone

from .roles import acl_for, principals_for
from .sessions import session_is_open
from .users import find_user


class _ACLHolder:
    __parent__ = None

    def __init__(self, acl):
        self.__acl__ = acl


class SecurityPolicy:
    """Who the requester is, and what they may do on a context."""

    def __init__(self):
        self.helper = SessionAuthenticationHelper()
        self.acl = ACLHelper()

    def identity(self, request):
        """The logged-in active User whose session is still open, or None.

        A signed cookie alone is not enough: its session id must still be recorded on
        the user (logout and a password change remove it) and within its lifetime.
        """
        login = self.helper.authenticated_userid(request)
        if login is None:
            return None
        root = getattr(request, 'root', None)
        if root is None:
            from . import request_root
            root = request_root(request)
        user = find_user(root, login)
        if user is None or not user.active or not session_is_open(request, user):
            return None
        return user

    def authenticated_userid(self, request):
        user = request.identity
        return user.login if user is not None else None

    def effective_principals(self, request, context):
        principals = [Everyone]
        user = request.identity
        if user is not None:
            principals += [Authenticated, 'user:' + user.login]
            principals += principals_for(user.login, context)
        return principals

    def permits(self, request, context, permission):
        principals = self.effective_principals(request, context)
        return self.acl.permits(_ACLHolder(acl_for(context)), principals, permission)

    def remember(self, request, userid, **kw):
        return self.helper.remember(request, userid, **kw)

    def forget(self, request, **kw):
        return self.helper.forget(request, **kw)

