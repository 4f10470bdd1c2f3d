"""What the page asks of the zoo (``zoo.web.jobs``) and reads from it, without a browser:
the seeds box, a sweep asked for by two tabs, a folder another process writes."""
import os
import signal
import subprocess
import sys
import time

import pytest

from zoo import backends
from zoo.web import jobs
from zoo.web.app import parse_seeds


@pytest.mark.parametrize("text, seeds", [("1", [1]), ("3,1,2", [3, 1, 2]), ("1:3:3", [1, 2, 3]), (" 7 ", [7])])
def test_the_seeds_box_takes_whole_numbers(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text, message", [
    ("1.5", "^seeds must be whole numbers, got 1.5$"),
    ("1:2:3", "^seeds must be whole numbers, got 1.5$"),
    ("1,1", "^seed 1 is given twice; give each seed once$"),
    ("-1", r"^seed must be an integer in \[0, 2\*\*31\), got -1$"),
    ("x", "expected a number"),
])
def test_the_seeds_box_refuses_what_is_no_seed(text, message):
    """``int()`` made "1.5" seed 1 and "1:2:3" seeds [1, 1, 2], whose duplicate kept the
    page's progress bar from ever completing."""
    with pytest.raises(ValueError, match=message):
        parse_seeds(text)


def _request(data):
    return jobs.sweep_job(data, "lif", {"step_amplitude": [0.0, 0.25, 0.5, 0.75, 1.0], "step_start": [100.0]},
                          [backends.DEFAULT], [1], {"duration_ms": 3000.0, "dt_ms": None})


def test_two_tabs_asking_for_one_sweep_share_its_process_and_a_terminal_sweep_is_refused(tmp_path):
    """Two tabs with the same request got the same folder and two writers; now the second
    joins the first's process. A ``zoo sweep`` from a terminal into that folder exits 2
    with one line naming the page's process; the page's job finishes its sweep."""
    first = _request(tmp_path)
    assert jobs.start(first)
    second = _request(tmp_path)
    assert second is first and not jobs.start(second)
    lock = first.out / ".zoo-writer.lock"
    deadline = time.time() + 120
    while time.time() < deadline and not (lock.exists() and f'"pid": {first.process.pid}' in lock.read_text()):
        time.sleep(0.05)
    # held where it is while the terminal's process starts (seconds of imports, longer than
    # the five points take): the lock is what is tested, not a race between the two
    os.killpg(first.process.pid, signal.SIGSTOP)
    try:
        terminal = subprocess.run(first.command, capture_output=True, text=True, timeout=120)
    finally:
        os.killpg(first.process.pid, signal.SIGCONT)
    lines = terminal.stderr.strip().splitlines()
    assert terminal.returncode == 2 and len(lines) == 1, terminal.stderr
    assert f"is being written by another sweep: process {first.process.pid}" in lines[0]
    first.process.wait(timeout=300)
    assert first.process.returncode == 0 and first.stored() == first.expected == 5
    third = _request(tmp_path)
    assert third is not first and jobs.start(third)  # a finished sweep is started again (it resumes)
    third.process.wait(timeout=120)
    assert any(line.startswith("sweep: 0 ok, 0 failed, 5 already stored") for line in third.log)


def test_the_page_reads_the_current_rows_and_says_what_it_left_out(tmp_path):
    import explorer
    import pandas as pd

    out = tmp_path / "folder"
    explorer.sweep("lif", grid={"i_offset": [1.0, 2.0]}, simulators=[backends.DEFAULT], out=out, scheduler="inline",
                   duration_ms=50.0)
    table = pd.read_parquet(out)
    stale = table.iloc[:1].assign(code_version="an older version", key="k-old")
    stale.to_parquet(out / "part-old.parquet", index=False)
    shown = jobs.read_sweep(out)
    assert len(shown) == 2 and "k-old" not in set(shown["key"])
    assert shown.attrs["note"].startswith(f"{str(out)!r}: 1 rows were made by another version")
    assert jobs.read_sweep(tmp_path / "nothing").empty


def test_a_cross_check_that_raises_is_said_where_its_table_would_be(monkeypatch):
    """The Run tab's cross-check section vanished silently when the comparison raised; a
    model whose agreement is broken now shows the error in its place."""
    import zoo
    from zoo import registry
    from zoo.web.app import cross_check_section

    monkeypatch.setitem(registry._ENTRY_POINTS, "lif_short_agreement", "tests.models_for_tests:lif_short_agreement")
    results = {s: zoo.run("lif_short_agreement", s, duration_ms=50.0, progress=False) for s in backends.names()[:2]}
    heading, message = cross_check_section("lif_short_agreement", results)
    assert heading.object == "### Cross-check between simulators"
    assert message.object == ("No cross-check: ValueError: model 'lif_short_agreement': its agreement returned no "
                              "tolerance for cv_isi")
    good = {s: zoo.run("lif", s, duration_ms=50.0, progress=False) for s in backends.names()[:2]}
    assert [type(o).__name__ for o in cross_check_section("lif", good)][:2] == ["Markdown", "DataFrame"]
