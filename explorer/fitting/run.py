"""``explorer.fit``: the parameters of a zoo model that best reproduce recorded spike trains.

Each generation the optimiser proposes ``population`` candidates; they run under every
training stimulus set as one heterogeneous population, in one simulation per Dask worker
(:mod:`.evaluate`: the candidates split between the workers); each candidate's score is its Γ against the
recorded repetitions (:mod:`zoo.declarations.coincidence`) averaged over the training sets,
and the optimiser minimises 1 − score + :data:`COUNT_WEIGHT` × the relative spike-count error.
The budget is spent in whole generations (``trials`` rounded up to a multiple of
``population``). Every generation is appended to ``OUT/trials.parquet``
before the next starts: a killed fit, run again with the same settings, replays the stored
generations into the seeded optimiser (the same proposals, checked) and goes on.

With ``objective="voltage"`` the score is instead the guide's F1 of the membrane potential
against the recorded one (:mod:`zoo.declarations.voltage_match`), averaged over the training
sets, and the loss 1 − F1; Γ is still computed and stored for every candidate.

The spike score optimised is the mean raw Γ, not the competition's Γ/Γ_int: dividing by a set's
Γ_int (0.01 for set 12) multiplies that set's chance fluctuations a hundredfold, while the
mean Γ weighs each set by how reliably the neuron itself answers it. Γ/Γ_int is reported
per set (``scores.parquet``, ``best.json``).
"""
from __future__ import annotations

import contextlib
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from zoo import backends, registry
from zoo.runner import prepare
from zoo.declarations import zoo_version

from .. import cluster
from ..code_version import code_version, source_version
from ..progress import progress_bar
from . import evaluate, optimisers, space as fit_space, target as fit_target

#: Loss of a candidate the model refuses (a parameter combination out of its ranges) or that
#: breaks the simulation (its row's status says how): below every candidate that ran (Γ has no
#: lower bound: a model near 250 Hz makes its chance term, and so Γ, large and negative; −3 was
#: seen), as CMA-ES and TPE only rank.
INVALID_LOSS = 1e3
#: Weight of the relative spike-count error in the loss, besides 1 − Γ: Γ is flat over wide
#: regions (the same spikes matched), where a search sees no slope; the count gives one,
#: and vanishes where the trains match (measured: without it CMA-ES stalled at Γ 0.93 on
#: the recovery test's data, with it recovered Γ 1).
COUNT_WEIGHT = 0.1
#: The simulator a fit runs on unless told: the fastest at evaluating candidates.
DEFAULT_SIMULATOR = backends.FASTEST_FOR_POPULATIONS
#: What a fit matches: the recorded spike trains (Γ), the recorded membrane potential (F1),
#: or firing rates (an f-I table, or the recorded trains' mean rates): 1 − the summed absolute
#: rate error over the summed data rate.
OBJECTIVES = ("spikes", "voltage", "rates")
DEFAULT_TRIALS = 1000
DEFAULT_POPULATION = 50
#: Settings that, changed, make a stored fit another fit (the budget may grow).
_MANIFEST_KEYS = ("model", "simulator", "target", "target_dt_ms", "current_unit", "sets", "holdout", "space",
                  "fixed", "optimiser", "seed", "population", "dt_ms", "code_version", "objective")


class FitInterrupted(KeyboardInterrupt):
    """Ctrl-C during a fit: what was kept, and how to go on."""


