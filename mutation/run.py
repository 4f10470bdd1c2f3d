"""``make mutate``: mutation testing of the bookkeeping and judging code with mutmut.

mutmut (``[tool.mutmut]`` in pyproject.toml: which modules, which tests) changes one
operator, constant or call at a time in the modules below and runs the tests that
reach the changed function; a mutant no test notices has *survived*. This script runs
it from scratch, then gives the survivors of some modules a second pass
(``[[tool.zoo-mutation.second-pass]]``) against tests mutmut cannot run per mutant: the
worker tests, with the mutant active in Dask's worker processes too (mutmut's tracing
sees only the test's own process, so it never runs them for code that acts in workers),
and whole ``zoo sweep`` commands in subprocesses (tens of seconds each: per mutant,
they made the run take two hours). Then it writes the whole report
(``docs/mutation.md``): the score, per module, and every survivor with its label from
``mutation/survivors.toml``:

- ``equivalent``: the mutant cannot change what the code does (a reviewer's reason in
  one line);
- ``untested``: it could, and no test notices: a gap, named as such with what it would
  take.

A survivor without a label is *unexplained*; it exits 1 on one, or if the score is below
:data:`REQUIRED_SCORE`.

A survivor labelled equivalent whose function is unchanged since it last survived
(mutmut's hash of the function, kept in ``mutation/equivalent_seen.json``, which each
complete run rewrites) does not run again: it cannot change what its function does, and
it counts as not detected either way (``--all`` runs every mutant).

**Score = detected / mutants**, the raw kill rate: an equivalent or untested mutant counts
as not detected (the labels say why, they do not raise the score). The tests' sweeps
for the judging code (``tests/conftest.swept``) are simulated once, by the unmutated
code before mutmut starts, and read by every session (:data:`TABULATING_TESTS`).

    python -m mutation.run [--report docs/mutation.md] [--children N] [--all] [--keep | --resume | --second-pass | --times]
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURVIVORS = Path(__file__).with_name("survivors.toml")
LABELS = ("equivalent", "untested")
REQUIRED_SCORE = 0.90
#: The tests whose tables (``tests/conftest.swept``) are made before mutmut starts, by the
#: unmutated code: mutmut's first session, which finds the tests that reach each function,
#: then reads them too, so it does not count these tests as reaching the sweep's code
#: (every sweep, store and key mutant ran them, and none of them sweeps in a mutant's session).
TABULATING_TESTS = ("tests/explorer/test_compare.py",)
#: mutmut's exit codes by outcome (mutmut/stats.py): what counts as detected.
DETECTED = {"killed", "timeout", "segfault", "caught by type check"}
#: The survivors labelled equivalent at the last complete run, each with the hash of its
#: function's source then (mutmut's own, of the function's syntax tree):
#: :func:`prefill_unchanged_equivalents` does not run them again while the hash holds.
SEEN_EQUIVALENT = Path(__file__).with_name("equivalent_seen.json")


def run_mutmut(children: int, log: Path, resume: bool = False, reuse: bool = True) -> float:
    """A mutmut run, fresh or (``resume``) continuing the mutants that have no result yet
    (mutmut lets a result stand); a fresh one with ``reuse`` does not run again the
    unchanged equivalent mutants (:func:`prefill_unchanged_equivalents`; their names go to
    ``mutants/reused.json``). Its wall time (s)."""
    if not resume:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
        (ROOT / "mutants").mkdir()
        reused = []
        if reuse and SEEN_EQUIVALENT.exists():
            labels = tomllib.loads(SURVIVORS.read_text()) if SURVIVORS.exists() else {}
            modules = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["only_mutate"]
            prefill_unchanged_equivalents(ROOT, modules, labels, json.loads(SEEN_EQUIVALENT.read_text()))
            reused = sorted(name for meta in (ROOT / "mutants").rglob("*.py.meta")
                            for name in json.loads(meta.read_text())["exit_code_by_key"])
        (ROOT / "mutants" / "reused.json").write_text(json.dumps(reused))
    tables = tempfile.mkdtemp(prefix="zoo-mutation-tables-")
    env = {**os.environ, "ZOO_MUTATION_TABLES": tables}
    started = time.perf_counter()
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a" if resume else "w") as out:
        selection = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["pytest_add_cli_args"]
        tabulated = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                                    *selection, *TABULATING_TESTS], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
        if tabulated.returncode != 0:
            sys.exit(f"the tests that make the judging code's tables fail without a mutant; see {log}")
        process = subprocess.run([str(Path(sys.executable).with_name("mutmut")), "run", "--max-children",
                                  str(children)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    shutil.rmtree(tables, ignore_errors=True)
    if process.returncode != 0:
        sys.exit(f"mutmut failed (exit {process.returncode}); see {log}")
    return time.perf_counter() - started


def function_hashes(source: str) -> dict[str, str]:
    """mutmut's hash of each function of ``source`` by its mangled name (``x_f``,
    ``xǁClassǁmethod``): a function whose hash holds has the same mutants, numbered alike."""
    from mutmut.mutation.file_mutation import compute_function_hashes

    return compute_function_hashes(source)


def prefill_unchanged_equivalents(root: Path, modules: list[str], labels: dict, seen: dict[str, str]) -> int:
    """Record as survived, before mutmut starts in ``root``, the mutants labelled
    equivalent whose function is unchanged since they last survived (``seen``: name ->
    function hash): mutmut keeps a result it finds for a function whose hash holds, so
    they do not run. Such a mutant cannot change what its function does (a reviewer's
    reason, checked against its diff again by the report), and the score counts it as not
    detected either way: running it again could only find a test that kills it. Every
    other mutant runs, and every mutant of a function that changed. Returns how many."""
    count = 0
    for module in modules:
        hashes = function_hashes((root / module).read_text())
        dotted = module.removesuffix(".py").replace("/", ".")
        codes = {name: 0 for name, recorded in seen.items() if name.rpartition(".")[0] == dotted
                 and labels.get(name, {}).get("kind") == "equivalent"
                 and hashes.get(mutated_function(name)) == recorded}
        if codes:
            meta = root / "mutants" / f"{module}.meta"
            meta.parent.mkdir(parents=True, exist_ok=True)
            meta.write_text(json.dumps({
                "exit_code_by_key": codes,
                "hash_by_function_name": {mutated_function(n): hashes[mutated_function(n)] for n in codes},
                "type_check_error_by_key": {}, "durations_by_key": {}, "estimated_durations_by_key": {}}))
            count += len(codes)
    return count


def seen_equivalent(root: Path, found: dict, labelled: list[str]) -> dict[str, str]:
    """What :data:`SEEN_EQUIVALENT` holds after a run: each survivor whose equivalent label
    matched its diff (``labelled``), with its function's hash now."""
    hashes = {module: function_hashes((root / module).read_text()) for module in found}
    return {name: hashes[module][mutated_function(name)] for module, mutants in found.items()
            for name in sorted(mutants) if name in labelled and mutated_function(name) in hashes[module]}


