"""The checks of user input, on their own (``zoo.declarations.parameters``): intervals,
the time grid, relations between per-neuron values, seeds and the command line's
value grammar. Each case sits at an edge, so an off-by-one in a check fails it."""
import re

import numpy as np
import pytest

from zoo.declarations.parameters import (Bounds, Parameter, at_least_steps, check_seed, on_time_grid, parse_range, parse_values,
                                         validate)

PARAMETERS = (
    Parameter("v_reset", "mV", -65.0, "(-inf, inf)", "reset"),
    Parameter("v_thresh", "mV", -50.0, "(-inf, inf)", "threshold"),
    Parameter("tau_m", "ms", 20.0, "(0, inf)", "membrane time constant"),
    Parameter("tau_refrac", "ms", 0.1, "[0, inf)", "refractory period", on_time_grid=True),
    Parameter("step_amplitude", "nA", 0.0, "[-10, 10]", "step", per_neuron=False),
)
RELATIONS = (("v_reset", "<", "v_thresh"),)

#: The judging and bookkeeping code handles the NaN and inf it expects without a
#: floating-point warning (a user would see it on every comparison).
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def check(params, dt_ms=None, constraints=()):
    return validate("cell", PARAMETERS, params, dt_ms, RELATIONS, constraints)


@pytest.mark.parametrize("text, inside, outside", [
    ("(0, inf)", [1e-300, 1e300], [0.0, -1.0]),
    ("[0, inf)", [0.0, 5.0], [-1e-300]),
    ("[-10, 10]", [-10.0, 10.0, 0.0], [-10.000001, 10.000001]),
    ("(-1, 1)", [-0.999, 0.999], [-1.0, 1.0]),
])
def test_bounds_include_exactly_their_closed_ends(text, inside, outside):
    bounds = Bounds.parse(text)
    assert bounds.contains(np.array(inside)).all()
    assert not bounds.contains(np.array(outside)).any()
    assert str(bounds) == text


@pytest.mark.parametrize("text", ["0, 1", "(0, 1", "0, 1)", "(0 1)", "{0, 1}"])
def test_malformed_bounds_are_refused(text):
    with pytest.raises(ValueError, match="bounds must look like"):
        Bounds.parse(text)


def test_defaults_fill_what_is_not_given_and_scalars_stay_floats():
    values, size = check({"tau_m": 10})
    assert size == 1 and values["tau_m"] == 10.0 and isinstance(values["tau_m"], float)
    assert values["v_reset"] == -65.0 and values["step_amplitude"] == 0.0


def test_per_neuron_arrays_set_the_population_size():
    values, size = check({"tau_m": [10.0, 20.0, 30.0], "v_reset": [-70.0, -71.0, -72.0]})
    assert size == 3 and values["tau_m"].tolist() == [10.0, 20.0, 30.0]
    with pytest.raises(ValueError, match="'tau_m' has 3 values, 'v_reset' has 2"):
        check({"tau_m": [10.0, 20.0, 30.0], "v_reset": [-70.0, -71.0]})
    with pytest.raises(ValueError, match="must be a number or a 1-D array, got shape \\(1, 2\\)"):
        check({"tau_m": [[10.0, 20.0]]})
    with pytest.raises(ValueError, match="'step_amplitude' is set for the whole population.*per-neuron parameters of "
                                         "'cell': v_reset, v_thresh, tau_m, tau_refrac"):
        check({"step_amplitude": [1.0, 2.0]})


def test_an_out_of_range_value_is_named_with_its_interval():
    with pytest.raises(ValueError, match=r"'tau_m' = -2 ms is out of range; allowed: \(0, inf\) ms"):
        check({"tau_m": [5.0, -2.0, 3.0]})


@pytest.mark.parametrize("v_reset, v_thresh, ok", [
    (-65.0, -50.0, True),
    (-50.0, -50.0, False),  # "<": equal is refused
    ([-70.0, -60.0, -55.0], -50.0, True),
    ([-70.0, -60.0, -45.0], -50.0, False),  # one neuron of three breaks it
    ([-70.0, -60.0], [-50.0, -60.0], False),
    (-65.0, [-40.0, -70.0], False),
])
def test_a_relation_holds_for_every_neuron(v_reset, v_thresh, ok):
    params = {"v_reset": v_reset, "v_thresh": v_thresh}
    if ok:
        check(params)
    else:
        with pytest.raises(ValueError, match=r"parameters must satisfy v_reset < v_thresh \(mV\)"):
            check(params)


def test_a_relation_with_less_or_equal_accepts_equality():
    relations = (("v_reset", "<=", "v_thresh"),)
    validate("cell", PARAMETERS, {"v_reset": -50.0}, None, relations)
    with pytest.raises(ValueError, match="v_reset <= v_thresh"):
        validate("cell", PARAMETERS, {"v_reset": [-50.0, -49.0]}, None, relations)


