"""``zoo check``: a model on every simulator that can run it, against its closed
form, its published values, and across simulators.

A thin use of the explorer: each of the model's check protocols is swept (in this
process) and :func:`explorer.compare` judges the simulators against each other; the
closed forms are judged here with the tolerances the model derives from each
simulator's declared numerics, and the model's studies add their own verdict rows.
The verdict table has one row per (simulator or pair, metric): the worst point's
value, its reference, the error, the tolerance and whether every point passed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

import explorer

from . import backends, registry
from .declarations.verdicts import COLUMNS, errors, point_labels, verdict_row, worst_row


@dataclass
class CheckReport:
    model: str
    verdicts: pd.DataFrame
    table: pd.DataFrame
    comparison: pd.DataFrame

    @property
    def judged(self) -> int:
        """Points judged against a tolerance, over every verdict row."""
        return int(self.verdicts["judged"].sum()) if len(self.verdicts) else 0

    @property
    def nothing_judged(self) -> bool:
        return self.judged == 0

    @property
    def passed(self) -> bool:
        """Something was judged, and every judged point passed (a row shown for
        information never passes a check by itself)."""
        return not self.nothing_judged and bool(self.verdicts["pass"].all())

    @property
    def why_nothing_judged(self) -> str:
        """Why no row was judged, in the words of what a check judges against."""
        return "no closed form, no published value, no second simulator" + (
            f" (shown only: {', '.join(sorted(set(self.verdicts['verdict'])))})" if len(self.verdicts) else "")


def check_model(name: str, simulators=None, step: Callable[[str], None] | None = None) -> CheckReport:
    """Run the model's check protocols on each simulator (default: every simulator that
    can run the model); compare with theory and across. ``step(text)`` is told which
    step the check is on (``zoo check`` prints it), and Ctrl-C ends the check with a
    ``KeyboardInterrupt`` saying which step it stopped in."""
    model = registry.get(name)
    simulators = backends.available(model) if simulators is None else list(simulators)
    protocols = model.validation.protocols
    if not protocols:
        raise ValueError(f"model {name!r} declares no check protocol")
    refining = [] if model.network else convergence_simulators(model, simulators)
    steps = len(protocols) * (1 + bool(refining)) + len(model.validation.studies) * len(simulators) + 1
    counter = iter(range(1, steps + 1))

    def announce(text: str) -> str:
        text = f"check {name} [{next(counter)}/{steps}]: {text}"
        if step is not None:
            step(text)
        return text

    if model.network:
        return _check_network(model, simulators, announce)
    tables, finer = [], []
    for protocol in protocols:
        grid = {k: np.atleast_1d(v) for k, v in protocol.params.items()}
        size = int(np.prod([len(v) for v in grid.values()]))
        doing = announce(f"sweep of {', '.join(grid)} ({size} points) on {', '.join(simulators)}, "
                         f"{protocol.duration_ms:g} ms at dt = {protocol.dt_ms:g} ms")
        try:
            tables.append(explorer.sweep(name, grid=grid, simulators=simulators, duration_ms=protocol.duration_ms,
                                         dt_ms=protocol.dt_ms, scheduler=explorer.INLINE, progress=False))
        except KeyboardInterrupt:
            raise KeyboardInterrupt(f"interrupted in {doing}; nothing was written") from None
        if refining:
            steps_ms = [protocol.dt_ms / 2, protocol.dt_ms / 4]
            doing = announce(f"convergence runs of {', '.join(grid)} on {', '.join(refining)} at dt = "
                             f"{', '.join(f'{s:g}' for s in steps_ms)} ms")
            try:
                finer += [explorer.sweep(name, grid=grid, simulators=refining, duration_ms=protocol.duration_ms,
                                         dt_ms=step_ms, scheduler=explorer.INLINE, progress=False)
                          for step_ms in steps_ms]
            except KeyboardInterrupt:
                raise KeyboardInterrupt(f"interrupted in {doing}; nothing was written") from None
    table = pd.concat(tables, ignore_index=True)
    refined = pd.concat(finer, ignore_index=True) if finer else None
    varying = [p for p in model.parameter_names if table[p].nunique() > 1]
    rows = failed_run_rows(table)
    rows += closed_form_rows(model, table, simulators, varying)
    rows += study_rows(model, simulators, announce)
    announce("comparing simulators" if len(simulators) > 1 else "judging")
    comparison = explorer.compare(table, simulators, refined=refined)
    agreement = explorer.verdicts(comparison)  # the summary `zoo compare` prints: one judge
    rows += with_referee(agreement, referee(model, comparison, table))[COLUMNS].to_dict("records")
    return CheckReport(name, pd.DataFrame(rows, columns=COLUMNS), table, comparison)


def convergence_simulators(model, simulators) -> list[str]:
    """Of ``simulators``, those whose scheme for the model's cell the model's agreement
    bounds by convergence runs (``Agreement.convergence_runs``); none with one simulator."""
    agreement = model.validation.agreement
    if agreement is None or len(simulators) < 2:
        return []
    return [s for s in simulators
            if backends.backend_class(s).numerics.get(model.cell_types[0]) is not None
            and backends.backend_class(s).numerics[model.cell_types[0]].name in agreement.convergence_runs]


def _check_network(model, simulators, announce) -> CheckReport:
    """A network model: its studies on each simulator, and each pair judged in
    distribution over seeds (:mod:`zoo.network_checks`)."""
    from .network_checks import statistical_rows

    rows = study_rows(model, simulators, announce)
    try:
        judged, table = statistical_rows(model, simulators, announce)
    except KeyboardInterrupt:
        raise KeyboardInterrupt("interrupted in the statistical comparison; nothing was written") from None
    announce("judged")
    return CheckReport(model.name, pd.DataFrame(failed_run_rows(table) + rows + judged, columns=COLUMNS), table,
                       pd.DataFrame())


def study_rows(model, simulators, announce) -> list[dict]:
    """The verdict rows of the model's studies on each simulator (Ctrl-C says which one stopped)."""
    rows = []
    for entry_point in model.validation.studies:
        study = registry.load(entry_point)
        for simulator in simulators:
            doing = announce(f"{entry_point.split(':')[-1].replace('_', ' ')} ({entry_point}) on {simulator}")
            try:
                rows.extend(study(simulator))
            except KeyboardInterrupt:
                raise KeyboardInterrupt(f"interrupted in {doing}; nothing was written") from None
    return rows


