"""Brunel's (2000) phase diagram from the explorer: a sweep over ``g`` and ``eta`` on NEST
and Brian2, the excitatory population's rate, CV, synchrony and classified state as heatmaps,
the linear theory's regions on top (``zoo.models.brunel2000.phase_diagram``).

Brunel N (2000) J. Comput. Neurosci. 8:183-208, Fig. 2 (the regions) and Fig. 8 (the states).
The full mode sweeps 8 × 7 points at scale 0.5 (6,250 neurons, C_E = 1000: the classifier's
smallest declared scale), 600 ms each, one store per simulator under ``--out`` (resumable:
a killed run goes on where it stopped), and writes ``phase_diagram.png`` and
``phase_points.parquet`` (one row per simulator and point: the measures, the classified state
and the theory's region there).

    python -m experiments.brunel2000_phase_diagram [--quick] [--out DIR]

The same sweep from the command line, one simulator at a time::

    zoo sweep brunel2000 --simulator nest --grid scale=0.5 --grid g=3,4,4.5,5,5.5,6,7,8 \\
        --grid eta=0.8,0.9,1,1.5,2,3,4 --duration 600 --out DIR
    zoo plot DIR --out phase.png

``--quick``: NEST, 2 × 2 points of a 625-neuron network (what the tests run; below the scale
the classifier is declared for).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import explorer
import zoo
from zoo import backends
from zoo.models.brunel2000 import phase_diagram
from zoo.models.brunel2000.states import MIN_SCALE
from zoo.models.brunel2000.theory import phase_region

#: The full sweep: Brunel's Fig. 2 spans g in [0, 8] and eta in [0, 4]; below g = 3 the network
#: is SR at every eta that fires (and costly: 500 Hz), below eta = 0.8 it falls silent here.
GRID = {"g": [3.0, 4.0, 4.5, 5.0, 5.5, 6.0, 7.0, 8.0], "eta": [0.8, 0.9, 1.0, 1.5, 2.0, 3.0, 4.0], "scale": [0.5]}
DURATION_MS = 600.0
#: Those that run the network at the classifier's scale (not NEURON: ``NeuronBackend.max_synapses``).
SIMULATORS = tuple(s for s in backends.available(zoo.get("brunel2000"))
                   if backends.backend_class(s).network_study_scale >= MIN_SCALE)
QUICK_GRID = {"g": [3.0, 6.0], "eta": [1.0, 4.0], "scale": [0.05], "c_e": [50.0], "J": [0.45]}


def sweep(simulators, grid, duration_ms: float, out: Path) -> pd.DataFrame:
    """The sweep on each simulator into its own store under ``out`` (resumed where it exists)."""
    tables = [explorer.sweep("brunel2000", grid=grid, simulators=[simulator], duration_ms=duration_ms,
                             out=out / f"sweep_{simulator}", progress=False)
              for simulator in simulators]
    return pd.concat(tables, ignore_index=True)


def points_table(table: pd.DataFrame) -> pd.DataFrame:
    """One row per simulator and point (excitatory population): measures, state, theory's region."""
    rows = phase_diagram.states_table(table)
    first = rows.iloc[0]
    model = dict(j_mV=float(first["J"]), c_e=float(first["c_e"]), tau_ms=float(first["tau_m"]),
                 theta_mV=float(first["v_thresh"]), v_reset_mV=float(first["v_reset"]),
                 tau_rp_ms=float(first["tau_refrac"]))
    theory = {}
    for g, eta in rows[["g", "eta"]].drop_duplicates().itertuples(index=False):
        try:
            theory[g, eta] = phase_region(g, eta, delay_ms=float(first["delay"]), **model)
        except ValueError:
            theory[g, eta] = "none"
    rows["theory"] = [theory[g, eta] for g, eta in zip(rows["g"], rows["eta"])]
    keep = ["simulator", "g", "eta", "scale", "n_neurons", "rate_hz", "rate_mean_field_hz", "cv_isi", "synchrony",
            "oscillation_hz", "oscillation_power", "state", "theory", "wall_time_s"]
    return rows[keep].sort_values(["simulator", "eta", "g"]).reset_index(drop=True)


def main(quick: bool = False, out: str | Path = "out/brunel2000_phase_diagram", simulators=None) -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    simulators = tuple(simulators or ((backends.DEFAULT,) if quick else SIMULATORS))
    table = sweep(simulators, QUICK_GRID if quick else GRID, 200.0 if quick else DURATION_MS, out)
    explorer.plot_sweep(table, out / "phase_diagram.png")
    points = points_table(table)
    points.to_parquet(out / "phase_points.parquet", index=False)
    return {"points": points}


def summary(points: pd.DataFrame) -> str:
    """Per simulator: how many points the classifier puts in the theory's region."""
    parts = []
    for simulator, mine in points.groupby("simulator", sort=False):
        same = int((mine["state"] == mine["theory"]).sum())
        parts.append(f"{simulator}: {same} of {len(mine)} points in the theory's region, "
                     f"{mine['wall_time_s'].sum() / 60:.0f} min of simulation")
    return "; ".join(parts)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default="out/brunel2000_phase_diagram")
    parser.add_argument("--simulator", action="append", choices=SIMULATORS,
                        help="repeat for several (default: those that run scale 0.5; the stores resume)")
    args = parser.parse_args()
    found = main(args.quick, args.out, args.simulator)["points"]
    with pd.option_context("display.width", 180):
        print(found.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    print(summary(found))
    print(f"wrote {args.out}")
