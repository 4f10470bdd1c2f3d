"""Optimisers behind one ask/tell interface over the unit cube [0, 1]^d, each from a
maintained library: CMA-ES (Hansen's ``cma``) and Optuna's TPE sampler. Both are
deterministic for a seed, so a fit replays its stored generations to resume exactly."""
from __future__ import annotations

import numpy as np


class CMAES:
    """``cma.CMAEvolutionStrategy`` from the cube's centre, step 0.3, bounded to [0, 1],
    restarted from a random point of the cube (step 0.3 again) whenever it has converged
    (``stop()``: its steps or its losses no longer change): a strategy caught in a local
    optimum spends the rest of the budget searching elsewhere, not proposing the same point
    (multistart CMA-ES; Auger & Hansen 2005 restart with a larger population, which a fit of
    fixed generations does not). The best candidate over all restarts is the fit's.

    cma draws from NumPy's global generator, which Brian2 reseeds at every simulation (and
    anything else may use): the strategy keeps its own state of it, swapped in around each
    of its calls, so its proposals depend on its seed and history alone (a replay equals
    the run)."""

    name = "cma"

    def __init__(self, dimension: int, population: int, seed: int):
        import cma

        if dimension < 2 or population < 2:
            raise ValueError(f"CMA-ES needs at least 2 fitted parameters and a population of at least 2 (got "
                             f"{dimension} and {population}); fit more, or use --optimiser optuna")
        self._cma, self._dimension, self._population, self._seed = cma, dimension, population, seed
        self.restarts = 0
        with self._own_generator(np.random.RandomState(seed).get_state()):
            self._es = self._strategy([0.5] * dimension)
        self._asked = None

    def _strategy(self, start):
        return self._cma.CMAEvolutionStrategy(list(start), 0.3, {
            "bounds": [0.0, 1.0], "popsize": self._population, "seed": self._seed + 1 + self.restarts,
            "verbose": -9, "verb_log": 0, "verb_disp": 0})

    def _own_generator(self, state=None):
        import contextlib

        @contextlib.contextmanager
        def swapped():
            outside = np.random.get_state()
            np.random.set_state(state if state is not None else self._state)
            try:
                yield
            finally:
                self._state = np.random.get_state()
                np.random.set_state(outside)

        return swapped()

    def ask(self) -> np.ndarray:
        with self._own_generator():
            if self._es.stop():
                self.restarts += 1
                self._es = self._strategy(np.random.uniform(size=self._dimension))
            self._asked = self._es.ask()
        return np.asarray(self._asked)

    def tell(self, losses: np.ndarray) -> None:
        with self._own_generator():
            self._es.tell(self._asked, list(map(float, losses)))


class OptunaTPE:
    """Optuna's ``TPESampler`` (seeded), asked a population at a time."""

    name = "optuna"

    def __init__(self, dimension: int, population: int, seed: int):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self._optuna = optuna
        self._study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
        self._space = {f"x{k}": optuna.distributions.FloatDistribution(0.0, 1.0) for k in range(dimension)}
        self._population = population
        self._asked = []

    def ask(self) -> np.ndarray:
        self._asked = [self._study.ask(self._space) for _ in range(self._population)]
        return np.array([[trial.params[name] for name in self._space] for trial in self._asked])

    def tell(self, losses: np.ndarray) -> None:
        for trial, loss in zip(self._asked, losses):
            self._study.tell(trial, float(loss))


OPTIMISERS = {CMAES.name: CMAES, OptunaTPE.name: OptunaTPE}
DEFAULT = CMAES.name


def create(name: str, dimension: int, population: int, seed: int):
    if name not in OPTIMISERS:
        raise ValueError(f"optimiser {name!r} is not one of {', '.join(OPTIMISERS)}")
    if seed < 0 or seed >= 2**31:
        raise ValueError(f"the seed must be a whole number in [0, 2**31), got {seed}")
    return OPTIMISERS[name](dimension, population, seed)
