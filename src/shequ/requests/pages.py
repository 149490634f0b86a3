"""Traversal below a requests section: `r/<number>` (one request, staff pages) and
`open311/` (the GeoReport v2 API: `open311/discovery.json`, `open311/v2/…`).

The wrappers are made per request and never stored. A request is found below the section
of the tenant handling it or the tenant it was submitted to; anywhere else it is a 404.
"""
from ..tree import find_tenant, tenant_path
from .model import get_store


class RequestFolder:
    """`r` below a requests section."""

    title = 'r'

    def __init__(self, section):
        self.__parent__ = section
        self.__name__ = 'r'

    def __getitem__(self, number):
        store = get_store(self.__parent__)
        item = store.get(number) if store is not None else None
        here = tenant_path(find_tenant(self.__parent__))
        if item is None or here not in (item.tenant, item.origin):
            raise KeyError(number)
        return RequestPage(item, self)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default


class RequestPage:
    """One request as a traversable resource (its ACL is its tenant's)."""

    def __init__(self, item, folder):
        self.item = item
        self.__parent__ = folder
        self.__name__ = item.number
        self.title = item.number

    @property
    def section(self):
        return self.__parent__.__parent__

    @property
    def handled_here(self):
        return tenant_path(find_tenant(self.section)) == self.item.tenant


class Open311:
    """`open311` below a requests section; `v2` below it is the API."""

    title = 'Open311'

    def __init__(self, section):
        self.__parent__ = section
        self.__name__ = 'open311'

    def __getitem__(self, name):
        if name == 'v2':
            return Open311V2(self)
        raise KeyError(name)


class Open311V2:
    """`open311/v2`: views `services.{fmt}`, `requests.{fmt}`; folders `services`, `requests`."""

    title = 'v2'

    def __init__(self, parent):
        self.__parent__ = parent
        self.__name__ = 'v2'

    @property
    def section(self):
        return self.__parent__.__parent__

    def __getitem__(self, name):
        if name in ('services', 'requests'):
            return Open311Folder(self, name)
        raise KeyError(name)


class Open311Folder:
    def __init__(self, parent, name):
        self.__parent__ = parent
        self.__name__ = name
        self.title = name

    @property
    def section(self):
        return self.__parent__.section

    def __getitem__(self, name):
        key, dot, fmt = name.rpartition('.')
        if not dot or fmt not in ('json', 'xml') or not key:
            raise KeyError(name)
        return Open311Item(self, name, key, fmt)


class Open311Item:
    """`services/<code>.<fmt>` or `requests/<id>.<fmt>`."""

    def __init__(self, parent, name, key, fmt):
        self.__parent__ = parent
        self.__name__ = name
        self.key = key
        self.fmt = fmt
        self.kind = parent.__name__
        self.title = key

    @property
    def section(self):
        return self.__parent__.section


def section_fallback(section, name):
    if name == 'r':
        return RequestFolder(section)
    if name == 'open311':
        return Open311(section)
    return None
