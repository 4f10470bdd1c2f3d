"""The page of ``zoo explore`` (HoloViz Panel): Run, Sweep, Conformance and Fits tabs, built
from the models' declarations. Every simulation goes through :mod:`zoo.web.jobs`."""
from __future__ import annotations

import asyncio
import io
import shlex
import time
from pathlib import Path

import numpy as np
import pandas as pd
import panel as pn

from .. import registry
from ..declarations.parameters import parse_values
from . import jobs
from .fits import FitsTab

#: Significant digits of the numbers shown in tables (the tests read them back).
DIGITS = 6
CSS = """
.zoo-message { color: #b00020; font-weight: 600; }
"""


def _format(table: pd.DataFrame) -> pd.DataFrame:
    return table.apply(lambda c: c.map(lambda v: f"{v:.{DIGITS}g}") if c.dtype.kind == "f" else c)


def _value_text(value) -> str:
    return "inf" if value == float("inf") else f"{value:g}"


def parse_parameter(name: str, text: str):
    """A widget's text as the command line reads ``--set NAME=TEXT``: a number, a list
    ``V1,V2,...`` or a range ``START:STOP:NUM`` (a population)."""
    values = parse_values(name, text.strip())
    return np.array(values) if ("," in text or ":" in text) else values[0]


def parse_seeds(text: str) -> list[int]:
    """The seeds box: whole numbers in [0, 2**31), as ``V1,V2,...`` or ``START:STOP:NUM``
    (each value whole); ValueError for a fraction or a seed given twice (the sweep
    would run it once, and the page's count of points would never be reached)."""
    from ..declarations.parameters import check_seed

    seeds = []
    for value in parse_values("seeds", text.strip()):
        if value != round(value):
            raise ValueError(f"seeds must be whole numbers, got {value:g}")
        seed = check_seed(int(round(value)))
        if seed in seeds:
            raise ValueError(f"seed {seed} is given twice; give each seed once")
        seeds.append(seed)
    return seeds


def command_line(model: str, simulator: str, changed: dict, settings: dict) -> str:
    words = ["zoo", "run", model, "--simulator", simulator]
    for name, text in changed.items():
        words += ["--set", f"{name}={text}"]
    for option, key in (("--duration", "duration_ms"), ("--dt", "dt_ms"), ("--seed", "seed")):
        if settings.get(key) is not None:
            words += [option, f"{settings[key]:g}"]
    return " ".join(shlex.quote(w) for w in words)


def python_snippet(model: str, simulators: list[str], changed: dict, settings: dict) -> str:
    args = [f"{name}={_python_value(parse_parameter(name, text))}" for name, text in changed.items()]
    args += [f"{key}={value!r}" for key, value in settings.items() if value is not None]
    call = ", ".join([repr(model), "simulator"] + args)
    return (f"import numpy as np\nimport zoo\n\nresults = {{simulator: zoo.run({call})\n"
            f"           for simulator in {simulators!r}}}")


def _python_value(value) -> str:
    return f"np.array({np.asarray(value).tolist()!r})" if np.ndim(value) else repr(float(value))


def _figure_pane(fig, name: str) -> pn.Column:
    """The figure as a PNG, with PNG and SVG downloads (the SVG drawn when asked for)."""
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=110)

    def svg():
        data = io.BytesIO()
        fig.savefig(data, format="svg")
        data.seek(0)
        return data

    return pn.Column(pn.pane.PNG(png.getvalue(), sizing_mode="stretch_width", max_width=1100),
                     pn.Row(pn.widgets.FileDownload(io.BytesIO(png.getvalue()), filename=f"{name}.png",
                                                    label=f"{name}.png", button_type="light"),
                            pn.widgets.FileDownload(callback=svg, filename=f"{name}.svg", label=f"{name}.svg",
                                                    button_type="light")))