def fit(model: str, target, fit: dict | None = None, fix: dict | None = None, simulator: str = DEFAULT_SIMULATOR,
        trials: int = DEFAULT_TRIALS, population: int = DEFAULT_POPULATION, holdout=(), out=None, seed: int = 0,
        optimiser: str = optimisers.DEFAULT, dt_ms: float | None = None, target_dt_ms: float | None = None,
        current_unit: str | None = None, scheduler: str | None = None, workers: int | None = None,
        progress: bool | None = None, check_on=None, objective: str | None = None) -> dict:
    """Fit ``model`` to the recorded spike trains at ``target`` (a folder or file that
    ``zoo.recordings.read`` reads) and return what ``OUT/best.json`` holds.

    ``fit``: {name: (low, high)} searched besides (or instead of) the model's default fit
    space; ``fix``: {name: value}. ``trials``: candidates to evaluate in all, ``population``
    per generation; ``holdout``: stimulus sets kept out of the fit and scored after it;
    ``seed``: the optimiser's (a fit is repeatable); ``optimiser``: one of
    ``explorer.fitting.optimisers.OPTIMISERS``; ``dt_ms``: the simulation step (default: the
    model's); ``target_dt_ms``/``current_unit``: the recording's sample interval and current
    unit where its files do not give them. ``scheduler``/``workers``: as for
    ``explorer.sweep`` (``"inline"``: this process). ``check_on``: simulators the best
    parameters are scored on afterwards (default: every one that runs the model).
    ``objective``: ``"spikes"`` (Γ; the default for recordings), ``"voltage"`` (F1 of the
    membrane potential; the target must hold it) or ``"rates"`` (the default, and the only
    one, for an f-I table: a CSV or Parquet file with ``current_nA``, ``rate_hz`` and
    optionally ``duration_ms``). Every input is checked (ValueError) before any simulation.
    """
    model_spec = registry.get(model)
    simulator = backends.validate_simulator(simulator)
    backends.check_model(model_spec, simulator)
    space = fit_space.resolve(model_spec, fit, fix)
    trials, population, seed = _positive("trials", trials), _positive("population", population), int(seed)
    if optimiser not in optimisers.OPTIMISERS:
        raise ValueError(f"optimiser {optimiser!r} is not one of {', '.join(optimisers.OPTIMISERS)}")
    fi_table = fit_target.is_fi_table(target)
    objective = objective or ("rates" if fi_table else "spikes")
    if objective not in OBJECTIVES:
        raise ValueError(f"objective {objective!r} is not one of {', '.join(OBJECTIVES)}")
    if fi_table and objective != "rates":
        raise ValueError(f"{target} is an f-I table: it is fitted by its rates (objective rates), not {objective}")
    if fi_table and (current_unit is not None or target_dt_ms is not None):
        raise ValueError(f"{target} is an f-I table: its currents are in nA (current_nA) and it has no sample "
                         "interval; --current-unit and --target-dt do not apply")
    sets = fit_target.fi_target(target) if fi_table else fit_target.spike_target(target, target_dt_ms, current_unit)
    if objective == "voltage":
        fit_target.require_voltage(sets, target)
    training, held_out = fit_target.split(sets, _names(holdout))
    check_on = list(check_on) if check_on is not None else backends.available(model_spec)
    for name in check_on:
        backends.check_model(model_spec, backends.validate_simulator(name))
    candidates = _candidate_params(space, np.full((1, len(space.bounds)), 0.5))
    for stimulus in sets:  # the settings and the recording, as the runs will see them
        prepare(model, simulator, None, dt_ms, None, 0, candidates, stimulus.current_nA, stimulus.dt_ms)
    if out is None:
        raise ValueError("a fit needs an output folder (out=..., --out DIR)")
    out = Path(out)
    search = optimisers.create(optimiser, len(space.bounds), population, seed)  # its own checks, before any file
    manifest = {"model": model, "simulator": simulator, "target": str(Path(target).resolve()),
                "target_dt_ms": sets[0].dt_ms, "current_unit": current_unit, "sets": [s.name for s in training],
                "holdout": [s.name for s in held_out], "space": space.describe(), "fixed": space.fixed,
                "optimiser": optimiser, "seed": seed, "population": population, "dt_ms": dt_ms,
                "code_version": _fit_code_version(model, simulator), "trials": trials, "objective": objective}
    stored = _open(out, manifest)
    bar = progress_bar(trials, progress, desc="fit")
    try:
        with _workers(scheduler, workers) as client:
            stored = _search(search, space, training, manifest, stored, out, client, bar)
    except KeyboardInterrupt as interrupt:
        bar.close()
        kept = len(_read_trials(out))
        raise FitInterrupted(f"interrupted; {kept} trials kept in {out / 'trials.parquet'}: run the same command "
                             "to go on") from interrupt
    bar.close()
    return _conclude(model_spec, space, sets, training, held_out, stored, manifest, out, check_on, dt_ms)


