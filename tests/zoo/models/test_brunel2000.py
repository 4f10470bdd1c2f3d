"""Brunel (2000) model A: the network shape of a run, the zoo's graph on every simulator,
the delta synapse's semantics, bad input, and a resumable network sweep."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import explorer
import zoo
from zoo import backends
from zoo.models import brunel2000

from tests.conftest import refused_in_one_line, runs

#: A small network that runs in seconds: 1,250 neurons, C_E = 100.
SMALL = dict(scale=0.1, c_e=100.0)


@pytest.mark.parametrize("simulator", runs("brunel2000"))
def test_a_run_has_one_summary_row_per_population_and_its_spikes_say_whose(simulator):
    result = zoo.run("brunel2000", simulator=simulator, duration_ms=200.0, trace_neurons=[0, 1100], **SMALL)
    summary = result.summary.set_index("population")
    assert list(summary.index) == ["E", "I"] and summary["n_neurons"].tolist() == [1000, 250]
    assert list(result.spikes.columns) == ["population", "neuron", "t_ms"]
    neurons = result.neurons
    assert len(neurons) == 1250 and neurons.groupby("population", observed=True).size().tolist() == [1000, 250]
    for name in ("E", "I"):  # the summary is the neurons' table, averaged
        own = neurons[neurons["population"] == name]
        assert summary.loc[name, "rate_hz"] == pytest.approx(own["rate_hz"].mean())
        assert summary.loc[name, "n_spikes"] == own["n_spikes"].sum()
        spikes = result.spikes[result.spikes["population"] == name]
        assert spikes["neuron"].max() < summary.loc[name, "n_neurons"]
        assert summary.loc[name, "n_spikes"] == (spikes["t_ms"] > brunel2000.TRANSIENT_MS).sum()
    block = result.to_neo()  # one segment per population, as PyNN returned it
    assert [(s.name, s.annotations["population"], len(s.spiketrains)) for s in block.segments] == [
        ("E", "E", 1000), ("I", "I", 250)]
    assert block.segments[1].spiketrains[100].annotations["source_population"] == "I"
    # trace neuron 1100 of the network is neuron 100 of I
    traced = result.traces.groupby(["population", "neuron"], observed=True).size()
    assert set(traced.index) == {("E", 0), ("I", 100)}
    assert summary["rate_hz"].min() > 10.0  # the drive makes the network fire


def test_every_simulator_builds_the_graph_the_zoo_drew():
    """The same seed gives the same connections on NEST and Brian2, and they are the
    zoo's own draw (multapses kept)."""
    params, _ = zoo.get("brunel2000").validate({"scale": 0.02, "c_e": 20.0}, 0.1)
    n_e, n_i, c_e, c_i = brunel2000.sizes(params)
    n = n_e + n_i
    expected = sorted(zip(brunel2000.draw_sources(7, n_e, n, c_e, brunel2000.GRAPH_STREAM).ravel(),
                          np.repeat(np.arange(n), c_e)))
    found = {}
    for simulator in ("nest", "brian2"):
        backend = backends.load(simulator)
        sim = backend.setup(0.1, 7, 1, 10.0, True)
        try:
            network = brunel2000.build(sim, params, n, 10.0, 7)
            e, i = network.populations["E"], network.populations["I"]
            pairs = []
            for post, offset in ((e, 0), (i, n_e)):
                pairs += [(int(a), int(b) + offset) for a, b in _connections(simulator, e, post)]
            found[simulator] = sorted(pairs)
        finally:
            backend.end()
    assert found["nest"] == found["brian2"] == [(int(a), int(b)) for a, b in expected]


def _connections(simulator, pre, post):
    """(pre index, post index) of every connection from ``pre`` to ``post``, multapses repeated."""
    if simulator == "nest":
        import nest

        table = nest.GetConnections(pre.node_collection, post.node_collection).get(["source", "target"],
                                                                                   output="pandas")
        first_pre, first_post = pre.node_collection.tolist()[0], post.node_collection.tolist()[0]
        return list(zip(table["source"] - first_pre, table["target"] - first_post))
    import brian2

    from pyNN.brian2 import simulator as state

    pairs = []
    for obj in state.state.network.objects:
        if isinstance(obj, brian2.Synapses) and obj.source is pre.brian2_group and obj.target is post.brian2_group:
            pairs += list(zip(obj.i[:], obj.j[:]))
    return pairs


