"""Hodgkin-Huxley on every simulator: published behaviour, agreement, convergence.

Published values and their sources are declared in zoo/models/hh/__init__.py:
rheobase for sustained firing 6.2649–6.2716 µA/cm² (Balti et al. 2018), type-II onset
at about 50 Hz (accepted ≥ 40 Hz), first spike peak 30–50 mV and half-width 1–2 ms.
Agreement tolerances (zoo.declarations.tolerances.peak_detection_tolerances): equal
counts, every spike within one step dt.
"""
import numpy as np
import pytest

import explorer
import zoo
from zoo import backends
from zoo.declarations.numerics import ACCURATE_WITHIN_STEP
from zoo.models import hh
from zoo.models.hh import studies

from tests.conftest import pair_ids, pairs_of, runs

CURRENTS_NA = [0.7, 1.0, 1.5, 2.0, 3.0]  # 7–30 µA/cm², repetitive firing


@pytest.mark.parametrize("simulator", runs("hh"))
def test_published_behaviour(simulator):
    rows = {row["metric"]: row for row in studies.published_checks(simulator)}
    rheobase = rows["rheobase (uA/cm2)"]
    assert rheobase["pass"], rheobase
    low, high = (float(x) for x in rheobase["worst_at"].split("[")[1].split("]")[0].split(","))
    # the bracket is what it claims, checked apart from the bisection that found it: at
    # its low end the cell falls silent, at its high end it fires to the end of the run
    ends = zoo.run("hh", simulator, duration_ms=studies.RHEOBASE_RUN_MS, spike_shape=False,
                   i_offset=[hh.ua_per_cm2_to_na(low), hh.ua_per_cm2_to_na(high)]).summary
    assert ends["late_rate_hz"].tolist()[0] == 0 and ends["late_rate_hz"].tolist()[1] >= hh.ONSET_RATE_HZ_AT_LEAST
    assert rows["onset rate (Hz)"]["value"] >= hh.ONSET_RATE_HZ_AT_LEAST  # type II: no slow firing
    assert rows["spike_peak_mv"]["pass"] and rows["spike_half_width_ms"]["pass"]


@pytest.mark.parametrize("simulator", runs("hh"))
def test_just_below_rheobase_firing_stops(simulator):
    """Below the published band the cell fires a few spikes then falls silent (no slow
    repetitive firing); inside it fires at ~50 Hz to the end."""
    below, above = hh.ua_per_cm2_to_na(6.2), hh.ua_per_cm2_to_na(6.35)
    summary = zoo.run("hh", simulator, duration_ms=2000.0, spike_shape=False, i_offset=[below, above]).summary
    assert summary["late_rate_hz"].tolist()[0] == 0 and summary["n_spikes"].tolist()[0] >= 1
    assert 40 <= summary["late_rate_hz"].tolist()[1] <= 70


def accurate(simulator: str) -> bool:
    """Whether the simulator integrates HH accurately within each step (adaptive RKF45,
    RK4 substeps), so that its spikes land within one step of the exact peak's step;
    a fixed-step second-order scheme instead drifts by O(dt²) per period
    (tests/zoo/backends/test_neuron.py measures its order)."""
    return backends.backend_class(simulator).numerics["HH_curr_alpha"].name in ACCURATE_WITHIN_STEP


ACCURATE = tuple(s for s in runs("hh") if accurate(s))
ACCURATE_PAIRS = tuple(p for p in pairs_of("hh") if all(map(accurate, p)))


@pytest.mark.parametrize("model, currents", [("hh", CURRENTS_NA), ("hh_traub", [0.2, 0.4, 0.6, 0.8, 1.0])])
@pytest.mark.parametrize("dt_ms", [0.1, 0.05, 0.01])
@pytest.mark.parametrize("pair", ACCURATE_PAIRS, ids=pair_ids(ACCURATE_PAIRS))
def test_simulators_agree_spike_for_spike_at_each_dt(model, currents, dt_ms, pair):
    runs = [zoo.run(model, s, dt_ms=dt_ms, duration_ms=500.0, spike_shape=False, trace_neurons=0, i_offset=currents)
            for s in pair]
    nest, brian2 = (r.spikes for r in runs)
    assert len(nest) > 100
    np.testing.assert_array_equal(runs[0].summary["n_spikes"], runs[1].summary["n_spikes"])
    np.testing.assert_array_equal(nest["neuron"].sort_values().to_numpy(), brian2["neuron"].sort_values().to_numpy())
    for neuron in range(len(currents)):
        a = nest[nest["neuron"] == neuron]["t_ms"].to_numpy()
        b = brian2[brian2["neuron"] == neuron]["t_ms"].to_numpy()
        assert np.abs(a - b).max() <= dt_ms * (1 + 1e-9)


def test_spike_times_converge_as_dt_shrinks():
    """Against the first simulator at dt = 0.005 ms, the first 20 spike times of each simulator
    converge as dt shrinks (0.1, 0.05, 0.01 ms). The peak rule fires at the first grid
    point after the peak whose v is below the previous one's, i.e. within (t_peak,
    t_peak + 2·dt]; so each error is below 2·dt + 2·0.005 ms."""
    def first_spikes(simulator, dt_ms):
        spikes = zoo.run("hh", simulator, dt_ms=dt_ms, duration_ms=300.0, spike_shape=False, trace_neurons=0,
                         i_offset=[1.0]).spikes
        return spikes["t_ms"].to_numpy()[:20]

    reference = first_spikes(ACCURATE[0], 0.005)
    steps = (0.1, 0.05, 0.01)
    for simulator in ACCURATE:
        errors = [np.abs(first_spikes(simulator, dt) - reference).max() for dt in steps]
        assert errors[0] >= errors[1] >= errors[2]
        for error, dt in zip(errors, steps):
            assert error <= 2 * dt + 2 * 0.005 + 1e-9


#: The share of the peak tolerance (10 × the schemes' declared per-step voltage error)
#: that NEST and Brian2 reach for Traub-Miles over its check protocol at dt = 0.1 ms
#: (measured 0.79: its peaks are sharper than the classic cell's, 0.07).
PEAK_TIGHT = 0.5


@pytest.mark.parametrize("pair", ACCURATE_PAIRS, ids=pair_ids(ACCURATE_PAIRS))
def test_the_peak_tolerance_is_reached(pair):
    (protocol,) = zoo.get("hh_traub").validation.protocols
    table = explorer.sweep("hh_traub", grid=protocol.params, simulators=pair, dt_ms=0.1,
                           duration_ms=protocol.duration_ms, scheduler="inline")
    comparison = explorer.compare(table, distances=False)
    assert explorer.verdicts(comparison)["pass"].all()
    peak = comparison[(comparison["metric"] == "spike_peak_mv") & (comparison["judged"] == "judged")]
    assert (peak["abs_difference"] / peak["tolerance"]).max() >= PEAK_TIGHT