def _search(search, space, training, manifest, stored, out, client, bar) -> pd.DataFrame:
    """Generations until the budget is spent: replayed from the store where it has them."""
    population, trials = manifest["population"], manifest["trials"]
    generation = 0
    bar.update(min(len(stored), trials))
    while generation * population < trials:
        unit = search.ask()
        done = stored[stored["generation"] == generation]
        if len(done):
            if len(done) != len(unit) or not np.allclose(done[_unit_columns(space)].to_numpy(), unit, atol=1e-9):
                raise ValueError(f"{out} holds generation {generation} with candidates the optimiser does not "
                                 "propose again (another library version?); fit into another --out")
            search.tell(done["loss"].to_numpy())
        else:
            rows = _evaluate(generation, unit, space, training, manifest, client)
            stored = pd.concat([stored, rows], ignore_index=True) if len(stored) else rows
            _write_trials(out, stored)
            search.tell(rows["loss"].to_numpy())
            bar.update(len(rows))
            best = stored["score"].max()
            bar.set_postfix(best_gamma=f"{best:.3f}" if np.isfinite(best) else "-", refresh=False)
        generation += 1
    return stored


def _evaluate(generation, unit, space, training, manifest, client) -> pd.DataFrame:
    """One generation's rows: parameters, Γ per training set, score and loss."""
    params = space.values(unit)
    valid = _valid(manifest, space, params, training[0])
    rows = pd.DataFrame({"generation": generation, "candidate": np.arange(len(unit))})
    for column, name in enumerate(space.names):
        rows[name] = params[name]
        rows[f"u_{column}"] = unit[:, column]
    rows["status"] = np.where(valid, "ok", "invalid")
    started = time.perf_counter()
    if valid.any():
        voltage = manifest["objective"] == "voltage"
        trains, traces, failed = _simulate(client, manifest, space,
                                           {name: values[valid] for name, values in params.items()}, training, voltage)
        for k, (stimulus, found) in enumerate(zip(training, trains)):
            ran = [k for k in range(len(found)) if found[k] is not None]
            gammas, counts = np.full(len(unit), np.nan), np.full(len(unit), np.nan)
            where = np.flatnonzero(valid)[ran]
            gammas[where] = stimulus.gammas([found[k] for k in ran])
            counts[where] = [len(found[k]) for k in ran]
            rows[f"gamma_{stimulus.name}"] = gammas
            rows[f"count_error_{stimulus.name}"] = np.abs(counts - stimulus.mean_count) / max(stimulus.mean_count, 1)
            rows[f"rate_{stimulus.name}"] = counts / stimulus.duration_ms * 1000.0
            if voltage:
                f1s = np.full(len(unit), np.nan)
                f1s[where] = stimulus.f1s([traces[k][c] for c in ran])
                rows[f"f1_{stimulus.name}"] = f1s
        for index, error in failed.items():
            rows.loc[np.flatnonzero(valid)[index], "status"] = f"failed: {error}"
    gamma_columns = [f"gamma_{s.name}" for s in training]
    for column in gamma_columns:
        if column not in rows:
            rows[column] = np.nan
    if manifest["objective"] == "voltage":
        f1_columns = [f"f1_{s.name}" for s in training]
        for column in f1_columns:
            if column not in rows:
                rows[column] = np.nan
        rows["score"] = rows[f1_columns].mean(axis=1, skipna=False)
        count_errors = 0.0  # F1 has a slope everywhere: the spike count adds nothing
    elif manifest["objective"] == "rates":
        data = np.array([s.data_rate_hz for s in training])
        model = np.column_stack([rows[f"rate_{s.name}"] if f"rate_{s.name}" in rows else np.full(len(rows), np.nan)
                                 for s in training])
        rows["score"] = 1.0 - np.abs(model - data).sum(axis=1) / max(data.sum(), 1e-9)
        count_errors = 0.0  # the rates are the counts
    else:
        rows["score"] = rows[gamma_columns].mean(axis=1, skipna=False)
        count_columns = [f"count_error_{s.name}" for s in training]
        count_errors = rows[count_columns].mean(axis=1) if set(count_columns) <= set(rows) else np.nan
    rows.loc[rows["status"] != "ok", "score"] = np.nan
    loss = 1.0 - rows["score"] + COUNT_WEIGHT * count_errors
    # a model at 250 Hz or more has Γ = −inf (no chance correction left): as bad as a refused one
    rows["loss"] = np.where((rows["status"] == "ok") & np.isfinite(loss), np.minimum(loss, INVALID_LOSS), INVALID_LOSS)
    rows["wall_time_s"] = time.perf_counter() - started
    return rows