def test_delta_synapses_fire_the_same_trains_on_nest_and_brian2():
    """An IF_curr_delta neuron under input spikes (some arriving while it is refractory,
    which both drop), and a second one driven by the first's spikes through a delay of one
    step (the shortest) and of 1.5 ms: the same spike times on NEST and Brian2, step for step
    (a spike source and a neuron are delivered with different leads on Brian2:
    ``zoo.backends.brian2.projections.delay_lead``)."""
    rng = np.random.default_rng(3)
    times = np.unique(np.round(rng.uniform(1.0, 300.0, 600), 1))
    trains = {}
    for simulator in runs("brunel2000"):
        backend = backends.load(simulator)
        sim = backend.setup(0.1, 1, 1, 300.0, True)
        try:
            cell = sim.Population(3, sim.IF_curr_delta(tau_m=20.0, v_thresh=20.0, v_reset=10.0, tau_refrac=2.0,
                                                       v_rest=0.0), initial_values={"v": 0.0})
            source = sim.Population(1, sim.SpikeSourceArray(spike_times=times))
            sim.Projection(source, cell, sim.FromArraysConnector([0, 0], [0, 0]),
                           sim.StaticSynapse(weight=1.6, delay=1.5), receptor_type="excitatory")
            for target, delay in ((1, 0.1), (2, 1.5)):
                sim.Projection(cell, cell, sim.FromArraysConnector([0], [target]),
                               sim.StaticSynapse(weight=12.0, delay=delay), receptor_type="excitatory")
            cell.record("spikes")
            backend.run(300.0)
            segment = cell.get_data().segments[0]
            backend.report_spikes(segment, 0.1)
            trains[simulator] = [np.asarray(train.magnitude) for train in segment.spiketrains]
        finally:
            backend.end()
    assert len(trains["nest"][0]) > 20 and len(trains["nest"][1]) > 5 and len(trains["nest"][2]) > 5
    for simulator in set(trains) - {"nest"}:
        for mine, nests in zip(trains[simulator], trains["nest"]):
            np.testing.assert_allclose(mine, nests, atol=1e-6, err_msg=simulator)


@pytest.mark.parametrize("simulator", runs("brunel2000"))
def test_a_delta_cell_tests_threshold_on_the_sum_of_a_steps_jumps(simulator):
    """+12 and -5 mV arriving in one step on v = 10 mV (threshold 20): the sum, 17 mV, does
    not fire (NEST tests after adding the step's jumps), in whichever order the
    projections were made; +12 alone does."""
    backend = backends.load(simulator)
    sim = backend.setup(0.1, 1, 1, 100.0, True)
    try:
        cells = sim.Population(3, sim.IF_curr_delta(tau_m=1e6, v_thresh=20.0, v_reset=0.0, tau_refrac=2.0,
                                                    v_rest=10.0), initial_values={"v": 10.0})
        source = sim.Population(1, sim.SpikeSourceArray(spike_times=[50.0]))
        for targets, weight in (([0, 2], 12.0), ([0, 1], -5.0), ([1], 12.0)):
            sim.Projection(source, cells, sim.FromArraysConnector([0] * len(targets), targets),
                           sim.StaticSynapse(weight=weight, delay=1.0), receptor_type="excitatory" if weight > 0
                           else "inhibitory")
        cells.record("spikes")
        backend.run(100.0)
        segment = cells.get_data().segments[0]
        backend.report_spikes(segment, 0.1)
        counts = [len(train) for train in segment.spiketrains]
    finally:
        backend.end()
    assert counts == [0, 0, 1], counts


@pytest.mark.parametrize("bad, message", [
    ({"g": -1.0}, "'g' = -1 is out of range"),
    ({"scale": 0.0001}, "no inhibitory neuron or synapse"),
    ({"scale": 0.05}, "in-degree C_E = 1000 (C_I = 250) is larger than the population it draws from"),
    ({"c_e": 2.0}, "'c_e' = 2 is out of range"),
    ({"delay": 0.05}, "delay"),  # below one step
])
def test_bad_input_is_refused_in_one_line(bad, message, capsys):
    args = ["run", "brunel2000"] + [a for k, v in bad.items() for a in ("--set", f"{k}={v}")]
    line = refused_in_one_line(args, capsys)
    assert message in line, line


def test_a_full_network_that_would_not_fit_is_refused_before_it_runs():
    with pytest.raises(ValueError, match="synapses"):
        zoo.run("brunel2000", max_memory_gib=0.5)