def _table_downloads(table: pd.DataFrame, name: str) -> pn.Row:
    parquet = io.BytesIO()
    table.to_parquet(parquet, index=False)
    return pn.Row(pn.widgets.FileDownload(io.BytesIO(table.to_csv(index=False).encode()), filename=f"{name}.csv",
                                          label=f"{name}.csv", button_type="light"),
                  pn.widgets.FileDownload(io.BytesIO(parquet.getvalue()), filename=f"{name}.parquet",
                                          label=f"{name}.parquet", button_type="light"))


def usable_models() -> list[str]:
    """The models the page offers: those of ``zoo list``, plugins included, but a plugin
    that cannot be used (``zoo list`` names it and says why)."""
    usable = []
    for name in registry.list_models():
        try:
            registry.get(name)
        except ValueError:
            continue
        usable.append(name)
    return usable


class Explorer:
    """One browser tab's page."""

    def __init__(self, data: Path):
        self.data = Path(data)
        self.model = pn.widgets.Select(name="model", options=usable_models(), value="lif", width=260)
        self.about = pn.pane.Markdown(width=260)
        self.parameters = pn.Column()
        self.simulators = pn.widgets.CheckBoxGroup(name="simulators", inline=True)
        self.unavailable = pn.pane.Markdown(width=260)
        self.duration = pn.widgets.TextInput(name="duration (ms)", placeholder="the model's protocol", width=125)
        self.dt = pn.widgets.TextInput(name="dt (ms)", placeholder="the model's protocol", width=125)
        self.seed = pn.widgets.TextInput(name="seed", placeholder="the model's protocol", width=125)
        self.run_button = pn.widgets.Button(name="Run", button_type="primary", width=125)
        self.message = pn.pane.HTML("", css_classes=["zoo-message"], width=260)
        self.status = pn.pane.Markdown("Choose a model and press **Run**.", css_classes=["zoo-status"])
        self.output = pn.Column(sizing_mode="stretch_width")
        self.widgets: dict[str, pn.widgets.TextInput] = {}
        self.model.param.watch(self._model_changed, "value")
        self.run_button.on_click(self._on_run)
        self._model_changed()
        self.sweep = SweepTab(self)
        self.conformance = ConformanceTab(self.data)
        self.fits = FitsTab(self.data, _format)

    # -- the model's form, from its declaration -----------------------------------------
    def _model_changed(self, *_):
        spec = registry.get(self.model.value)
        self.about.object = f"**{spec.summary}**  \n_{spec.citation}_"
        self.widgets, self.errors = {}, {}
        for p in spec.parameters:
            hint = f"{p.doc}; {p.interval} {p.unit}" + ("; a list or START:STOP:NUM makes a population"
                                                       if p.per_neuron and spec.trials is None else "")
            self.widgets[p.name] = pn.widgets.TextInput(name=f"{p.name} ({p.unit})", value=_value_text(p.default),
                                                        description=hint, width=260)
            self.errors[p.name] = pn.pane.HTML("", css_classes=["zoo-message", f"zoo-error-{p.name}"], width=260,
                                               visible=False)
        self.parameters.objects = [item for name in self.widgets for item in (self.widgets[name], self.errors[name])]
        can, cannot = jobs.available(self.model.value)
        self.simulators.options = can
        self.simulators.value = can
        self.unavailable.object = "\n".join(f"- ~~{s}~~: {why}" for s, why in cannot.items())
        self.message.object = ""

    def _show_error(self, text: str) -> None:
        """The command line's message, at the top of the form and under each parameter it names."""
        self.message.object = text
        for name, pane in self.errors.items():
            named = f"'{name}'" in text or f"{name}=" in text or text.startswith(f"zoo: error: {name} ")
            pane.object, pane.visible = (text, True) if named else ("", False)

    def changed_parameters(self) -> dict[str, str]:
        spec = registry.get(self.model.value)
        return {name: w.value.strip() for name, w in self.widgets.items()
                if w.value.strip() != _value_text(spec.parameter(name).default)}

    def settings(self) -> dict:
        """duration_ms, dt_ms, seed as typed (None: the protocol's); ValueError naming the field."""
        settings = {}
        for key, widget, kind in (("duration_ms", self.duration, float), ("dt_ms", self.dt, float),
                                  ("seed", self.seed, int)):
            text = widget.value.strip()
            if text:
                try:
                    settings[key] = kind(text)
                except ValueError:
                    raise ValueError(f"{widget.name} must be {'a whole number' if kind is int else 'a number'}, "
                                     f"got {text!r}") from None
            else:
                settings[key] = None
        return settings

    def checked_request(self) -> tuple[dict, dict, dict]:
        """(parameters, settings, changed texts), checked as ``zoo run`` checks them,
        before anything starts: ValueError with the command line's message."""
        from ..runner import prepare

        changed = self.changed_parameters()
        params = {name: parse_parameter(name, text) for name, text in changed.items()}
        settings = self.settings()
        if not self.simulators.value:
            raise ValueError("choose at least one simulator")
        for simulator in self.simulators.value:
            prepare(self.model.value, simulator, settings["duration_ms"], settings["dt_ms"], settings["seed"], None,
                    params)
        return params, settings, changed

    # -- running ---------------------------------------------------------------------------
    async def _on_run(self, _event):
        try:
            params, settings, changed = self.checked_request()
        except ValueError as error:
            self._show_error(f"zoo: error: {error}")
            self.status.object = f"**Nothing was run.** zoo: error: {error}"
            return
        for pane in self.errors.values():
            pane.object, pane.visible = "", False
        self.message.object = ""
        model, simulators = self.model.value, list(self.simulators.value)
        self.output.objects = []  # the last result goes, so that no old number passes for the new one
        self.run_button.disabled = True
        self.status.object = f"Running {model} on {', '.join(simulators)} …"
        started = time.perf_counter()
        try:
            results = await asyncio.wrap_future(jobs.submit_run(model, simulators, settings, params))
        finally:
            self.run_button.disabled = False
        elapsed = time.perf_counter() - started
        self.show_results(model, results, changed, settings, elapsed)

    def show_results(self, model, results, changed, settings, elapsed) -> None:
        from .. import figures

        ok = {s: r for s, r in results.items() if not isinstance(r, str)}
        failed = {s: r for s, r in results.items() if isinstance(r, str)}
        self.status.object = (f"**{model}** on {', '.join(results)} in {elapsed:.2f} s"
                              + "".join(f"  \n**{s} failed:** {why}" for s, why in failed.items()))
        objects = []
        if ok:
            summary = pd.concat([r.summary.assign(simulator=s) for s, r in ok.items()], ignore_index=True)
            summary = summary[["simulator"] + [c for c in summary.columns if c != "simulator"]]
            spec = registry.get(model)
            varying = [p for p in spec.parameter_names if summary[p].nunique() > 1]
            row = "population" if spec.network else "neuron"  # a network: one row per population
            shown = summary[["simulator", row, *varying, *(c for c in summary.columns
                                                           if c not in ("simulator", row)
                                                           and c not in spec.parameter_names)]]
            objects += [pn.pane.Markdown(f"### Summary (one row per {row} and simulator; every parameter is in the "
                                         "downloads)"),
                        pn.pane.DataFrame(_format(shown), index=False, css_classes=["zoo-summary"],
                                          sizing_mode="stretch_width", max_height=400),
                        _table_downloads(summary, f"{model}-summary")]
            if spec.network:
                objects += [pn.pane.Markdown(
                    "### Cross-check between simulators\nA network's trains decorrelate within tens of milliseconds: "
                    f"simulators agree in distribution, over seeds. `zoo check {model}` judges them.",
                    css_classes=["zoo-message"])]
            else:
                objects += [pn.pane.Markdown("### Membrane potential and spikes, simulators overlaid"),
                            _figure_pane(overlay_figure(ok), f"{model}-overlay")]
            if len(ok) > 1 and not spec.network:
                objects += cross_check_section(model, ok)
            for simulator, result in ok.items():
                objects += [pn.pane.Markdown(f"### {simulator}: the run's figure"),
                            _figure_pane(figures.run_figure(result), f"{model}-{simulator}")]
            objects += [pn.pane.Markdown("### The same from a terminal, or from Python"),
                        pn.pane.Markdown("```bash\n" + "\n".join(command_line(model, s, changed, settings)
                                                                 for s in ok) + "\n```"),
                        pn.pane.Markdown("```python\n" + python_snippet(model, list(ok), changed, settings)
                                         + "\n```")]
        self.output.objects = objects

    def view(self) -> pn.template.BaseTemplate:
        # what to run on, and the Run button, before the (long) list of parameters
        sidebar = pn.Column(self.model, self.about, pn.pane.Markdown("**Simulators**"), self.simulators,
                            self.unavailable, pn.Row(self.duration, self.dt), pn.Row(self.seed, self.run_button),
                            self.message, pn.pane.Markdown("**Parameters** (PyNN units)"), self.parameters)
        tabs = pn.Tabs(("Run", pn.Column(self.status, self.output, sizing_mode="stretch_width")),
                       ("Sweep", self.sweep.view()), ("Conformance", self.conformance.view()),
                       ("Fits", self.fits.view()), dynamic=False)
        return pn.template.FastListTemplate(title="Spiking model zoo: explorer", sidebar=[sidebar], main=[tabs],
                                            sidebar_width=300, raw_css=[CSS])


