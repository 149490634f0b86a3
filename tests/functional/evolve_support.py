"""Packages a test adds to the app (`pyramid.includes`): a further evolution step.
Each includes what gives it its directive: `pyramid.includes` run first."""

STEP = 'test.count_runs'


def count_runs(root, registry):
    """The test step: counts its runs on the root."""
    root.test_step_runs = getattr(root, 'test_step_runs', 0) + 1


def includeme(config):
    config.include('shequ.evolve')
    config.add_evolution_step(count_runs, name=STEP)