def test_a_network_sweep_keeps_a_row_per_population_and_resumes(tmp_path):
    grid = {"g": [4.0, 6.0], "scale": [0.05], "c_e": [50.0]}
    first = explorer.sweep("brunel2000", grid=grid, simulators=["nest"], duration_ms=150.0, out=tmp_path,
                           progress=False, scheduler="inline")
    assert first.attrs["counts"]["ok"] == 4 and sorted(first["population"]) == ["E", "E", "I", "I"]
    assert first["key"].is_unique
    tables = explorer.read_tables(tmp_path, first["key"].iloc[0])
    assert set(tables) == {"spikes", "neurons"} and len(tables["neurons"]) == first["n_neurons"].iloc[0]
    again = explorer.sweep("brunel2000", grid=grid, simulators=["nest"], duration_ms=150.0, out=tmp_path,
                           progress=False, scheduler="inline")
    assert again.attrs["counts"]["cached"] == 4 and again.attrs["counts"]["ok"] == 0
    pd.testing.assert_frame_equal(first, again)
    # g alone varies: no phase diagram; the generic plot draws one population, not E and I averaged
    figure = explorer.sweep_figure(first)
    assert "E population" in figure.texts[0].get_text()
    lines = figure.axes[0].get_lines()
    assert np.allclose(sorted(lines[0].get_ydata()), sorted(first[first["population"] == "E"]["rate_hz"]))
    with pytest.raises(ValueError, match="unknown population 'X'; this sweep has E, I"):
        explorer.sweep_figure(first, population="X")


def test_a_sweep_over_g_and_eta_plots_the_phase_diagram_with_the_theory(tmp_path):
    """The model's own figure (``Model.sweep_figure``): each simulator's measures and the
    classified state, the theory's regions evaluated between the points."""
    from zoo.models.brunel2000 import phase_diagram
    from zoo.models.brunel2000.theory import phase_region

    grid = {"g": [3.0, 6.0], "eta": [1.0, 4.0], "scale": [0.05], "c_e": [50.0], "J": [0.45]}
    table = explorer.sweep("brunel2000", grid=grid, simulators=["nest"], duration_ms=200.0, out=tmp_path,
                           progress=False, scheduler="inline")
    figure = explorer.sweep_figure(table)
    assert "phase diagram" in figure.texts[0].get_text() and "classifier is declared for scale >= 0.5" in (
        figure.texts[0].get_text())
    assert [ax.get_title() for ax in figure.axes if ax.get_title()] == [
        "nest: rate (Hz)", "nest: CV of ISI", "nest: synchrony", "nest: classified state (brunel2000.states)"]
    states = phase_diagram.states_table(table)
    assert len(states) == 4 and set(states["state"]) <= set(phase_diagram.STATES)
    assert states.set_index(["g", "eta"]).loc[(3.0, 4.0), "state"] == "SR"  # 500 Hz, clock-like
    # the regions on the refined grid, at Brunel's full in-degree (where they differ across it)
    gs, etas, regions = phase_diagram.theory_regions(states.assign(J=0.1, c_e=1000.0))
    assert gs.tolist() == [3.0, 4.5, 6.0] and etas.tolist() == [1.0, 2.5, 4.0]
    for (i, j), region in np.ndenumerate(regions):
        assert phase_diagram.STATES[region] == phase_region(gs[j], etas[i]), (gs[j], etas[i])
    assert len(np.unique(regions)) > 1
    assert explorer.sweep_figure(table, metric="rate_hz").texts[0].get_text().endswith("E population")


@pytest.mark.parametrize("measures, state", [
    ((0.001, 1.6e8, 332.0), "SR"),     # NEST, full network, g=3, eta=2 (the closing note of issue 34)
    ((0.75, 178.0, 176.0), "SI fast"),
    ((0.42, 20.0, 105.0), "AI"),
    ((0.39, 152.0, 23.0), "SI slow"),
    ((0.42, float("nan"), float("nan")), "AI"),  # a silent spectrum is no oscillation
    ((float("nan"), float("nan"), float("nan"), 0.0), "quiescent"),  # given the rate: silent
    ((0.42, 20.0, 105.0, 37.0), "AI"),
])
def test_the_declared_rule_names_the_states(measures, state):
    from zoo.models.brunel2000.states import classify

    assert classify(*measures) == state


def test_the_zoo_check_study_judges_the_state_and_the_ai_rate(tmp_path):
    """The study's rows on a real run (NEST, the AI point only, small): one row per state with
    the classification, and the AI rate against the mean field with the derived bound."""
    from zoo.models.brunel2000 import studies

    result = zoo.run("brunel2000", simulator="nest", g=5.0, eta=2.0, duration_ms=300.0, scale=0.5, threads=2)
    rows = studies.state_rows("nest", [("C", 5.0, 2.0, "AI", result)])
    assert [r["metric"] for r in rows] == ["Fig. 8C state at g=5, eta=2 (Brunel: AI)",
                                           "Fig. 8C AI rate (Hz) against the mean field"]
    rate = rows[1]
    assert rate["judged"] == 1 and rate["reference"] == pytest.approx(37.95, abs=0.01)
    assert 0.5 < rate["tolerance"] < 5.0 and rate["pass"], rate


@pytest.mark.slow
def test_figure_8s_four_states_are_brunels_on_every_simulator():
    """The study `zoo check brunel2000` runs: minutes per simulator (make test-slow)."""
    from zoo.models.brunel2000 import studies

    for simulator in runs("brunel2000"):
        rows = studies.figure8(simulator)
        classified = backends.backend_class(simulator).network_study_scale >= 0.5  # NEURON: said, not judged
        expected = [(1, "pass")] * 5 if classified else [(0, "information")]
        assert [(r["judged"], r["verdict"]) for r in rows] == expected, rows


