"""Numbered data migrations. The root records the generation it has reached."""
from ..tree import SECTION_NAMES, Section, walk_tenants


def evolve1_add_missing_sections(root, registry):
    """Give every tenant all reserved sections (tenants made before a section existed)."""
    for tenant in walk_tenants(root):
        for name in SECTION_NAMES:
            if name not in tenant:
                tenant.add(name, Section(), send_events=False)


# (generation, step); append only — never renumber or remove a step
STEPS = [
    (1, evolve1_add_missing_sections),
]
CURRENT_GENERATION = STEPS[-1][0] if STEPS else 0


def pending_steps(root):
    """Steps past the generation `root` records, in order."""
    return [(gen, step) for gen, step in STEPS if gen > root.generation]


def evolve(root, registry, commit, tick=lambda gen, step: None):
    """Run pending steps, committing after each so a crash resumes where it stopped."""
    done = []
    for gen, step in pending_steps(root):
        step(root, registry)
        root.generation = gen
        commit()
        tick(gen, step)
        done.append(gen)
    return done
