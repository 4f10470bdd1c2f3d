"""Optimisers behind one ask/tell interface over the unit cube [0, 1]^d, each from a
maintained library: CMA-ES (Hansen's ``cma``) and Optuna's TPE sampler. Both are
deterministic for a seed, so a fit replays its stored generations to resume exactly."""
from __future__ import annotations

import numpy as np


class CMAES:
    """``cma.CMAEvolutionStrategy`` from the cube's centre, step 0.3, bounded to [0, 1]."""

    name = "cma"

    def __init__(self, dimension: int, population: int, seed: int):
        import cma

        self._es = cma.CMAEvolutionStrategy([0.5] * dimension, 0.3,
                                            {"bounds": [0.0, 1.0], "popsize": population, "seed": seed + 1,
                                             "verbose": -9, "verb_log": 0, "verb_disp": 0})
        self._asked = None

    def ask(self) -> np.ndarray:
        self._asked = self._es.ask()
        return np.asarray(self._asked)

    def tell(self, losses: np.ndarray) -> None:
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
    return OPTIMISERS[name](dimension, population, seed)
