"""`@@settings`: a tenant's administrators set its site title, emblem, theme, colours,
sections, banner, contact, host names and rules from the web.

Every setting inherits: an empty field means "as the tenant above", and the form says
which tenant a value comes from. The POST is validated with the one settings schema
(`tree.settings`); on any error nothing is stored and each message stands next to its
field. A valid POST replaces the tenant's settings whole through `tree.ops.modify`
(action `settings`, detail: the changed keys), so it is audited and journalled.
"""
from persistent.mapping import PersistentMapping
import colander
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from ..i18n import _, flash
from ..tree import Tenant, find_root, setting_source, tenant_path
from ..tree.hosts import host_owner
from ..tree.ops import modify
from ..tree.settings import (CONTACT_KEYS, FLAT_KEYS, NOT_INHERITED, PUBLICITY_DAYS_DEFAULT,
                             SettingsSchema, get_flat, split_list, to_nested)
from ..content.versions import (CONFLICT_MESSAGE, FIELD as VERSION_FIELD, digest_of,
                                is_stale, version_of)
from .themes import get_themes
from .views import effective_emblem, emblem_problem, make_emblem

LABELS = {
    'site_title': _('Site title'),
    'short_name': _('Short name'),
    'emblem': _('Emblem or logo'),
    'banner': _('Home-page banner'),
    'theme': _('Theme'),
    'primary_colour': _('Primary colour'),
    'accent_colour': _('Accent colour'),
    'sections': _('Sections shown, in order'),
    'contact.address': _('Address'),
    'contact.phone': _('Telephone'),
    'contact.hours': _('Office hours'),
    'contact.email': _('Email'),
    'contact.hotline': _('24-hour hotline'),
    'hosts': _('Host names'),
    'require_review': _('Content of units below must be reviewed before publishing'),
    'volunteer_publicity_days': _('Public notice period for volunteer hours (days)'),
}
HINTS = {
    'short_name': _('Shown where space is short, e.g. on phones.'),
    'emblem': _('PNG, JPEG or WebP, at most 512 KB. SVG is not accepted, for safety.'),
    'primary_colour': _('Like #b71c1c. White text must remain readable on it (contrast 4.5:1).'),
    'accent_colour': _('Like #f2c230. Dark text must remain readable on it (contrast 4.5:1).'),
    'hosts': _('One per line, e.g. sunwu.example.cn. Each opens this unit directly. '
               'Not inherited.'),
    'banner': _('Shown at the top of the home page; leave empty for none.'),
}
GROUPS = (
    (_('Site'), ('site_title', 'short_name', 'emblem', 'banner')),
    (_('Appearance'), ('theme', 'primary_colour', 'accent_colour')),
    (_('Sections'), ('sections',)),
    (_('Contact'), tuple('contact.' + k for k in CONTACT_KEYS)),
    (_('Host names'), ('hosts',)),
    (_('Rules'), ('require_review', 'volunteer_publicity_days')),
)
TEXTAREAS = ('banner', 'hosts')


def field_name(key):
    return key.replace('.', '-')


