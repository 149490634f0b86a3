"""Evolution steps: data migrations, each registered by the package that owns the data.

A package calls `config.add_evolution_step(func, name=…)` in its `includeme`;
`func(root, registry)` brings stored data up to what the code expects. The platform root
records the steps it has had by name (`root.evolved`: name → UTC time finished).
`shequ evolve CONFIG_URI` runs the pending steps in registration order — the order of the
includes, so lower layers first — committing after each, so a crash resumes where it
stopped. A new root records every registered step as finished (new data is current), and
the application refuses to start while a step is pending.

Before steps had names the root counted a numbered `root.generation`; a step registered
with `generation=n` (its number in that old list) counts as finished on a root whose
generation is at least n. The attribute is left as it is: data is never thrown away.
"""
from dataclasses import dataclass
from typing import Callable, Optional

from persistent.mapping import PersistentMapping

from ..clock import utcnow
from ..extensions import get_extensions, query_extensions

RECORD = 'evolved'   # the attribute of the root that records finished steps
# a global_conf key the `shequ` command sets for `init` and `evolve`: build the app
# without refusing a database that needs evolving
SKIP_EVOLVE_CHECK = 'shequ.skip_evolve_check'


@dataclass(frozen=True)
class EvolutionStep:
    """One registered step.

    `needed(root, registry)`, when given, is a read-only test that makes a recorded step
    pending again while it returns true: for a step whose work grows with the configuration
    (the tree's step that gives tenants every declared section runs again when a package
    declares a new section). Running the step must make it return false.
    """

    name: str
    func: Callable
    generation: Optional[int] = None
    needed: Optional[Callable] = None

    def __call__(self, root, registry):
        return self.func(root, registry)


class EvolveNeeded(RuntimeError):
    """The database has not had every registered evolution step: run `shequ evolve`."""

    def __init__(self, steps, config_file=None):
        self.steps = list(steps)
        self.command = 'shequ evolve %s' % (config_file or 'CONFIG_URI')
        super().__init__(
            '数据库有 %d 个数据迁移步骤尚未执行 (%s)，应用拒绝启动。\n请先运行: %s'
            % (len(self.steps), ', '.join(s.name for s in self.steps), self.command))


def registered_steps(registry):
    """Every registered step, in running order."""
    extensions = query_extensions(registry)
    return list(extensions.evolution_steps.values()) if extensions is not None else []


def is_recorded(step, root):
    """Whether `root` records `step` as finished (by name, or by its old generation)."""
    if step.name in (getattr(root, RECORD, None) or ()):
        return True
    return step.generation is not None and getattr(root, 'generation', 0) >= step.generation


def pending_steps(root, registry):
    """The steps `root` still needs, in running order. Reads only: never writes."""
    return [step for step in registered_steps(registry)
            if not is_recorded(step, root) or (step.needed is not None and step.needed(root, registry))]


def _record(root):
    record = getattr(root, RECORD, None)
    if record is None:
        record = PersistentMapping()
        setattr(root, RECORD, record)
    return record


def record_all_finished(root, registry):
    """For a new root: every registered step counts as finished."""
    record, now = _record(root), utcnow()
    for step in registered_steps(registry):
        record[step.name] = now


def evolve(root, registry, commit, tick=lambda step: None):
    """Run the pending steps in order, recording and committing after each.

    Returns the names of the steps run.
    """
    done = []
    for step in pending_steps(root, registry):
        step(root, registry)
        _record(root)[step.name] = utcnow()
        commit()
        tick(step)
        done.append(step.name)
    return done


def add_evolution_step(config, func, name=None, generation=None, needed=None):
    """Configurator directive: register `func(root, registry)` as an evolution step.

    `name` is what the root records (default: the function's dotted name); never rename a
    step once released, or it runs again. Steps run in registration order.
    """
    name = name or '%s.%s' % (func.__module__, func.__qualname__)
    step = EvolutionStep(name=name, func=func, generation=generation, needed=needed)
    extensions = get_extensions(config.registry)
    config.action(('shequ.evolution_step', name),
                  lambda: extensions.evolution_steps.__setitem__(name, step))


def includeme(config):
    """Register the `add_evolution_step` directive."""
    config.add_directive('add_evolution_step', add_evolution_step)
