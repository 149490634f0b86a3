"""The tree's evolution step: every tenant gets every declared section."""
from . import declared_sections, walk_tenants

# What generation 1 of the old numbered migrations guaranteed: every tenant had these
# sections, hard-coded in the tree at the time. A fact about stored data, not
# configuration: never change it. (Declared sections live with their content kinds.)
GENERATION_1_SECTIONS = frozenset(
    ('services', 'notices', 'duties', 'volunteers', 'documents', 'requests'))


def ensured_sections(root):
    """Section names every tenant below `root` is known to have."""
    ensured = getattr(root, 'sections_ensured', None)
    if ensured is not None:
        return frozenset(ensured)
    if getattr(root, 'generation', 0) >= 1:
        return GENERATION_1_SECTIONS
    return frozenset()


def sections_not_ensured(root, registry):
    """Declared sections not every tenant is known to have (read-only: the start-up check)."""
    return [name for name in declared_sections(registry) or () if name not in ensured_sections(root)]


def add_missing_sections(root, registry):
    """Give every tenant each declared section it lacks, then record them as ensured."""
    for tenant in walk_tenants(root):
        tenant.ensure_sections(registry)
    root.sections_ensured = tuple(sorted(ensured_sections(root) | set(declared_sections(registry) or ())))