def test_neuron_refuses_a_network_beyond_its_declared_size_before_building_it(capsys, tmp_path):
    """PyNN-NEURON's NetCon per synapse: the declared limit is brunel2000 at scale 0.25."""
    line = refused_in_one_line(["run", "brunel2000", "--simulator", "neuron", "--set", "scale=0.3"], capsys)
    assert "4,687,500 synapses; neuron runs networks of at most 4,000,000" in line, line
    with pytest.raises(ValueError, match="at most 4,000,000"):
        explorer.sweep("brunel2000", grid={"scale": [0.25, 0.3]}, simulators=["nest", "neuron"],
                       out=tmp_path / "refused")
    assert not (tmp_path / "refused").exists()


@pytest.mark.parametrize("simulator", runs("brunel2000"))
def test_the_bulk_connections_read_back_through_pynn_with_their_weight_and_delay(simulator):
    """``FromArraysConnector`` builds outside PyNN's per-connection path; PyNN still reads
    every connection back with its weight (mV) and delay (ms)."""
    params, _ = zoo.get("brunel2000").validate({"scale": 0.02, "c_e": 20.0, "g": 4.5, "delay": 1.2}, 0.1)
    backend = backends.load(simulator)
    sim = backend.setup(0.1, 7, 1, 10.0, True)
    try:
        n_e, n_i, c_e, c_i = brunel2000.sizes(params)
        made, project = [], sim.Projection
        sim.Projection = lambda *args, **kwargs: made.append(project(*args, **kwargs)) or made[-1]
        try:
            brunel2000.build(sim, params, n_e + n_i, 10.0, 7)
        finally:
            sim.Projection = project  # the backend's namespace outlives the test
        found, labels = {}, {getattr(projection, "nest_synapse_label", None) for projection in made}
        for projection in made:
            weights, delays = np.asarray(projection.get(["weight", "delay"], format="list"))[:, 2:].T
            found.setdefault(projection.pre.label, []).append((len(weights), set(np.round(weights, 9)),
                                                               set(np.round(delays, 9))))
        del made  # the projections hold the run's Brian2 objects, whose names the next run needs
    finally:
        backend.end()
    assert sum(n for n, _, _ in found["E"]) == (n_e + n_i) * c_e
    assert sum(n for n, _, _ in found["I"]) == (n_e + n_i) * c_i
    assert all(w == {0.1} and d == {1.2} for _, w, d in found["E"]), found
    assert all(w == {-0.45} and d == {1.2} for _, w, d in found["I"])
    assert labels == {None}  # on NEST, four projections told apart without a label on every connection


@pytest.mark.parametrize("simulator", runs("brunel2000"))
def test_bulk_connections_join_the_given_cells_from_a_population_or_a_scattered_view(simulator):
    """Each (source, target) pair given to ``FromArraysConnector`` is one connection between
    those cells, read back through PyNN: from a population (consecutive IDs) and from a
    view whose cells are out of order, on either side (the IDs looked up one by one). The
    projections join the same cells with one synapse, so NEST tells the later two apart by a
    synapse label; the last, between other cells, it finds by its cells without one."""
    backend = backends.load(simulator)
    sim = backend.setup(0.1, 7, 1, 10.0, True)
    try:
        cells, others = sim.Population(6, sim.IF_curr_delta()), sim.Population(6, sim.IF_curr_delta())
        pairs = [(0, 1), (2, 0), (2, 0), (1, 5), (4, 3)]
        sources, targets = map(list, zip(*pairs))
        found, labelled = {}, {}
        for name, pre, post in (("population", cells, cells), ("view", cells[[5, 1, 4, 0, 2]], cells),
                                ("views", cells[[5, 1, 4, 0, 2]], cells[[3, 0, 5, 1, 2, 4]]),
                                ("other views", others[[5, 1, 4, 0, 2]], others[[3, 0, 5, 1, 2, 4]])):
            projection = sim.Projection(pre, post, sim.FromArraysConnector(sources, targets),
                                        sim.StaticSynapse(weight=0.2, delay=1.0), receptor_type="excitatory")
            found[name] = sorted((int(i), int(j)) for i, j, _ in projection.get("weight", format="list"))
            labelled[name] = getattr(projection, "nest_synapse_label", None) is not None
            assert len(projection) == len(pairs)
    finally:
        backend.end()
    assert found == dict.fromkeys(("population", "view", "views", "other views"), sorted(pairs)), found
    if simulator == "nest":
        assert labelled == {"population": False, "view": True, "views": True, "other views": False}
