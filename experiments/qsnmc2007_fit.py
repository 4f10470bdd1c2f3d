"""AdEx and LIF fitted to the 2007 single-neuron modelling competition's recordings (Challenge
A: rat layer-5 pyramidal neurons under frozen noisy current, 4 repetitions per set; Jolivet et
al. 2008, data of Rauch et al. 2004), sets 05 and 11 held out, then scored on every simulator.

What ``zoo fit adex --target ../shared/data/qsnmc2007-challenge-a/training --holdout 05,11
--out DIR`` does, for ``adex`` and for ``lif`` (the baseline), and for ``adex`` with
``--objective voltage`` (the subthreshold membrane potential instead of the spikes), each into
its own folder under ``--out`` (resumed when run again). Writes ``fit_<fit>.png`` (the fit's
own figure) and ``scores.parquet`` (per fit, simulator and set: Γ, Γ_int, Γ/Γ_int, F1).

    python -m experiments.qsnmc2007_fit [--quick] [--out DIR]

``--quick``: LIF on set 11 alone, 20 trials (what the tests run).
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pandas as pd

import explorer

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "qsnmc2007-challenge-a" / "training"
HOLDOUT = ("05", "11")
ALL_SETS = ("00", "04", "05", "06", "08", "09", "11", "12")
#: Each fit: its folder name -> (model, objective).
FITS = {"adex": ("adex", "spikes"), "lif": ("lif", "spikes"), "adex_voltage": ("adex", "voltage")}


def main(quick: bool = False, out="out/qsnmc2007_fit") -> dict:
    out = Path(out)
    scores, fits = [], {}
    for name in ("lif",) if quick else FITS:
        model, objective = FITS[name]
        folder = out / name
        settings = (dict(holdout=[s for s in ALL_SETS if s != "11"], trials=20, population=10, scheduler="inline")
                    if quick else dict(holdout=HOLDOUT))
        best = fits[name] = explorer.fit(model, DATA, out=folder, progress=False, objective=objective, **settings)
        shutil.copyfile(folder / "fit.png", out / f"fit_{name}.png")
        table = pd.read_parquet(folder / "scores.parquet").assign(fit=name, model=model, objective=objective,
                                                                  fitted_on=best["simulator"])
        scores.append(table)
    table = pd.concat(scores, ignore_index=True)
    table.to_parquet(out / "scores.parquet", index=False)
    return {"scores": table, "fits": fits}


def held_out_table(scores: pd.DataFrame, measure: str = "gamma_over_gamma_int") -> pd.DataFrame:
    """Γ/Γ_int (or another measure, e.g. ``f1``) of each fit on the held-out sets, one column per
    simulator."""
    held = scores[scores["role"] == "holdout"]
    return held.pivot_table(index=["fit", "set", "gamma_int"], columns="simulator", values=measure,
                            sort=False).reset_index()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default="out/qsnmc2007_fit")
    args = parser.parse_args()
    found = main(args.quick, args.out)["scores"]
    with pd.option_context("display.width", 160):
        print(held_out_table(found).to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(f"wrote {args.out}")
