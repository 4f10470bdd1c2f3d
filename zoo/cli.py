"""The ``zoo`` command: one small function per verb, each calling library code."""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import pandas as pd

from . import backends, registry
from .recordings import CURRENT_UNITS

SIMULATOR_CHOICES = tuple(backends.names())


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit code 2."""

    def error(self, message):
        self.exit(2, f"zoo: error: {message}\n")


def main(argv=None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "verb", None):
        parser.print_help()
        return 2
    try:
        return args.verb(args)
    except ValueError as error:
        print(f"zoo: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        # Ctrl-C: one line saying what was kept (a sweep says how many points and where)
        print(f"zoo: {str(interrupt) or 'interrupted; nothing was written'}", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (zoo ... | head): end quietly, the files were written first
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def cmd_list(args) -> int:
    from . import registry

    rows, unusable = [], registry.conflicts()
    for name in registry.list_models():
        try:
            rows.append((name, registry.get(name).summary))
        except ValueError as error:  # a plugin that cannot be used is named; the others are listed
            unusable.append(str(error))
    width = max(len(name) for name, _ in rows)
    for name, summary in rows:
        print(f"{name:<{width}}  {summary}")
    for line in unusable:
        print(f"zoo: warning: {line}", file=sys.stderr)
    return 0


def cmd_show(args) -> int:
    from . import registry

    spec = registry.get(args.model)
    print(f"{spec.name}: {spec.summary}")
    print(f"reference: {spec.citation}\n")
    table = pd.DataFrame(
        [
            {
                "parameter": p.name,
                "unit": p.unit,
                "default": p.default,
                "range": str(p.interval),
                "per_neuron": "yes" if p.per_neuron else "no",
                "meaning": p.doc,
            }
            for p in spec.parameters
        ]
    )
    print(table.to_string(index=False))
    limited = [p for p in spec.parameters if p.limit]
    if limited:
        print("limits (where a range stops short of what the physics allows):")
        for p in limited:
            print(f"  {p.name}: {p.limit}")
    checks = [" ".join((c.__doc__ or c.__name__).split()) for c in spec.constraints]
    if checks:
        print("also checked before a run:")
        for check in checks:
            print(f"  {check}")
    protocol = spec.protocol
    print(f"\nprotocol: {protocol.stimulus}; {protocol.duration_ms:g} ms at dt = {protocol.dt_ms:g} ms; "
          f"records {', '.join(protocol.recorded)} (v of up to {protocol.traced_neurons} neurons)")
    print("metrics:")
    for m in spec.metrics:
        print(f"  {m.label}: {m.doc}" + ("" if m.compared else " [informational]"))
    if spec.validation.closed_form is not None:
        print(f"closed form: {spec.validation.closed_form.doc}")
    print("simulators: " + ", ".join(backends.available(spec)))
    for simulator, reason in backends.unavailable(spec).items():
        print(f"  not on {simulator}: {reason}")
    for simulator in backends.available(spec):
        records = backends.backend_class(simulator).cell_types
        for cell_type in spec.cell_types:
            record = records.get(cell_type)
            if record is None:
                continue
            scheme = record.scheme.name.replace("_", " ") + (f" ({record.scheme.note})" if record.scheme.note else "")
            print(f"  on {simulator}, {cell_type}: {scheme}; spikes: {record.spike_rule}")
            if record.limit:
                print(f"    limit: {record.limit}")
    fitting = spec.fit_space
    if fitting.bounds:
        units = {p.name: p.unit for p in spec.parameters}
        print("fit space (zoo fit): " + ", ".join(
            f"{b.name} {b.low:g}:{b.high:g} {units[b.name]}{' (log)' if b.log else ''}" for b in fitting.bounds))
        print("  fixed: " + ", ".join(f"{name} = {value:g} {units[name]}" for name, value in fitting.fixed.items())
              + (f"; {fitting.note}" if fitting.note else ""))
    return 0


def cmd_run(args) -> int:
    from .runner import MEMORY_BUDGET_GIB, run

    params = _settings(args.set, "--set", _parse_setting)
    _check_output(args.out, (".parquet", ".csv"), "--out")
    _check_output(args.plot, (".png", ".pdf", ".svg"), "--plot")
    current, recorded_trains = _recorded_current(args)
    result = run(args.model, simulator=args.simulator, duration_ms=args.duration, dt_ms=args.dt, seed=args.seed,
                 threads=args.threads,
                 max_memory_gib=MEMORY_BUDGET_GIB if args.max_memory is None else args.max_memory, **current,
                 **params)
    # files first, then the terminal: a closed pipe (zoo run ... | head) loses nothing
    written = result.save(args.out) if args.out else []
    if args.plot:
        written.append(result.plot(args.plot))
    info = result.info
    print(
        f"{info['model']} on {info['simulator']} {info['simulator_version']} (PyNN {info['pynn_version']}): "
        f"{info['n_neurons']} neuron(s), {info['duration_ms']:g} ms at dt = {info['dt_ms']:g} ms, "
        f"seed {info['seed']}, {info['wall_time_s']:.2f} s"
    )
    varying = [name for name, value in params.items() if np.ndim(value) == 1]
    first = "population" if "population" in result.summary else "neuron"  # a network: one row per population
    columns = [first, *varying, *(c for c in result.summary.columns if c not in (first, *result_parameters(result)))]
    with pd.option_context("display.max_rows", 20, "display.width", 120):
        print(result.summary[columns].to_string(index=False, max_rows=20, float_format=lambda x: f"{x:.4g}"))
    for note in result.notes:
        print(f"note: {note}")
    if recorded_trains:
        print(_coincidence_line(result, recorded_trains, args))
    for path in written:
        print(f"wrote {path}")
    return 0


def _recorded_current(args) -> dict:
    """``current_nA`` and ``current_dt_ms`` from ``--current FILE`` (none without it): one
    stimulus set's current, of one trial or the mean over its trials."""
    if args.current is None:
        for flag, value in (("--current-dt", args.current_dt), ("--current-unit", args.current_unit),
                            ("--current-set", args.current_set), ("--current-trial", args.current_trial)):
            if value is not None:
                raise ValueError(f"{flag} needs --current FILE")
        return {}, []
    from . import recordings

    found = recordings.read(args.current, args.current_dt, args.current_unit)
    stimulus_set = args.current_set
    if stimulus_set is None:
        if len(found.sets) > 1:
            raise ValueError(f"{args.current} holds stimulus sets {', '.join(found.sets)}; choose one with "
                             "--current-set")
        stimulus_set = found.sets[0]
    if args.current_trial is not None and args.current_trial not in found.trials(stimulus_set):
        raise ValueError(f"--current-trial {args.current_trial}: set {stimulus_set} has trials "
                         f"{', '.join(map(str, found.trials(stimulus_set)))}")
    trains = found.spike_trains(stimulus_set) if args.current_trial is None else []
    return ({"current_nA": found.current(stimulus_set, args.current_trial), "current_dt_ms": found.dt_ms},
            [t for t in trains] if sum(len(t) for t in trains) and len(trains) > 1 else [])


