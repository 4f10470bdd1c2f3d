"""The conformance report: ``docs/conformance.md`` and an HTML page with its figures.

A matrix at a glance (model × simulator, the worst verdict over time steps), then per
model: its verdicts per time step, the error against dt on log-log axes with the
derived tolerance and the expected order drawn, every poor or failed check with its
reason, and what a simulator cannot run. Last, the known differences between the
simulators, each with its measurement (:mod:`.differences`).
"""
from __future__ import annotations

import datetime
import itertools
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .. import backends, registry  # noqa: E402
from ..declarations.convergence import NO_CONVERGENCE_RUN, NOT_CONVERGING  # noqa: E402
from ..declarations.tolerances import (GRID_TIE, ILL_CONDITIONED, INTEGRATION_ERROR, NO_CLOSED_FORM,  # noqa: E402
                                       NO_SHAPE, SPIKE_MAY_VANISH)
from . import POOR_FACTOR, differences  # noqa: E402

#: Why a pair's metric is shown and not judged (the tolerances' reasons, up to their first colon).
UNJUDGED_REASONS = tuple(r.split(":")[0] for r in (GRID_TIE, INTEGRATION_ERROR, NO_CLOSED_FORM, "undefined measure",
                                                    NO_CONVERGENCE_RUN, NOT_CONVERGING, ILL_CONDITIONED, NO_SHAPE,
                                                    SPIKE_MAY_VANISH))
#: Why a simulator's convergence against its finest step is shown and not judged.
NO_BOUND_ACROSS_STEPS = "no bound across time steps"

#: Worst first: a cell of the matrix shows the worst verdict of its checks.
SEVERITY = ("fail", "poor", "unavailable", "pass", "info")
#: A cell whose checks were all shown and none judged is "not judged", with its reasons.
SYMBOL = {"pass": "pass", "poor": "poor", "fail": "**FAIL**", "unavailable": "n/a", "info": "not judged"}
FLOOR = 1e-16  # errors of exactly 0 are drawn here on a log axis
#: Measures whose convergence against the finest step is drawn (not counts, not counted rates).
CONTINUOUS = ("mean_isi_ms", "first_spike_ms", "spike_peak_mv", "spike_half_width_ms", "cv_isi", "mean_latency_ms")
#: Metrics drawn first in the error-against-dt figures, when they have an error.
PLOTTED_FIRST = ("rate_hz", "input_resistance_mohm", "attenuation", "tau_ms", "mean_isi_ms", "first_spike_ms",
                 "spike_peak_mv", "spike_half_width_ms", "mean_latency_ms")


FIGURE_CAPTION = (
    "Each point: the largest |error| over the check's points at that step, against the closed form or, without "
    "one, against the same simulator at the finest step. Dashed: the tolerance derived for that simulator "
    "(where judged: from its declared scheme and, for a fixed-step scheme on a nonlinear cell, from its "
    "convergence runs at finer steps). Dotted: slopes dt^p of the declared orders. Errors that do not shrink with dt come from "
    "elsewhere: a rate counted over D seconds is quantised by 1/D (1 Hz in 1 s), and a cable's steady state "
    "carries the spatial error of its compartments.\n")


def worst(verdicts) -> str:
    present = set(verdicts)
    return next((v for v in SEVERITY if v in present), "info")


def at_a_glance(table: pd.DataFrame) -> pd.DataFrame:
    """Model × simulator (and pair): the worst verdict over every time step and check."""
    def cell(verdicts) -> str:
        judged = int(verdicts.isin(["pass", "poor", "fail"]).sum())
        verdict = SYMBOL[worst(verdicts)]
        return verdict if verdict == "n/a" else f"{verdict} {judged}/{len(verdicts)}"

    matrix = table.groupby(["model", "simulator"])["verdict"].agg(cell).unstack()
    return matrix.reindex(columns=columns_of(table)).fillna("—")


def reasons_not_judged(rows: pd.DataFrame) -> list[str]:
    """The short reasons (:data:`UNJUDGED_REASONS`, :data:`NO_BOUND_ACROSS_STEPS`) why
    ``rows`` were shown and not judged; an informational metric gives none."""
    found = set()
    for kind, verdict, reason in rows[["kind", "verdict", "reason"]].itertuples(index=False):
        shown = re.search(r"judged; \d+ (.*), shown only\)", str(reason))
        if shown:  # a judged check with points shown only
            found |= {r.split(":")[0] for r in shown.group(1).split(" and ") if r.split(":")[0] in UNJUDGED_REASONS}
        if verdict != "info":
            continue
        if kind == "convergence" and NO_BOUND_ACROSS_STEPS in reason:
            found.add(NO_BOUND_ACROSS_STEPS)
            continue
        found |= {r for r in str(reason).split(":")[0].split(" and ") if r in UNJUDGED_REASONS}
    return sorted(found)