def _valid(manifest, space, params, stimulus) -> np.ndarray:
    """Which candidates the model accepts (its ranges, relations, constraints), one by one
    only if the whole population is refused."""
    model = manifest["model"]

    def accepted(values) -> bool:
        try:
            prepare(model, manifest["simulator"], None, manifest["dt_ms"], None, 0,
                               {**space.fixed, **values}, stimulus.current_nA, stimulus.dt_ms)
            return True
        except ValueError:
            return False

    size = len(next(iter(params.values())))
    if accepted(params):
        return np.ones(size, dtype=bool)
    return np.array([accepted({name: values[k:k + 1] for name, values in params.items()}) for k in range(size)])


def _simulate(client, manifest, space, chosen: dict, stimuli, voltage: bool) -> tuple[list, list | None, dict]:
    """The trains of the ``chosen`` candidates under every stimulus, ``trains[set][candidate]``
    (None for a candidate that broke the simulation), with ``voltage`` their membrane
    potential at the recording's samples (else None), and {candidate: error}: one simulation
    of all sets in this process, or one per Dask worker, each a share of the candidates."""
    size = len(next(iter(chosen.values())))
    shares = np.array_split(np.arange(size), 1 if client is None else min(size, len(client.nthreads())))
    runs = [(manifest["model"], manifest["simulator"], {**space.fixed, **{n: v[share] for n, v in chosen.items()}},
             [s.current_nA for s in stimuli], stimuli[0].dt_ms, manifest["dt_ms"], voltage) for share in shares]
    if client is None:
        results = [evaluate.responses_isolating(*run) for run in runs]
    else:
        results = client.gather([client.submit(evaluate.responses_isolating, *run, pure=False) for run in runs])
    trains = [[None] * size for _ in stimuli]
    traces = [[None] * size for _ in stimuli] if voltage else None
    errors = {}
    for share, (found, shapes, failed) in zip(shares, results):
        for r, per_set in enumerate(found):
            for k, index in enumerate(share):
                trains[r][index] = per_set[k]
                if voltage:
                    traces[r][index] = shapes[r][k]
        errors.update({int(share[k]): error for k, error in failed.items()})
    return trains, traces, errors


@contextlib.contextmanager
def _workers(scheduler, workers):
    if scheduler == cluster.INLINE or (scheduler is None and workers == 1):
        yield None
        return
    with cluster.client(scheduler, workers) as client:
        yield client


