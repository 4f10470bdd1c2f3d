"""The Izhikevich neuron (``zoo.models.izhikevich``, ``izhikevich2004``): bad input refused in
one line, each simulator's declared scheme checked step for step (NEST's two settings
included), the reference against its own convergence and against the paper's scheme as the
step shrinks, every simulator against the reference with the tolerance its scheme implies, and
the panels of Izhikevich (2004) Fig. 1 (a sample here; all 20 under ``-m slow``)."""
import numpy as np
import pytest

import zoo
from zoo.declarations.reference import TooManySpikes, Train, reset_cell
from zoo.models.izhikevich import figure1, stimulus, studies

from tests.conftest import refused_in_one_line, runs


@pytest.mark.parametrize("model, bad, message", [
    ("izhikevich", {"c": 30.0}, "'c' = 30 mV is out of range"),
    ("izhikevich", {"v_init": 35.0}, "'v_init' = 35 mV is out of range"),
    ("izhikevich", {"fig1_panel": 1.5}, "'fig1_panel' = 1.5 must be a whole number"),
    ("izhikevich", {"fig1_panel": 21.0}, "'fig1_panel' = 21 is out of range"),
    ("izhikevich2004", {"k2": 0.0}, "'k2' = 0 /mV/ms is out of range"),
    ("izhikevich2004", {"u_decay": -1.0}, "'u_decay' = -1 is out of range"),
])
def test_bad_input_is_refused_in_one_line(model, bad, message, capsys):
    args = ["run", model] + [a for k, v in bad.items() for a in ("--set", f"{k}={v}")]
    line = refused_in_one_line(args, capsys)
    assert message in line, line


def _forward_euler(a, b, c, d, v, u, current, dt, steps, consistent=True):
    """NEST's izhikevich update, transcribed from its documentation: with
    ``consistent_integration`` forward Euler (v and u from the step's start), else the 2003
    network code (v in two half steps, then u from the new v); v >= 30 a spike."""
    spikes = []
    for k in range(steps):
        if consistent:
            v, u = v + dt * (0.04 * v * v + 5 * v + 140 - u + current), u + dt * a * (b * v - u)
        else:
            v += 0.5 * dt * (0.04 * v * v + 5 * v + 140 - u + current)
            v += 0.5 * dt * (0.04 * v * v + 5 * v + 140 - u + current)
            u += dt * a * (b * v - u)
        if v >= 30.0:
            spikes.append(round((k + 1) * dt, 9))
            v, u = c, u + d
    return np.array(spikes)


@pytest.mark.parametrize("consistent", [True, False], ids=["forward_euler", "izhikevich2003"])
def test_nests_two_schemes_are_the_ones_declared(consistent):
    """NEST's ``izhikevich`` step for step: its default (``consistent_integration``, what
    PyNN runs and the zoo declares: forward Euler) and the 2003 network scheme it offers
    (which NEST's documentation calls the published one; figure1.m of 2004 uses neither).
    The regular-spiking cell at I = 10 (8 spikes), 300 ms at 0.1 ms: 1e-9 ms, the times'
    round-off."""
    from zoo import backends

    backends.load("nest")  # NEST imported quietly, as a run does
    import nest

    nest.ResetKernel()
    nest.resolution = 0.1
    cell = nest.Create("izhikevich", params={"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0, "I_e": 10.0,
                                             "V_m": -70.0, "U_m": -14.0, "consistent_integration": consistent})
    recorder = nest.Create("spike_recorder")
    nest.Connect(cell, recorder)
    nest.Simulate(300.0)
    expected = _forward_euler(0.02, 0.2, -65.0, 8.0, -70.0, -14.0, 10.0, 0.1, 3000, consistent)
    found = np.asarray(recorder.events["times"], dtype=float)
    assert len(expected) >= 8
    np.testing.assert_allclose(found, expected, atol=1e-9)
    other = _forward_euler(0.02, 0.2, -65.0, 8.0, -70.0, -14.0, 10.0, 0.1, 3000, not consistent)
    assert len(other) != len(found) or np.max(np.abs(other - found)) > 0.05  # the two differ: the test can tell


