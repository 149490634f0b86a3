"""The Pyramid 2 security policy: session identity, role principals per tenant lineage."""
from pyramid.authentication import SessionAuthenticationHelper
from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.security import Denied

from .roles import acl_for, principals_for
from .sessions import SESSION_COOKIE, SESSION_ID, session_is_open
from .users import find_user


class _ACLHolder:
    __parent__ = None

    def __init__(self, acl):
        self.__acl__ = acl


def _memo(request):
    """Per-request memo of principals and ACLs by resource, for GET and HEAD only.

    Nothing a GET does changes grants, settings or workflow states; a POST may change
    them and then ask again in the same request, so it is always asked afresh. The memo
    keeps each resource with its entry, so an id is never reused within the request.
    """
    if getattr(request, 'method', None) not in ('GET', 'HEAD'):
        return None
    memo = request.__dict__.get('_shequ_permits')
    if memo is None:
        memo = request.__dict__['_shequ_permits'] = {}
    return memo


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
        if ('session' not in request.__dict__
                and (SESSION_COOKIE not in request.environ.get('HTTP_COOKIE', '')
                     or SESSION_COOKIE not in request.cookies)):
            # no session at all: a visitor (asked ~14× a page); the header is looked at
            # before it is parsed
            return None
        login = self.helper.authenticated_userid(request)
        if login is None:
            return None
        memo = _memo(request)
        key = ('identity', login, request.session.get(SESSION_ID))
        if memo is not None and key in memo:
            return memo[key]
        root = getattr(request, 'root', None)
        if root is None:
            from . import request_root
            root = request_root(request)
        user = find_user(root, login)
        if user is None or not user.active or not session_is_open(request, user):
            user = None
        if memo is not None:
            memo[key] = user
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
        if permission != 'view' and request.identity is None:
            # every ACL (`acl_for`) gives a visitor without a login `view` at most: a page's
            # toolbar and menus ask for edit, manage … dozens of times
            return Denied('%s needs a login' % permission)
        memo = _memo(request)
        if memo is None:
            principals = self.effective_principals(request, context)
            return self.acl.permits(_ACLHolder(acl_for(context)), principals, permission)
        # a page asks about the same few resources many times (toolbar, menu, crumbs)
        known = memo.get(id(context))
        if known is None or known[0] is not context:
            known = memo[id(context)] = (context, self.effective_principals(request, context),
                                         _ACLHolder(acl_for(context, memo)))
        return self.acl.permits(known[2], known[1], permission)

    def remember(self, request, userid, **kw):
        return self.helper.remember(request, userid, **kw)

    def forget(self, request, **kw):
        return self.helper.forget(request, **kw)