def outcomes() -> dict[str, dict[str, str]]:
    """module path -> mutant name -> outcome, from mutmut's records in ``mutants/``."""
    from mutmut.stats import status_by_exit_code

    found = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        module = str(meta.relative_to(ROOT / "mutants")).removesuffix(".meta")
        found[module] = {name: status_by_exit_code[code] for name, code in codes.items()}
    return found


def diff(name: str, module: str) -> str:
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return get_diff_for_mutant(name, path=Path(module))
    finally:
        os.chdir(cwd)


def changed_lines(text: str) -> list[str]:
    return [line[1:].strip() for line in text.splitlines() if line.startswith("+") and not line.startswith("+++")]


def times() -> str:
    """Where a run (finished or not) spent its time: mutmut's per-mutant seconds from
    ``mutants/``, per module (mutants, results so far) and its three costliest functions."""
    from mutmut.stats import status_by_exit_code

    lines = []
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        seconds = data.get("durations_by_key", {})
        outcome = collections.Counter(status_by_exit_code.get(code, "pending") if code is not None else "pending"
                                      for code in data["exit_code_by_key"].values())
        by_function = collections.Counter()
        for name, value in seconds.items():
            by_function[mutated_function(name)] += value
        costliest = ", ".join(f"{f} {v:.0f} s" for f, v in by_function.most_common(3))
        lines.append(f"{str(meta.relative_to(ROOT / 'mutants')).removesuffix('.meta')}: "
                     f"{len(data['exit_code_by_key'])} mutants {dict(outcome)}, {sum(seconds.values()):.0f} s "
                     f"of tests; costliest: {costliest}")
    return "\n".join(lines)


