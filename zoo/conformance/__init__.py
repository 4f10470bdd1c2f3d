"""``zoo conformance``: every model × simulator × time step, judged against theory.

For each model, its check protocols (those of ``zoo check``) are swept at each time
step of :data:`TIME_STEPS_MS` on every simulator, through the explorer (one Dask
cluster for the whole matrix; each sweep is stored under ``out/sweeps`` and resumed
when run again). The result is a tidy table (:data:`COLUMNS`), one row per model,
simulator (or pair, "b vs a"), dt and check:

- ``closed form``: each simulator against the model's closed form, with the
  tolerance the model derives from that simulator's declared numerics at that dt;
- ``agreement``: each pair of simulators, with the model's agreement tolerances;
- ``published``: the model's studies (published values), at the model's own dt
  (full matrix only);
- ``convergence``: each metric against the same simulator at the finest dt, for
  models without a closed form: judged where the model's agreement bounds one
  simulator's runs at two steps (``Agreement.across_steps``), else information (the
  error's order in dt);
- ``run``: a simulator that cannot run the model (``unavailable``, with the reason)
  or a point that failed.

Where a model's agreement bounds a fixed-step scheme by its convergence runs
(``Agreement.convergence_runs``), each time step's comparison gets the same simulator's
runs at the next two finer steps of the matrix, and the finest step's at its half and
quarter (:func:`convergence_steps`; the quick matrix runs no extra steps, so its finest
step's pairs are not judged, for want of a convergence run).

Verdicts (:func:`grade`): ``pass`` (error ≤ tolerance), ``poor`` (beyond the tolerance
but within :data:`POOR_FACTOR` times it: close, but the declared numerics do not
explain it), ``fail`` (beyond that), ``info`` (shown, not judged) and ``unavailable``.
A matrix cell in which no check was judged is ``not judged``, with the reasons.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

import explorer

from .. import backends, registry
from ..declarations import zoo_version
from ..checks import closed_form_rows, convergence_simulators, referee, with_referee
from ..declarations.convergence import with_convergence_runs
from ..declarations.verdicts import INFORMATION, errors, point_labels, worst_row
from . import differences

#: The time steps of the full matrix (ms), coarsest first.
TIME_STEPS_MS = (0.1, 0.05, 0.025, 0.01)
#: The quick matrix (``--quick``, part of ``make test``): two time steps, at most
#: :data:`QUICK_POINTS` values per swept parameter, no studies but those of a model that
#: only its studies judge on each simulator (``mainen_sejnowski1995``).
QUICK_TIME_STEPS_MS = (0.1, 0.025)
QUICK_POINTS = 6
#: ``poor``: the error exceeds the tolerance by at most this factor.
POOR_FACTOR = 10.0
VERDICTS = ("pass", "poor", "fail", "info", "unavailable")
COLUMNS = ["model", "simulator", "simulator_version", "dt_ms", "kind", "check", "points", "judged", "value",
           "reference", "error", "tolerance", "verdict", "reason", "order"]


def grade(error, tolerance, judged: int, reason: str = "") -> str:
    """The conformance verdict of one check (module docstring)."""
    if judged == 0 or np.isnan(tolerance):
        return "info"
    if error <= tolerance:
        return "pass"
    if np.isfinite(error) and error <= POOR_FACTOR * tolerance:
        return "poor"
    return "fail"


def time_steps(quick: bool) -> tuple[float, ...]:
    return QUICK_TIME_STEPS_MS if quick else TIME_STEPS_MS


def protocols(model, quick: bool):
    """The model's check protocols; quick: each swept parameter thinned to at most
    :data:`QUICK_POINTS` values, its ends kept."""
    for protocol in model.validation.protocols:
        grid = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in protocol.params.items()}
        if quick:
            grid = {k: v[np.unique(np.linspace(0, len(v) - 1, QUICK_POINTS).round().astype(int))]
                    for k, v in grid.items()}
        yield grid, protocol.duration_ms


def run_conformance(models: Sequence[str] | None = None, simulators: Sequence[str] | None = None,
                    quick: bool = False, out: str | Path = "conformance", workers: int | None = None,
                    scheduler: str | None = None, step: Callable[[str], None] | None = None) -> pd.DataFrame:
    """The conformance table (:data:`COLUMNS`) for ``models`` (default: all) on
    ``simulators`` (default: all registered), written to ``out/conformance.parquet``.
    Sweeps are stored in ``out/sweeps`` and resumed; ``scheduler``: a Dask scheduler's
    address (default: a local cluster of ``workers`` processes)."""
    models = list(models or registry.list_models())
    for name in models:
        registry.get(name)  # ValueError naming the models, before anything runs
    simulators = list(simulators or backends.names())
    for name in simulators:
        backends.backend_class(name)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    say = step or (lambda text: None)
    rows = []
    cluster = explorer.local_cluster(workers) if scheduler is None else _given(scheduler)
    with cluster as address:
        for name in models:
            rows += _model_rows(name, simulators, quick, out, address, say)
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.to_parquet(out / "conformance.parquet", index=False)
    say("measuring the known differences (one PSP per simulator and time step)")
    psp = [differences.measure_psp(s, dt) for s in simulators for dt in (max(time_steps(quick)), min(time_steps(quick)))]
    (out / "differences.json").write_text(json.dumps(psp))
    (out / "conformance.json").write_text(json.dumps({"models": models, "simulators": simulators, "quick": quick,
                                                      "time_steps_ms": list(time_steps(quick))}))
    return table


class _given:
    def __init__(self, address):
        self.address = address

    def __enter__(self):
        return self.address

    def __exit__(self, *exc):
        return False


def _model_rows(name, simulators, quick, out, address, say) -> list[dict]:
    model = registry.get(name)
    runnable = [s for s in simulators if s in backends.available(model)]
    refused = {s: r for s, r in backends.unavailable(model).items() if s in simulators}
    steps = time_steps(quick)
    rows = [_row(name, simulator, dt, "run", "run", verdict="unavailable", reason=reason)
            for simulator, reason in refused.items() for dt in steps]
    if not runnable:
        return rows
    if model.network:
        return rows + _network_rows(model, runnable, quick, out, address, say)
    tables = {}
    refining = convergence_simulators(model, runnable)
    for dt in sorted(set(steps) | set(convergence_steps(steps, quick) if refining else ()), reverse=True):
        simulators = runnable if dt in steps else refining
        parts = []
        for index, (grid, duration_ms) in enumerate(protocols(model, quick)):
            say(f"{name}: protocol {index + 1} at dt = {dt:g} ms on {', '.join(simulators)}"
                + ("" if dt in steps else " (convergence run)"))
            parts.append(explorer.sweep(name, grid=grid, simulators=simulators, duration_ms=duration_ms, dt_ms=dt,
                                        out=out / "sweeps" / name / f"dt-{dt:g}" / f"protocol-{index + 1}",
                                        scheduler=address, progress=False))
        tables[dt] = pd.concat(parts, ignore_index=True)
    everything = pd.concat(tables.values(), ignore_index=True)
    for dt in steps:
        rows += _judged_rows(model, tables[dt], runnable, dt, everything[everything["dt_ms"] < dt])
    if model.validation.closed_form is None and model.validation.same_run_at_every_dt:
        rows += _convergence_rows(model, {dt: tables[dt] for dt in steps}, runnable, everything)
    # the quick matrix skips studies, except where they are all that judges a simulator alone
    # (no closed form, and no judged convergence across time steps)
    agreement = model.validation.agreement
    alone = model.validation.closed_form is not None or (
        model.validation.same_run_at_every_dt and agreement is not None and agreement.across_steps)
    if not quick or not alone:
        for entry_point in model.validation.studies:
            study = registry.load(entry_point)
            for simulator in runnable:
                say(f"{name}: {entry_point} on {simulator}")
                # a study sets its own time steps (stated in its rows): no single dt
                rows += [_from_verdict(name, np.nan, "published", row)
                         for row in _stored_study(out, name, entry_point, simulator, study)]
    return rows


def convergence_steps(steps, quick: bool) -> tuple[float, ...]:
    """The steps the matrix adds for convergence runs: half and a quarter of its finest
    (none in the quick matrix)."""
    return () if quick else (min(steps) / 2, min(steps) / 4)


def _judged_rows(model, table, simulators, dt, refined=None) -> list[dict]:
    varying = [p for p in model.parameter_names if table[p].nunique() > 1]
    rows = [_row(model.name, r["simulator"], dt, "run", "run", verdict="fail", reason=str(r["error"]).splitlines()[0])
            for _, r in table[table["status"] != "ok"].iterrows()]
    rows += [_from_verdict(model.name, dt, "closed form", row)
             for row in closed_form_rows(model, table, simulators, varying)]
    if len(simulators) > 1:
        comparison = explorer.compare(table, simulators, refined=refined)
        agreement = with_referee(explorer.verdicts(comparison), referee(model, comparison, table))
        rows += [_from_verdict(model.name, dt, "agreement", row) for row in agreement.to_dict("records")]
    return rows


def _convergence_rows(model, tables, simulators, everything) -> list[dict]:
    """Each metric the model's agreement covers, against the same simulator at the
    finest dt: judged with the agreement's tolerances where it bounds one simulator's
    runs at two steps (``Agreement.across_steps``, each run's own convergence runs taken
    from ``everything``), else information (the observed error's order in dt)."""
    finest = min(tables)
    agreement = model.validation.agreement
    covered = agreement.covers if agreement else ()
    across = agreement is not None and agreement.across_steps
    rows = []
    for simulator in simulators:
        scheme = _scheme(model, simulator)
        reference = _ok(model, tables[finest], simulator)
        for dt, table in tables.items():
            if dt == finest:
                continue
            mine = _ok(model, table, simulator).reindex(reference.index)
            if across:
                tolerances, reasons = _across_steps(model, reference, mine, everything, simulator, finest, dt)
                label = point_labels(reference.reset_index(), [p for p in model.parameter_names
                                                               if reference.reset_index()[p].nunique() > 1])
            for metric in covered:
                if metric not in mine:
                    continue
                both = mine[metric].notna().to_numpy() | reference[metric].notna().to_numpy()
                if not both.any():
                    continue  # no point has a value at either step: nothing to say
                if across:
                    where = np.flatnonzero(both)
                    row = worst_row(simulator, f"{metric} vs dt = {finest:g} ms", mine[metric].to_numpy(float)[both],
                                    reference[metric].to_numpy(float)[both],
                                    np.asarray(tolerances[metric], dtype=float)[both], lambda i: label(where[i]),
                                    why_not=reasons[both])
                    rows.append(_from_verdict(model.name, dt, "convergence", row))
                    continue
                # a point with a value at one step only (it fired at one and not the other) is inf
                error = float(np.max(errors(mine[metric].to_numpy(float)[both],
                                            reference[metric].to_numpy(float)[both])))
                rows.append(_row(model.name, simulator, dt, "convergence", f"{metric} vs dt = {finest:g} ms",
                                 error=error, points=int(both.sum()), verdict="info",
                                 reason=f"information: {scheme.name}, no bound across time steps",
                                 order=scheme.order))
    return rows


def _across_steps(model, reference, mine, everything, simulator, finest, dt):
    """The agreement's tolerances between ``simulator``'s run at the finest step (side a)
    and at ``dt`` (side b), with each run's convergence runs; per metric, and why a point
    is not judged."""
    from ..declarations.tolerances import GRID_TIE_KEY
    from ..declarations.verdicts import INFORMATION

    agreement = model.validation.agreement
    keys = list(model.parameter_names) + ["seed", "duration_ms"]
    left, right = reference.reset_index(), mine.reset_index()
    tolerances = {name: np.full(len(left), np.nan) for name in agreement.covers}
    reasons = np.full(len(left), INFORMATION, dtype=object)
    for duration_ms, index in left.groupby("duration_ms").groups.items():
        pairs = with_convergence_runs(left.loc[index], right.loc[index], everything, keys, simulator, simulator,
                                      step_b=dt)
        numerics = backends.numerics([simulator, simulator], model.cell_types[0], finest, duration_ms)
        found = dict(agreement.tolerances(pairs, numerics))
        why = np.broadcast_to(np.asarray(found.pop(GRID_TIE_KEY, ""), dtype=object), (len(index),))
        positions = left.index.get_indexer(index)
        for name in tolerances:
            value = np.asarray(found.get(name, np.nan), dtype=float)
            if model.trials is not None and name == "n_spikes":  # the agreement's counts are each trial's
                value = value * left.loc[index, model.trials].to_numpy(float)
            tolerances[name][positions] = value
        reasons[positions] = np.where(why == "", INFORMATION, why)
    return tolerances, reasons


def _ok(model, table, simulator) -> pd.DataFrame:
    """The simulator's ok rows, indexed by what makes a point apart from dt."""
    ok = table[(table["simulator"] == simulator) & (table["status"] == "ok")]
    return ok.set_index(list(model.parameter_names) + ["seed", "duration_ms"])


def _scheme(model, simulator):
    return backends.backend_class(simulator).numerics.get(model.cell_types[0])


def _network_rows(model, simulators, quick, out, address, say) -> list[dict]:
    """A network model (``zoo.network_checks``): at each time step, each protocol swept with
    the judge's seeds on every simulator (stored and resumed), each simulator's runs as a
    row, and each pair judged in distribution; the studies (Fig. 8's states) in full mode."""
    import dataclasses
    import itertools

    from ..network_checks import network_runs, pair_rows, sweep_seeds

    rows = []
    # the quick matrix's steps: each step costs the judge's seeds of a whole network on every
    # simulator, growing as 1/dt (the Brette networks at 0.01 ms: ten times 0.1 ms), and a
    # statistical verdict has no error that shrinks with dt to measure
    for dt in time_steps(True):
        for index, protocol in enumerate(model.validation.protocols):
            protocol = dataclasses.replace(protocol, dt_ms=dt)
            say(f"{model.name}: protocol {index + 1} at dt = {dt:g} ms, seeds on {', '.join(simulators)}")
            folder = out / "sweeps" / model.name / f"dt-{dt:g}" / f"protocol-{index + 1}"
            table = sweep_seeds(model, protocol, simulators, folder, scheduler=address)
            for simulator in simulators:
                mine = table[table["simulator"] == simulator]
                ok = int((mine["status"] == "ok").sum())
                rows.append(_row(model.name, simulator, dt, "run", "runs (population rows) ok", value=ok,
                                 reference=len(mine), points=len(mine), judged=0,
                                 verdict="info" if ok == len(mine) else "fail",
                                 reason="the runs the pairs are judged on; a failed run fails the row"))
            for a, b in itertools.combinations(simulators, 2):
                runs = [{p: network_runs(table, folder, s, p, protocol.params) for p in model.populations}
                        for s in (a, b)]
                if min(len(r) for side in runs for r in side.values()) >= 3:
                    rows += [_from_verdict(model.name, dt, "agreement", row)
                             for row in pair_rows(runs[0], runs[1], f"{b} vs {a}")]
    if not quick:
        for entry_point in model.validation.studies:
            study = registry.load(entry_point)
            for simulator in simulators:
                say(f"{model.name}: {entry_point} on {simulator}")
                rows += [_from_verdict(model.name, np.nan, "published", row)
                         for row in _stored_study(out, model.name, entry_point, simulator, study)]
    return rows


def _stored_study(out, name, entry_point, simulator, study) -> list[dict]:
    """A study's verdict rows, stored so that a resumed matrix does not rerun it, under the
    version of the code that made them (the study's module and what it imports, the
    model, the tolerances, the simulator's translation: ``explorer.code_version``)."""
    from explorer.code_version import source_version

    version = (f"{simulator}-{backends.version(simulator)}-zoo-{zoo_version()}-r{registry.get(name).revision}"
               f"-{source_version(entry_point, simulator)}")
    path = out / "studies" / f"{name}-{entry_point.rpartition(':')[2]}-{version}.json"
    if path.exists():
        return json.loads(path.read_text())
    rows = study(simulator)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, default=float))
    return rows