def failed_run_rows(table: pd.DataFrame) -> list[dict]:
    """A failing "run" row for every point of the sweep table that did not run."""
    if not len(table):
        return []
    return [verdict_row(row["simulator"], "run", np.nan, np.nan, np.inf, 0.0, row["error"])
            for _, row in table[table["status"] != "ok"].iterrows()]


def closed_form_rows(model, table: pd.DataFrame, simulators, varying) -> list[dict]:
    """Per simulator and closed-form metric: the worst point against theory."""
    closed = model.validation.closed_form
    if closed is None:
        return []
    rows = []
    ok = table[table["status"] == "ok"]
    for simulator in simulators:
        for (dt_ms, duration_ms), mine in ok[ok["simulator"] == simulator].groupby(["dt_ms", "duration_ms"]):
            numerics = backends.numerics([simulator], model.cell_types[0], dt_ms, duration_ms)
            tolerances = closed.tolerance(mine, numerics)
            for metric in closed.metrics:
                known = mine[f"{metric}_closed_form"].notna().to_numpy()  # theory may not apply to every case
                if known.any():
                    rows.append(worst_row(simulator, f"{metric} vs closed form", mine[metric].to_numpy()[known],
                                          mine[f"{metric}_closed_form"].to_numpy()[known],
                                          np.asarray(tolerances[metric])[known], point_labels(mine[known], varying)))
    return rows


def referee(model, comparison: pd.DataFrame, table: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Where two simulators disagree beyond tolerance: which is closer to the model's
    closed form at the failing points, per (pair, metric), as a sentence for the
    verdict row ("closer to theory: nest (mean |error| 0.1 against 2.3 over 4 points)")."""
    if comparison.empty:
        return {}
    closed = model.validation.closed_form
    theory_of = table.drop_duplicates("pair_key").set_index("pair_key")
    notes = {}
    for (pair, metric), rows in comparison[~comparison["pass"]].groupby(["simulators", "metric"]):
        column = f"{metric}_closed_form"
        if closed is None or metric not in closed.metrics or column not in theory_of:
            notes[(pair, metric)] = "no closed form says which is right"
            continue
        theory = theory_of[column].reindex(rows["pair_key"]).to_numpy(float)
        known = ~np.isnan(theory)
        if not known.any():
            notes[(pair, metric)] = "the closed form does not apply at these points"
            continue
        a, b = rows["simulator_a"].iloc[0], rows["simulator_b"].iloc[0]
        # a side without a value where theory has one (it did not fire) is infinitely far
        error_a = float(np.mean(errors(rows["value_a"].to_numpy(float)[known], theory[known])))
        error_b = float(np.mean(errors(rows["value_b"].to_numpy(float)[known], theory[known])))
        if error_a == error_b:
            notes[(pair, metric)] = f"both equally far from theory (mean |error| {error_a:.3g})"
            continue
        (closer, near), (_, far) = sorted([(a, error_a), (b, error_b)], key=lambda item: item[1])
        notes[(pair, metric)] = (f"closer to theory: {closer} (mean |error| {near:.3g} against {far:.3g} over "
                                 f"{int(known.sum())} points)")
    return notes


def with_referee(agreement: pd.DataFrame, notes: dict[tuple[str, str], str]) -> pd.DataFrame:
    """The verdict rows with the referee's sentence (:func:`referee`) after ``worst_at``."""
    agreement = agreement.copy()
    for index, row in agreement.iterrows():
        note = notes.get((row["simulator"], row["metric"]))
        if note and not row["pass"]:
            agreement.at[index, "worst_at"] = f"{row['worst_at']}; {note}"
    return agreement