def _conclude(model_spec, space, sets, training, held_out, stored, manifest, out, check_on, dt_ms) -> dict:
    """Score the best candidate on every set and simulator; write scores.parquet and best.json."""
    ok = stored[stored["status"] == "ok"]
    if ok.empty:
        raise ValueError(f"no candidate of the fit in {out} ran (see the status column of trials.parquet)")
    best_row = ok.loc[ok["score"].idxmax()]
    best = {name: float(best_row[name]) for name in space.names}
    parameters = {**space.fixed, **best}
    rows = []
    voltage = all(s.has_voltage for s in sets)  # F1 wherever the data allow, whatever was fitted
    for simulator in check_on:  # every set in one simulation per simulator
        found, traces, errors = evaluate.responses_isolating(manifest["model"], simulator, parameters,
                                                             [s.current_nA for s in sets], sets[0].dt_ms, dt_ms,
                                                             voltage)
        for k, (stimulus, (train,)) in enumerate(zip(sets, found)):
            trains = [train if train is not None else np.array([])]
            gamma = float(stimulus.gammas(trains)[0]) if not errors else float("nan")
            f1 = float(stimulus.f1s([traces[k][0]])[0]) if voltage and not errors else float("nan")
            model_rate = len(trains[0]) / stimulus.duration_ms * 1000.0 if not errors else float("nan")
            rows.append({"simulator": simulator, "set": stimulus.name,
                         "role": "training" if stimulus in training else "holdout", "gamma": gamma,
                         "gamma_int": stimulus.gamma_int, "gamma_over_gamma_int": gamma / stimulus.gamma_int,
                         "f1": f1, "model_rate_hz": model_rate, "data_rate_hz": stimulus.data_rate_hz,
                         "model_spikes": len(trains[0]), "error": errors.get(0, ""),
                         "data_spikes": stimulus.mean_count})
    scores = pd.DataFrame(rows)
    scores.to_parquet(out / "scores.parquet", index=False)
    units = {p.name: p.unit for p in model_spec.parameters}
    fitted_here = scores[scores["simulator"] == manifest["simulator"]]
    summary = {
        "model": manifest["model"],
        "parameters": {name: {"value": value, "unit": units[name], "fitted": name in best}
                       for name, value in parameters.items()},
        "score": {"objective": manifest["objective"],
                  "mean_gamma_training": _finite_or_none(best_row[[f"gamma_{s.name}" for s in training]].mean()),
                  **({"mean_f1_training": float(best_row["score"])} if manifest["objective"] == "voltage" else {}),
                  **({"rate_score_training": float(best_row["score"])} if manifest["objective"] == "rates" else {}),
                  "per_set": {r["set"]: {"role": r["role"], "gamma": r["gamma"], "gamma_int": r["gamma_int"],
                                         "gamma_over_gamma_int": r["gamma_over_gamma_int"], "f1": r["f1"],
                                         "model_rate_hz": r["model_rate_hz"], "data_rate_hz": r["data_rate_hz"]}
                              for r in fitted_here.to_dict("records")},
                  "on_simulators": {sim: {r["set"]: r["gamma"] for r in part.to_dict("records")}
                                    for sim, part in scores.groupby("simulator")},
                  "f1_on_simulators": {sim: {r["set"]: r["f1"] for r in part.to_dict("records")}
                                       for sim, part in scores.groupby("simulator")},
                  "rates_on_simulators": {sim: {r["set"]: r["model_rate_hz"] for r in part.to_dict("records")}
                                          for sim, part in scores.groupby("simulator")}},
        "simulator": manifest["simulator"],
        "data": {"target": manifest["target"], "training": manifest["sets"], "holdout": manifest["holdout"],
                 "sample_interval_ms": manifest["target_dt_ms"], "current_unit": manifest["current_unit"] or "as read"},
        "search": {"optimiser": manifest["optimiser"], "seed": manifest["seed"], "trials": int(len(stored)),
                   "population": manifest["population"], "space": manifest["space"]},
        "versions": {"zoo": zoo_version(), "code_version": manifest["code_version"],
                     "python": platform.python_version(), **_simulator_versions(check_on)},
        "commands": {s.name: (run_command(manifest, parameters, s.name) if s.rate_hz is None
                              else step_command(manifest, parameters, s)) for s in sets},
    }
    summary = _json_safe(summary)
    _atomic_text(out / "best.json", json.dumps(summary, indent=1, default=float, allow_nan=False))
    from . import figures  # matplotlib only once a fit has something to draw

    try:
        figures.draw(out)
    except Exception as error:  # noqa: BLE001 - the fit is stored; its figure is a view of it
        summary["figure_error"] = f"{type(error).__name__}: {error}"[:300]
        _atomic_text(out / "best.json", json.dumps(summary, indent=1, default=float))
    return summary