def cross_check_section(model: str, results: dict) -> list:
    """The Run tab's cross-check: its heading, then the verdict table and its downloads, or,
    where the comparison raises, the error where the table would be (it vanished)."""
    objects = [pn.pane.Markdown("### Cross-check between simulators")]
    try:
        verdicts = cross_check(results)
    except Exception as error:  # noqa: BLE001 - said on the page, where the table would be
        return objects + [pn.pane.Markdown(f"No cross-check: {type(error).__name__}: {error}",
                                           css_classes=["zoo-message", "zoo-cross-check-error"])]
    return objects + [pn.pane.DataFrame(_format(verdicts), index=False, css_classes=["zoo-verdicts"],
                                        sizing_mode="stretch_width"),
                      _table_downloads(verdicts, f"{model}-verdicts")]


def cross_check(results: dict) -> pd.DataFrame:
    """The verdict table of the simulators against each other (``explorer.compare``), for
    the runs as one-point sweeps; raises what the comparison raises (the page says it)."""
    import explorer

    rows = []
    for simulator, result in results.items():
        info = result.info
        summary = result.summary.drop(columns="neuron")
        frame = summary.assign(model=info["model"], simulator=simulator, simulator_version=info["simulator_version"],
                               dt_ms=info["dt_ms"], duration_ms=info["duration_ms"], seed=info["seed"], status="ok",
                               spike_times_ms=result.spike_trains_ms(), key=[f"{simulator}-{i}" for i in range(len(summary))],
                               pair_key=[str(i) for i in range(len(summary))])
        rows.append(frame)
    table = pd.concat(rows, ignore_index=True)
    return explorer.verdicts(explorer.compare(table, list(results))).drop(columns=["pass"])