def mutated_function(name: str) -> str:
    """mutmut's name of the function a mutant changes: ``explorer.store.xǁStoreǁwriter__mutmut_3``
    -> ``xǁStoreǁwriter`` (``x_<function>``, or ``xǁ<class>ǁ<method>``)."""
    return name.rpartition(".")[2].rpartition("__mutmut_")[0]


def second_pass(found: dict, children: int, log: Path, done: Path, reused: frozenset = frozenset()) -> dict[str, str]:
    """The survivors of each module named in a ``[[tool.zoo-mutation.second-pass]]`` table,
    run against that table's tests with the mutant active in every process (the
    environment variable mutmut's trampolines read is inherited by Dask's workers and by
    ``zoo sweep`` subprocesses), ``children`` at a time: name -> outcome ("killed by the
    second pass" or "survived the second pass"). A table's ``functions``, if given, keeps
    its pass to the survivors of those functions (:func:`mutated_function`): a pass's tests
    take minutes each inside ``mutants/``, where the rest of a module is tested per mutant.
    The tables run in their order, and a mutant an earlier table killed does not run
    again. Each outcome is added to ``done`` (a
    JSON file) as it comes, and a mutant with an outcome there for a table is not run for it
    again: a stopped pass continues where it was. The ``reused`` mutants (equivalent,
    their function unchanged since they last survived it) do not run."""
    passes = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["zoo-mutation"]["second-pass"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "mutants")}

    def run(job) -> tuple[str, str]:
        name, command, timeout = job
        try:
            finished = subprocess.run(command, cwd=ROOT / "mutants", env={**env, "MUTANT_UNDER_TEST": name},
                                      capture_output=True, text=True, timeout=timeout)
            killed = finished.returncode != 0
        except subprocess.TimeoutExpired:
            killed = True
        return name, "killed by the second pass" if killed else "survived the second pass"

    recorded = json.loads(done.read_text()) if done.exists() else {}
    results = {}
    for entry in passes:
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                   *entry["tests"]]
        functions = set(entry.get("functions", ()))
        jobs = [name for module, mutants in found.items() if module in entry["modules"]
                for name, outcome in mutants.items() if outcome not in DETECTED
                and (not functions or mutated_function(name) in functions)
                and results.get(name) != "killed by the second pass" and name not in reused]
        table = " ".join(entry["tests"])
        earlier = recorded.get(table, {})
        results.update({name: earlier[name] for name in jobs if name in earlier})
        jobs = [name for name in jobs if name not in earlier]
        if not jobs:
            continue
        started = time.perf_counter()
        clean = subprocess.run(command, cwd=ROOT / "mutants", env={**env, "MUTANT_UNDER_TEST": ""},
                               capture_output=True, text=True)
        if clean.returncode:
            sys.exit(f"the second-pass tests {entry['tests']} fail without a mutant:\n{clean.stdout[-3000:]}")
        clean_s = time.perf_counter() - started
        timeout = 3 * clean_s + 20  # a mutant that hangs the sweep is detected by it
        with open(log, "a") as out, concurrent.futures.ThreadPoolExecutor(max(1, children)) as pool:
            out.write(f"second pass, clean run of {entry['tests']}: {clean_s:.1f} s; {len(jobs)} mutants\n")
            for name, outcome in pool.map(run, [(name, command, timeout) for name in jobs]):
                results[name] = outcome
                recorded.setdefault(table, {})[name] = outcome
                done.write_text(json.dumps(recorded))
                out.write(f"{name}: {outcome}\n")
                out.flush()
            out.write(f"second pass of {entry['tests']}: {time.perf_counter() - started:.0f} s\n")
    return results