def _from_verdict(model: str, dt: float, kind: str, row: dict) -> dict:
    simulator = row["simulator"]
    first = simulator.split(" vs ")[-1]
    scheme = _scheme(registry.get(model), first) if first in backends.names() else None
    judged = int(row["judged"])
    tolerance = float(row["tolerance"])
    verdict = grade(float(row["error"]), tolerance, judged)
    reason = str(row.get("worst_at") or "")
    if verdict == "info" and row["verdict"] not in ("pass", "FAIL"):
        reason = f"{row['verdict']}: {reason}" if row["verdict"] != INFORMATION else reason
    return _row(model, simulator, dt, kind, row["metric"], value=row["value"], reference=row["reference"],
                error=row["error"], tolerance=tolerance, points=int(row["points"]), judged=judged, verdict=verdict,
                reason=reason, order=scheme.order if scheme else None)


@functools.cache
def _version(simulator: str) -> str:
    """The installed version (read once: there is a row per check)."""
    return backends.version(simulator) if simulator in backends.names() else ""


def _row(model, simulator, dt, kind, check, value=np.nan, reference=np.nan, error=np.nan, tolerance=np.nan,
         points=0, judged=0, verdict="info", reason="", order=None) -> dict:
    names = simulator.split(" vs ")
    versions = [_version(s) for s in names]
    return {"model": model, "simulator": simulator, "simulator_version": " vs ".join(versions), "dt_ms": float(dt),
            "kind": kind, "check": check, "points": points, "judged": judged, "value": float(value),
            "reference": float(reference), "error": float(error), "tolerance": float(tolerance), "verdict": verdict,
            "reason": reason, "order": np.nan if order is None else float(order)}