def test_times_on_the_grid_are_checked_only_given_dt():
    check({"tau_refrac": 0.15})  # no dt: nothing to check against
    check({"tau_refrac": [0.1, 0.3, 2.0]}, dt_ms=0.1)
    with pytest.raises(ValueError, match=r"'tau_refrac' = 0.15 ms must be a whole number of time steps \(dt = 0.1 ms\)"):
        check({"tau_refrac": [0.1, 0.15]}, dt_ms=0.1)


def test_on_time_grid_allows_round_off_only():
    steps = np.array([0.3, 0.1 * 3, 1e6 * 0.1, np.inf, 0.30000001, 0.35])
    assert on_time_grid(steps, 0.1).tolist() == [True, True, True, True, False, False]


def test_constraints_run_only_with_dt_and_see_the_values():
    seen = []

    def constraint(values, dt_ms):
        seen.append((values["tau_m"], dt_ms))
        if values["tau_m"] < 2 * dt_ms:
            raise ValueError("tau_m must span two steps")

    check({"tau_m": 5.0}, constraints=(constraint,))
    assert seen == []
    check({"tau_m": 5.0}, dt_ms=0.1, constraints=(constraint,))
    assert seen == [(5.0, 0.1)]
    with pytest.raises(ValueError, match="tau_m must span two steps"):
        check({"tau_m": 0.1}, dt_ms=0.1, constraints=(constraint,))


@pytest.mark.parametrize("seed, ok", [(0, True), (2**31 - 1, True), (np.int64(7), True), (-1, False), (2**31, False),
                                      (True, False), (1.0, False), ("1", False)])
def test_seeds_are_integers_in_their_range(seed, ok):
    if ok:
        assert check_seed(seed) == int(seed) and type(check_seed(seed)) is int
    else:
        with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 2\*\*31\)"):
            check_seed(seed)


@pytest.mark.parametrize("text, values", [("0:1:3", [0.0, 0.5, 1.0]), ("2:2:1", [2.0]), ("1,2.5,", [1.0, 2.5]),
                                          ("-3", [-3.0]), ("1e-3", [0.001])])
def test_the_value_grammar(text, values):
    assert parse_values("x", text) == values


@pytest.mark.parametrize("text", ["0:1:0", "0:1", "0:1:2:3", "a", "1,,b", "0:1:1.5"])
def test_bad_values_name_the_grammar(text):
    with pytest.raises(ValueError, match=r"x=.*expected a number, V1,V2,\.\.\. or START:STOP:NUM with NUM >= 1"):
        parse_values("x", text)
    with pytest.raises(ValueError, match="is empty"):
        parse_values("x", ",")


@pytest.mark.parametrize("text, ok", [("0:2", True), ("-1:1", True), ("2:2", False), ("3:1", False),
                                      ("0:inf", False), ("nan:1", False), ("1", False), ("a:b", False)])
def test_random_ranges(text, ok):
    if ok:
        low, high = parse_range("x", text)
        assert low < high and (low, high) == tuple(float(v) for v in text.split(":"))
    else:
        with pytest.raises(ValueError, match=r"random x="):
            parse_range("x", text)


def test_at_least_steps_refuses_the_first_value_below_its_steps_and_says_why():
    """Round-off of dt below one part in 1e9 is no shortfall; anything more is, and the
    message names the first value below, the steps, their length at this dt and the reason."""
    check = at_least_steps("delay", 2, "a spike needs two steps to arrive")
    assert check.__doc__ == "delay >= 2 dt: a spike needs two steps to arrive"
    check({"delay": 0.2}, 0.1)
    check({"delay": 0.2 * (1 - 1e-10)}, 0.1)
    check({"delay": 2 * 0.1 * (1 - 1e-9)}, 0.1)  # exactly at the edge of round-off
    check({"delay": np.array([0.3, 0.2, 5.0])}, 0.1)
    check({"delay": 0.05}, 0.025)
    for value in (0.2 * (1 - 1e-8), 0.19, 0.0, -1.0):
        with pytest.raises(ValueError, match=rf"^parameter 'delay' = {value:g} ms is below 2 time step\(s\) "
                                             r"\(0.2 ms at dt = 0.1 ms\): a spike needs two steps to arrive$"):
            check({"delay": value}, 0.1)
    with pytest.raises(ValueError, match=r"^parameter 'delay' = 0.15 ms is below 2 .*\(0.2 ms at dt = 0.1 ms\)"):
        check({"delay": np.array([0.3, 0.15, 0.1])}, 0.1)
    with pytest.raises(ValueError, match=r"= 0.3 ms is below 2 time step\(s\) \(0.5 ms at dt = 0.25 ms\)"):
        check({"delay": 0.3}, 0.25)


def test_at_least_steps_names_the_first_value_below_not_one_at_the_edge():
    """Kills parameters.x_at_least_steps__mutmut_16 (<=: the value exactly at the edge of
    round-off is named), _17 and _18 (the edge widened to least·(1 ± 1e-9): a value at or
    just above the edge is named): 0.2·(1 - 1e-9) and 0.2 pass, 0.15 is the first below."""
    check = at_least_steps("delay", 2, "a spike needs two steps to arrive")
    for values in ([2 * 0.1 * (1 - 1e-9), 0.15], [0.2, 0.15], [0.2 * (1 + 1e-10), 0.15, 0.1]):
        with pytest.raises(ValueError, match=r"^parameter 'delay' = 0.15 ms is below 2 time step\(s\)"):
            check({"delay": np.array(values)}, 0.1)


