"""Traversal into the register: `<section>/v/<number>` and `<section>/c/<certificate no.>`.

The wrappers are made per request and never stored. A volunteer page is public only while
the volunteer is 在册 or 暂停 (`is_public`, which the ACL reads as for content items); its
title is the masked name, so breadcrumbs and page titles never show the full name.
"""
from ..i18n import _
from .model import get_register


class Folder:
    """`v` (volunteers) or `c` (certificates) below a volunteers section."""

    def __init__(self, section, name, title):
        self.__parent__ = section
        self.__name__ = name
        self.title = title

    @property
    def register(self):
        return get_register(self.__parent__)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __getitem__(self, key):
        register = self.register
        if register is None:
            raise KeyError(key)
        if self.__name__ == 'v':
            volunteer = register.get(key)
            if volunteer is None:
                raise KeyError(key)
            return VolunteerPage(volunteer, self)
        certificate = register.certificates.get(key)
        if certificate is None:
            raise KeyError(key)
        return CertificatePage(certificate, self)


class VolunteerPage:
    """One volunteer as a traversable resource."""

    def __init__(self, volunteer, folder):
        self.volunteer = volunteer
        self.__parent__ = folder
        self.__name__ = volunteer.number

    @property
    def title(self):
        return self.volunteer.masked_name

    @property
    def section(self):
        return self.__parent__.__parent__

    @property
    def register(self):
        return self.__parent__.register

    def is_public(self, now=None):
        return self.volunteer.is_public(now)


class CertificatePage:
    """An issued certificate (its print page is for the volunteer and staff only)."""

    def __init__(self, certificate, folder):
        self.certificate = certificate
        self.__parent__ = folder
        self.__name__ = certificate.number
        self.title = certificate.number

    @property
    def section(self):
        return self.__parent__.__parent__


def section_fallback(section, name):
    """Traversal of a volunteers section finds `v` and `c` besides its stored items."""
    if name == 'v':
        return Folder(section, 'v', _('Registered volunteers'))
    if name == 'c':
        return Folder(section, 'c', _('Certificates'))
    return None