def recorded_second_pass(path: Path = ROOT / "mutants" / "second_pass_by_table.json") -> dict[str, str]:
    """The outcomes a second pass recorded so far (:func:`second_pass`), one per mutant:
    killed if any table killed it. For the report of a pass that was stopped."""
    by_table = json.loads(path.read_text()) if path.exists() else {}
    merged = {}
    for outcomes_of_table in by_table.values():
        for name, outcome in outcomes_of_table.items():
            if merged.get(name) != "killed by the second pass":
                merged[name] = outcome
    return merged


def report(found, labels: dict, wall_s: float | None, second: dict | None = None,
           second_complete: bool = True, reused: frozenset = frozenset()) -> tuple[str, float, list[str], list[str]]:
    """The Markdown report, the score, the unexplained survivors' names and those whose
    equivalent label matched. A second pass that was stopped (``second_complete`` false) is
    said so, with how many mutants it ran; the ``reused`` mutants (not run again) are counted."""
    second = second or {}
    rows, survivors, unexplained, stale = [], [], [], []
    totals = collections.Counter()
    for module, mutants in found.items():
        counts = collections.Counter()
        for name, outcome in mutants.items():
            outcome = "killed" if second.get(name) == "killed by the second pass" else outcome
            if outcome in DETECTED:
                counts["detected"] += 1
                counts["by the second pass"] += int(name in second and second[name].startswith("killed"))
                continue
            counts["no tests" if outcome == "no tests" else "survived"] += 1
            text = diff(name, module)
            entry = labels.get(name)
            if entry and entry.get("change", "").strip() in changed_lines(text) and entry.get("kind") in LABELS:
                counts[entry["kind"]] += 1
                counts["not run again"] += int(name in reused)
                survivors.append((name, outcome, text, entry["kind"], entry["why"]))
            else:
                if entry:
                    stale.append(name)
                unexplained.append(name)
                counts["unexplained"] += 1
                survivors.append((name, outcome, text, None, None))
        counts["total"] = len(mutants)
        rows.append((module, counts))
        totals.update(counts)
    score = totals["detected"] / max(1, totals["total"])
    lines = ["# Mutation testing of the bookkeeping and judging code", "",
             f"Generated by `make mutate` (`python -m mutation.run`, mutmut) on {datetime.date.today()}"
             + (f" in {wall_s / 60:.1f} min on {os.cpu_count()} cores" if wall_s else "") + "; this whole file is "
             "its output. Each mutant changes one operator, constant or call in one function; the tests that reach "
             "the function run against it, and the survivors of some modules run once more (the second pass) against "
             "tests too slow or too wide for mutmut to run per mutant: the Dask worker tests with the mutant active in "
             "the workers, and whole `zoo sweep` commands in subprocesses. The modules and tests are "
             "`[tool.mutmut]` and `[tool.zoo-mutation]` in `pyproject.toml`."
             + ("" if second_complete else f" **The second pass was stopped** after {len(second)} of its mutants "
                "(`python -m mutation.run --second-pass` continues it): the others count with their outcome "
                "without it, and the time above is without it.")
             + (f" {totals['not run again']} of the equivalent mutants did not run again: their function is "
                "unchanged since they last survived it (its hash, mutmut's, in `mutation/equivalent_seen.json`), and "
                "their label still matches their diff; they count as not detected, as every equivalent mutant does. "
                "`python -m mutation.run --all` runs every mutant." if totals["not run again"] else ""), "",
             f"**Score: {score:.1%}** of mutants detected ({totals['detected']} of {totals['total']}; "
             f"{totals['by the second pass']} of them by the second pass). Of the {totals['total'] - totals['detected']} "
             f"undetected: {totals['equivalent']} equivalent (the mutant cannot change what the code does), "
             f"{totals['untested']} untested (it could, and no test notices: a gap, named below), "
             f"{totals['unexplained']} unexplained. Required: {REQUIRED_SCORE:.0%} detected and nothing unexplained.",
             "",
             "| module | mutants | detected | by the second pass | equivalent | untested | unexplained | reached by no "
             "test | score |",
             "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| `{m}` | {c['total']} | {c['detected']} | {c['by the second pass']} | {c['equivalent']} | {c['untested']} | "
              f"{c['unexplained']} | {c['no tests']} | {c['detected'] / max(1, c['total']):.1%} |" for m, c in rows]
    for kind, heading in (("untested", "Untested: gaps no test covers"), ("equivalent", "Equivalent mutants"),
                          (None, "Unexplained survivors")):
        chosen = [s for s in survivors if s[3] == kind]
        lines += ["", f"## {heading} ({len(chosen)})", ""]
        if not chosen:
            lines.append("None.")
        for name, outcome, text, _, why in chosen:
            lines += [f"### `{name}` ({outcome})", "", "```diff", text, "```", "",
                      f"**{kind.capitalize()}:** {why}" if kind else "No label: no test kills it and no reason is "
                                                                       "given.", ""]
    if stale:
        lines += ["Labels that no longer match their mutant (the code changed): "
                  + ", ".join(f"`{n}`" for n in stale), ""]
    equivalent = [name for name, _, _, kind, _ in survivors if kind == "equivalent"]
    return "\n".join(lines), score, unexplained, equivalent


