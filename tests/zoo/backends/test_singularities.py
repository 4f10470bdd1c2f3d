"""Removable singularities of the cells' exact propagators, on every simulator that has
the cell type: the response of v to an exponentially decaying input divides by
(tau_m - tau_syn) in its textbook form (Brian2's derived propagator and NESTML's did: a
ZeroDivisionError, or NaN), and by nothing in the limit the simulators must take,
(w/C)*s*exp(-s/tau). Each case runs at the singular value, next to it (1e-6 and 1e-3
relative) and with the input's time constant far below the step (1e-9 ms), as one
population of one simulation, against the closed form. Far below the step NEST and NEURON
take another limit: the charge of a current that lasts one step, w*h (a time constant the
step cannot resolve; the models refuse it where input arrives); there every simulator
must stay finite, and Brian2's exact propagator keeps the closed form.

- ``IF_curr_exp``: one input spike (tau_m = tau_syn_E).
- ``SRM_curr_exp``: one input spike (tau_m = tau_syn_E) and the after-potential started at
  t = 0 (a = 1, tau_m = tau_ahp).
"""
import numpy as np
import pytest
from scipy.special import exprel

from zoo import backends

from tests.conftest import SIMULATORS

DT_MS, DURATION_MS, SPIKE_MS = 0.1, 40.0, 2.0
TAU_MS, WEIGHT_NA, CM_NF, V_REST_MV = 5.0, 0.5, 0.25, -70.0
#: The singular value, next to it, and a time constant far below the step.
TAUS_MS = np.array([TAU_MS, TAU_MS * (1 + 1e-6), TAU_MS * (1 + 1e-3), 1e-9])
V_AHP_MV = -6.0
#: Round-off of an exact propagation: ~400 steps, each a few ulp of |v| ~ 70 mV (1e-14 mV): 1e-11 mV.
ROUND_OFF_MV = 1e-9


def response_ms(s_ms, tau_a, tau_b):
    """∫₀^s exp(−(s − t)/τ_a − t/τ_b) dt (ms) in the well-conditioned form the backends use."""
    s_ms = np.clip(np.asarray(s_ms, dtype=float), 0.0, None)
    return s_ms * np.exp(-s_ms / np.maximum(tau_a, tau_b)) * exprel(-s_ms * np.abs(1 / tau_a - 1 / tau_b))


def exact_scheme_tolerance_mv(tau_syn_ms):
    """What an exact scheme may differ from the closed form by: round-off, plus, near the
    singularity, the term NEST's propagator (``propagator_stability``) may drop when it takes
    the limit h/C·exp(−h/τ) for |τ_m − τ_s| < 0.1 ms: per step at most
    h²·|τ_m − τ_s|/(2·C·τ_m²) times the synaptic current, which sums over the current's
    decay (Σ w·exp(−k·h/τ_s) ≤ w·τ_s/h) to w·h·|τ_m − τ_s|·τ_s/(2·C·τ_m²)."""
    gap = np.abs(TAU_MS - tau_syn_ms)
    dropped = np.where(gap < 0.1, WEIGHT_NA * DT_MS * gap * tau_syn_ms / (2 * CM_NF * TAU_MS**2), 0.0)
    return ROUND_OFF_MV + dropped


def simulate(simulator, cell_type, params, initial=None):
    """v (mV, steps × neurons) and its times (ms) of one population of ``cell_type``
    (per-neuron ``params``) receiving one spike at SPIKE_MS through a delay of one step."""
    backend = backends.load(simulator)
    with backend.quiet():
        sim = backend.setup(DT_MS, 1, duration_ms=DURATION_MS)
        try:
            source = sim.Population(1, sim.SpikeSourceArray(spike_times=sim.Sequence([SPIKE_MS])))
            size = len(TAUS_MS)
            cells = sim.Population(size, getattr(sim, cell_type)(**params),
                                   initial_values={"v": V_REST_MV, **(initial or {})})
            sim.Projection(source, cells, sim.AllToAllConnector(), sim.StaticSynapse(weight=WEIGHT_NA, delay=DT_MS),
                           receptor_type="excitatory")
            cells.record("v")
            backend.run(DURATION_MS)
            segment = cells.get_data().segments[0]
            backend.report_spikes(segment, DT_MS)
            signal = segment.analogsignals[0]
            order = np.argsort(np.asarray(signal.array_annotations["channel_index"]))
            v = np.asarray(signal.magnitude)[:, order]
            t = np.asarray(signal.times.rescale("ms").magnitude)
        finally:
            backend.end()
    return t, v


def psp_mv(t_ms, tau_syn_ms):
    """Deflection of v by one current w·exp(−s/τ_s) arriving at SPIKE_MS + dt."""
    return WEIGHT_NA / CM_NF * response_ms(np.asarray(t_ms)[:, None] - SPIKE_MS - DT_MS, TAU_MS, tau_syn_ms)