def _coincidence_line(result, trains, args) -> str:
    """Γ of each neuron's train against the recorded repetitions (what ``zoo fit`` scores)."""
    from .declarations import coincidence

    duration = float(result.info["duration_ms"])
    trains = [train[train <= duration] for train in trains]  # a run shorter than the recording
    reliability = coincidence.intrinsic_reliability(trains, duration)
    gammas = [coincidence.mean_gamma(result.spikes.loc[result.spikes["neuron"] == n, "t_ms"].to_numpy(), trains,
                                     duration) for n in range(int(result.info["n_neurons"]))]
    shown = ", ".join(f"{g:.4f}" for g in gammas[:10]) + (" ..." if len(gammas) > 10 else "")
    return (f"Γ against the {len(trains)} recorded trials (±{coincidence.WINDOW_MS:g} ms): {shown}; "
            f"their own Γ_int {reliability:.4f}, Γ/Γ_int {gammas[0] / reliability:.4f}")


def cmd_check(args) -> int:
    from . import registry
    from .checks import check_model

    spec = registry.get(args.model)
    simulators = backends.available(spec)
    if args.simulator:
        refused = backends.unavailable(spec)
        for name in args.simulator:
            if name in refused:
                raise ValueError(f"{args.model!r} cannot run on {name}: {refused[name]}; "
                                 f"valid simulators for it: {', '.join(simulators)}")
        simulators = list(dict.fromkeys(args.simulator))
    validation = spec.validation
    against = [w for w, has in (("the closed form", validation.closed_form), ("published values", validation.studies))
               if has]
    against += ["each other"] if len(simulators) > 1 else []
    report = check_model(args.model, simulators, step=lambda text: print(text, file=sys.stderr, flush=True))
    print(f"check {args.model}: {' and '.join(simulators)} against {' and '.join(against)}")
    for simulator, reason in backends.unavailable(spec).items() if not args.simulator else ():
        print(f"  not on {simulator}: {reason}")
    print(_fit(_shown(report.verdicts), "worst_at", args.verbose))
    print(VERDICT_LEGEND)
    if report.nothing_judged:
        print(f"\n{args.model}: NOTHING JUDGED on {' and '.join(simulators)}: {report.why_nothing_judged}")
        return NOTHING_JUDGED
    print(f"\n{args.model}: {'PASS' if report.passed else 'FAIL'}")
    return 0 if report.passed else 1


