"""The figure of a fit (``OUT/fit.png``): Γ/Γ_int per stimulus set on every simulator, the
recorded trains against the model's on a held-out set, the recorded and the model's membrane
potential on a window of it, and the search's history."""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from zoo import recordings  # noqa: E402
from zoo.runner import run  # noqa: E402

RASTER_MS = 1000.0
VOLTAGE_MS = 300.0


def draw(out, window_start_ms: float = 2000.0) -> Path:
    """``out/fit.png`` from a finished fit's files (best.json, scores.parquet, trials.parquet)."""
    out = Path(out)
    best = json.loads((out / "best.json").read_text())
    scores = pd.read_parquet(out / "scores.parquet")
    trials = pd.read_parquet(out / "trials.parquet")
    manifest = json.loads((out / "fit.json").read_text())
    if "data_rate_hz" in scores and scores["gamma_int"].isna().all():  # an f-I table: no recording to show
        return _draw_rates(out, best, scores, trials)
    found = recordings.read(manifest["target"], manifest["target_dt_ms"], manifest["current_unit"])
    candidates = best["data"]["holdout"] or best["data"]["training"]
    shown = max(candidates, key=lambda name: len(found.spikes[found.spikes["set"] == name]))  # the most spikes
    data = found.select([shown])
    parameters = {name: entry["value"] for name, entry in best["parameters"].items()}
    result = run(best["model"], simulator=best["simulator"], dt_ms=manifest["dt_ms"], current_nA=data.current(shown),
                 current_dt_ms=data.dt_ms, trace_neurons=[0], spike_shape=False, max_memory_gib=None, **parameters)

    figure, axes = plt.subplots(2, 2, figsize=(13, 8))
    _gamma_bars(axes[0, 0], scores)
    _raster(axes[0, 1], data, shown, result, window_start_ms)
    _voltage(axes[1, 0], data, shown, result, window_start_ms)
    voltage = best["score"].get("objective") == "voltage"
    label = {"voltage": "mean F1 of v over the training sets", "rates": "rate score (1 − Σ|rate error| / Σ rate)"}
    _history(axes[1, 1], trials, label.get(best["score"].get("objective"), "mean Γ over the training sets"))
    score = (f"mean F1 of v over the training sets {best['score']['mean_f1_training']:.3f}, mean Γ "
             if voltage else "mean Γ over the training sets ")
    figure.suptitle(f"{best['model']} fitted on {best['simulator']} ({best['search']['trials']} trials, "
                    f"{best['search']['optimiser']}): {score}"
                    f"{_gamma_text(best['score']['mean_gamma_training'])}; held out: "
                    f"{', '.join(best['data']['holdout']) or 'none'}")
    return _save(figure, out)


def _save(figure, out: Path) -> Path:
    figure.tight_layout()
    path = out / "fit.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _gamma_text(gamma) -> str:
    """Γ to three decimals; null in best.json where a set's model fires at 250 Hz or more."""
    return "undefined (250 Hz or more on a set)" if gamma is None else f"{gamma:.3f}"


def _gamma_bars(ax, scores: pd.DataFrame) -> None:
    sets = list(dict.fromkeys(scores["set"]))
    simulators = list(dict.fromkeys(scores["simulator"]))
    width = 0.8 / len(simulators)
    for k, simulator in enumerate(simulators):
        mine = scores[scores["simulator"] == simulator].set_index("set").loc[sets]
        where = np.arange(len(sets)) + (k - (len(simulators) - 1) / 2) * width
        values = mine["gamma_over_gamma_int"].to_numpy(dtype=float)
        finite = np.isfinite(values)
        ax.bar(where[finite], values[finite], width, label=simulator, color=f"C{k}")
        for x in where[~finite]:  # Γ is −inf at 250 Hz and above (no chance correction left)
            ax.text(x, 0.02, "≥250 Hz", rotation=90, ha="center", va="bottom", fontsize=7, color=f"C{k}")
        # a model silent on a set has Γ = 0: a bar of no height, which would look like no result
        silent = finite & (mine["model_rate_hz"].to_numpy(dtype=float) == 0) if "model_rate_hz" in mine else \
            np.zeros_like(finite)
        for x in where[silent]:
            ax.text(x, 0.02, "silent", rotation=90, ha="center", va="bottom", fontsize=7, color=f"C{k}")
    roles = scores.drop_duplicates("set").set_index("set")
    ax.set_xticks(np.arange(len(sets)),
                  [f"{s}\n{'held out' if roles.loc[s, 'role'] == 'holdout' else 'fit'}\nΓint {roles.loc[s, 'gamma_int']:.2f}"
                   for s in sets])
    ax.set_xlim(-0.6, len(sets) - 0.4)  # the outer sets' labels inside the axes
    ax.axhline(1.0, color="k", lw=0.8, ls="--")
    ax.set_ylabel("Γ / Γ_int (1: as reliable as the neuron itself)")
    ax.set_title("coincidence factor (±2 ms) per stimulus set")
    ax.legend(fontsize=8)