def test_at_least_steps_reads_its_value_as_a_number():
    """Kills parameters.x_at_least_steps__mutmut_4 and _6 (np.asarray without dtype=float:
    a value given as text stays text and the comparison raises a numpy TypeError)."""
    check = at_least_steps("delay", 2, "a spike needs two steps to arrive")
    check({"delay": "0.3"}, 0.1)
    with pytest.raises(ValueError, match=r"^parameter 'delay' = 0.15 ms is below 2 time step\(s\)"):
        check({"delay": ["0.3", "0.15"]}, 0.1)


@pytest.mark.parametrize("text", ["X0, 1)", "(0, 1X", "X0, 1X"])
def test_bounds_must_open_and_close_with_brackets(text):
    """Kills parameters.xǁBoundsǁparse__mutmut_6 and _10 (the allowed opening or closing
    characters widened to "XX[(XX" / "XX])XX": an X in place of a bracket is accepted)."""
    message = rf"^bounds must look like '\(0, inf\)' or '\[-100, 0\]', not {re.escape(repr(text))}$"
    with pytest.raises(ValueError, match=message):
        Bounds.parse(text)


def test_bounds_print_minus_infinity_as_minus_inf():
    """Kills parameters.xǁBoundsǁ__str____mutmut_8 and _9 (-inf printed as "XX-infXX" or
    "-INF"): an interval open to minus infinity prints as it is written."""
    assert str(Bounds.parse("(-inf, 0]")) == "(-inf, 0]"
    assert str(Bounds.parse("(-inf, inf)")) == "(-inf, inf)"
    assert str(Bounds(-np.inf, -1.5, False, True)) == "(-inf, -1.5]"


def test_an_out_of_range_pure_number_has_no_unit_in_its_message():
    """Kills parameters.x__unit__mutmut_1, _3 and _5 (a unit of "1" printed as " 1" or
    "XXXX"): a dimensionless value and its interval are named with no unit after them."""
    gain = Parameter("gain", "1", 1.0, "[0, 10]", "a pure number")
    with pytest.raises(ValueError, match=r"^parameter 'gain' = 12 is out of range; allowed: \[0, 10\]$"):
        validate("cell", (gain,), {"gain": 12.0})


def test_an_out_of_range_message_ends_with_the_limit_only_when_there_is_one():
    """Kills parameters.x_validate__mutmut_52 (the limit never printed), _53 (" ()" printed
    for a parameter with no limit) and _54 ("XXXX" printed for one with no limit)."""
    with pytest.raises(ValueError, match=r"^parameter 'tau_m' = -2 ms is out of range; allowed: \(0, inf\) ms$"):
        check({"tau_m": -2.0})
    delay = Parameter("delay", "ms", 0.1, "[0.1, inf)", "synaptic delay", limit="one time step at the finest dt")
    with pytest.raises(ValueError, match=r"^parameter 'delay' = 0.05 ms is out of range; allowed: \[0.1, inf\) ms "
                                         r"\(one time step at the finest dt\)$"):
        validate("net", (delay,), {"delay": 0.05})


def test_a_model_with_no_per_neuron_parameter_says_so_when_given_an_array():
    """Kills parameters.x_validate__mutmut_28 (the list of per-neuron parameters printed,
    empty, even when the model has none): the message points to zoo sweep --grid instead."""
    amplitude = Parameter("amplitude", "nA", 0.0, "[-10, 10]", "amplitude", per_neuron=False)
    with pytest.raises(ValueError, match=r"^parameter 'amplitude' is set for the whole population and takes one "
                                         r"number; 'stim' has no per-neuron parameter \(sweep values with zoo sweep "
                                         r"--grid\)$"):
        validate("stim", (amplitude,), {"amplitude": [1.0, 2.0]})


def test_on_time_grid_reads_its_values_as_numbers():
    """Kills parameters.x_on_time_grid__mutmut_4 and _6 (np.asarray without dtype=float:
    times given as text stay text and the division raises a numpy TypeError)."""
    assert on_time_grid(["0.3", "0.35"], 0.1).tolist() == [True, False]
    assert on_time_grid("0.2", 0.1).tolist() is True


def test_on_time_grid_tolerance_is_inclusive_and_relative_to_at_least_one_step():
    """Kills parameters.x_on_time_grid__mutmut_18 (<: an offset of exactly 1e-9 step is
    refused), _19 (the tolerance divided, not multiplied, by the number of steps: round-off
    of 1e-7 step on 1000 steps is refused) and _25 (the floor of one step raised to two:
    an offset of 1.5e-9 step is accepted)."""
    assert on_time_grid([1e-9, 1000 * (1 + 1e-10)], 1.0).tolist() == [True, True]
    assert on_time_grid([1.5e-9, 1 + 1.5e-9], 1.0).tolist() == [False, False]