IF_PARAMS = {"tau_m": TAU_MS, "cm": CM_NF, "tau_syn_E": TAUS_MS, "v_rest": V_REST_MV, "v_thresh": 0.0,
             "v_reset": V_REST_MV, "tau_refrac": 1.0}


def check(simulator, t, v, theory, tau_syn_ms):
    """v against the closed form: exactly on the exact schemes (NEST, Brian2); on NEURON, which
    integrates the synaptic current at half steps (its declared charge factor per event) with
    Crank-Nicolson, the singular value lies on the line through its neighbours. The time
    constant far below the step (the last neuron): finite everywhere, and at most the charge
    of one step, w*h (NEST's and NEURON's limit; Brian2's exact propagator: the closed form)."""
    deflection = v - V_REST_MV
    assert np.all(np.isfinite(v))
    one_step_mv = WEIGHT_NA * DT_MS / CM_NF
    assert 0.0 < deflection[:, 3].max() <= one_step_mv
    if simulator == "brian2":
        assert np.max(np.abs(deflection[:, 3] - theory[:, 3])) <= ROUND_OFF_MV
    deflection, theory, tau_syn_ms = deflection[:, :3], theory[:, :3], tau_syn_ms[:3]
    if backends.backend_class(simulator).numerics["IF_curr_exp"].name == "exact":
        error = np.max(np.abs(deflection - theory), axis=0)
        assert np.all(error <= exact_scheme_tolerance_mv(tau_syn_ms)), (simulator, error)
    else:
        check_half_step_scheme(simulator, t, deflection, theory, tau_syn_ms)


def check_half_step_scheme(simulator, t, deflection, theory, tau_syn_ms):
    """NEURON's PSPs at and next to the singular tau_syn (module docstring of :func:`check`)."""
    # v is smooth in tau_syn through tau_m; the singular value must not stand out.
    # Between the neighbours 1e-6 and 1e-3 relative, the closed form's own change is the scale:
    # at most that change (its curvature over 1e-3 is ~1e-3 of it) plus round-off.
    slope = (deflection[:, 2] - deflection[:, 0]) / (tau_syn_ms[2] - tau_syn_ms[0])
    predicted = deflection[:, 0] + slope * (tau_syn_ms[1] - tau_syn_ms[0])
    theory_change = np.max(np.abs(theory[:, 2] - theory[:, 0]))
    assert np.max(np.abs(deflection[:, 1] - predicted)) <= 1e-3 * theory_change + ROUND_OFF_MV
    # its charge per event is declared: the tail of each PSP (10-30 ms after arrival) is that
    # factor times the closed form, to second order in dt/tau (CN) and dt/(2 tau_s)
    backend = backends.backend_class(simulator)()
    tail = (t >= SPIKE_MS + 10) & (t <= SPIKE_MS + 30)
    for k in range(3):
        factor = backend.synaptic_charge_factor(tau_syn_ms[k], DT_MS)
        ratio = np.mean(deflection[tail, k] / theory[tail, k])
        assert abs(ratio / factor - 1) <= (DT_MS / TAU_MS) ** 2 + (DT_MS / (2 * tau_syn_ms[k])) ** 2


@pytest.mark.parametrize("simulator", SIMULATORS)
def test_if_curr_exp_psp_at_and_next_to_tau_m_equal_tau_syn(simulator):
    t, v = simulate(simulator, "IF_curr_exp", IF_PARAMS)
    check(simulator, t, v, psp_mv(t, TAUS_MS), TAUS_MS)
    assert v[:, :3].max() - V_REST_MV == pytest.approx(WEIGHT_NA / CM_NF * TAU_MS * np.exp(-1), rel=2e-2)


SRM_PARAMS = {**IF_PARAMS, "tau_syn_I": TAUS_MS, "tau_ahp": TAUS_MS, "v_ahp": V_AHP_MV, "i_offset": 0.0}
SRM_SIMULATORS = [s for s in SIMULATORS if "SRM_curr_exp" not in backends.backend_class(s).unavailable_cell_types]


@pytest.mark.parametrize("simulator", SRM_SIMULATORS)
def test_srm_psp_and_after_potential_at_and_next_to_their_singularities(simulator):
    """The SRM's after-potential a = exp(−t/τ_ahp) drives v with v_ahp·a/τ_ahp, a
    response with the same singularity at τ_ahp = τ_m, started here at t = 0 (a = 1)."""
    t, v = simulate(simulator, "SRM_curr_exp", SRM_PARAMS, initial={"a": 1.0})
    after = V_AHP_MV / TAUS_MS * response_ms(t[:, None], TAU_MS, TAUS_MS)
    theory = psp_mv(t, TAUS_MS) + after
    error = np.max(np.abs(v - V_REST_MV - theory), axis=0)
    # both backends propagate the SRM in the well-conditioned form: round-off only, at every tau
    assert np.all(error <= ROUND_OFF_MV), error
