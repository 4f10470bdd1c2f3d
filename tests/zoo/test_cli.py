"""The `zoo` command: clean output, exit codes, one-line errors."""
import subprocess
import sys
from pathlib import Path

import pandas as pd

import pytest

from zoo import backends, list_models

from tests.conftest import refused_in_one_line

ZOO = [str(Path(sys.executable).with_name("zoo"))]
NOISE = ("N E S T", "Copyright", "Warning", "warning", "DEPRECATED", "Traceback", "INFO", "cmake", "nest-config")


def zoo(*args, check=True):
    return subprocess.run(ZOO + list(args), capture_output=True, text=True, check=check)


def test_list_and_show():
    listing = zoo("list").stdout
    assert "lif" in listing and "lapicque" in listing
    shown = zoo("show", "lif").stdout
    for text in ("i_offset", "nA", "tau_m", "(0, inf)", "Lapicque 1907", "closed form"):
        assert text in shown


@pytest.mark.parametrize("simulator", backends.names())
def test_run_prints_a_clean_summary_and_writes_files(simulator, tmp_path):
    out = tmp_path / "lif.parquet"
    plot = tmp_path / "lif.png"
    done = zoo("run", "lif", "--simulator", simulator, "--set", "i_offset=0.5,1.0,1.5", "--duration", "500",
               "--out", str(out), "--plot", str(plot))
    assert done.stderr == ""
    assert not any(noise in done.stdout for noise in NOISE), done.stdout
    assert f"lif on {simulator}" in done.stdout and "rate_hz" in done.stdout
    table = pd.read_parquet(out)
    assert table["n_spikes"].tolist()[0] == 0 and table["n_spikes"].tolist()[2] > 0
    assert plot.stat().st_size > 10_000


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "nope"], f"unknown model 'nope'; valid models: {', '.join(list_models())}"),
        (["run", "lif", "--simulator", "gennesaret"],
         "invalid choice: 'gennesaret' (choose from " + ", ".join(f"'{s}'" for s in backends.names()) + ")"),
        (["run", "lif", "--set", "tau=3"], "unknown parameter 'tau' for model 'lif'; valid parameters:"),
        (["run", "lif", "--set", "tau_m=-3"], "'tau_m' = -3 ms is out of range; allowed: (0, inf) ms"),
        (["run", "lif", "--set", "i_offset=abc"], "i_offset='abc': expected a number"),
        (["run", "lif", "--dt", "0"], "dt must be a finite number > 0 ms"),
        (["run", "lif", "--duration", "-1"], "duration must be a finite number > 0 ms"),
        (["run", "lif", "--out", "x.txt"], "must end in .parquet or .csv"),
        (["show", "nope"], "unknown model 'nope'"),
        (["check", "nope"], "unknown model 'nope'"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message, capsys):
    """In this process (the same code path as the console script; one case below runs
    the real command)."""
    code = run_in_process(args)
    out, err = capsys.readouterr()
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err
    assert out == ""


def run_in_process(args) -> int:
    """``zoo ARGS`` in this process: its exit code (argparse's usage errors exit)."""
    from zoo.cli import main

    try:
        return main(list(args))
    except SystemExit as stop:
        return stop.code


def test_bad_input_of_the_real_command_exits_2_with_one_line():
    done = zoo("run", "lif", "--set", "tau_m=-3", check=False)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "'tau_m' = -3 ms is out of range" in lines[0], done.stderr


def test_check_prints_the_verdict_table_and_passes():
    done = zoo("check", "lif")
    for column in ("simulator", "metric", "judged", "value", "reference", "error", "tolerance", "verdict"):
        assert column in done.stdout
    second, first = backends.names()[1], backends.names()[0]
    assert f"{second} vs {first}" in done.stdout and "lif: PASS" in done.stdout
    # stderr holds only the steps the check went through, one line each
    steps = done.stderr.splitlines()
    assert steps == [f"check lif [{i}/2]: {what}" for i, what in enumerate(
        ["sweep of i_offset (50 points) on " + ", ".join(backends.names()) + ", 1000 ms at dt = 0.1 ms",
         "comparing simulators"], start=1)]


