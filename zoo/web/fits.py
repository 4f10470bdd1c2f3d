"""The Fits tab of ``zoo explore``: a fit that ``zoo fit`` stored (``best.json``,
``scores.parquet``, ``trials.parquet``, ``fit.png``) opened in the browser: its parameters
with units, its scores per stimulus set and simulator, its figure, and the commands that
reproduce it. Fits are found in the page's data folder (``zoo fit ... --out DATA/NAME``), or
opened from any folder by path."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import panel as pn

#: How deep under the data folder stored fits are looked for (``DATA/NAME``, ``DATA/GROUP/NAME``).
SEARCH_DEPTH = 2


def stored_fits(data: Path) -> list[str]:
    """Folders under ``data`` (relative paths) that hold a finished fit."""
    data = Path(data)
    found = [p.parent for depth in range(1, SEARCH_DEPTH + 1) for p in data.glob("/".join(["*"] * depth) + "/best.json")
             if (p.parent / "fit.json").exists()]
    return sorted(str(p.relative_to(data)) for p in found)


def read_fit(folder: Path) -> tuple[dict, pd.DataFrame]:
    """(best.json, scores.parquet) of a stored fit; ValueError naming what is missing."""
    folder = Path(folder)
    missing = [name for name in ("best.json", "scores.parquet") if not (folder / name).exists()]
    if missing:
        raise ValueError(f"{folder} holds no finished fit (missing: {', '.join(missing)}); "
                         "`zoo fit MODEL --target DATA --out DIR` writes one")
    return json.loads((folder / "best.json").read_text()), pd.read_parquet(folder / "scores.parquet")


def parameter_table(best: dict) -> pd.DataFrame:
    return pd.DataFrame([{"parameter": name, "value": entry["value"], "unit": entry["unit"],
                          "fitted": "fitted" if entry["fitted"] else "fixed"}
                         for name, entry in best["parameters"].items()])


def score_table(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per stimulus set, a column per simulator for each defined measure."""
    measures = [m for m in ("gamma_over_gamma_int", "f1", "model_rate_hz") if m in scores and scores[m].notna().any()]
    wide = scores.pivot(index="set", columns="simulator", values=measures)
    wide.columns = [f"{measure} {simulator}" for measure, simulator in wide.columns]
    first = scores.drop_duplicates("set").set_index("set")
    table = wide.reset_index()
    table.insert(1, "role", table["set"].map(first["role"]))
    for name in ("data_rate_hz", "gamma_int"):  # a fit stored before rates were reported has no data_rate_hz
        if name in first and first[name].notna().any():
            table.insert(2, name, table["set"].map(first[name]))
    return table


class FitsTab:
    """Open a stored fit."""

    def __init__(self, data: Path, formatter):
        self.data = Path(data)
        self.format = formatter
        self.stored = pn.widgets.Select(name="stored fits (in the data folder)", width=320)
        self.path = pn.widgets.TextInput(name="or a fit's folder", placeholder="path to a zoo fit --out folder",
                                         width=320)
        self.open_button = pn.widgets.Button(name="Open fit", button_type="primary", width=100)
        self.message = pn.pane.HTML("", css_classes=["zoo-message", "zoo-fit-message"])
        self.output = pn.Column(sizing_mode="stretch_width")
        self.open_button.on_click(lambda _: self.open(self._chosen()))
        self.refresh()

    def refresh(self) -> None:
        self.stored.options = stored_fits(self.data)

    def _chosen(self) -> Path | None:
        typed = self.path.value.strip()
        if typed:
            return Path(typed)
        return self.data / self.stored.value if self.stored.value else None

    def open(self, folder: Path | None) -> None:
        if folder is None:
            self.message.object = "zoo: error: no stored fit in the data folder; type a fit's folder"
            return
        try:
            best, scores = read_fit(folder)
            parameters, table = parameter_table(best), score_table(scores)
        except (ValueError, KeyError) as error:  # KeyError: a best.json of another layout
            self.message.object = f"zoo: error: {error}"
            self.output.objects = []
            return
        self.message.object = ""
        score = best["score"]
        objective = score.get("objective", "spikes")
        key, label = {"voltage": ("mean_f1_training", "mean F1 of v"),
                      "rates": ("rate_score_training", "rate score")}.get(objective, ("mean_gamma_training", "mean Γ"))
        value = score.get(key)
        headline = f"{label} " + ("undefined (250 Hz or more on a set)" if value is None else f"{value:.3f}")
        objects = [
            pn.pane.Markdown(f"### `{best['model']}` fitted on {best['simulator']} to `{best['data']['target']}`\n"
                             f"{best['search']['trials']} trials ({best['search']['optimiser']}, seed "
                             f"{best['search']['seed']}), objective **{objective}**: {headline} over the training "
                             f"sets {', '.join(best['data']['training'])}; held out: "
                             f"{', '.join(best['data']['holdout']) or 'none'}", css_classes=["zoo-fit-title"]),
            pn.pane.DataFrame(self.format(parameters), index=False, css_classes=["zoo-fit-parameters"]),
            pn.pane.Markdown("**Scores per stimulus set and simulator** (`scores.parquet`)"),
            pn.pane.DataFrame(self.format(table), index=False, css_classes=["zoo-fit-scores"],
                              sizing_mode="stretch_width"),
        ]
        figure = Path(folder) / "fit.png"
        if figure.exists():
            objects.append(pn.pane.PNG(str(figure), sizing_mode="stretch_width", max_width=1300,
                                       css_classes=["zoo-fit-figure"]))
        commands = "\n".join(f"# set {name}\n{command}" for name, command in best["commands"].items())
        objects += [pn.pane.Markdown("**Each set's run from a terminal** (prints the same score)"),
                    pn.pane.Markdown(f"```bash\n{commands}\n```", css_classes=["zoo-fit-commands"]),
                    pn.pane.Markdown(f"Versions: {', '.join(f'{k} {v}' for k, v in best['versions'].items())}")]
        self.output.objects = objects

    def view(self):
        return pn.Column(
            pn.pane.Markdown("A fit stored by `zoo fit ... --out DIR`: put it in the data folder, or type its folder."),
            pn.Row(self.stored, self.path, self.open_button), self.message, self.output, sizing_mode="stretch_width")
