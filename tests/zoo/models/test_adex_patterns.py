"""The eight Naud et al. (2008) patterns (``zoo.models.adex.patterns``): the classifier on the
zoo's reference solution, with the margins its thresholds leave, and on every simulator."""
import numpy as np
import pytest

from zoo.declarations.reference import adex_train
from zoo.models.adex import patterns, studies

from tests.conftest import runs


@pytest.fixture(scope="module")
def reference():
    """The reference's trains at rtol 1e-8 (1e-6 ms from rtol 1e-10: test_adex.py), 600 ms."""
    return {name: adex_train(patterns.parameters(name), patterns.DURATION_MS, 0.1, rtol=1e-8).reported_ms
            for name in patterns.PATTERNS}


def test_the_reference_shows_every_pattern(reference):
    assert {name: patterns.classify(train) for name, train in reference.items()} == \
        {name: name for name in patterns.PATTERNS}


def test_the_thresholds_leave_room_on_both_sides(reference):
    """Each pattern's deciding feature at least 20 % from the threshold that decides it (a
    threshold moved into a pattern's value fails here)."""
    f = {name: patterns.features(train) for name, train in reference.items()}
    margin = 1.2
    assert f["tonic"]["delay_ratio"] * margin < patterns.DELAY_RATIO < f["delayed accelerating"]["delay_ratio"] / margin
    assert f["delayed regular bursting"]["delay_ratio"] > patterns.DELAY_RATIO * margin
    assert f["regular bursting"]["delay_ratio"] * margin < patterns.DELAY_RATIO
    assert f["irregular"]["long_cv"] > patterns.REGULAR_CV * margin
    assert f["irregular"]["steady_cv"] > patterns.IRREGULAR_CV * margin
    for bursting in ("regular bursting", "delayed regular bursting"):
        assert f[bursting]["long_cv"] * margin < patterns.REGULAR_CV
        assert f[bursting]["bimodal_ratio"] > patterns.BIMODAL_RATIO * margin
    for regular in ("tonic", "adapting", "initial burst", "delayed accelerating"):
        assert f[regular]["bimodal_ratio"] * margin < patterns.BIMODAL_RATIO
        assert f[regular]["steady_cv"] * margin < patterns.IRREGULAR_CV
    assert f["initial burst"]["early_jump"] > patterns.JUMP_RATIO * margin
    for smooth in ("tonic", "adapting", "delayed accelerating"):
        assert f[smooth]["early_jump"] * margin < patterns.JUMP_RATIO
    assert f["delayed accelerating"]["steady_over_first"] * margin < patterns.ACCELERATING_RATIO
    assert patterns.ACCELERATING_RATIO * margin < f["tonic"]["steady_over_first"] < patterns.ADAPTING_RATIO / margin
    assert f["adapting"]["steady_over_first"] > patterns.ADAPTING_RATIO * margin


@pytest.mark.parametrize("simulator", runs("adex"))
def test_each_pattern_on_each_simulator(simulator):
    """One population of eight neurons, 600 ms at dt 0.1 ms: each classified as its pattern."""
    rows = studies.firing_patterns(simulator)
    assert [row["worst_at"] for row in rows if not row["pass"]] == []
