"""Parameter recovery by ``explorer.fit`` and the optimisers compared on it (issue 35, items 3
and 5): spike trains made by a zoo model with known parameters on one simulator, under two
Ornstein-Uhlenbeck currents like the competition's, fitted on another simulator by each
optimiser from the same seed and budget; the recovered parameters, their errors, Γ and time.

    python benchmarks/fit_recovery.py [--model adex|lif] [--trials 1500] [--population 50 (zoo fit's)]
        [--duration-ms 2000] [--optimiser cma --optimiser optuna] [--seed 0 --seed 1 ...]
    python benchmarks/fit_recovery.py --reference    # each simulator at the truth against the accurate AdEx

``adex`` fits four of its parameters (v_thresh, delta_T, b, tau_w; the rest fixed at the truth),
``lif`` three (tau_m, v_reset, v_thresh), over bounds that hold the truth off their centre.
"""
from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import explorer  # noqa: E402
from explorer.fitting import evaluate, optimisers, synthetic, target as fit_target  # noqa: E402
from zoo import backends  # noqa: E402

PROBLEMS = synthetic.PROBLEMS


def make_data(folder: Path, model: str, simulator: str, duration_ms: float) -> None:
    problem = PROBLEMS[model]
    synthetic.write_recordings(folder, model, simulator, problem["truth"], problem["sets"], duration_ms)


def gamma_at_truth(model: str, data: Path, simulator: str) -> float:
    """The mean Γ the true parameters reach on ``simulator`` against data made on another:
    what a perfect recovery scores, the simulators' own disagreement its only loss."""
    sets = fit_target.spike_target(data)
    trains = evaluate.spike_trains(model, simulator, PROBLEMS[model]["truth"], [s.current_nA for s in sets],
                                   sets[0].dt_ms, None)
    return float(np.mean([s.gammas([t[0]])[0] for s, t in zip(sets, trains)]))


def against_reference(model: str, duration_ms: float, dt_values=(0.1, 0.025)) -> pd.DataFrame:
    """Who is right where the simulators part (AdEx only): each simulator's train at the true
    parameters under each stimulus set against the accurate solution under the same recorded
    current (``zoo.declarations.reference.adex_train``: DOP853, crossings located)."""
    from zoo.declarations import coincidence, reference

    problem = PROBLEMS[model]
    currents = [synthetic.ou_current(mean, sd, duration_ms, 10 + k) for k, (mean, sd) in enumerate(problem["sets"].values())]
    rows = []
    for dt in dt_values:
        truth = [reference.adex_train(problem["truth"], duration_ms, dt,
                                      pieces=reference.recorded_pieces(problem["truth"], c, synthetic.SAMPLE_MS)).reported_ms
                 for c in currents]
        for simulator in backends.names():
            trains = evaluate.spike_trains(model, simulator, problem["truth"], currents, synthetic.SAMPLE_MS, dt)
            for name, (train,), exact in zip(problem["sets"], trains, truth):
                rows.append({"dt_ms": dt, "simulator": simulator, "set": name,
                             "gamma": coincidence.mean_gamma(train, [exact], duration_ms),
                             "spikes": len(train), "reference_spikes": len(exact),
                             "largest_shift_ms": np.abs(train - exact).max() if len(train) == len(exact) else np.nan})
    return pd.DataFrame(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(PROBLEMS), default="adex")
    parser.add_argument("--trials", type=int, default=1500)
    parser.add_argument("--population", type=int, default=explorer.fitting.run.DEFAULT_POPULATION)
    parser.add_argument("--duration-ms", type=float, default=2000.0)
    parser.add_argument("--optimiser", action="append", choices=sorted(optimisers.OPTIMISERS))
    parser.add_argument("--seed", type=int, action="append", help="the optimisers' seeds (default: 0)")
    parser.add_argument("--reference", action="store_true",
                        help="only compare each simulator at the truth with the accurate solution (adex)")
    args = parser.parse_args(argv)
    problem = PROBLEMS[args.model]
    if args.reference:
        if args.model != "adex":
            parser.error("--reference: the accurate solution under a recorded current is the AdEx's")
        with pd.option_context("display.width", 160):
            print(against_reference(args.model, args.duration_ms).to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        return
    simulators = backends.names()
    fixed = {k: v for k, v in problem["truth"].items() if k not in problem["searched"]}
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for k, made_on in enumerate(simulators):
            fitted_on = simulators[(k + 1) % len(simulators)]
            data = Path(scratch) / f"data_{made_on}"
            make_data(data, args.model, made_on, args.duration_ms)
            ceiling = gamma_at_truth(args.model, data, fitted_on)
            for optimiser, seed in itertools.product(args.optimiser or sorted(optimisers.OPTIMISERS), args.seed or [0]):
                out = Path(scratch) / f"fit_{made_on}_{optimiser}_{seed}"
                started = time.perf_counter()
                best = explorer.fit(args.model, data, fit=problem["searched"], fix=fixed, simulator=fitted_on,
                                    trials=args.trials, population=args.population, out=out, optimiser=optimiser,
                                    seed=seed, scheduler="inline", check_on=[fitted_on], progress=False)
                row = {"made_on": made_on, "fitted_on": fitted_on, "optimiser": optimiser, "seed": seed,
                       "gamma": best["score"]["mean_gamma_training"], "gamma_at_truth": ceiling,
                       "seconds": time.perf_counter() - started}
                for name in problem["searched"]:
                    found, truth = best["parameters"][name]["value"], problem["truth"][name]
                    row[name] = found
                    row[f"{name}_error"] = found - truth
                rows.append(row)
                shutil.rmtree(out)
                print(pd.DataFrame([row]).to_string(index=False, float_format=lambda x: f"{x:.4g}"), flush=True)
    table = pd.DataFrame(rows)
    table["reached"] = table["gamma"] >= np.minimum(table["gamma_at_truth"], 0.95) - 1e-9
    truth = ", ".join(f"{k} {problem['truth'][k]:g}" for k in problem["searched"])
    print(f"\n{args.model}: truth {truth}; {args.trials} trials of {args.population}, {args.duration_ms:g} ms of two "
          "OU currents")
    with pd.option_context("display.width", 200):
        print(table.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
        summary = table.groupby("optimiser").agg(mean_gamma=("gamma", "mean"), worst_gamma=("gamma", "min"),
                                                 fits_at_or_above_truth=("reached", "sum"), fits=("gamma", "size"),
                                                 mean_seconds=("seconds", "mean"))
        print(summary.to_string(float_format=lambda x: f"{x:.4g}"))


if __name__ == "__main__":
    main()