#: ``zoo check``'s exit code when nothing was judged (0: pass, 1: fail, 2: bad input).
NOTHING_JUDGED = 3


def cmd_conformance(args) -> int:
    from pathlib import Path

    from .conformance import run_conformance
    from .conformance.report import write_report

    import explorer

    explorer.check_out(args.out)
    _check_output(args.report, (".md",), "--report")
    report = Path(args.report or Path(args.out) / "conformance.md")
    table = run_conformance(args.model, args.simulator, quick=args.quick, out=args.out, workers=args.workers,
                            scheduler=args.scheduler,
                            step=lambda text: print(f"conformance: {text}", file=sys.stderr, flush=True))
    psp = json.loads((Path(args.out) / "differences.json").read_text())
    command = "zoo " + " ".join(sys.argv[1:]) if Path(sys.argv[0]).name == "zoo" else "zoo conformance"
    files = write_report(table, report, command, psp)
    counts = table["verdict"].value_counts()
    print(", ".join(f"{counts.get(v, 0)} {v}" for v in ("pass", "poor", "fail", "unavailable", "info")))
    print(f"table: {Path(args.out) / 'conformance.parquet'}")
    print(f"report: {files[0]} and {files[1]}")
    return 1 if counts.get("fail", 0) or counts.get("poor", 0) else 0


def cmd_sweep(args) -> int:
    import explorer
    from .declarations.parameters import parse_range, parse_values

    grid = _settings(args.grid, "--grid", lambda text: _split(text, "--grid", parse_values))
    samples = _settings(args.random, "--random", lambda text: _split(text, "--random", parse_range))
    if samples and not args.samples:
        raise ValueError("--random needs --samples N")
    table = explorer.sweep(
        args.model, grid=grid, samples=samples, n_samples=args.samples, simulators=args.simulator or [backends.DEFAULT],
        seeds=args.seed or [1], duration_ms=args.duration, dt_ms=args.dt, out=args.out, scheduler=args.scheduler,
        workers=args.workers, batch_size=args.batch_size, retry_failed=args.retry_failed,
        sample_seed=args.sample_seed, progress=None,  # a bar on a terminal, none in a log file
    )
    print(explorer.summary_line(table.attrs["counts"]))
    print(f"table: {args.out} (pandas.read_parquet opens it)")
    failed = table[table["status"] == "failed"]
    for _, row in failed.head(5).iterrows():
        print(f"failed {row['simulator']} seed {row['seed']}: {row['error'].splitlines()[0][:200]}")
    return 0


def _number(value) -> str:
    """A score for the terminal: three decimals, or "n/a" where it is not defined (null)."""
    return "n/a" if value is None else f"{value:.3f}"


