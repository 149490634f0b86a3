"""The one place the application's extension points are kept.

Packages extend shequ through Configurator directives (`add_section`, `add_content_type`,
`add_evolution_step` …); every directive stores what it is given in one `Extensions`
object, registered on the Pyramid registry as a utility under `IExtensions`. Nothing is
kept in module globals, so two applications in one process never see each other's
kinds, sections or steps.

This module is the bottom layer: it imports nothing else of shequ.
"""
from dataclasses import dataclass
from typing import Any, Callable

from zope.interface import Interface, implementer


class IExtensions(Interface):
    """The utility holding every extension point of one application."""


@dataclass(frozen=True)
class SectionDeclaration:
    """A section every tenant has: its reserved name, label and display position."""

    name: str
    label: Any          # a TranslationString
    order: int = 100


@dataclass(frozen=True)
class TenantPanel:
    """A block on tenant home pages: `func(tenant, request)` gives the renderer's values."""

    name: str
    func: Callable
    renderer: str
    order: int = 100


@implementer(IExtensions)
class Extensions:
    """Everything packages have registered, by kind of extension point.

    The mappings are filled by configuration actions (so conflicts are detected by their
    discriminators) and only read once the application runs.
    """

    def __init__(self):
        self.sections = {}            # name -> SectionDeclaration
        self.section_fallbacks = {}   # section name -> func(section, name) -> resource | None
        self.section_listings = {}    # section name -> func(section, request) -> [items]
        self.home_orders = {}         # section name -> func(section, request, items) -> [items]
        self.tenant_panels = {}       # panel name -> TenantPanel
        self.content_types = {}       # type name -> content.registry.ContentType
        self.tenant_import_keys = {}  # tenant-tree file key -> content.registry.TenantImportKey
        self.evolution_steps = {}     # step name -> evolve.EvolutionStep, in running order
        self.audit_actions = {}       # audit action name -> label (TranslationString)
        self.page_cache_cookies = {}  # cookie name -> why a page's rendering depends on it

    def section_names(self):
        """Declared section names in display order (by `order`, then name)."""
        return [s.name for s in sorted(self.sections.values(), key=lambda s: (s.order, s.name))]

    def section_label(self, name):
        """The label of declared section `name`, else the name itself."""
        declared = self.sections.get(name)
        return declared.label if declared is not None else name

    def panels(self):
        """Tenant panels in display order."""
        return sorted(self.tenant_panels.values(), key=lambda p: (p.order, p.name))


def get_extensions(registry):
    """The Extensions of `registry`, registered on first use (configuration time)."""
    extensions = registry.queryUtility(IExtensions)
    if extensions is None:
        extensions = Extensions()
        registry.registerUtility(extensions, IExtensions)
    return extensions


def query_extensions(registry):
    """The Extensions of `registry`, or None when no application was configured on it.

    For code that may run outside the application (e.g. on Pyramid's global registry when
    no request or script has pushed one): it must not register anything there.
    """
    query = getattr(registry, 'queryUtility', None)
    return query(IExtensions) if query is not None else None