def test_nest_and_brian2_integrate_the_same_scheme_at_any_step():
    """Both declare forward Euler: identical trains, at the default step and at 0.0625 ms
    (off NEST's default 0.001 ms tic: a finer tic is set)."""
    for dt in (0.1, 0.0625):
        trains = [zoo.run("izhikevich", simulator=s, i_offset=[0.005, 0.014], d=[8.0, 2.0], duration_ms=200.0,
                          dt_ms=dt).spike_trains_ms() for s in ("nest", "brian2")]
        assert [len(t) for t in trains[0]] == [len(t) for t in trains[1]] and len(trains[0][1]) > 5
        for a, b in zip(*trains):
            np.testing.assert_allclose(a, b, atol=1e-9)


@pytest.mark.parametrize("simulator", runs("izhikevich2004"))
def test_the_general_cell_with_pynns_coefficients_is_pynns_cell(simulator):
    """``izhikevich2004`` at its defaults (0.04, 5, 140, v_u 0, u_decay 1) against PyNN's
    ``Izhikevich`` on the same simulator: the same trains, spike for spike (the NESTML neuron,
    the Brian2 equations and the NMODL mechanism translate PyNN's cell)."""
    params = dict(i_offset=[0.005, 0.01, 0.014], d=[2.0, 8.0, 6.0], u_init=[-14.0, -10.0, -16.0], duration_ms=300.0)
    trains = [zoo.run(model, simulator=simulator, **params).spike_trains_ms() for model in ("izhikevich",
                                                                                             "izhikevich2004")]
    assert sum(len(t) for t in trains[0]) > 20
    for a, b in zip(*trains):
        np.testing.assert_allclose(a, b, atol=1e-9)


@pytest.mark.parametrize("simulator", runs("izhikevich"))
def test_the_initial_u_is_honoured(simulator):
    """Fig. 1S starts from u = b·v0 = 63.8 mV/ms, which keeps it silent for 50 ms; from
    PyNN's default u (−14) it fires at once. PyNN's NEURON cell set u before its mechanism's
    INITIAL block reset it to uinit: it fired at 1 ms (the zoo's translation sets uinit)."""
    cell = figure1.PANELS["S"].cell
    found = zoo.run("izhikevich", simulator=simulator, duration_ms=50.0, dt_ms=0.5, i_offset=0.08,
                    **{k: cell[k] for k in ("a", "b", "c", "d", "v_init", "u_init")})
    assert found.summary["n_spikes"][0] == 0
    default_u = zoo.run("izhikevich", simulator=simulator, duration_ms=50.0, dt_ms=0.5, i_offset=0.08,
                        **{k: cell[k] for k in ("a", "b", "c", "d", "v_init")})
    assert default_u.summary["n_spikes"][0] > 0


def test_the_reference_converges():
    """DOP853 at rtol 1e-8 and 1e-10 on a bursting panel (C, 29 spikes): every crossing of
    30 mV within 1e-6 ms."""
    chosen, number = figure1.PANELS["C"], figure1.LETTERS.index("C") + 1
    point = {**zoo.get("izhikevich").defaults(), **chosen.cell, "i_offset": 0.0, "fig1_panel": float(number)}
    pieces = stimulus.current_pieces(point, chosen.duration, chosen.tau)
    fine, coarse = (np.array(Train(reset_cell("Izhikevich"), point, pieces, rtol=rtol).spikes_ms)
                    for rtol in (1e-10, 1e-8))
    assert len(fine) == len(coarse) >= 25
    assert np.max(np.abs(fine - coarse)) <= 1e-6


@pytest.mark.parametrize("letter", ["A", "G", "R"])
def test_the_papers_scheme_converges_to_the_reference(letter):
    """figure1.m's scheme (first order) on the panel's current, at tau/4, tau/8, tau/16: the
    same spikes as the reference, and the largest error halving at each halving of the step
    (ratio 0.4-0.6: A 1.27, 0.59, 0.29 ms). The reference and the paper's scheme solve the
    same equations (G and R: the paper's own), on the same current."""
    chosen, number = figure1.PANELS[letter], figure1.LETTERS.index(letter) + 1
    point = {**zoo.get("izhikevich2004").defaults(), **chosen.cell, "i_offset": 0.0, "fig1_panel": float(number)}
    pieces = stimulus.current_pieces(point, chosen.duration, chosen.tau / 16)
    exact = np.array(Train(reset_cell("IzhikevichGeneral"), point, pieces).spikes_ms)
    errors = []
    for divisor in (4, 8, 16):
        dt = chosen.tau / divisor
        published = figure1.published_euler(chosen.cell, figure1.current(number, dt, chosen.duration), dt)
        assert len(published) == len(exact)
        errors.append(np.max(np.abs(published - exact)))
    ratios = np.array(errors[1:]) / np.array(errors[:-1])
    assert np.all((ratios > 0.4) & (ratios < 0.6)), errors


