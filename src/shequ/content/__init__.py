"""Shared base for content items and the content-type registry."""
from persistent import Persistent

from ..clock import utcnow

from .registry import add_content_type, add_tenant_import_key, get_content_registry  # noqa: F401

# workflow states
DRAFT = 'draft'
SUBMITTED = 'submitted'
PUBLISHED = 'published'
WITHDRAWN = 'withdrawn'


# what every item has besides its kind's fields
BOOKKEEPING = ('state', 'publish_at', 'expire_at', 'creator', 'pending_edit')


class Content(Persistent):
    """Base of every content item: title, times, creator, workflow state."""

    __name__ = None
    __parent__ = None
    type_name = None
    # fields a form or import may set; subclasses extend
    fields = ('title',)
    pending_edit = None     # an edit awaiting review (content.review)

    def __init__(self, **kw):
        now = utcnow()
        self.title = ''
        self.created = now
        self.modified = now
        self.creator = None
        self.state = DRAFT
        self.publish_at = None
        self.expire_at = None
        self.update(**kw)

    def update(self, **kw):
        """Set known fields from `kw`; returns the names that changed."""
        changed = []
        for name, value in kw.items():
            if name not in self.fields and name not in BOOKKEEPING:
                raise TypeError('%s has no field %r' % (type(self).__name__, name))
            if getattr(self, name, None) != value:
                setattr(self, name, value)
                changed.append(name)
        if set(changed) - {'pending_edit'}:     # a proposal changes nothing residents see
            self.modified = utcnow()
        return changed

    def search_fields(self):
        """What search indexes: title, body text, category, keywords (kinds extend)."""
        return {'title': self.title, 'body': '', 'category': getattr(self, 'category', ''),
                'keywords': tuple(getattr(self, 'keywords', ()) or ())}

    def is_public(self, now=None):
        """Published, past its publish time and not expired."""
        if self.state != PUBLISHED:
            return False
        now = now or utcnow()
        if self.publish_at is not None and self.publish_at > now:
            return False
        if self.expire_at is not None and self.expire_at <= now:
            return False
        return True


def check_sections_declared(extensions):
    """Every content type, section listing and fallback names a declared section."""
    from pyramid.exceptions import ConfigurationError
    uses = [('content type %r' % t.name, t.section) for t in extensions.content_types.values()]
    uses += [('section listing', name) for name in extensions.section_listings]
    uses += [('section fallback', name) for name in extensions.section_fallbacks]
    uses += [('home-page order', name) for name in extensions.home_orders]
    for what, section in uses:
        if section not in extensions.sections:
            raise ConfigurationError('%s: section %r is not declared (config.add_section)'
                                     % (what, section))


TIME_FIELDS = ('publish_at', 'expire_at', 'created', 'modified')


def evolve_times_to_utc(root, registry):
    """Stored times of every item in UTC (forms once stored China time, +08:00).

    The same instant either way, so nothing a visitor sees changes; a naive time (never
    written by this code) is taken as UTC, as `clock.local` reads it.
    """
    from datetime import timezone
    from ..tree import walk_tenants
    for tenant in walk_tenants(root):
        for section in tenant.sections():
            for item in section.values():
                for name in TIME_FIELDS:
                    value = getattr(item, name, None) if isinstance(item, Content) else None
                    if value is None:
                        continue
                    utc = (value.replace(tzinfo=timezone.utc) if value.tzinfo is None
                           else value.astimezone(timezone.utc))
                    if utc.tzinfo is not value.tzinfo or utc.utcoffset() != value.utcoffset():
                        setattr(item, name, utc)


def includeme(config):
    """Register the content directives, deform's renderer and assets, and generic views."""
    from ..extensions import get_extensions
    from .forms import configure_deform
    from .listing import add_home_order, add_section_listing, add_tenant_panel
    config.add_translation_dirs('shequ.content:locale')
    config.include('shequ.pagecache.memo')
    config.add_directive('add_content_type', add_content_type)
    config.add_directive('add_section_listing', add_section_listing)
    config.add_directive('add_home_order', add_home_order)
    config.add_directive('add_tenant_panel', add_tenant_panel)
    config.add_directive('add_tenant_import_key', add_tenant_import_key)
    config.add_evolution_step(evolve_times_to_utc, name='content.times_in_utc')
    from ..tree.events import ObjectAdded, ObjectModified, ObjectWillBeRemoved
    from .ordering import evolve_newest_index, section_subscriber
    for event in (ObjectAdded, ObjectModified, ObjectWillBeRemoved):
        config.add_subscriber(section_subscriber, event)
    config.add_evolution_step(evolve_newest_index, name='content.newest_index')
    # after every registration (a later order): a kind must declare the section it uses
    extensions = get_extensions(config.registry)
    config.action(None, lambda: check_sections_declared(extensions), order=1)
    configure_deform()
    from .attachments import upload_tmpstore
    upload_tmpstore(config.registry)
    config.add_static_view('_deform', 'deform:static', cache_max_age=3600)
    config.scan('.views')
    config.scan('.review')
    config.scan('.home')
    config.scan('.attachments')
    config.scan('.qr')