def reused_mutants() -> frozenset:
    """The mutants the last fresh run did not run again (:func:`run_mutmut`)."""
    path = ROOT / "mutants" / "reused.json"
    return frozenset(json.loads(path.read_text())) if path.exists() else frozenset()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", default=str(ROOT / "docs" / "mutation.md"))
    parser.add_argument("--children", type=int, default=os.cpu_count() or 1, help="parallel mutants (default: cores)")
    parser.add_argument("--keep", action="store_true", help="report on the existing mutants/ without running mutmut")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run: only the mutants without a result run (the time adds up)")
    parser.add_argument("--second-pass", action="store_true",
                        help="run only the second pass and the report, over a run whose mutmut part finished in "
                             "mutants/ (the time adds up)")
    parser.add_argument("--all", action="store_true",
                        help="run every mutant, also the equivalent ones whose function is unchanged since they last "
                             "survived it")
    parser.add_argument("--times", action="store_true",
                        help="print where the last run (finished or not) spent its time, and stop")
    args = parser.parse_args(argv)
    if args.times:
        print(times())
        return 0
    log = ROOT / "out" / "mutation" / "mutmut.log"
    second_file = ROOT / "mutants" / "second_pass.json"
    if args.keep:
        wall = float((ROOT / "mutants" / "wall_time_s").read_text()) if (ROOT / "mutants" / "wall_time_s").exists() \
            else None
        complete = second_file.exists()
        second = json.loads(second_file.read_text()) if complete else recorded_second_pass()
    else:
        started = time.perf_counter()
        wall_file = ROOT / "mutants" / "wall_time_s"
        before = float(wall_file.read_text()) if (args.resume or args.second_pass) and wall_file.exists() else 0.0
        if not args.second_pass:
            try:
                run_mutmut(args.children, log, resume=args.resume, reuse=not args.all)
            finally:  # an interrupted run's time counts when it resumes
                if (ROOT / "mutants").exists():
                    wall_file.write_text(f"{before + time.perf_counter() - started:.1f}")
        second = second_pass(outcomes(), args.children, log, ROOT / "mutants" / "second_pass_by_table.json",
                             reused_mutants())
        second_file.write_text(json.dumps(second))
        complete = True
        wall = before + time.perf_counter() - started
        wall_file.write_text(f"{wall:.1f}")
    labels = tomllib.loads(SURVIVORS.read_text()) if SURVIVORS.exists() else {}
    found = outcomes()
    text, score, unexplained, equivalent = report(found, labels, wall, second, complete, reused_mutants())
    Path(args.report).write_text(text + "\n")
    if complete:
        SEEN_EQUIVALENT.write_text(json.dumps(seen_equivalent(ROOT, found, equivalent), indent=0, ensure_ascii=False)
                                   + "\n")
    print(f"mutation score {score:.1%} (required {REQUIRED_SCORE:.0%}); {len(unexplained)} unexplained survivors"
          + (f"; {wall / 60:.1f} min" if wall else "") + f"; report: {args.report}")
    return 0 if score >= REQUIRED_SCORE and not unexplained else 1


if __name__ == "__main__":
    sys.exit(main())