def test_a_panel_current_is_the_papers_staircase():
    """Panel K's four pulses at the paper's step, and at half of it (each value twice), as
    the cell receives them (``current_pieces``) and as a run injects them."""
    number = figure1.LETTERS.index("K") + 1
    point = {**zoo.get("izhikevich").defaults(), "i_offset": 0.0, "fig1_panel": float(number)}
    for dt in (0.25, 0.125):
        steps = int(round(400 / dt))
        per_step = np.zeros(steps)
        for start, stop, value in stimulus.current_pieces(point, 400.0, dt):
            per_step[int(round(start / dt)):int(round(stop / dt))] = value
        t = np.floor(np.arange(steps) * dt / 0.25) * 0.25  # the paper's grid time of each step
        paper = 0.65e-3 * sum(((t > s) & (t < s + 4)) for s in (40, 60, 280, 320))
        np.testing.assert_allclose(per_step, paper, atol=1e-15)
        assert np.sum(paper > 0) == 4 * 15 * int(0.25 / dt)  # 15 paper steps in each (s, s + 4)


@pytest.mark.parametrize("simulator", runs("izhikevich"))
def test_each_simulator_matches_the_reference_within_its_declared_scheme(simulator):
    """``zoo check izhikevich``'s 16 points at dt = 0.1 ms: every point judged (none left to
    information) and within the tolerance of the simulator's scheme."""
    rows = studies.against_reference(simulator)
    assert all(row["judged"] == 16 and row["pass"] for row in rows), rows


#: Panels of every kind of row: judged and passing (A), a latency that diverges at the
#: threshold (I: not judged, the reference is silent), a burst that gains spikes as the step
#: shrinks (N: its count not judged), the zoo's own cell (R), and a reference whose spikes
#: accumulate without bound (T).
SAMPLE = ("A", "I", "N", "R", "T")


@pytest.mark.parametrize("simulator", runs("izhikevich"))
def test_sample_panels_pass_or_say_why_not(simulator):
    rows = studies._panel_rows(simulator, SAMPLE)
    by = {row["metric"]: row for row in rows}
    judged = [row for row in rows if row["judged"]]
    assert all(row["pass"] for row in judged), [row for row in judged if not row["pass"]]
    assert by["1A n_spikes vs reference"]["judged"]
    assert by["1R first_spike_ms vs reference"]["judged"]
    assert by["1R n_spikes vs the paper's scheme"]["error"] == 0
    assert not by["1N n_spikes vs reference"]["judged"]
    assert "fires ever faster" in by["1T n_spikes vs reference"]["worst_at"]


def test_the_references_accumulating_spikes_are_refused_not_waited_for():
    """Fig. 1T's accurate solution fires ever faster after each reset (intervals 1.1 ms at
    first, 0.05 ms by 160 ms): more spikes than the run has steps raise at once."""
    chosen, number = figure1.PANELS["T"], figure1.LETTERS.index("T") + 1
    point = {**zoo.get("izhikevich").defaults(), **chosen.cell, "i_offset": 0.0, "fig1_panel": float(number)}
    with pytest.raises(TooManySpikes, match="fires ever faster"):
        studies.reference_train("Izhikevich")(point, chosen.duration, chosen.tau)


@pytest.mark.slow
@pytest.mark.parametrize("simulator", runs("izhikevich"))
def test_every_panel_passes_or_says_why_not(simulator):
    """All 20 panels (``zoo check izhikevich`` and ``izhikevich2004``): no judged row fails."""
    rows = studies.figure1_panels(simulator) + studies.figure1_general_panels(simulator)
    assert {row["metric"][1] for row in rows} == set(figure1.LETTERS)
    assert all(row["pass"] for row in rows if row["judged"]), [row for row in rows if row["judged"] and not row["pass"]]