def unjudged_cells(table: pd.DataFrame) -> list[str]:
    """One line per matrix cell in which nothing was judged: model, column, reasons."""
    lines = []
    for (model, simulator), rows in table.groupby(["model", "simulator"], sort=False):
        if (rows["verdict"] == "info").all():
            why = ", ".join(reasons_not_judged(rows)) or "information only"
            lines.append(f"- {model}, {simulator}: {why}")
    return lines


def columns_of(table: pd.DataFrame) -> list[str]:
    """The simulators, then the pairs, in the registry's order."""
    names = [s for s in backends.names() if s in set(table["simulator"])]
    pairs = [f"{b} vs {a}" for a, b in itertools.combinations(names, 2)]
    return names + [p for p in pairs if p in set(table["simulator"])]


def markdown_table(frame: pd.DataFrame, index: bool = True) -> str:
    frame = frame.reset_index() if index else frame
    cells = [[str(c) for c in frame.columns]] + [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    lines = ["| " + " | ".join(row) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("---" for _ in frame.columns) + "|")
    return "\n".join(lines)


def _cell(value) -> str:
    if isinstance(value, float):
        return "" if np.isnan(value) else f"{value:.5g}"
    return str(value).replace("|", "/")


def model_figure(table: pd.DataFrame, model: str, path: Path) -> Path | None:
    """Error against dt (log-log): each simulator's worst error per check against the
    closed form (solid) with its derived tolerance (dashed), or, without a closed form,
    against the same simulator at the finest dt; a grey guide of each declared order."""
    rows = table[(table["model"] == model) & (table["kind"].isin(["closed form", "convergence"]))]
    rows = rows[np.isfinite(rows["error"])]
    # against the finest step only continuous measures say how the error scales: a count
    # (or a rate counted over the run) changes by whole spikes
    rows = rows[(rows["kind"] != "convergence") | rows["check"].str.split(" ").str[0].isin(CONTINUOUS)]
    checks = [c for c in dict.fromkeys(rows["check"]) if rows.loc[rows["check"] == c, "error"].max() > 0]
    # continuous measures first: a count's error is a whole number, and says little about order
    checks = sorted(checks, key=lambda c: (c.split(" ")[0] not in PLOTTED_FIRST,
                                           PLOTTED_FIRST.index(c.split(" ")[0]) if c.split(" ")[0] in PLOTTED_FIRST
                                           else 0))[:4]
    if not checks:
        return None
    fig, axes = plt.subplots(1, len(checks), figsize=(4.2 * len(checks), 3.6), squeeze=False)
    colours = dict(zip(backends.names(), plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    markers = dict(zip(backends.names(), "osD^v"))
    steps = table.loc[table["model"] == model, "dt_ms"]
    for ax, check in zip(axes[0], checks):
        mine = rows[rows["check"] == check]
        for simulator, line in mine.groupby("simulator", sort=False):
            line = line.sort_values("dt_ms")
            colour = colours.get(simulator)
            # markers shrink from the first simulator on, so that equal errors stay visible
            size = 9 - 2.5 * list(colours).index(simulator) if simulator in colours else 5
            ax.loglog(line["dt_ms"], np.maximum(line["error"], FLOOR), marker=markers.get(simulator, "o"),
                      markersize=size, color=colour, label=simulator)
            if line["tolerance"].notna().any():
                ax.loglog(line["dt_ms"], line["tolerance"], "--", color=colour, alpha=0.7,
                          label=f"{simulator} tolerance")
        _order_guides(ax, mine)
        ax.set_xlim(steps.min() / 1.5, steps.max() * 1.5)
        low, high = ax.get_ylim()
        if high / low < 100:  # at least two decades, so that log ticks read as such
            middle = np.sqrt(low * high)
            ax.set_ylim(middle / 10, middle * 10)
        ax.set_xlabel("time step dt (ms)")
        ax.set_ylabel(f"|error| ({_unit(model, check)})")
        ax.set_title(check, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(f"{model}: error against the time step" + (" (0 drawn at 1e-16)" if (rows["error"] == 0).any()
                                                               else ""), fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _order_guides(ax, rows) -> None:
    """dt^p through the largest error at the coarsest dt, for each declared order p."""
    positive = rows[rows["error"] > 0]
    if positive.empty:
        return
    dts = np.array(sorted(rows["dt_ms"].unique()))
    top = positive.loc[positive["dt_ms"].idxmax()]
    for order in sorted({int(o) for o in rows["order"].dropna()} | {1}):
        guide = top["error"] * (dts / top["dt_ms"]) ** order
        ax.loglog(dts, guide, ":", color="grey", linewidth=1)
        ax.annotate(f"dt^{order}", (dts[0], guide[0]), fontsize=7, color="grey")


def _unit(model: str, check: str) -> str:
    metric = check.split(" ")[0]
    found = [m for m in registry.get(model).metrics if m.name == metric]
    return (found[0].unit or "dimensionless") if found else "as the metric"


def write_report(table: pd.DataFrame, path: str | Path, command: str, psp: list[dict] | None = None) -> list[Path]:
    """Write the Markdown report at ``path``, the HTML page beside it (same name,
    ``.html``) and the figures in a folder of the same name; return the files."""
    path = Path(path)
    figures = path.with_suffix("")
    written = []
    sections = [_header(table, command), "## The matrix at a glance\n", markdown_table(at_a_glance(table)),
                _legend()]
    unjudged = unjudged_cells(table)
    if unjudged:
        sections.append("Cells in which nothing was judged, and why:\n\n" + "\n".join(unjudged))
    for model in dict.fromkeys(table["model"]):
        figure = model_figure(table, model, figures / f"{model}.png")
        written += [figure] if figure else []
        sections.append(_model_section(table, model, figure.relative_to(path.parent) if figure else None))
    sections.append(_differences_section(table, psp))
    text = "\n\n".join(sections) + "\n"
    path.write_text(text)
    page = path.with_suffix(".html")
    page.write_text(_html(text))
    return [path, page] + written


def _header(table, command) -> str:
    versions = ", ".join(f"{s} {backends.version(s)}" for s in backends.names() if s in set(table["simulator"]))
    import pyNN

    return (f"# Conformance: every model × simulator × time step, judged against theory\n\n"
            f"Generated by `{command}` on {datetime.date.today().isoformat()} with {versions}, PyNN "
            f"{pyNN.__version__}. The tidy table (one row per model, simulator, dt and check) is "
            f"`conformance.parquet` in the run's output folder; `zoo check NAME` runs one model's checks at its "
            f"own time step.")


def _legend() -> str:
    return ("Each cell: the worst verdict over every time step and check, then how many checks were judged of "
            "those shown (n/m). **pass**: within the tolerance derived "
            "from the simulator's declared integration scheme and the time step; **poor**: beyond it but within "
            f"{POOR_FACTOR:g}× (close, but the declared numerics do not explain it); **FAIL**: beyond that; "
            "**n/a**: the simulator cannot run the model (the reason is below); **not judged**: every check of "
            "the cell was shown and none judged (the reasons are listed below the matrix). n/m counts the checks "
            "judged of those shown: a check is shown, not judged, where no tolerance applies (a convergence "
            "measurement without a bound, an informational measure, or a point whose spikes the numerics leave "
            "uncertain, with the reason). A pair column (\"b vs a\") judges the two simulators against each "
            "other with the model's agreement tolerances.")


def _model_section(table, model, figure) -> str:
    spec = registry.get(model)
    mine = table[table["model"] == model]
    lines = [f"## {model}\n", f"{spec.summary} ({spec.citation})\n"]
    per_dt = mine.groupby(["dt_ms", "simulator"])["verdict"].agg(worst).unstack().sort_index(ascending=False)
    per_dt = per_dt.reindex(columns=[c for c in columns_of(table) if c in per_dt]).replace(SYMBOL).fillna("—")
    lines.append(markdown_table(per_dt.rename_axis("dt (ms)")))
    if figure is not None:
        lines.append(f"\n![{model}: error against dt]({figure.as_posix()})\n")
        lines.append(FIGURE_CAPTION)
    if not spec.validation.same_run_at_every_dt:
        lines.append("\nNo error against dt is drawn: the model's input is drawn on the time grid, so runs at "
                     "two time steps are two different experiments; each is judged on its own (studies, and the "
                     "simulators against each other at the same dt).\n")
    published = mine[mine["kind"] == "published"]
    if len(published):
        lines.append("Published values and benchmarks (each study runs at the time steps its rows state):\n")
        lines.append(markdown_table(published[["simulator", "check", "value", "reference", "error", "tolerance",
                                               "verdict"]], index=False))
    reasons = {column: reasons_not_judged(rows) for column, rows in mine.groupby("simulator", sort=False)}
    reasons = {column: why for column, why in reasons.items() if why}
    if reasons:
        lines.append("")
    for column in [c for c in columns_of(table) if c in reasons]:
        lines.append(f"- {column}: some checks shown, not judged ({', '.join(reasons[column])})")
    bad = mine[mine["verdict"].isin(["fail", "poor"])]
    if len(bad):
        lines.append("Poor or failed checks:\n")
        lines.append(markdown_table(bad[["simulator", "dt_ms", "check", "value", "reference", "error", "tolerance",
                                         "verdict", "reason"]], index=False))
    refused = mine[mine["verdict"] == "unavailable"].drop_duplicates("simulator")
    if len(refused):
        lines.append("")
    for _, row in refused.iterrows():
        lines.append(f"- not on {row['simulator']}: {row['reason']}")
    return "\n".join(lines)


def _differences_section(table, psp) -> str:
    lines = ["## Known differences between the simulators, measured\n"]
    if psp:
        lines.append("**One input spike** (0.5 nA into a LIF with tau_m 10 ms, cm 0.25 nF, tau_syn 2.5 ms): the "
                     "postsynaptic potential against its closed form. The charge ratio is the PSP's tail (10-30 ms "
                     "after arrival) over theory's; a backend declares it (`synaptic_charge_factor`).\n")
        lines.append(markdown_table(pd.DataFrame(psp)[["simulator", "dt_ms", "charge_ratio", "declared_ratio",
                                                       "max_error_mv", "peak_mv"]], index=False))
        lines.append("\n" + psp_summary(pd.DataFrame(psp)))
    orders = observed_orders(table)
    if len(orders):
        lines.append("\n**Order of convergence**, observed: each simulator's mean interspike interval against its "
                     "own at the finest step, between the two coarsest steps and the two finest compared. "
                     "Measured against the finest step rather than the exact value, the fine-end order reads "
                     "high (a true order 1 reads about 1.4, order 2 about 2.2). A scheme accurate within each "
                     "step has a tiny error dominated by the spike grid's quantisation: its orders are noise.\n")
        lines.append(markdown_table(orders, index=False))
    for simulator in [s for s in backends.names() if s in set(table["simulator"])]:
        lines.append(f"\n**{simulator}** declares:\n")
        lines += [f"- {note}" for note in differences.declared(simulator)]
    return "\n".join(lines)


def psp_summary(psp: pd.DataFrame) -> str:
    """What the PSP measurements say, from the backends' declarations."""
    exact = psp[psp["declared_ratio"] == 1.0]
    sentences = []
    if len(exact):
        sentences.append(f"{' and '.join(dict.fromkeys(exact['simulator']))} declare the exact charge and match "
                         f"the closed form to {exact['max_error_mv'].max():.1g} mV.")
    for simulator, rows in psp[psp["declared_ratio"] != 1.0].groupby("simulator", sort=False):
        doc = " ".join((backends.backend_class(simulator).synaptic_charge_factor.__doc__ or "").split())
        measured = ", ".join(f"{r.charge_ratio:.5f} against {r.declared_ratio:.5f} at dt {r.dt_ms:g} ms"
                             for r in rows.itertuples())
        sentences.append(f"{simulator} declares a factor ({measured}): {doc}")
    sentences.append("The matrix runs its cells under current clamp, which this does not touch; no agreement "
                     "tolerance includes this factor yet, so synaptic input is compared across such backends "
                     "only in the tests that apply the declared factor.")
    return " ".join(sentences)


def observed_orders(table: pd.DataFrame, metric: str = "mean_isi_ms") -> pd.DataFrame:
    """Per model and simulator with convergence rows of ``metric`` at three steps or
    more: log(e₁/e₂)/log(dt₁/dt₂) for the coarsest and the finest pair of steps."""
    rows = table[(table["kind"] == "convergence") & table["check"].str.startswith(f"{metric} vs")
                 & (table["error"] > 0)]
    found = []
    for (model, simulator), mine in rows.groupby(["model", "simulator"], sort=False):
        mine = mine.sort_values("dt_ms", ascending=False)
        if len(mine) < 2:
            continue
        dt, error = mine["dt_ms"].to_numpy(), mine["error"].to_numpy()
        order = np.log(error[:-1] / error[1:]) / np.log(dt[:-1] / dt[1:])
        found.append({"model": model, "simulator": simulator, "declared order": mine["order"].iloc[0],
                      "coarse": order[0], "fine": order[-1],
                      "error at the coarsest step (ms)": error[0]})
    return pd.DataFrame(found)


def _html(markdown_text: str) -> str:
    """A self-contained page from the report's Markdown (Python-Markdown, tables)."""
    import markdown

    body = markdown.markdown(markdown_text, extensions=["tables"])
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}"
             "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:2px 6px}"
             "code{background:#f3f3f3}img{max-width:100%}")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Conformance</title><style>{style}</style>"
            f"</head><body>{body}</body></html>\n")
