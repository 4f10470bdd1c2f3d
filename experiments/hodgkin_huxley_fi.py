"""Hodgkin & Huxley (1952): f-I curve, rheobase and time-step convergence on every simulator.

Hodgkin AL, Huxley AF (1952) A quantitative description of membrane current and its
application to conduction and excitation in nerve. J. Physiol. 117:500–544.

The classic squid-axon model (zoo model ``hh``, a 1e-4 cm² patch, so 1 µA/cm² = 0.1
nA) is driven by constant currents from rest. Its f-I curve is discontinuous (type
II): below the rheobase for sustained firing, 6.2649–6.2716 µA/cm² (Balti et al. 2018),
the cell falls silent after a few spikes; above it, it fires at about 50 Hz and more.
The script sweeps the current on both simulators, finds the rheobase on each, and
measures how spike times converge as the time step shrinks (0.1, 0.05, 0.01 ms)
against the first simulator at 0.005 ms. Writes ``fi.parquet``, ``convergence.parquet``,
``rheobase.parquet`` and ``fi.png`` to ``--out``.

    python -m experiments.hodgkin_huxley_fi [--quick] [--out DIR]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import zoo
from zoo import backends
from zoo.declarations.numerics import ACCURATE_WITHIN_STEP
from zoo.models.hh import RHEOBASE_UA_CM2, na_to_ua_per_cm2, ua_per_cm2_to_na
from zoo.models.hh.studies import find_rheobase

SIMULATORS = tuple(backends.available(zoo.get("hh")))


def fi_curve(densities_ua_cm2, duration_ms: float) -> pd.DataFrame:
    """Late (steady-state) rate against current density, one population per simulator."""
    frames = []
    for simulator in SIMULATORS:
        result = zoo.run("hh", simulator, duration_ms=duration_ms, spike_shape=False, trace_neurons=0,
                         i_offset=ua_per_cm2_to_na(np.asarray(densities_ua_cm2)))
        frame = result.summary[["i_offset", "n_spikes", "rate_hz", "late_rate_hz", "first_spike_ms"]].copy()
        frame.insert(0, "simulator", simulator)
        frame["i_ua_cm2"] = na_to_ua_per_cm2(frame["i_offset"])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


#: The reference for spike-time convergence: the first simulator at a fine step (ms).
REFERENCE_SIMULATOR = SIMULATORS[0]
REFERENCE_DT_MS = 0.005


def convergence(duration_ms: float, current_ua_cm2: float = 10.0) -> pd.DataFrame:
    """Largest spike-time error against the reference simulator at dt = 0.005 ms, per
    simulator and dt."""
    def spikes(simulator, dt_ms):
        result = zoo.run("hh", simulator, dt_ms=dt_ms, duration_ms=duration_ms, spike_shape=False, trace_neurons=0,
                         i_offset=ua_per_cm2_to_na(current_ua_cm2))
        return result.spikes["t_ms"].to_numpy()

    reference = spikes(REFERENCE_SIMULATOR, REFERENCE_DT_MS)
    rows = []
    for simulator in SIMULATORS:
        scheme = backends.backend_class(simulator).numerics["HH_curr_alpha"]
        previous = None
        for dt_ms in (0.1, 0.05, 0.01):
            times = spikes(simulator, dt_ms)
            common = min(len(times), len(reference))
            error = float(np.abs(times[:common] - reference[:common]).max())
            rows.append({"simulator": simulator, "scheme": scheme.name, "dt_ms": dt_ms, "n_spikes": len(times),
                         "reference_n_spikes": len(reference), "max_abs_error_ms": error,
                         "bound_ms": spike_time_bound_ms(scheme, dt_ms),
                         "observed_order": np.log(previous[1] / error) / np.log(previous[0] / dt_ms)
                         if previous and error > 0 else np.nan,
                         "declared_order": scheme.order})
            previous = (dt_ms, error)
    return pd.DataFrame(rows)


def spike_time_bound_ms(scheme, dt_ms: float) -> float:
    """How far a spike may land from the reference's: a scheme accurate within each step
    (adaptive RKF45, RK4 substeps) detects each peak within (t_peak, t_peak + 2·dt], so
    within 2·dt + 2·0.005 ms of the reference. A fixed-step scheme of order p drifts by
    O(dt^p) per period, without a declared constant: no bound, its observed order is
    reported instead (NaN)."""
    if scheme.name in ACCURATE_WITHIN_STEP:
        return 2 * dt_ms + 2 * REFERENCE_DT_MS
    return float("nan")


def plot(fi: pd.DataFrame, path: Path) -> None:
    from explorer.plots import new_figure

    fig = new_figure(figsize=(6, 4))
    ax = fig.subplots()
    for (simulator, frame), marker in zip(fi.groupby("simulator"), ("o", "x", "+", "s")):
        ax.plot(frame["i_ua_cm2"], frame["late_rate_hz"], marker, ms=4, label=simulator)
    ax.axvspan(*RHEOBASE_UA_CM2, color="0.8", label="published rheobase")
    ax.set_xlabel("current density (µA/cm²)")
    ax.set_ylabel("steady-state rate (Hz)")
    ax.set_title("Hodgkin-Huxley 1952: type II f-I curve")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(quick: bool = False, out: str | Path = "out/hodgkin_huxley_fi") -> dict[str, pd.DataFrame]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    densities = np.linspace(0.0, 30.0, 13 if quick else 61)
    fi = fi_curve(densities, duration_ms=500.0 if quick else 2000.0)
    found = pd.DataFrame([find_rheobase(s, precision_ua_cm2=0.2 if quick else 0.01) for s in SIMULATORS])
    steps = convergence(duration_ms=100.0 if quick else 1000.0)
    fi.to_parquet(out / "fi.parquet", index=False)
    found.to_parquet(out / "rheobase.parquet", index=False)
    steps.to_parquet(out / "convergence.parquet", index=False)
    plot(fi, out / "fi.png")
    print(found[["simulator", "low_ua_cm2", "high_ua_cm2", "late_rate_hz"]].to_string(index=False))
    print(f"published rheobase: {RHEOBASE_UA_CM2[0]}-{RHEOBASE_UA_CM2[1]} uA/cm2 (Balti et al. 2018)")
    print(steps.to_string(index=False))
    print(f"wrote {out}/fi.parquet, rheobase.parquet, convergence.parquet, fi.png")
    return {"fi": fi, "rheobase": found, "convergence": steps}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs, coarse rheobase (what the tests run)")
    parser.add_argument("--out", default="out/hodgkin_huxley_fi")
    args = parser.parse_args()
    main(quick=args.quick, out=args.out)