class SettingsView:

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.themes = get_themes(request.registry)
        self.sections = context.sections(request.registry)

    def t(self, msg):
        return self.request.localizer.translate(msg)

    # --- showing values ---

    def display(self, key, value):
        """A stored value as words."""
        if value is None:
            return ''
        if key == 'theme':
            return self.themes.get(value).title if value in self.themes.themes else value
        if key == 'require_review':
            return self.t(_('Yes')) if value else self.t(_('No'))
        if key == 'sections':
            labels = {s.__name__: self.t(s.title) for s in self.sections}
            return '、'.join(labels.get(n, n) for n in value) or self.t(_('(none)'))
        if key == 'hosts':
            return '、'.join(value)
        return str(value)

    def inherited(self, key):
        """(words, source title) of what applies when this tenant does not set `key`."""
        if key == 'emblem':
            emblem, source = effective_emblem(self.context.__parent__)
            return (emblem.filename, self.t(source.title)) if emblem is not None else ('', '')
        parent = self.context.__parent__
        value, source = (setting_source(parent, key)
                         if isinstance(parent, Tenant) and key not in NOT_INHERITED
                         else (None, None))
        if source is not None:
            return self.display(key, value), self.t(source.title)
        defaults = {'theme': 'default', 'require_review': False,
                    'volunteer_publicity_days': PUBLICITY_DAYS_DEFAULT}
        theme = self.themes.get(setting_source(self.context, 'theme')[0] or 'default')
        defaults['primary_colour'] = theme.primary
        defaults['accent_colour'] = theme.accent
        if key in defaults:
            return self.display(key, defaults[key]), self.t(_('the default'))
        return '', ''

    def own(self, key):
        """The value this tenant sets itself, or None."""
        if key == 'emblem':
            return getattr(self.context, 'emblem', None)
        try:
            return get_flat(self.context.settings, key)
        except KeyError:
            return None

    def form_value(self, key, value):
        """A stored value as the text its input holds."""
        if value is None:
            return ''
        if key == 'hosts':
            return '\n'.join(value)
        if key == 'require_review':
            return 'true' if value else 'false'
        return str(value)

    def fields(self, posted=None, errors=None):
        errors = errors or {}
        groups = []
        for label, keys in GROUPS:
            rows = []
            for key in keys:
                own = self.own(key)
                inherited, source = self.inherited(key)
                if posted is not None and key != 'emblem':
                    value = posted.get(key, '')
                else:
                    value = self.form_value(key, own) if key != 'emblem' else ''
                rows.append({
                    'key': key, 'name': field_name(key), 'label': self.t(LABELS[key]),
                    'hint': self.t(HINTS[key]) if key in HINTS else '',
                    'value': value, 'own': own is not None,
                    'own_text': own.filename if key == 'emblem' and own is not None else '',
                    'inherited': inherited, 'source': source,
                    'error': errors.get(key), 'textarea': key in TEXTAREAS,
                })
            groups.append({'label': self.t(label), 'fields': rows})
        return groups

    def section_rows(self, posted=None):
        """(name, label, shown, order) for the sections table."""
        chosen, _source = setting_source(self.context, 'sections')
        if posted is not None:
            shown = set(posted.getall('section'))
            order = {s.__name__: posted.get('order-' + s.__name__, '') for s in self.sections}
        else:
            shown = set(chosen) if chosen is not None else {s.__name__ for s in self.sections}
            ranks = {n: i + 1 for i, n in enumerate(chosen or ())}
            order = {s.__name__: str(ranks.get(s.__name__, '')) for s in self.sections}
            if chosen is None:
                order = {s.__name__: str(i + 1) for i, s in enumerate(self.sections)}
        return [{'name': s.__name__, 'label': self.t(s.title), 'shown': s.__name__ in shown,
                 'order': order.get(s.__name__, '')} for s in self.sections]

    def version(self):
        """What the form was opened on: the tenant's own settings and emblem."""
        return digest_of((dict(self.context.settings),
                          version_of(getattr(self.context, 'emblem', None))))

    def conflict(self, posted):
        """409: another save since the form was opened; both versions, key by key."""
        rows = []
        for key in FLAT_KEYS:
            stored = self.form_value(key, self.own(key))
            typed = posted.get(key, '')
            if key == 'sections':
                continue        # a table of its own, shown as posted below
            if stored.strip() != typed.strip():
                rows.append({'label': LABELS[key], 'theirs': stored, 'yours': typed})
        self.request.response.status = 409
        values = self.render(posted)
        values['conflict'] = {'message': CONFLICT_MESSAGE, 'rows': rows}
        return values

    def render(self, posted=None, errors=None, emblem_error=None):
        groups = self.fields(posted, errors)
        if emblem_error:
            for group in groups:
                for row in group['fields']:
                    if row['key'] == 'emblem':
                        row['error'] = emblem_error
        custom_sections = (posted.get('sections-mode') == 'custom' if posted is not None
                           else 'sections' in self.context.settings)
        emblem, _owner = effective_emblem(self.context)
        return {'groups': groups, 'section_rows': self.section_rows(posted),
                'custom_sections': custom_sections, 'themes': self.themes.choices(),
                'has_errors': bool(errors or emblem_error),
                'current_emblem': emblem is not None, 'version': self.version(),
                'conflict': None}

    # --- reading the form ---

    def cstruct(self, post):
        """The posted form as a settings cstruct: empty fields are left out (inherit)."""
        flat = {}
        for key in FLAT_KEYS:
            if key == 'sections':
                continue
            text = post.get(field_name(key), '').strip()
            if text:
                flat[key] = split_list(text) if key == 'hosts' else text
        if post.get('sections-mode') == 'custom':
            shown = set(post.getall('section'))
            names = [s.__name__ for s in self.sections]

            def rank(name):
                try:
                    return (int(post.get('order-' + name, '')), names.index(name))
                except ValueError:
                    return (10 ** 6, names.index(name))
            flat['sections'] = sorted((n for n in names if n in shown), key=rank)
        return to_nested(flat)

    @staticmethod
    def field_errors(exc):
        """colander errors keyed by flat setting key ('contact.phone')."""
        out = {}
        for path, message in exc.asdict().items():
            key = next((k for k in FLAT_KEYS if path == k or path.startswith(k + '.')), path)
            out.setdefault(key, message)
        return out

    def host_errors(self, hosts):
        root = find_root(self.context)
        here = tenant_path(self.context)
        for host in hosts or ():
            owner = host_owner(root, host)
            if owner is not None and owner != here:
                return _('The host name ${host} already opens another unit (${path}).',
                         mapping={'host': host, 'path': owner})
        return None

    @view_config(context=Tenant, name='settings', permission='manage',
                 renderer='templates/settings.pt', request_method='GET')
    def show(self):
        return self.render()

    @view_config(context=Tenant, name='settings', permission='manage',
                 renderer='templates/settings.pt', request_method='POST')
    def save(self):
        post = self.request.POST
        reset = post.get('reset')
        if reset:
            return self.reset(reset)
        posted = {key: post.get(field_name(key), '') for key in FLAT_KEYS}
        posted = _Posted(post, posted)
        if is_stale(post.get(VERSION_FIELD), self.version()):
            return self.conflict(posted)
        errors = {}
        try:
            settings = SettingsSchema().deserialize(self.cstruct(post))
        except colander.Invalid as exc:
            errors = {k: self.t(v) if not isinstance(v, str) else v
                      for k, v in self.field_errors(exc).items()}
            settings = None
        if settings is not None:
            problem = self.host_errors(settings.get('hosts'))
            if problem:
                errors['hosts'] = self.t(problem)
        upload = post.get('emblem')
        emblem, emblem_error = None, None
        if getattr(upload, 'file', None) is not None and getattr(upload, 'filename', ''):
            data = upload.file.read(EMBLEM_READ_LIMIT)
            emblem_error = emblem_problem(upload.filename, data)
            if emblem_error is None:
                emblem = make_emblem(upload.filename, data)
        if errors or emblem_error:
            self.request.response.status = 400
            return self.render(posted, errors, emblem_error)
        changed = changed_keys(self.context.settings, settings)
        fields = {}
        if changed:
            fields['settings'] = PersistentMapping(settings)
        if emblem is not None:
            changed.append('emblem')
            fields['emblem'] = emblem
        if fields:
            modify(self.context, self.request, action='settings', detail=', '.join(changed),
                   **fields)
            flash(self.request, _('Settings saved: ${keys}.',
                                  mapping={'keys': '、'.join(self.t(LABELS[k]) for k in changed)}))
        else:
            flash(self.request, _('Nothing was changed.'))
        return HTTPFound(self.request.resource_url(self.context, '@@settings'))

    def reset(self, key):
        """Go back to inheriting one setting."""
        if key == 'emblem':
            if getattr(self.context, 'emblem', None) is not None:
                modify(self.context, self.request, action='settings', detail='emblem', emblem=None)
        elif key in FLAT_KEYS:
            from ..tree.settings import with_flat
            settings = with_flat(self.context.settings, key, None)
            if settings != dict(self.context.settings):
                modify(self.context, self.request, action='settings', detail=key,
                       settings=PersistentMapping(settings))
        else:
            return HTTPFound(self.request.resource_url(self.context, '@@settings'))
        flash(self.request, _('${name} now follows the unit above.',
                              mapping={'name': self.t(LABELS[key])}))
        return HTTPFound(self.request.resource_url(self.context, '@@settings'))


EMBLEM_READ_LIMIT = 512 * 1024 + 1


class _Posted(dict):
    """Posted text by setting key, plus the raw form for the sections table."""

    def __init__(self, post, values):
        super().__init__(values)
        self.post = post

    def getall(self, name):
        return self.post.getall(name)

    def get(self, key, default=None):
        if key in self:
            return dict.get(self, key)
        return self.post.get(key, default)


def changed_keys(old, new):
    """Flat keys whose value differs between two settings mappings."""
    out = []
    for key in FLAT_KEYS:
        try:
            a = get_flat(old, key)
        except KeyError:
            a = None
        try:
            b = get_flat(new, key)
        except KeyError:
            b = None
        if a != b:
            out.append(key)
    return out