def overlay_figure(results: dict):
    """v(t) of the first traced neuron of each simulator, overlaid, above each one's raster."""
    from ..figures import new_figure
    from ..spike_plots import trains_of

    fig = new_figure(figsize=(10, 5.5))
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    offset = 0
    ticks = []
    for index, (simulator, result) in enumerate(results.items()):
        traces = result.traces[result.traces["variable"] == "v"]
        if len(traces):
            neuron = traces["neuron"].iloc[0]
            mine = traces[traces["neuron"] == neuron]
            # widest first, so that traces that coincide stay visible under one another
            top.plot(mine["t_ms"], mine["value"], lw=max(0.8, 3.0 - 1.0 * index), label=f"{simulator}, neuron {neuron}")
        trains = trains_of(result.spikes, result.summary["neuron"])
        bottom.eventplot([t for t in trains], lineoffsets=np.arange(len(trains)) + offset, linelengths=0.8,
                         colors=top.lines[-1].get_color() if top.lines else "k", linewidths=0.8)
        ticks.append((offset + (len(trains) - 1) / 2, simulator))
        offset += len(trains) + 1
    top.set_ylabel("v (mV)")
    if top.lines:
        top.legend(fontsize="small", loc="upper right")
    bottom.set_yticks([t for t, _ in ticks], [s for _, s in ticks])
    bottom.set_ylabel("neurons")
    bottom.set_xlabel("t (ms)")
    duration = float(next(iter(results.values())).info["duration_ms"])
    bottom.set_xlim(0, duration)
    fig.tight_layout()
    return fig


