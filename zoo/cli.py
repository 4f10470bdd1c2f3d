"""The ``zoo`` command: one small function per verb, each calling library code."""
from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

SIMULATOR_CHOICES = ("nest", "brian2")


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


def cmd_list(args) -> int:
    from . import registry

    rows = [(name, registry.get(name).summary) for name in registry.list_models()]
    width = max(len(name) for name, _ in rows)
    for name, summary in rows:
        print(f"{name:<{width}}  {summary}")
    return 0


def cmd_show(args) -> int:
    from . import registry
    from .metrics import METRICS

    spec = registry.get(args.model)
    print(f"{spec.name}: {spec.summary}")
    print(f"reference: {spec.reference}\n")
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
    protocol = spec.protocol
    print(f"\nprotocol: {protocol.stimulus}; {protocol.duration_ms:g} ms at dt = {protocol.dt_ms:g} ms; "
          f"records {', '.join(protocol.recorded)} (v of up to {protocol.traced_neurons} neurons)")
    print("metrics: " + "; ".join(f"{m} ({METRICS[m]})" for m in spec.metrics))
    if spec.closed_form is not None:
        print(f"closed form: {spec.closed_form_doc}")
    return 0


def cmd_run(args) -> int:
    from .runner import run

    params = dict(_parse_setting(text) for text in args.set)
    _check_suffix(args.out, (".parquet", ".csv"), "--out")
    _check_suffix(args.plot, (".png", ".pdf", ".svg"), "--plot")
    result = run(args.model, simulator=args.simulator, duration_ms=args.duration, dt_ms=args.dt, seed=args.seed, **params)
    info = result.info
    print(
        f"{info['model']} on {info['simulator']} {info['simulator_version']} (PyNN {info['pynn_version']}): "
        f"{info['n_neurons']} neuron(s), {info['duration_ms']:g} ms at dt = {info['dt_ms']:g} ms, "
        f"seed {info['seed']}, {info['wall_time_s']:.2f} s"
    )
    varying = [name for name, value in params.items() if np.ndim(value) == 1]
    columns = ["neuron", *varying, *(c for c in result.summary.columns if c not in ("neuron", *result_parameters(result)))]
    with pd.option_context("display.max_rows", 20, "display.width", 120):
        print(result.summary[columns].to_string(index=False, max_rows=20, float_format=lambda x: f"{x:.4g}"))
    if args.out:
        for path in result.save(args.out):
            print(f"wrote {path}")
    if args.plot:
        print(f"wrote {result.plot(args.plot)}")
    return 0


def cmd_check(args) -> int:
    from .verdict import check_model

    report = check_model(args.model)
    print(f"check {args.model}: {len(report.results)} simulators against the closed form and each other")
    with pd.option_context("display.width", 160):
        print(report.verdicts.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(f"\n{args.model}: {'PASS' if report.passed else 'FAIL'}")
    return 0 if report.passed else 1


def result_parameters(result) -> list[str]:
    from . import registry

    return registry.get(result.info["model"]).parameter_names


def _check_suffix(path, suffixes, option) -> None:
    if path is not None and not any(str(path).endswith(suffix) for suffix in suffixes):
        raise ValueError(f"{option} {path!r}: the file must end in {' or '.join(suffixes)}")


def _parse_setting(text: str):
    """``NAME=VALUE``; VALUE is a number, ``V1,V2,...`` or ``START:STOP:NUM`` (inclusive)."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ValueError(f"--set takes NAME=VALUE, got {text!r}")
    try:
        if ":" in value:
            start, stop, num = value.split(":")
            return name, np.linspace(float(start), float(stop), int(num))
        if "," in value:
            return name, np.array([float(v) for v in value.split(",")])
        return name, float(value)
    except ValueError:
        raise ValueError(
            f"--set {name}: {value!r} is not a number, a list V1,V2,... or a range START:STOP:NUM"
        ) from None


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zoo", description="Canonical spiking-neuron models on NEST and Brian2 through PyNN.")
    verbs = parser.add_subparsers(title="commands", parser_class=_Parser)

    p = verbs.add_parser("list", help="list the models")
    p.set_defaults(verb=cmd_list)

    p = verbs.add_parser("show", help="a model's parameters (units, defaults, ranges) and reference")
    p.add_argument("model")
    p.set_defaults(verb=cmd_show)

    p = verbs.add_parser("run", help="run a model on one simulator and print its summary")
    p.add_argument("model")
    p.add_argument("--simulator", choices=SIMULATOR_CHOICES, default="nest")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="parameter in PyNN units; VALUE may be V1,V2,... or START:STOP:NUM for a population")
    p.add_argument("--duration", type=float, metavar="MS")
    p.add_argument("--dt", type=float, metavar="MS")
    p.add_argument("--seed", type=int)
    p.add_argument("--out", metavar="FILE.parquet|.csv")
    p.add_argument("--plot", metavar="FILE.png")
    p.set_defaults(verb=cmd_run)

    p = verbs.add_parser("check", help="run a model on both simulators against theory; exit 1 on a failure")
    p.add_argument("model")
    p.set_defaults(verb=cmd_check)
    return parser


if __name__ == "__main__":
    sys.exit(main())