def cmd_fit(args) -> int:
    import explorer

    fit = _settings(args.fit, "--fit", lambda text: _split(text, "--fit", _fit_range))
    fix = _settings(args.fix, "--fix", lambda text: _split(text, "--fix", _fixed_value))
    best = explorer.fit(args.model, args.target, fit=fit, fix=fix, simulator=args.simulator or explorer.FIT_SIMULATOR,
                        trials=args.trials, population=args.population, holdout=args.holdout or (), out=args.out,
                        seed=args.seed, optimiser=args.optimiser, dt_ms=args.dt, target_dt_ms=args.target_dt,
                        current_unit=args.current_unit, scheduler=args.scheduler, workers=args.workers,
                        progress=None, objective=args.objective)
    score = best["score"]
    said = [f"mean Γ over the training sets {_number(score['mean_gamma_training'])}"]
    if "mean_f1_training" in score:
        said.append(f"mean F1 of the membrane potential {_number(score['mean_f1_training'])}")
    if "rate_score_training" in score:
        said = [f"rate score (1 - summed |rate error| / summed rate) {_number(score['rate_score_training'])}"]
    print(f"{best['model']} fitted on {best['simulator']} to {best['data']['target']} "
          f"({best['search']['trials']} trials, {best['search']['optimiser']}): {', '.join(said)}")
    for name, entry in best["parameters"].items():
        if entry["fitted"]:
            print(f"  {name} = {entry['value']:.4g} {entry['unit']}")
    table = pd.DataFrame([{"set": name, **entry} for name, entry in score["per_set"].items()]).dropna(axis=1, how="all")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    shown = {"rates": ("rates_on_simulators", "Hz"), "voltage": ("f1_on_simulators", "F1")}.get(
        score["objective"], ("on_simulators", "Γ"))
    for simulator, per_set in score[shown[0]].items():
        print(f"{shown[1]} on {simulator}: " + ", ".join(f"{name} {_number(value)}" for name, value in per_set.items()))
    first = next(iter(best["commands"]))
    print(f"reproduce set {first}: {best['commands'][first]}")
    print(f"wrote {args.out}/best.json, trials.parquet, scores.parquet, fit.png")
    return 0


def _fit_range(name: str, text: str) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in text.split(":"))
    except ValueError:
        raise ValueError(f"--fit {name}={text!r}: expected LOW:HIGH") from None
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"--fit {name}={text!r}: LOW and HIGH must be finite")
    return low, high


def _fixed_value(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"--fix {name}={text!r}: expected a number") from None


def cmd_compare(args) -> int:
    import explorer

    _check_output(args.out, (".parquet",), "--out")
    comparison = explorer.compare(_read_sweep(args.directory, args.all))
    if comparison.empty:
        raise ValueError(f"{args.directory}: no pair of ok rows that differ only in simulator")
    verdicts = explorer.verdicts(comparison)
    print(_fit(_shown(verdicts), "setting", args.verbose))
    print(VERDICT_LEGEND)
    if args.out:
        comparison.to_parquet(args.out, index=False)
        print(f"wrote {args.out}")
    passed = bool(verdicts["pass"].all())
    print(f"\n{'PASS' if passed else 'FAIL'}: {len(comparison)} comparisons")
    return 0 if passed else 1


def cmd_plot(args) -> int:
    import explorer

    _check_output(args.out, (".png", ".pdf", ".svg"), "--out")
    table = _read_sweep(args.directory, args.all)
    written = explorer.plot_sweep(table, args.out, metric=args.metric, x=args.x, y=args.y,
                                  population=args.population)
    print(f"wrote {written}")
    return 0


def cmd_explore(args) -> int:
    """Serve the explorer's page on localhost (or ``--host``) until Ctrl-C."""
    from pathlib import Path

    from .web.app import serve

    if not 0 < args.port < 65536:
        raise ValueError(f"--port must be in 1-65535, got {args.port}")
    serve(args.port, args.host, Path(args.data), show=args.show)
    return 0


def _read_sweep(directory: str, all_versions: bool = False) -> pd.DataFrame:
    """The sweep folder's rows of the current code (``--all``: of every version), a note
    on stderr about the others."""
    import explorer

    table = explorer.read_sweep(directory, all_versions)
    if table.empty:
        raise ValueError(f"{table.attrs['note']}; none is left (--all uses them)")
    if table.attrs["note"]:
        print(f"zoo: note: {table.attrs['note']}", file=sys.stderr)
    return table


def _split(text: str, option: str, parse):
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ValueError(f"{option} takes NAME=VALUES, got {text!r}")
    return name, parse(name, value)


