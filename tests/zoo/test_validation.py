"""Bad input: a clear ValueError naming the valid choices, before any simulation."""
import re

import numpy as np
import pytest

import zoo
from zoo import backends, registry

CASES = [
    (dict(name="lyf"), r"unknown model 'lyf'; valid models: adex, brette2007_coba, brette2007_cuba, brunel2000, cable, hh, hh_traub, "),
    (dict(simulator="gennesaret"), r"unknown simulator 'gennesaret'; valid simulators: " + ", ".join(backends.names())),
    (dict(tau=5.0), r"unknown parameter 'tau' for model 'lif'; valid parameters: cm, tau_m, "),
    (dict(tau_m=0.0), r"'tau_m' = 0 ms is out of range; allowed: \(0, inf\) ms"),
    (dict(tau_m=-20.0), r"'tau_m' = -20 ms is out of range"),
    (dict(cm=[1.0, -1.0]), r"'cm' = -1 nF is out of range"),
    (dict(tau_refrac=-0.1), r"'tau_refrac' = -0.1 ms is out of range; allowed: \[0, inf\) ms"),
    (dict(i_offset="lots"), r"lif.i_offset \(nA\) must be numeric"),
    (dict(i_offset=float("nan")), r"must be a number, got NaN"),
    (dict(i_offset=[1.0, 2.0], cm=[1.0, 2.0, 3.0]), r"per-neuron arrays must have one length"),
    (dict(i_offset=[]), r"empty array"),
    (dict(step_amplitude=[1.0, 2.0]), r"set for the whole population and takes one number"),
    (dict(v_reset=-40.0), r"v_reset < v_thresh"),
    # per-neuron values: one neuron breaking the relation is enough
    (dict(v_reset=[-80.0, -70.0, -45.0]), r"v_reset < v_thresh"),
    (dict(v_thresh=[-40.0, -66.0], v_reset=-65.0), r"v_reset < v_thresh"),
    (dict(v_reset=[-70.0, -50.0]), r"v_reset < v_thresh"),  # equal is not below
    (dict(step_amplitude=1.0, step_start=50.0, step_stop=10.0), r"step_start < step_stop"),
    (dict(dt_ms=0.0), r"dt must be a finite number > 0 ms"),
    (dict(dt_ms=-0.1), r"dt must be a finite number > 0 ms"),
    (dict(duration_ms=0.0), r"duration must be a finite number > 0 ms"),
    (dict(duration_ms=10.05), r"whole number of time steps"),
    (dict(dt_ms=0.0003, duration_ms=0.6), r"multiple of 0.001 ms.* on " + backends.DEFAULT),
    (dict(seed=-1), r"seed must be an integer"),
    (dict(seed=1.5), r"seed must be an integer"),
    (dict(trace_neurons=[3]), r"trace_neurons must be indices in \[0, 0\]"),
    (dict(tau_refrac=0.15), r"'tau_refrac' = 0.15 ms must be a whole number of time steps \(dt = 0.1 ms\)"),
    (dict(step_amplitude=1.0, step_start=10.05), r"'step_start' = 10.05 ms must be a whole number of time steps"),
    (dict(step_amplitude=1.0), r"step_start must be at least one time step"),
    (dict(duration_ms=float("inf")), r"duration must be a finite number"),
    (dict(duration_ms=1e300), r"duration must be at most"),
]


def _plain(pattern: str) -> str:
    """A test ID from a message's pattern, its escapes taken out: pytest escapes a
    backslash in an ID, and again in each later session of one process, so mutmut (which
    runs every mutant's tests by ID in a process that collected them before) could not
    select such a test (tests/mutation/test_selection.py)."""
    return re.sub(r"\\(.)", r"\1", pattern)


@pytest.mark.parametrize("kwargs, message", CASES, ids=[_plain(m) for _, m in CASES])
def test_bad_input_raises_clear_value_error(kwargs, message):
    kwargs = dict(kwargs)
    name = kwargs.pop("name", "lif")
    simulator = kwargs.pop("simulator", backends.DEFAULT)
    with pytest.raises(ValueError, match=message):
        zoo.run(name, simulator=simulator, **kwargs)


def test_arrays_broadcast_with_scalars_into_one_population():
    values, size = zoo.get("lif").validate({"i_offset": np.linspace(0, 1, 4), "tau_m": 10.0})
    assert size == 4 and values["tau_m"] == 10.0 and values["i_offset"].shape == (4,)


def test_the_lif_ramp_is_checked_only_when_there_is_one():
    """A ramp's times must sit on the grid where a ramp is asked for; without one, any dt
    the LIF takes is still accepted."""
    lif = registry.get("lif")
    lif.validate({"tau_refrac": 0.03}, dt_ms=0.03)  # ramp_start 10 ms is not on a 0.03 ms grid: no ramp, fine
    with pytest.raises(ValueError, match="'ramp_start' = 10 ms must be a whole number of time steps"):
        lif.validate({"tau_refrac": 0.03, "ramp_amplitude": 1.0}, dt_ms=0.03)
    with pytest.raises(ValueError, match="ramp_start must be at least 2 time steps"):
        lif.validate({"ramp_amplitude": 1.0, "ramp_start": 0.1}, dt_ms=0.1)