class SweepTab:
    """One or two parameters over ranges (and seeds), through ``zoo sweep`` processes."""

    def __init__(self, page: Explorer):
        self.page = page
        self.x = pn.widgets.Select(name="parameter 1", width=200)
        self.x_values = pn.widgets.TextInput(name="values (START:STOP:NUM or V1,V2,...)", value="0:2:11", width=260)
        self.y = pn.widgets.Select(name="parameter 2 (optional)", width=200)
        self.y_values = pn.widgets.TextInput(name="values", value="", width=260)
        self.seeds = pn.widgets.TextInput(name="seeds", value="1", width=120)
        self.start_button = pn.widgets.Button(name="Start sweep", button_type="primary", width=140)
        self.cancel_button = pn.widgets.Button(name="Cancel", button_type="warning", width=100, disabled=True)
        self.progress = pn.indicators.Progress(value=0, max=1, width=400, bar_color="info")
        self.status = pn.pane.Markdown("", css_classes=["zoo-sweep-status"])
        self.message = pn.pane.HTML("", css_classes=["zoo-message"])
        self.stored = pn.widgets.Select(name="stored sweeps", width=320)
        self.open_button = pn.widgets.Button(name="Open", width=80)
        self.metric = pn.widgets.Select(name="metric drawn", width=200)
        self.output = pn.Column(sizing_mode="stretch_width")
        self.job: jobs.SweepJob | None = None
        self.shown_folder: Path | None = None
        self.metric.param.watch(lambda _: self._open(self.shown_folder) if self.shown_folder else None, "value")
        self._poll = None
        page.model.param.watch(self._model_changed, "value")
        self.start_button.on_click(self._start)
        self.cancel_button.on_click(self._cancel)
        self.open_button.on_click(lambda _: self._open(self.page.data / self.stored.value) if self.stored.value else None)
        self._model_changed()

    def _model_changed(self, *_):
        spec = registry.get(self.page.model.value)
        names = spec.parameter_names
        self.metric.options = spec.metric_names
        self.metric.value = "rate_hz" if "rate_hz" in spec.metric_names else spec.metric_names[0]
        self.x.options = names
        self.x.value = "i_offset" if "i_offset" in names else names[0]
        self.y.options = [""] + names
        self.y.value = ""
        self._refresh_stored()

    def _refresh_stored(self):
        model = self.page.model.value
        self.stored.options = [s for s in jobs.stored_sweeps(self.page.data) if s.startswith(f"{model}-")]

    def request(self) -> jobs.SweepJob:
        grid = {self.x.value: parse_values(self.x.value, self.x_values.value.strip())}
        if self.y.value:
            if self.y.value == self.x.value:
                raise ValueError("choose two different parameters")
            grid[self.y.value] = parse_values(self.y.value, self.y_values.value.strip())
        seeds = parse_seeds(self.seeds.value)
        settings = self.page.settings()
        simulators = list(self.page.simulators.value)
        if not simulators:
            raise ValueError("choose at least one simulator")
        import explorer.points as pts

        protocol = registry.get(self.page.model.value).protocol
        points = pts.expand({k: list(v) for k, v in grid.items()}, None, None, 0)
        pts.validate(self.page.model.value, points, simulators,
                     protocol.dt_ms if settings["dt_ms"] is None else settings["dt_ms"],
                     protocol.duration_ms if settings["duration_ms"] is None else settings["duration_ms"])
        return jobs.sweep_job(self.page.data, self.page.model.value, grid, simulators, seeds,
                              {k: settings[k] for k in ("duration_ms", "dt_ms")})

    async def _start(self, _event):
        try:
            job = self.request()
        except (ValueError, TypeError) as error:
            self.message.object = f"zoo: error: {error}"
            self.status.object = "Nothing was started."
            return
        self.message.object = ""
        self.job = job
        joined = not jobs.start(job)
        self.start_button.disabled, self.cancel_button.disabled = True, False
        self.progress.max, self.progress.value = job.expected, min(job.stored(), job.expected)
        self.status.object = (f"{'Joined the running sweep' if joined else 'Sweeping'}: {job.stored()} of "
                              f"{job.expected} points stored …")
        self._poll = pn.state.add_periodic_callback(self._tick, period=500)

    def _tick(self):
        job = self.job
        done = job.stored()
        self.progress.value = min(done, job.expected)
        if job.running:
            self.status.object = f"Sweeping: {done} of {job.expected} points stored …"
            return
        self._poll.stop()
        self.start_button.disabled, self.cancel_button.disabled = False, True
        ended = job.process.returncode
        # the sweep's own summary line ("sweep: 12 ok, 0 failed, 12 already stored (of 24), ...")
        last = next((line for line in reversed(job.log) if line.startswith(("sweep:", "zoo:"))), "")
        if ended == 0:
            self.status.object = f"Done: {done} of {job.expected} points stored in `{job.out}`. {last}"
        else:
            self.status.object = (f"Stopped: {done} of {job.expected} points stored in `{job.out}`; "
                                  f"Start sweep again resumes. {last}")
        self._refresh_stored()
        self._open(job.out)

    def _cancel(self, _event):
        if self.job is not None:
            self.job.cancel()

    def _open(self, folder: Path):
        import explorer

        self.shown_folder = Path(folder)
        table = jobs.read_sweep(folder)
        if table.empty:
            self.output.objects = [pn.pane.Markdown(table.attrs.get("note") or "No point stored yet.")]
            return
        shown = table.drop(columns=["spike_times_ms"], errors="ignore")
        objects = [pn.pane.Markdown(f"### `{Path(folder).name}`: {len(table)} rows")]
        if table.attrs.get("note"):
            objects.append(pn.pane.Markdown(f"Note: {table.attrs['note']}", css_classes=["zoo-sweep-note"]))
        varying = [p for p in registry.get(table["model"].iloc[0]).parameter_names if table[p].nunique() > 1]
        ok = table[table["status"] == "ok"]
        if len(ok):
            metric = self.metric.value if self.metric.value in table else explorer.plots.default_metric(table)
            objects.append(_figure_pane(explorer.sweep_figure(table, metric), Path(folder).name))
            if len(varying) >= 2:
                heat = ok.groupby(["simulator"] + varying[:2])[metric].mean().reset_index()
                objects += [pn.pane.Markdown(f"**{metric}** behind the heatmaps (mean over seeds)"),
                            pn.pane.DataFrame(_format(heat), index=False, css_classes=["zoo-sweep-table"])]
        if ok["simulator"].nunique() > 1:
            try:
                verdicts = explorer.verdicts(explorer.compare(table)).drop(columns=["pass"])
                objects += [pn.pane.Markdown("**The simulators against each other** (`zoo compare`)"),
                            pn.pane.DataFrame(_format(verdicts), index=False, css_classes=["zoo-sweep-verdicts"],
                                              sizing_mode="stretch_width")]
            except ValueError as error:
                objects.append(pn.pane.Markdown(f"No comparison: {error}"))
        objects += [pn.pane.DataFrame(_format(shown), index=False, max_height=300, sizing_mode="stretch_width",
                                      css_classes=["zoo-sweep-rows"]),
                    _table_downloads(shown, Path(folder).name),
                    pn.pane.Markdown("```bash\n" + " ".join(shlex.quote(w) for w in ["zoo"] + self._cli_words())
                                     + "\n```"),
                    pn.pane.Markdown("```python\nimport pandas as pd\nimport explorer\n\n"
                                     f"table = pd.read_parquet({str(folder)!r})  # or rerun it: explorer.sweep(...)\n"
                                     f"explorer.plot_sweep(table, 'sweep.png', metric={metric if len(ok) else None!r})"
                                     "\nexplorer.verdicts(explorer.compare(table))  # two simulators or more\n```")]
        self.output.objects = objects

    def _cli_words(self) -> list[str]:
        if self.job is None:
            return ["sweep", "..."]
        words = self.job.command
        return words[words.index("sweep"):]

    def view(self):
        return pn.Column(
            pn.pane.Markdown("Sweep the model chosen on the left over one or two parameters, on the simulators "
                             "ticked there; points are stored in the data folder as `zoo sweep` stores them, and a "
                             "stopped sweep resumes where it stopped."),
            pn.Row(self.x, self.x_values), pn.Row(self.y, self.y_values),
            pn.Row(self.seeds, self.metric), pn.Row(self.start_button, self.cancel_button), self.progress,
            self.status, self.message,
            pn.Row(self.stored, self.open_button), self.output, sizing_mode="stretch_width")