def result_parameters(result) -> list[str]:
    from . import registry

    return registry.get(result.info["model"]).parameter_names


def _check_suffix(path, suffixes, option) -> None:
    if path is not None and not any(str(path).endswith(suffix) for suffix in suffixes):
        raise ValueError(f"{option} {path!r}: the file must end in {' or '.join(suffixes)}")


def _parse_setting(text: str):
    """``NAME=VALUE``; VALUE is a number, ``V1,V2,...`` or ``START:STOP:NUM`` (inclusive);
    more than one value makes a population."""
    from .declarations.parameters import parse_values

    name, values = _split(text, "--set", parse_values)
    is_list = "," in text.partition("=")[2] or ":" in text.partition("=")[2]
    return name, (np.array(values) if is_list else values[0])


def _shown(verdicts: pd.DataFrame) -> pd.DataFrame:
    """A verdict table as printed: ``judged`` as "judged/points", no ``pass`` (``verdict`` says it)."""
    judged = verdicts["judged"].astype(int).astype(str) + "/" + verdicts["points"].astype(int).astype(str)
    verdict = verdicts["verdict"].replace({"information": "info"})
    return verdicts.drop(columns=["pass", "points"]).assign(judged=judged, verdict=verdict)


VERDICT_LEGEND = "\n".join((
    "value: the simulator's, or b's in \"b vs a\" (for a distance: between the two trains)",
    "reference: the closed form, a published value, or a's",
    "judged: points judged against a tolerance; the others are information (info), or points whose spike steps are",
    "uncertain (a grid tie, the declared integration error, no closed form), judged by the interval metrics only",
))

#: Terminal tables fit this many columns (the full text: --verbose, or the saved table).
TABLE_WIDTH = 120


def _fit(frame: pd.DataFrame, wide: str, verbose: bool = False) -> str:
    """``frame`` as text; unless ``verbose``, the free-text column ``wide`` is cut so
    that every line fits :data:`TABLE_WIDTH` columns (to :data:`MIN_FREE_TEXT`
    characters at least; then the ``metric`` names are cut too)."""
    def render(table):
        return table.to_string(index=False, float_format=lambda x: f"{x:.4g}")

    def cut(table, column, room):
        return table.assign(**{column: table[column].astype(str).map(
            lambda v: v if len(v) <= room else v[:room - 1] + "…")})

    text = render(frame)
    if verbose or wide not in frame or max(map(len, text.splitlines())) <= TABLE_WIDTH:
        return text
    rest = max(map(len, render(frame.drop(columns=wide)).splitlines()))
    fitted = cut(frame, wide, max(TABLE_WIDTH - rest - 1, MIN_FREE_TEXT))
    over = max(map(len, render(fitted).splitlines())) - TABLE_WIDTH
    if over > 0 and "metric" in fitted:
        longest = int(fitted["metric"].astype(str).str.len().max())
        fitted = cut(fitted, "metric", max(longest - over, MIN_FREE_TEXT))
    return render(fitted)


#: The fewest characters a cut free-text column keeps.
MIN_FREE_TEXT = 10


def _settings(texts, option, parse) -> dict:
    """``NAME=...`` options into a dict; a name given twice is an error, not a silent override."""
    settings = {}
    for text in texts:
        name, value = parse(text)
        if name in settings:
            raise ValueError(f"{option} {name} is given twice; give it once (a list V1,V2,... or START:STOP:NUM)")
        settings[name] = value
    return settings


