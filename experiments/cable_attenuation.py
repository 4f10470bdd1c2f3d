"""Passive cable attenuation and active propagation on every simulator, against cable theory.

Rall W (1959) Branching dendritic trees and motoneuron membrane resistivity. Exp.
Neurol. 1:491–527; Koch C (1999) *Biophysics of Computation*, ch. 2.

A constant current enters one sealed end of a cylinder (zoo model ``cable``, d = 2 µm,
R_m = 20 kΩ·cm², R_a = 100 Ω·cm: λ = 1 mm). The steady potential along cables
shorter (0.5 mm) and longer (3 mm) than λ is drawn from both simulators over the
closed form V(x) = V(0)·cosh((L − x)/λ)/cosh(L/λ); the attenuation error is
measured as the compartments shrink (second order in Δx); and the active cable's
conduction velocity is measured against diameter (∝ sqrt(d) in the continuum). The
runs are the model's own studies (``zoo.models.cable.studies``), as in ``zoo check cable``.
Writes ``profiles.parquet``, ``convergence.parquet``, ``velocity.parquet`` and
``cable.png`` to ``--out``.

    python -m experiments.cable_attenuation [--quick] [--out DIR]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import zoo
from explorer.plots import new_figure
from zoo import backends
from zoo.models.cable import studies

SIMULATORS = tuple(backends.available(zoo.get("cable")))
LENGTHS_UM = (500.0, 3000.0)
MARKERS = ("o", "x", "s", "^")


def _loglog(ax, table, x, y, styles, reference_x, reference_y, reference_label, xlabel, ylabel) -> None:
    """Every simulator's points and a dotted reference line on log-log axes."""
    for simulator, frame in table.groupby("simulator"):
        ax.loglog(frame[x], frame[y], label=simulator, **styles[simulator])
    ax.loglog(reference_x, reference_y, "k:", lw=1, label=reference_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small")


def plot(tables: dict, path: Path) -> Path:
    fig = new_figure(figsize=(14, 4))
    ax_v, ax_c, ax_s = fig.subplots(1, 3)
    styles = {simulator: dict(marker=marker, ms=3, ls="none") for simulator, marker in zip(SIMULATORS, MARKERS)}
    for (simulator, length), frame in tables["profiles"].groupby(["simulator", "length"]):
        ax_v.plot(frame["position_um"] / length, frame["v_final_mv"], label=f"{simulator}, L = {length:g} um",
                  **styles[simulator])
    for length, frame in tables["profiles"].drop_duplicates(["length", "compartment"]).groupby("length"):
        ax_v.plot(frame["position_um"] / length, frame["v_steady_closed_form_mv"], "k-", lw=1)
    ax_v.set_xlabel("x / L")
    ax_v.set_ylabel("steady V (mV); line: cosh closed form")
    ax_v.legend(fontsize="small")
    h = np.sort(tables["convergence"]["dx_over_lambda"].unique())
    smallest = tables["convergence"]["abs_error"].min()
    _loglog(ax_c, tables["convergence"], "dx_over_lambda", "abs_error", styles, h, smallest * (h / h[0]) ** 2,
            "slope 2", "dx / lambda", "|attenuation - 1/cosh(L/lambda)|")
    v = tables["velocity"]
    d = np.sort(v["diameter"].unique())
    first = v[v["diameter"] == d[0]]["velocity_m_per_s"].mean()
    _loglog(ax_s, v, "diameter", "velocity_m_per_s", styles, d, first * np.sqrt(d / d[0]), "sqrt(d)",
            "diameter (um)", "conduction velocity (m/s)")
    ax_s.set_xticks(d, [f"{x:g}" for x in d])
    ax_s.minorticks_off()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return path


def main(quick: bool = False, out: str | Path = "out/cable_attenuation") -> dict[str, pd.DataFrame]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    counts = (10, 20, 40) if quick else (10, 20, 40, 80, 160)
    diameters = (1.0, 4.0) if quick else (0.5, 1.0, 2.0, 4.0, 8.0)
    tables = {
        "profiles": pd.concat([studies.profiles(s, LENGTHS_UM) for s in SIMULATORS], ignore_index=True),
        "convergence": pd.concat([studies.convergence(s, counts) for s in SIMULATORS], ignore_index=True),
        "velocity": pd.concat([studies.velocities(s, diameters, dt_ms=0.025 if quick else 0.01) for s in SIMULATORS],
                              ignore_index=True),
    }
    for name, table in tables.items():
        table.to_parquet(out / f"{name}.parquet", index=False)
    plot(tables, out / "cable.png")
    return tables


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer points (what the tests run)")
    parser.add_argument("--out", default="out/cable_attenuation")
    args = parser.parse_args()
    tables = main(quick=args.quick, out=args.out)
    for name, table in tables.items():
        print(f"{name}:\n{table.to_string(index=False)}\n")
    print(f"written to {args.out}")