class ConformanceTab:
    """The conformance matrix that ``zoo conformance`` wrote (``--data``/conformance, else
    the committed ``docs/conformance``), each model's figure on choice."""

    def __init__(self, data: Path):
        self.folder = next((f for f in (Path(data) / "conformance", Path("docs")) if (f / "conformance.md").exists()
                            or (f / "conformance.parquet").exists()), None)
        self.model = pn.widgets.Select(name="model's figure", width=260)
        self.figure = pn.Column()
        self.model.param.watch(self._show, "value")

    def _matrix(self) -> pd.DataFrame:
        """The report's matrix (its first Markdown table) as a table."""
        report = self.folder / "conformance.md"
        lines = [line for line in (report.read_text().splitlines() if report.exists() else [])]
        start = next((i for i, line in enumerate(lines) if line.startswith("| model |")), None)
        if start is None:
            return pd.DataFrame({"model": []})
        rows = []
        for line in lines[start:]:
            if not line.startswith("|"):
                break
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
        return pd.DataFrame([r for r in rows[2:]], columns=rows[0])

    def _show(self, *_):
        path = self.folder / "conformance" / f"{self.model.value}.png"
        caption = pn.pane.Markdown(f"`{self.model.value}`: error against the time step", css_classes=["zoo-caption"])
        self.figure.objects = [caption, pn.pane.PNG(str(path), sizing_mode="stretch_width", max_width=1100)] \
            if path.exists() else [pn.pane.Markdown("No figure for this model (no error against dt is drawn).")]

    def view(self):
        if self.folder is None:
            return pn.pane.Markdown("No conformance report yet: run `zoo conformance --out DATA/conformance "
                                    "--report DATA/conformance/conformance.md` or `make conformance`.")
        figures = sorted(p.stem for p in (self.folder / "conformance").glob("*.png"))
        self.model.options = figures
        if figures:
            self.model.value = figures[0]
            self._show()
        matrix = self._matrix()
        table = pn.widgets.Tabulator(matrix, show_index=False, disabled=True, selectable=False,
                                     css_classes=["zoo-matrix"], sizing_mode="stretch_width")

        def clicked(event):  # a cell of a model's row shows that model's figure
            model = matrix.iloc[event.row]["model"]
            if model in self.model.options:
                self.model.value = model

        table.on_click(clicked)
        return pn.Column(pn.pane.Markdown(f"From `{self.folder / 'conformance.md'}` (`make conformance` "
                                          "regenerates it); click a row for its model's figure:"),
                         table, self.model, self.figure, sizing_mode="stretch_width")


def serve(port: int, host: str, data: Path, show: bool = False) -> None:
    """Serve the page at http://HOST:PORT/ until interrupted; warm the simulators first."""
    pn.extension(raw_css=[CSS], notifications=False)
    data.mkdir(parents=True, exist_ok=True)
    jobs.warm_up()
    print(f"zoo explore: http://{host}:{port}/  (data: {data}; Ctrl-C stops)", flush=True)
    pn.serve({"/": lambda: Explorer(data).view()}, port=port, address=host, show=show, title="zoo explorer",
             websocket_origin=[f"{host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"], print_url=False)