def _check_output(path, suffixes, option) -> None:
    """Before any simulation: a known file extension, an existing folder where a file
    can be created, and not an existing folder."""
    import tempfile
    from pathlib import Path

    if path is None:
        return
    _check_suffix(path, suffixes, option)
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise ValueError(f"{option} {path!r}: the folder {str(folder)!r} does not exist")
    if Path(path).is_dir():
        raise ValueError(f"{option} {path!r} is a folder; give a file name")
    try:  # the one reliable test (read-only file systems, permissions, root or not)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".zoo-write-test-"):
            pass
    except OSError as error:
        raise ValueError(f"{option} {path!r}: cannot write in {str(folder)!r} ({error.strerror})") from None


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zoo", description="Canonical spiking-neuron models on every simulator the zoo has a "
                                             f"backend for ({', '.join(SIMULATOR_CHOICES)}), through PyNN.")
    verbs = parser.add_subparsers(title="commands", parser_class=_Parser)

    p = verbs.add_parser("list", help="list the models")
    p.set_defaults(verb=cmd_list)

    p = verbs.add_parser("show", help="a model's parameters (units, defaults, ranges) and reference")
    p.add_argument("model")
    p.set_defaults(verb=cmd_show)

    p = verbs.add_parser("run", help="run a model on one simulator and print its summary")
    p.add_argument("model")
    p.add_argument("--simulator", choices=SIMULATOR_CHOICES, default=backends.DEFAULT)
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="parameter in PyNN units; VALUE may be V1,V2,... or START:STOP:NUM for a population")
    p.add_argument("--duration", type=float, metavar="MS")
    p.add_argument("--dt", type=float, metavar="MS")
    p.add_argument("--seed", type=int)
    p.add_argument("--threads", type=int, default=1, help="threads for the simulator (where it can use several)")
    p.add_argument("--max-memory", type=float, default=None, metavar="GIB",
                   help="refuse runs estimated to need more memory (GiB; default: 8; inf: no limit)")
    p.add_argument("--out", metavar="FILE.parquet|.csv")
    p.add_argument("--plot", metavar="FILE.png")
    p.add_argument("--current", metavar="FILE|DIR",
                   help="inject a recorded current from t = 0 (competition SS-R.voltage[.gz] or tidy samples "
                        "file/folder; the run lasts as long as it unless --duration)")
    p.add_argument("--current-dt", type=float, metavar="MS",
                   help="its sample interval (competition files: 0.2; tidy files give it)")
    p.add_argument("--current-unit", choices=tuple(CURRENT_UNITS), help="its unit (competition: pA; tidy: nA)")
    p.add_argument("--current-set", metavar="SET", help="the stimulus set, where the data hold several")
    p.add_argument("--current-trial", type=int, metavar="N", help="one trial's current (default: the mean over "
                                                                  "the set's trials)")
    p.set_defaults(verb=cmd_run)

    p = verbs.add_parser("check", help="run a model on every simulator that can, against theory and each other; "
                                       "exit 1 on a failure, 3 if nothing could be judged")
    p.add_argument("model")
    p.add_argument("--simulator", action="append", choices=SIMULATOR_CHOICES,
                   help="repeat for several (default: every simulator that can run the model)")
    p.add_argument("--verbose", action="store_true", help="print each row's whole description (worst_at)")
    p.set_defaults(verb=cmd_check)

    p = verbs.add_parser("conformance", help="every model x simulator x time step against theory and each other: "
                                             "a Parquet table and a report; exit 1 on a poor or failed check")
    p.add_argument("--quick", action="store_true",
                   help="two time steps, at most six values per swept parameter, no published-value studies")
    p.add_argument("--model", action="append", choices=registry.Names(), metavar="NAME",
                   help="a model of `zoo list`; repeat for several (default: all)")
    p.add_argument("--simulator", action="append", choices=SIMULATOR_CHOICES, help="repeat for several (default: all)")
    p.add_argument("--out", required=True, metavar="DIR", help="the table, the sweeps (resumed when run again)")
    p.add_argument("--report", metavar="FILE.md", help="the report (default: DIR/conformance.md; HTML beside it)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler of an existing cluster")
    p.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    p.set_defaults(verb=cmd_conformance)

    p = verbs.add_parser("sweep", help="sweep parameters on one or more simulators into a Parquet table")
    p.add_argument("model")
    p.add_argument("--simulator", action="append", choices=SIMULATOR_CHOICES,
                   help=f"repeat for several (default: {backends.DEFAULT})")
    p.add_argument("--grid", action="append", default=[], metavar="NAME=START:STOP:NUM|V1,V2,...")
    p.add_argument("--random", action="append", default=[], metavar="NAME=LOW:HIGH")
    p.add_argument("--samples", type=int, metavar="N", help="number of random samples")
    p.add_argument("--sample-seed", type=int, default=0, metavar="S", help="seed of the random samples")
    p.add_argument("--seed", type=int, action="append", metavar="S", help="simulation seed; repeat for several")
    p.add_argument("--duration", type=float, metavar="MS")
    p.add_argument("--dt", type=float, metavar="MS")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler of an existing cluster, or 'inline'")
    p.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    p.add_argument("--batch-size", type=int, default=1000, metavar="N", help="points per simulation at most")
    p.add_argument("--retry-failed", action="store_true", help="rerun points that failed before")
    p.set_defaults(verb=cmd_sweep)

    p = verbs.add_parser("fit", help="fit a model's parameters to recorded spike trains (or membrane potential) "
                                          "under a recorded current")
    p.add_argument("model")
    p.add_argument("--target", required=True, metavar="DIR|FILE",
                   help="recordings: competition SS-R.voltage[.gz] + SS-R.spiketimes[.gz], or tidy samples/spikes")
    p.add_argument("--fit", action="append", default=[], metavar="NAME=LO:HI",
                   help="search this parameter too (or within these bounds); default: the model's fit space")
    p.add_argument("--fix", action="append", default=[], metavar="NAME=V", help="hold this parameter at V")
    p.add_argument("--simulator", choices=SIMULATOR_CHOICES, help="default: brian2, the fastest at it (benchmarks/fit.py)")
    p.add_argument("--trials", type=int, default=1000, metavar="N",
                   help="candidates to evaluate in all (in whole generations)")
    p.add_argument("--population", type=int, default=50, metavar="N", help="candidates per generation")
    p.add_argument("--holdout", type=lambda text: [t for t in text.split(",") if t], metavar="SETS",
                   help="stimulus sets kept out of the fit and scored after it (comma-separated)")
    p.add_argument("--optimiser", default="cma", help="cma (default) or optuna")
    p.add_argument("--objective", help="spikes (Γ of the spike trains; the default for recordings), voltage (F1 of "
                                       "the subthreshold membrane potential) or rates (the default for an f-I table: "
                                       "CSV/Parquet with current_nA, rate_hz[, duration_ms])")
    p.add_argument("--seed", type=int, default=0, help="the optimiser's seed (a fit is repeatable)")
    p.add_argument("--dt", type=float, metavar="MS", help="simulation time step (default: the model's)")
    p.add_argument("--target-dt", type=float, metavar="MS", help="the recording's sample interval where its files "
                                                                   "do not give it (competition: 0.2)")
    p.add_argument("--current-unit", choices=tuple(CURRENT_UNITS), help="the recording's current unit")
    p.add_argument("--out", required=True, metavar="DIR", help="best.json, trials.parquet (resumed when run again)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler of an existing cluster, or 'inline'")
    p.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    p.set_defaults(verb=cmd_fit)

    p = verbs.add_parser("compare", help="compare the simulators in a sweep; exit 1 on a failure")
    p.add_argument("directory")
    p.add_argument("--all", action="store_true", help="also rows made by another version of the code or simulator "
                                                      "(default: the current code's only)")
    p.add_argument("--out", metavar="FILE.parquet", help="write the full comparison table")
    p.add_argument("--verbose", action="store_true", help="print each row's whole setting")
    p.set_defaults(verb=cmd_compare)

    p = verbs.add_parser("explore", help="the parameter explorer in the browser: run, sweep, compare")
    p.add_argument("--port", type=int, default=5006)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    p.add_argument("--data", default="zoo-data", help="folder of the page's sweeps (default: ./zoo-data)")
    p.add_argument("--show", action="store_true", help="open the page in a browser")
    p.set_defaults(verb=cmd_explore)

    p = verbs.add_parser("plot", help="plot a sweep: metric vs parameter with the closed form, or heatmaps")
    p.add_argument("directory")
    p.add_argument("--all", action="store_true", help="also rows made by another version of the code or simulator "
                                                      "(default: the current code's only)")
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.add_argument("--metric", help="a metric of the model (default: rate_hz where the model has it, else its "
                                     "first metric with a closed form)")
    p.add_argument("--x", metavar="PARAMETER")
    p.add_argument("--y", metavar="PARAMETER")
    p.add_argument("--population", metavar="NAME", help="a network's population (default: its first; with no "
                                                         "--metric a model may draw its own figure instead)")
    p.set_defaults(verb=cmd_plot)
    return parser


if __name__ == "__main__":
    sys.exit(main())