@pytest.mark.parametrize("args, message", [
    (["run", "lif", "--plot", "/proc/lif.png"], "cannot write in '/proc'"),
    (["run", "lif", "--out", "/proc/lif.parquet"], "cannot write in '/proc'"),
    (["run", "lif", "--out", "{tmp}/folder.parquet"], "is a folder; give a file name"),
    (["run", "lif", "--plot", "{tmp}/missing/lif.png"], "does not exist"),
    (["run", "lif", "--set", "i_offset=1", "--set", "i_offset=2"], "--set i_offset is given twice"),
    (["sweep", "lif", "--out", "{tmp}/s", "--grid", "i_offset=1", "--grid", "i_offset=2"], "--grid i_offset is given twice"),
    (["sweep", "lif", "--out", "/proc/sweep", "--grid", "i_offset=1"], "is not writable"),
    (["compare", "{tmp}", "--out", "/proc/c.parquet"], "cannot write in '/proc'"),
    (["plot", "{tmp}", "--out", "/proc/p.png"], "cannot write in '/proc'"),
])
def test_outputs_and_repeated_settings_are_checked_before_anything_runs(args, message, tmp_path, capsys):
    """An unwritable, missing or folder output, or a setting given twice, is refused
    with one line before any simulation (it used to fail with an OSError traceback after
    the run, or keep the last --grid silently)."""
    (tmp_path / "folder.parquet").mkdir()
    line = refused_in_one_line([a.format(tmp=tmp_path) for a in args], capsys)
    assert message in line, line


def test_a_closed_pipe_ends_quietly_and_the_files_are_written(tmp_path):
    """``zoo run ... | head -1``: no BrokenPipeError traceback, and the plot and table
    are written although the summary could not be printed."""
    plot, out = tmp_path / "lif.png", tmp_path / "lif.parquet"
    command = (f"{ZOO[0]} run lif --set i_offset=0:2:200 --duration 100 --plot {plot} --out {out} | head -n 1")
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.startswith("lif on ")
    assert plot.stat().st_size > 10_000 and len(pd.read_parquet(out)) == 200


def test_check_tables_fit_the_terminal(capsys, monkeypatch):
    """Verdict rows fit 120 columns (the cable's were 220 wide); --verbose keeps the whole
    text. One check on one simulator (about 8 s), printed both ways."""
    import zoo.checks
    from zoo.cli import _fit, _shown

    reports = []
    check_model = zoo.checks.check_model
    monkeypatch.setattr(zoo.checks, "check_model", lambda *a, **k: reports.append(check_model(*a, **k)) or reports[0])
    assert run_in_process(["check", "cable", "--simulator", "nest", "--verbose"]) == 0
    assert max(map(len, capsys.readouterr().out.splitlines())) > 120
    short = _fit(_shown(reports[0].verdicts), "worst_at")
    assert max(map(len, short.splitlines())) <= 120 and "…" in short


def test_conformance_refuses_an_out_or_report_it_cannot_write_before_anything_runs(tmp_path, capsys):
    """``--out`` naming an existing file raised FileExistsError after start-up, and
    ``--report`` was checked for its suffix only and written after the whole run."""
    existing = tmp_path / "a-file"
    existing.write_text("")
    cases = [(["--out", str(existing)], f"--out {str(existing)!r} exists and is not a directory"),
             (["--out", str(tmp_path / "run"), "--report", str(tmp_path / "missing" / "r.md")],
              f"--report {str(tmp_path / 'missing' / 'r.md')!r}: the folder"),
             (["--out", str(tmp_path / "run"), "--report", str(tmp_path)], "--report"),
             (["--out", str(tmp_path / "run"), "--report", str(tmp_path / "r.txt")], "the file must end in .md")]
    for args, message in cases:
        capsys.readouterr()
        assert run_in_process(["conformance", "--quick", "--model", "lif", *args]) == 2, args
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], (args, lines)
    assert not (tmp_path / "run").exists()