def run_command(manifest, parameters: dict, stimulus_set: str) -> str:
    """The ``zoo run`` that reproduces the best candidate's Γ on one set."""
    settings = " ".join(f"--set {name}={float(value)!r}" for name, value in parameters.items())
    dt = f" --dt {manifest['dt_ms']:g}" if manifest["dt_ms"] is not None else ""
    unit = f" --current-unit {manifest['current_unit']}" if manifest["current_unit"] else ""
    return (f"zoo run {manifest['model']} --simulator {manifest['simulator']}{dt} --current {manifest['target']} "
            f"--current-set {stimulus_set} --current-dt {manifest['target_dt_ms']:g}{unit} {settings}")


def step_command(manifest, parameters: dict, stimulus) -> str:
    """The ``zoo run`` of the best candidate under one constant current of an f-I table."""
    values = {**parameters, "i_offset": float(parameters.get("i_offset", 0.0)) + float(stimulus.current_nA[0])}
    settings = " ".join(f"--set {name}={float(value)!r}" for name, value in values.items())
    dt = f" --dt {manifest['dt_ms']:g}" if manifest["dt_ms"] is not None else ""
    return (f"zoo run {manifest['model']} --simulator {manifest['simulator']}{dt} --duration "
            f"{stimulus.duration_ms:g} {settings}")


def _finite_or_none(value):
    return float(value) if np.isfinite(value) else None


def _json_safe(value):
    """NaN and infinities as null: best.json is strict JSON."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    return value


def _simulator_versions(simulators) -> dict:
    return {name: backends.load(name).version for name in simulators}


def _fit_code_version(model: str, simulator: str) -> str:
    """The model's and backend's code, and all of the fit's own (scoring, loss, optimisers): a
    stored generation made by other code is not replayed."""
    return code_version(model, simulator) + "-" + source_version("explorer.fitting.run:fit", simulator)


def _open(out: Path, manifest: dict) -> pd.DataFrame:
    """The stored trials of this fit (none for a new one); ValueError if ``out`` holds another fit."""
    path = out / "fit.json"
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder")
    if path.exists():
        before = json.loads(path.read_text())
        differ = [key for key in _MANIFEST_KEYS if json.dumps(before.get(key), default=float, sort_keys=True)
                  != json.dumps(manifest[key], default=float, sort_keys=True)]
        if differ:
            raise ValueError(f"{out} holds a fit with other settings (differing: {', '.join(differ)}); fit into "
                             "another --out, or delete it")
    elif out.exists() and any(out.iterdir()):
        raise ValueError(f"--out {out} is a folder that holds something other than a fit; choose an empty or new one")
    out.mkdir(parents=True, exist_ok=True)
    _atomic_text(path, json.dumps(manifest, indent=1, default=float))
    return _read_trials(out)


def _read_trials(out: Path) -> pd.DataFrame:
    path = out / "trials.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame({"generation": pd.Series(dtype=int)})


def _write_trials(out: Path, rows: pd.DataFrame) -> None:
    partial = out / "trials.parquet.partial"
    rows.to_parquet(partial, index=False)
    os.replace(partial, out / "trials.parquet")


def _atomic_text(path: Path, text: str) -> None:
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(text)
    os.replace(partial, path)


def _unit_columns(space) -> list[str]:
    return [f"u_{k}" for k in range(len(space.bounds))]


def _candidate_params(space, unit) -> dict:
    return {**space.fixed, **space.values(unit)}


def _names(holdout) -> list[str]:
    if isinstance(holdout, str):
        return [part.strip() for part in holdout.split(",") if part.strip()]
    return [str(h) for h in holdout]


def _positive(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