def _raster(ax, data, shown: str, result, start_ms: float) -> None:
    stop_ms = start_ms + RASTER_MS
    for row, train in enumerate(data.spike_trains(shown)):
        inside = train[(train >= start_ms) & (train < stop_ms)]
        ax.vlines(inside, row + 0.6, row + 1.4, color="k", lw=0.8)
    model = result.spikes["t_ms"].to_numpy()
    inside = model[(model >= start_ms) & (model < stop_ms)]
    ax.vlines(inside, -0.9, -0.1, color="C3", lw=0.8)
    trials = len(data.spike_trains(shown))
    ax.set_yticks([-0.5, *range(1, trials + 1)], ["model", *[f"trial {k}" for k in range(trials)]])
    ax.set_xlim(start_ms, stop_ms)
    ax.set_xlabel("time (ms)")
    ax.set_title(f"set {shown}: recorded spikes (black) and the model's (red)")


def _voltage(ax, data, shown: str, result, start_ms: float) -> None:
    stop_ms = start_ms + VOLTAGE_MS
    t = np.arange(len(data.current(shown))) * data.dt_ms
    v = data.voltage(shown, data.trials(shown)[0])
    inside = (t >= start_ms) & (t < stop_ms)
    ax.plot(t[inside], v[inside], color="k", lw=0.8, label="recorded (trial 0)")
    trace = result.traces[result.traces["variable"] == "v"]
    trace = trace[(trace["t_ms"] >= start_ms) & (trace["t_ms"] < stop_ms)]
    ax.plot(trace["t_ms"], trace["value"], color="C3", lw=0.8, label="model (its spikes cut at v_spike)")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("membrane potential (mV)")
    ax.set_title(f"set {shown}: membrane potential")
    ax.legend(fontsize=8, loc="upper right")


def _history(ax, trials: pd.DataFrame, label: str = "mean Γ over the training sets") -> None:
    ok = trials[trials["status"] == "ok"]
    order = np.arange(len(trials))
    ax.scatter(order[trials["status"] == "ok"], ok["score"], s=4, color="0.6", label="candidate")
    ax.plot(order, trials["score"].fillna(-np.inf).cummax().replace(-np.inf, np.nan), color="C0", label="best so far")
    failed = int((trials["status"] != "ok").sum())
    finite = ok["score"][np.isfinite(ok["score"])]  # Γ is −inf at 250 Hz and above
    low = finite.quantile(0.02) if len(finite) else -1.0
    ax.set_ylim(max(low, -1.0) - 0.05, max(finite.max() if len(finite) else 1.0, 0.0) + 0.05)
    ax.set_xlabel("trial")
    ax.set_ylabel(label)
    ax.set_title(f"search history ({failed} failed or refused; lowest 2 % off the axis)")
    ax.legend(fontsize=8, loc="lower right")


def _draw_rates(out: Path, best: dict, scores: pd.DataFrame, trials: pd.DataFrame) -> Path:
    """An f-I fit: the table's rates against the model's on every simulator, and the search."""
    figure, (curve, history) = plt.subplots(1, 2, figsize=(13, 4.5))
    scores = scores.assign(current_nA=scores["set"].str.removesuffix("nA").astype(float))
    data = scores.drop_duplicates("set").sort_values("current_nA")
    curve.plot(data["current_nA"], data["data_rate_hz"], "ko", label="data")
    for (simulator, part), style in zip(scores.groupby("simulator"), ("-", "--", ":", "-.")):
        part = part.sort_values("current_nA")  # a line style each: where they agree the lines overlap
        curve.plot(part["current_nA"], part["model_rate_hz"], style, lw=1.5, label=f"model on {simulator}")
    held = data[data["role"] == "holdout"]
    if len(held):
        curve.plot(held["current_nA"], held["data_rate_hz"], "o", mfc="none", mec="C3", ms=11, label="held out")
    curve.set_xlabel("current (nA)")
    curve.set_ylabel("firing rate (Hz)")
    curve.set_title("f-I curve")
    curve.legend(fontsize=8)
    _history(history, trials, "rate score (1 − Σ|rate error| / Σ rate)")
    figure.suptitle(f"{best['model']} fitted to an f-I table on {best['simulator']} ({best['search']['trials']} "
                    f"trials, {best['search']['optimiser']}): rate score {best['score']['rate_score_training']:.3f}")
    return _save(figure, out)
