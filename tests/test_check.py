"""`zoo check`: verdicts against theory and across simulators, and that it can fail."""
import numpy as np

import zoo
from zoo.verdict import _worst


def test_check_lapicque_passes_with_grid_ties_accounted_for():
    report = zoo.check("lapicque")
    assert report.passed, report.verdicts
    assert set(report.verdicts["simulator"]) == {"nest", "brian2", "brian2 vs nest"}
    assert {"rate_hz vs closed form", "n_spikes", "first_spike_ms", "van_rossum"} <= set(report.verdicts["metric"])
    # the perfect integrator with round currents hits grid ties: they are found and allowed for
    counts = report.verdicts[report.verdicts["metric"] == "n_spikes"].iloc[0]
    assert counts["error"] == 1 and counts["tolerance"] >= 1


def test_a_point_outside_its_tolerance_fails_the_verdict():
    row = _worst("nest", "rate_hz", np.array([10.0, 20.0]), np.array([10.0, 25.0]), np.array([1.0, 1.0]), lambda i: f"p{i}")
    assert row["pass"] is False and row["error"] == 5.0 and row["worst_at"].startswith("p1")
    one_sided = _worst("x", "first_spike_ms", np.array([np.nan]), np.array([3.0]), np.array([0.1]), lambda i: "p")
    assert one_sided["pass"] is False


def test_check_on_one_simulator_has_no_cross_rows():
    """A model that runs on one simulator (e.g. masquelier2008_srm, Brian2 only) is
    checked against theory alone; here lif on NEST alone."""
    from zoo.verdict import check_model

    report = check_model("lif", simulators=["nest"])
    assert report.passed, report.verdicts
    assert set(report.verdicts["simulator"]) == {"nest"}
