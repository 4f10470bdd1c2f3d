"""Each simulator's first spike against the zoo's reference solution
(``zoo.declarations.reference``) on the same grid: the classic and the Traub-Miles cell
at their check currents. The schemes accurate within each step detect the reference's
spike and stay within their declared error of v at its peak; the fixed-step scheme within
what its convergence runs estimate (the bound the pairs and the conformance use)."""
import numpy as np
import pytest

import zoo
from zoo import backends
from zoo.declarations import convergence
from zoo.declarations.numerics import ACCURATE_WITHIN_STEP, CONVERGENT
from zoo.declarations.reference import first_spike_on_grid
from zoo.declarations.tolerances import grid_terms, voltage_error_mv

from tests.conftest import runs

CELLS = {"hh": "HH_curr_alpha", "hh_traub": "HH_cond_exp"}
#: Check currents (nA) spanning each cell's range, Traub-Miles' near its threshold
#: (first spike at 18.6 ms, where the schemes' timing differs most) included.
CURRENTS = {"hh": [0.3, 1.0, 3.0], "hh_traub": [0.1, 0.4, 1.0]}
#: Share of η the largest peak error reaches at dt = 0.05 ms (measured: Brian2 at
#: Traub-Miles 0.40; NEST 0.04): a bound loosened by more than 1/share fails.
ETA_TIGHT = 0.3


def first_spikes(model, simulator, dt_ms):
    currents = CURRENTS[model]
    summary = zoo.run(model, simulator, dt_ms=dt_ms, duration_ms=30.0, trace_neurons=0, i_offset=currents).summary
    defaults = zoo.get(model).defaults()
    reference = [first_spike_on_grid(CELLS[model], dict(defaults, i_offset=i), 1000.0, dt_ms) for i in currents]
    return summary, reference


def scheme(simulator, model):
    return backends.backend_class(simulator).numerics[CELLS[model]]


ACCURATE = [s for s in runs("hh") if scheme(s, "hh").name in ACCURATE_WITHIN_STEP]
FIXED = [s for s in runs("hh") if scheme(s, "hh").name in CONVERGENT]


@pytest.mark.parametrize("simulator", ACCURATE)
def test_accurate_schemes_detect_the_reference_spike_and_stay_within_their_voltage_error(simulator):
    """The first spike on the reference's step (within one: a peak near a step boundary),
    and the sampled peak within η of the reference's at dt = 0.05 ms. At 0.1 ms the
    samples also move with the scheme's timing error along a peak of 2000 mV/ms² (NEST at
    Traub-Miles, 0.1 nA: 1.3 η), which the pair tolerance's sampling term covers."""
    shares = []
    for model in CELLS:
        for dt_ms in (0.1, 0.05):
            summary, reference = first_spikes(model, simulator, dt_ms)
            for row, ref in zip(summary.itertuples(), reference):
                assert abs(row.first_spike_ms - ref["first_spike_ms"]) <= dt_ms * (1 + 1e-9), (model, dt_ms)
                if dt_ms <= 0.05:
                    eta = voltage_error_mv(scheme(simulator, model), dt_ms, ref["spike_half_width_ms"])
                    shares.append(abs(row.spike_peak_mv - ref["spike_peak_mv"]) / eta)
    assert max(shares) <= 1.0
    if scheme(simulator, "hh").name == "rk4_substeps":  # NEST's RKF45 is far below its declared error here
        assert max(shares) >= ETA_TIGHT


@pytest.mark.parametrize("simulator", FIXED)
def test_the_convergence_runs_bound_the_fixed_step_scheme_against_the_reference(simulator):
    """Crank-Nicolson's first spike (time, peak, half-width) at dt = 0.1 and 0.05 ms, from
    its runs at dt/2 and dt/4: |m(h) − m_ref(h)| ≤ Q(h)·2 + E, the Richardson estimate E of
    its own error (the reference's continuous shape gives Q). Against the truth, the
    peak's error reaches 0.7 of the bound (Traub-Miles at 0.1 ms, pre-asymptotic: its
    error falls faster than dt² there, which the estimate over-covers)."""
    from zoo.declarations.reference import first_spike_shape

    shares = []
    for model in CELLS:
        defaults = zoo.get(model).defaults()
        for dt_ms in (0.1, 0.05):
            levels = [first_spikes(model, simulator, dt_ms / k) for k in (1, 2, 4)]
            summary, reference = levels[0]
            for i, ref in enumerate(reference):
                shape = first_spike_shape(CELLS[model], dict(defaults, i_offset=summary["i_offset"][i]), 1000.0, dt_ms)
                rows = {"n_spikes": [1.0], "first_spike_ms": [summary["first_spike_ms"][i]], "cv_isi": [0.0],
                        "mean_isi_ms": [np.nan]}
                for level, (s, _) in enumerate(levels):
                    for metric in ("first_spike_ms", "spike_peak_mv", "spike_half_width_ms"):
                        rows[convergence.column(metric, "b", level)] = [s[metric][i]]
                    rows[convergence.column("dt_ms", "b", level)] = [dt_ms / 2**level]
                for metric in ("first_spike_ms", "spike_peak_mv", "spike_half_width_ms"):
                    offset, quantisation = grid_terms(metric, rows, {k: [getattr(shape, k)] for k in (
                        "peak_curvature", "rise_slope", "rise_curvature", "fall_slope", "fall_curvature")})
                    bound, why = convergence.richardson_error(rows, metric, "b", dt_ms, 2,
                                                              lambda h, level: quantisation(h),
                                                              lambda h, level: offset(h))
                    assert why.tolist() == [""]
                    error = abs(summary[metric][i] - ref[metric])
                    tolerance = 2 * quantisation(dt_ms)[0] + bound[0]
                    assert error <= tolerance, (model, dt_ms, metric, error, tolerance)
                    if metric == "spike_peak_mv":
                        shares.append(error / tolerance)
    assert max(shares) >= 0.5
