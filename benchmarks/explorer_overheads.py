"""The explorer's own overheads, in one run: judging a sweep against running it, and a
sweep's seeds on the local cluster against the same seeds one after another.

1. LIF current sweeps (``--grid i_offset=0:2:N``, 1 s at dt = 0.1 ms) of N = 2,000,
   20,000 and 200,000 points on NEST and Brian2, each as a user runs it: ``zoo sweep``
   in a fresh process on the default local cluster, then ``zoo compare`` of its folder
   in a fresh process. Printed: both wall times and compare/sweep (target <= 1, aim
   0.1); the comparison alone (``explorer.compare`` and ``explorer.verdicts`` in this
   process on the table read back) and its peak memory: the peak resident size while
   comparing above the size with the table read (Linux's VmHWM, reset through
   /proc/self/clear_refs), against the table's own size in memory. For scale, the
   definition the comparison used before (Elephant and Neo one pair at a time) timed
   on 200 pairs of the table and extrapolated to all.
2. Seeds of masquelier2008 (30 s simulated, Brian2; ``--seeds 4 20``): ``zoo sweep`` on
   the default local cluster against the same runs one after another in one process
   (``zoo sweep --scheduler inline``), all fresh processes with the same caches on
   disk (one untimed run first): sweep/seed-after-seed (target <= 0.6 on 2 cores;
   0.5 is two workers doing nothing but the runs). The control: one inline process
   per core started at once, each running its share of the seeds, without Dask: what
   the cores give at that moment, so cluster/control is the explorer's own cost. The
   breakdown: each run's own time as measured where it ran (``wall_time_s``: the
   import on a process's first run, build, simulation, analysis), CPU time of all
   processes, the startup of a fresh process (``zoo list``), and what remains.

Other work on the machine slows a parallel run more than a serial one (a lone process
keeps a core while others share the rest): the load average is printed at each step,
and the control runs under the same conditions.

    python benchmarks/explorer_overheads.py [--points N ...] [--seeds N ...] [--full]

The defaults (2,000 and 20,000 points, 4 seeds) take about 6 minutes on 2 idle cores and
twice that on a loaded machine; ``--full`` adds the 200,000-point sweep and 20 seeds
(about 30 minutes more: the sweep of 200,000 points and 3 x 20 runs of 30 s). Not in
``make bench`` for that reason.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ZOO = str(Path(sys.executable).with_name("zoo"))
SIMULATORS = ("nest", "brian2")
SAMPLE_PAIRS = 200


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def timed(*commands: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of commands started at once, each in a fresh process,
    the CPU time counting every process they started and waited for (Dask's workers
    too); their output is checked, not shown."""
    started = time.perf_counter()
    processes = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for c in commands]
    cpu = 0.0
    for command, process in zip(commands, processes):
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        cpu += usage.ru_utime + usage.ru_stime
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # zoo compare exits 1 on a failed verdict, which is a result
            raise RuntimeError(f"{' '.join(command)} exited {code}:\n{stderr[-2000:]}")
    return time.perf_counter() - started, cpu


def resident_mib(field: str) -> float:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no {field} in /proc/self/status")


def comparison_alone(directory: str) -> tuple[float, float, float, pd.DataFrame]:
    """(seconds of compare + verdicts, peak MiB above the table's, the table's MiB, table)."""
    import explorer

    table = pd.read_parquet(directory)
    table_mib = table.memory_usage(deep=True).sum() / 2**20 + sum(t.nbytes for t in table["spike_times_ms"]) / 2**20
    Path("/proc/self/clear_refs").write_text("5")  # the peak resident size starts again from now
    before = resident_mib("VmRSS")
    started = time.perf_counter()
    explorer.verdicts(explorer.compare(table))
    elapsed = time.perf_counter() - started
    return elapsed, resident_mib("VmHWM") - before, table_mib, table


