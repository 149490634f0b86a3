"""Edit versions: a form carries the version it was opened on, so a stale save is caught.

Two staff who open the same item and both save must not silently overwrite each other.
An edit form therefore carries, in a hidden `version` field, the version of what it shows:
the hex `_p_serial` of the persistent object (ZODB's own transaction id of its last
committed change; nothing stored, no evolve step), or a digest of a value that is not an
object of its own (a roster shift). When the posted version is no longer the stored one,
the save is refused with 409 and the form shows both versions field by field; the form
then carries the new version, so saving again replaces theirs explicitly.

Under `pyramid_retry` this is also what the loser of a true write conflict sees: its retry
re-reads the item, finds a newer version and answers 409 instead of overwriting.
"""
import hashlib

import colander
import deform

from ..i18n import _
from .review import plain, shown

FIELD = 'version'


def version_of(obj):
    """The version of a persistent object: its last committed serial as hex ('' if new)."""
    if obj is None:
        return ''
    getattr(obj, '_p_activate', lambda: None)()     # a ghost's serial is not loaded yet
    serial = getattr(obj, '_p_serial', None)
    if not serial or serial == b'\0' * 8:
        return ''
    return serial.hex()


def digest_of(value):
    """The version of a plain value (dicts, lists, strings …): a digest of its content."""
    return hashlib.sha256(repr(plain(value)).encode('utf-8')).hexdigest()[:16]


def version_node(current):
    """The hidden field that carries the version a form was opened on."""
    return colander.SchemaNode(colander.String(), name=FIELD, default=current or '',
                               missing='', widget=deform.widget.HiddenWidget())


def is_stale(posted, current):
    """Whether a form opened on `posted` would overwrite a newer `current` version.

    A post without a version (an old page, a script) is not checked: the check protects
    people using the form, and the form always carries one.
    """
    return bool(posted) and posted != (current or '')


def differences(schema, theirs, yours):
    """Rows {label, theirs, yours} of the fields whose stored and typed values differ."""
    rows = []
    for node in schema.children:
        if node.name in ('csrf_token', FIELD) or node.name not in yours:
            continue
        if isinstance(node.typ, deform.FileData):
            mine = yours.get(node.name)
            if not mine:
                continue            # no new file typed: the stored one stays
            rows.append({'label': node.title, 'theirs': shown(theirs.get(node.name)),
                         'yours': shown(mine.get('filename') if isinstance(mine, dict)
                                         else mine)})
            continue
        stored, typed = theirs.get(node.name), yours.get(node.name)
        if stored is colander.null:
            stored = None
        if typed is colander.null:
            typed = None
        if plain(stored) != plain(typed):
            rows.append({'label': node.title, 'theirs': shown(stored), 'yours': shown(typed)})
    return rows


CONFLICT_MESSAGE = _('Someone else saved this item after you opened the form. The table '
                     'shows, field by field, what is stored now and what you typed; what you '
                     'typed is kept in the form below. Save again to replace their version '
                     'with yours, or leave the page to keep theirs.')