def elephant_per_pair_s(table: pd.DataFrame) -> float:
    """Seconds per pair of the comparison's former distances (Elephant and Neo, one pair
    at a time: ``tests/explorer/test_distances.elephant_distances``), on a sample."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.explorer.test_distances import elephant_distances

    ok = table[table["status"] == "ok"]
    a = ok[ok["simulator"] == SIMULATORS[0]].set_index("pair_key")
    b = ok[ok["simulator"] == SIMULATORS[1]].set_index("pair_key").loc[a.index]
    chosen = np.linspace(0, len(a) - 1, min(SAMPLE_PAIRS, len(a))).astype(int)
    trains_a, trains_b = list(a["spike_times_ms"].iloc[chosen]), list(b["spike_times_ms"].iloc[chosen])
    elephant_distances(trains_a[:2], trains_b[:2], 1000.0)  # imports
    started = time.perf_counter()
    elephant_distances(trains_a, trains_b, 1000.0)
    return (time.perf_counter() - started) / len(chosen)


def compare_against_sweep(points: list[int]) -> None:
    print("1. LIF current sweeps on NEST and Brian2 (1 s at dt = 0.1 ms), then their comparison")
    for n in points:
        out = tempfile.mkdtemp(prefix=f"zoo-overheads-{n}-")
        try:
            sweep_s, _ = timed([ZOO, "sweep", "lif", *sum((["--simulator", s] for s in SIMULATORS), []),
                             "--grid", f"i_offset=0:2:{n}", "--out", out])
            sweep_load = load()
            compare_s, _ = timed([ZOO, "compare", out])
            alone_s, peak_mib, table_mib, table = comparison_alone(out)
            before_s = elephant_per_pair_s(table) * n
            print(f"   {n:>7,} points: zoo sweep {sweep_s:6.1f} s ({sweep_load}), zoo compare {compare_s:5.1f} s "
                  f"({load()}) -> compare/sweep {compare_s / sweep_s:.2f} (target <= 1, aim 0.1)")
            print(f"            explorer.compare + verdicts alone {alone_s:5.2f} s, peak memory {peak_mib:6.0f} MiB "
                  f"above the table's {table_mib:.0f} MiB; Elephant per pair (before) {before_s:6.0f} s extrapolated "
                  f"-> {before_s / alone_s:.0f}x")
            del table
        finally:
            shutil.rmtree(out, ignore_errors=True)


def seeds_command(seeds: list[int], out: str, inline: bool) -> list[str]:
    command = [ZOO, "sweep", "masquelier2008", "--simulator", "brian2", "--grid", "w_init=0.475", "--duration",
               "30000", "--out", out] + sum((["--seed", str(s)] for s in seeds), [])
    return command + (["--scheduler", "inline"] if inline else [])


def seeds_against_one_after_another(counts: list[int]) -> None:
    workers = os.cpu_count() or 1
    print("2. masquelier2008, 30 s on Brian2: seeds on the default local cluster against one after another, and "
          f"against {workers} independent processes started at once, each running its share one after another "
          "(no Dask: what any way of using the cores can reach on this machine at this moment)")
    scratch = tempfile.mkdtemp(prefix="zoo-overheads-seeds-")
    try:
        timed(seeds_command([101, 102], f"{scratch}/warm", inline=False))  # caches on disk, untimed
        startup = min(timed([ZOO, "list"])[0] for _ in range(3))
        print(f"   a fresh process that imports the zoo (zoo list): {startup:.1f} s")
        for repeat, count in enumerate(counts):
            seeds = list(range(1, count + 1))
            wall, cpu, runs = {}, {}, {}
            for mode in ("one after another", "independent", "cluster"):
                out = f"{scratch}/{repeat}-{count}-{mode.replace(' ', '-')}"
                if mode == "independent":
                    shares = [list(share) for share in np.array_split(seeds, workers) if len(share)]
                    wall[mode], cpu[mode] = timed(*(seeds_command(share, f"{out}-{i}", inline=True)
                                                    for i, share in enumerate(shares)))
                    table = pd.concat([pd.read_parquet(f"{out}-{i}") for i in range(len(shares))])
                else:
                    wall[mode], cpu[mode] = timed(seeds_command(seeds, out, inline=mode != "cluster"))
                    table = pd.read_parquet(out)
                runs[mode] = table.sort_values("seed")["wall_time_s"].to_numpy(float)
            serial = wall["one after another"]
            print(f"   {count:>2} seeds: one after another {serial:6.1f} s; {workers} independent processes "
                  f"{wall['independent']:6.1f} s -> {wall['independent'] / serial:.2f}; cluster {wall['cluster']:6.1f} s "
                  f"-> {wall['cluster'] / serial:.2f} (target <= 0.6), {wall['cluster'] / wall['independent']:.2f} of the "
                  f"independent processes ({load()})")
            for mode in wall:
                own = runs[mode].sum()
                share = own if mode == "one after another" else own / workers
                print(f"      {mode:>17}: CPU {cpu[mode]:6.1f} s in all processes; the runs (import on a process's "
                      f"first, build, simulate, analyse) {own:6.1f} s, {share:6.1f} s per process (each "
                      f"{runs[mode].min():.1f}-{runs[mode].max():.1f} s); the rest of the wall time "
                      f"{wall[mode] - share:5.1f} s")
            ideal = (runs["one after another"].sum() / workers + serial - runs["one after another"].sum()) / serial
            print(f"      the runs one after another spread evenly over {workers} workers, the rest unchanged: "
                  f"{ideal:.2f} of one after another")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, nargs="*", default=[2000, 20000], help="sweep sizes (none: skip)")
    parser.add_argument("--seeds", type=int, nargs="*", default=[4], help="numbers of seeds (none: skip)")
    parser.add_argument("--full", action="store_true", help="add the 200,000-point sweep and 20 seeds")
    args = parser.parse_args(argv)
    if args.full:
        args.points = sorted(set(args.points) | {200_000})
        args.seeds = sorted(set(args.seeds) | {20})
    print(f"{os.cpu_count()} cores; {load()}")
    if args.points:
        compare_against_sweep(args.points)
    if args.seeds:
        seeds_against_one_after_another(args.seeds)


if __name__ == "__main__":
    main()
