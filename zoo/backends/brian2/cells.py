"""Zoo cell types for ``pyNN.brian2``: PyNN's, with the zoo's grid spike semantics.

PyNN's Brian2 threshold group fires on ``v > v_thresh``, refuses per-neuron
``tau_refrac`` and clamps one step short of NEST (see ``zoo.backends.brian2``).
``GridThresholdNeuronGroup`` fires on ``v >= v_thresh`` (as NEST), keeps
``tau_refrac`` as a per-neuron variable and stays refractory for ``tau_refrac + dt``.
"""
from __future__ import annotations

import functools
import math

import brian2
import pyNN.brian2 as pynn_brian2
from brian2 import ms, mV, nA, nF, nS, uS
from pyNN.brian2 import simulator
from pyNN.standardmodels import build_translations

from .. import celltypes
from .integration import CachedStateUpdater, ExactPropagator, exponential_response

#: v − v_rest after one step of a LIF without synaptic input, in NEST's form
#: (``iaf_psc_exp``, Rotter & Diesmann 1999): it decays by P22 = exp(−h/τ_m) and a constant
#: current I adds −I·τ_m/C·expm1(−h/τ_m) (exact also for τ_m ≫ h, as Lapicque's 1e9 ms).
_LEAK = "(v - v_rest)*exp(-dt/tau_m) - (i_offset + i_inj)*tau_m*expm1(-dt/tau_m)/c_m"
#: What the synaptic currents ie, ii add over the step: their well-conditioned responses
#: (:func:`exponential_response`, exact at τ_m = τ_s and for τ_s ≪ h).
_SYNAPTIC = (f"(ie*{exponential_response('tau_m', 'tau_syn_e')} "
             f"+ ii*{exponential_response('tau_m', 'tau_syn_i')})/c_m")

#: The exact propagator of ``IF_curr_exp`` (PyNN's equations; v clamped while refractory).
IF_CURR_EXP_PROPAGATOR = ExactPropagator(
    f"""
    _ie = ie*exp(-dt/tau_syn_e)
    _ii = ii*exp(-dt/tau_syn_i)
    _u = {_LEAK} + {_SYNAPTIC}
    _v = int(not_refractory)*(v_rest + _u) + (1 - int(not_refractory))*v
    ie = _ie
    ii = _ii
    v = _v
    """,
    {"v": "((v_rest - v)/tau_m + (ie + ii + i_offset + i_inj)/c_m)*int(not_refractory)", "ie": "-ie/tau_syn_e",
     "ii": "-ii/tau_syn_i"},
)

#: The exact propagator of ``SRM_curr_exp``: that of ``IF_curr_exp`` (v is not clamped),
#: plus the after-potential a, which drives v with v_ahp·a/τ_ahp and decays with τ_ahp
#: (its response, too, is exact at τ_ahp = τ_m).
SRM_PROPAGATOR = ExactPropagator(
    f"""
    _ie = ie*exp(-dt/tau_syn_e)
    _ii = ii*exp(-dt/tau_syn_i)
    _a = a*exp(-dt/tau_ahp)
    _v = v_rest + {_LEAK} + {_SYNAPTIC} + v_ahp*a*{exponential_response('tau_m', 'tau_ahp')}/tau_ahp
    ie = _ie
    ii = _ii
    a = _a
    v = _v
    """,
    {"v": "(v_rest - v)/tau_m + (ie + ii + i_offset + i_inj)/c_m + v_ahp*a/tau_ahp", "ie": "-ie/tau_syn_e",
     "ii": "-ii/tau_syn_i", "a": "-a/tau_ahp"},
)


class PyNNDrivenNeuronGroup(brian2.NeuronGroup):
    """A group as pyNN.brian2 drives it: its parameters set after construction, its
    initial values kept in ``initial_values`` and applied by :meth:`initialize`."""

    def _take(self, parameters: dict) -> None:
        for name, value in parameters.items():
            setattr(self, name, value)
        self.add_attribute("initial_values")
        self.initial_values = {}

    def initialize(self):
        for variable, values in self.initial_values.items():
            setattr(self, variable, values)


class GridThresholdNeuronGroup(PyNNDrivenNeuronGroup):
    """Integrate-and-fire group with NEST's grid-based threshold, reset and refractoriness."""

    reset_statements = "v = v_reset"
    method = IF_CURR_EXP_PROPAGATOR

    def __init__(self, n, equations, **parameters):
        equations = equations + brian2.Equations(
            """
            v_thresh : volt (constant)
            v_reset : volt (constant)
            tau_refrac : second (constant)
            """
        )
        super().__init__(
            n,
            model=equations,
            threshold="v >= v_thresh",
            reset=self.reset_statements,
            refractory="tau_refrac + dt",
            method=self.method,
            clock=simulator.state.network.clock,
        )
        self._take(parameters)


class IF_curr_exp(pynn_brian2.IF_curr_exp):
    __doc__ = pynn_brian2.IF_curr_exp.__doc__
    brian2_model = GridThresholdNeuronGroup


#: The exact propagator of ``IF_curr_delta``: the leak over the step, then the voltage
#: jumps that arrived (``v_in``, summed by the synapses and the Poisson drive since the
#: last update); a refractory neuron keeps v and drops them, as NEST's ``iaf_psc_delta``
#: (``refractory_input`` false) and Brunel (2000): "insensitive to stimulation".
#: The leak's factors (``_LEAK``: exp(−h/τ_m) and −τ_m·expm1(−h/τ_m)/C) are per-neuron
#: constants computed once per run (``DeltaGridThresholdNeuronGroup.before_run``), not an
#: exp and an expm1 per neuron and step (brunel2000 at scale 0.25: the state updates took
#: 0.67 s of a 1 s run, 0.22 s so, profiled; spikes unchanged).
IF_CURR_DELTA_PROPAGATOR = ExactPropagator(
    """
    _v = int(not_refractory)*(v_rest + (v - v_rest)*leak_decay + (i_offset + i_inj)*leak_gain + v_in) + (1 - int(not_refractory))*v
    v = _v
    v_in = 0*mV
    """,
    {"v": "((v_rest - v)/tau_m + (i_offset + i_inj)/c_m)*int(not_refractory)"},
)


class DeltaGridThresholdNeuronGroup(GridThresholdNeuronGroup):
    """``IF_curr_delta`` with NEST's grid threshold and refractoriness (PyNN's Brian2
    group fires on v > v_thresh and adds input to v while refractory)."""

    method = IF_CURR_DELTA_PROPAGATOR

    def before_run(self, run_namespace=None):
        self.leak_decay = "exp(-dt/tau_m)"
        self.leak_gain = "-tau_m*expm1(-dt/tau_m)/c_m"
        super().before_run(run_namespace)


class IF_curr_delta(pynn_brian2.IF_curr_delta):
    __doc__ = pynn_brian2.IF_curr_delta.__doc__
    eqs = pynn_brian2.IF_curr_delta.eqs + brian2.Equations(
        "v_in : volt\nleak_decay : 1 (constant)\nleak_gain : ohm (constant)")
    post_synaptic_variables = {"excitatory": "v_in", "inhibitory": "v_in"}
    brian2_model = DeltaGridThresholdNeuronGroup
    #: the jumps of a step are applied at the next update (``projections.delay_lead``)
    input_applied_next_step = True


class ConductanceGridThresholdNeuronGroup(GridThresholdNeuronGroup):
    """The same grid semantics for conductance-based cells, whose v equation (with
    g·(E − v) terms) Brian2 cannot integrate exactly: exponential Euler, which is exact
    while the conductances are zero (NEST's ``iaf_cond_exp`` integrates with RKF45)."""

    method = CachedStateUpdater("exponential_euler", "exponential_euler")


class IF_cond_exp(pynn_brian2.IF_cond_exp):
    __doc__ = pynn_brian2.IF_cond_exp.__doc__
    brian2_model = ConductanceGridThresholdNeuronGroup


class SpikeResponseNeuronGroup(GridThresholdNeuronGroup):
    """The SRM's spike: v jumps to v_reset, pending synaptic currents are discarded,
    the after-potential starts."""

    reset_statements = "v = v_reset\nie = 0*amp\nii = 0*amp\na = 1"
    method = SRM_PROPAGATOR


class SRM_curr_exp(celltypes.SRM_curr_exp):
    __doc__ = celltypes.SRM_curr_exp.__doc__
    eqs = brian2.Equations(
        """
        dv/dt = (v_rest - v)/tau_m + (ie + ii + i_offset + i_inj)/c_m + v_ahp*a/tau_ahp : volt
        die/dt = -ie/tau_syn_e : amp
        dii/dt = -ii/tau_syn_i : amp
        da/dt = -a/tau_ahp : 1
        tau_m : second (constant)
        c_m : farad (constant)
        v_rest : volt (constant)
        v_ahp : volt (constant)
        tau_ahp : second (constant)
        tau_syn_e : second (constant)
        tau_syn_i : second (constant)
        i_offset : amp
        i_inj : amp
        """
    )
    translations = build_translations(
        ("cm", "c_m", nF),
        ("tau_m", "tau_m", ms),
        ("tau_syn_E", "tau_syn_e", ms),
        ("tau_syn_I", "tau_syn_i", ms),
        ("v_rest", "v_rest", mV),
        ("v_thresh", "v_thresh", mV),
        ("v_reset", "v_reset", mV),
        ("v_ahp", "v_ahp", mV),
        ("tau_ahp", "tau_ahp", ms),
        ("tau_refrac", "tau_refrac", ms),
        ("i_offset", "i_offset", nA),
    )
    state_variable_translations = build_translations(
        ("v", "v", mV), ("isyn_exc", "ie", nA), ("isyn_inh", "ii", nA), ("a", "a"))
    post_synaptic_variables = {"excitatory": "ie", "inhibitory": "ii"}
    brian2_model = SpikeResponseNeuronGroup



#: Largest Runge-Kutta substep (ms) for Hodgkin-Huxley cells (λ·h ≈ 0.4 at the spike peak).
MAX_SUBSTEP_MS = 0.01


@functools.lru_cache(maxsize=None)
def substep_rk4(substeps: int):
    """A Brian2 state updater: ``substeps`` classical RK4 steps of dt/substeps each
    (its derived code cached on disk, see ``integration``)."""
    if substeps <= 1:
        return CachedStateUpdater("rk4", "rk4")
    h = f"(dt/{substeps})"
    lines, x = [], "x"
    for i in range(substeps):
        t0 = f"(t + {i}*{h})"
        lines += [
            f"k{i}_1 = {h}*f({x}, {t0})",
            f"k{i}_2 = {h}*f({x} + k{i}_1/2, {t0} + {h}/2)",
            f"k{i}_3 = {h}*f({x} + k{i}_2/2, {t0} + {h}/2)",
            f"k{i}_4 = {h}*f({x} + k{i}_3, {t0} + {h})",
        ]
        step = f"{x} + (k{i}_1 + 2*k{i}_2 + 2*k{i}_3 + k{i}_4)/6"
        if i < substeps - 1:
            lines.append(f"x{i} = {step}")
            x = f"x{i}"
        else:
            lines.append(f"x_new = {step}")
    description = "\n".join(lines)
    return CachedStateUpdater(brian2.ExplicitStateUpdater(description), f"explicit:\n{description}")


class PeakDetectingNeuronGroup(PyNNDrivenNeuronGroup):
    """Conductance-based group with NEST's Hodgkin-Huxley spike rule.

    PyNN's Brian2 HH group fires on ``v > -40*mV`` with no refractoriness, so every
    time step above −40 mV counts as a spike. NEST's ``hh_psc_alpha`` and
    ``hh_cond_exp_traub`` emit a spike at the first step where v is at or above a
    level and falls (the peak), then pause detection for t_ref. This group does the
    same: ``v_prev`` holds v at the end of the previous step, and the refractory
    period is ``tau_refrac + dt`` because Brian2 counts the spike step itself.
    Integration: NEST integrates adaptively (RKF45) within each time step and tests
    the spike rule once per step. Here each step dt is integrated with k classical
    Runge-Kutta substeps of at most ``MAX_SUBSTEP_MS`` (see :func:`substep_rk4`):
    plain rk4 diverges for HH at dt = 0.1 ms (ḡ_Na/C = 120 /ms) and exponential
    Euler, though stable, is first order (5 ms of drift after 1 s at dt = 0.01 ms).
    """

    peak_level = "0*mV"
    refractory_expression = "tau_refrac + dt"
    extra_equations = "tau_refrac : second (constant)"

    def __init__(self, n, equations, **parameters):
        equations = equations + brian2.Equations(f"v_prev : volt\n{self.extra_equations}")
        clock = simulator.state.network.clock
        super().__init__(
            n,
            model=equations,
            threshold=f"v >= {self.peak_level} and v < v_prev",
            refractory=self.refractory_expression,
            method=substep_rk4(int(math.ceil(float(clock.dt / brian2.ms) / MAX_SUBSTEP_MS - 1e-9))),
            clock=clock,
        )
        self._take(parameters)
        self.run_regularly("v_prev = v", when="end")

    def initialize(self):
        """The initial values, and v_prev = v: the first step is tested against the initial
        potential, as NEST does (a cell that starts above the level and falls fires at once
        there; starting v_prev at -1e9 mV, this group missed that spike and took the next peak)."""
        super().initialize()
        self.v_prev = "v"  # an expression: also in standalone mode, where v is not readable before the run


class TraubPeakDetectingNeuronGroup(PeakDetectingNeuronGroup):
    """NEST ``hh_cond_exp_traub``: a spike at the peak once v ≥ V_T + 30 mV; t_ref = 2 ms."""

    peak_level = "v_offset + 30*mV"
    refractory_expression = "2*ms + dt"
    extra_equations = ""


_ALPHA_CURRENT_SYNAPSES = brian2.Equations(
    """
    die/dt = (2.718281828459045*ye - ie)/tau_syn_e : amp
    dye/dt = -ye/tau_syn_e : amp
    dii/dt = (2.718281828459045*yi - ii)/tau_syn_i : amp
    dyi/dt = -yi/tau_syn_i : amp
    i_syn = ie + ii : amp
    tau_syn_e : second
    tau_syn_i : second
    """
)

_CLASSIC_HH = brian2.Equations(
    """
    dv/dt = (g_leak*(e_rev_leak - v) + gbar_Na*m**3*h*(e_rev_Na - v) + gbar_K*n**4*(e_rev_K - v)
             + i_syn + i_offset + i_inj)/c_m : volt
    dm/dt = alpha_m*(1 - m) - beta_m*m : 1
    dh/dt = alpha_h*(1 - h) - beta_h*h : 1
    dn/dt = alpha_n*(1 - n) - beta_n*n : 1
    alpha_m = 1/exprel(-(v + 40*mV)/(10*mV))/ms : Hz
    beta_m = 4*exp(-(v + 65*mV)/(18*mV))/ms : Hz
    alpha_h = 0.07*exp(-(v + 65*mV)/(20*mV))/ms : Hz
    beta_h = 1/(1 + exp(-(v + 35*mV)/(10*mV)))/ms : Hz
    alpha_n = 0.1/exprel(-(v + 55*mV)/(10*mV))/ms : Hz
    beta_n = 0.125*exp(-(v + 65*mV)/(80*mV))/ms : Hz
    c_m : farad
    gbar_Na : siemens
    gbar_K : siemens
    g_leak : siemens
    e_rev_Na : volt
    e_rev_K : volt
    e_rev_leak : volt
    i_offset : amp
    i_inj : amp
    """
)


class HH_curr_alpha(celltypes.HH_curr_alpha):
    __doc__ = celltypes.HH_curr_alpha.__doc__
    eqs = _CLASSIC_HH + _ALPHA_CURRENT_SYNAPSES
    translations = build_translations(
        ("cm", "c_m", nF),
        ("gbar_Na", "gbar_Na", uS),
        ("gbar_K", "gbar_K", uS),
        ("g_leak", "g_leak", uS),
        ("e_rev_Na", "e_rev_Na", mV),
        ("e_rev_K", "e_rev_K", mV),
        ("e_rev_leak", "e_rev_leak", mV),
        ("tau_syn_E", "tau_syn_e", ms),
        ("tau_syn_I", "tau_syn_i", ms),
        ("tau_refrac", "tau_refrac", ms),
        ("i_offset", "i_offset", nA),
    )
    state_variable_translations = build_translations(("v", "v", mV), ("m", "m"), ("h", "h"), ("n", "n"))
    post_synaptic_variables = {"excitatory": "ye", "inhibitory": "yi"}
    brian2_model = PeakDetectingNeuronGroup


class HH_cond_exp(pynn_brian2.HH_cond_exp):
    __doc__ = pynn_brian2.HH_cond_exp.__doc__
    brian2_model = TraubPeakDetectingNeuronGroup



# -- AdEx (issue 33) ---------------------------------------------------------------------------
#: The AdEx membrane (PyNN ``EIF_cond_exp_isfa_ista``'s equations) with v in the exponential and
#: in w's drive taken as min(v, v_spike), as NEST's ``aeif_cond_exp`` does: the same equations
#: wherever the model lives (v reaches v_spike only to be reset), and finite in the step that
#: crosses it, where an explicit stage would otherwise meet exp((v − v_thresh)/delta_T) at a
#: v far beyond v_spike and corrupt w (the note of docs/notes/naud2008-adex-firing-patterns.md, §7).
_ADEX = brian2.Equations(
    """
    dv/dt = (g_l*(v_rest - v_capped) + g_l*delta_T*exp((v_capped - v_thresh)/delta_T) - w + i_syn + i_offset
             + i_inj)/c_m : volt (unless refractory)
    dw/dt = (a*(v_capped - v_rest) - w)/tau_w : amp
    dge/dt = -ge/tau_syn_e : siemens
    dgi/dt = -gi/tau_syn_i : siemens
    i_syn = ge*(e_rev_e - v_capped) + gi*(e_rev_i - v_capped) : amp
    v_capped = v + (v_spike - v)*int(v > v_spike) : volt
    g_l = c_m/tau_m : siemens
    a : siemens (constant)
    b : amp (constant)
    tau_m : second (constant)
    tau_w : second (constant)
    c_m : farad (constant)
    v_rest : volt (constant)
    v_thresh : volt (constant)
    v_spike : volt (constant)
    v_reset : volt (constant)
    delta_T : volt (constant)
    tau_refrac : second (constant)
    e_rev_e : volt (constant)
    e_rev_i : volt (constant)
    tau_syn_e : second (constant)
    tau_syn_i : second (constant)
    i_offset : amp
    i_inj : amp
    """
)


class AdExNeuronGroup(PyNNDrivenNeuronGroup):
    """The zoo's AdEx spike rule on Brian2's fixed step: a spike at the end of the step in
    which v reached ``v_spike`` (tested there, ``v >= v_spike``), reported at that grid time;
    then v = v_reset, w += b, and v held at v_reset for ``tau_refrac`` (Brian2 counts the
    spike's step, hence ``tau_refrac + dt``), w free. Every parameter may differ between
    neurons (PyNN's ``AdaptiveNeuronGroup`` takes v_reset, b and tau_refrac from the first
    neuron and fires at v_thresh + 5·delta_T, ignoring v_spike). Integration: Brian2's
    ``rk2`` (explicit midpoint), PyNN's choice."""

    def __init__(self, n, equations, **parameters):
        super().__init__(
            n,
            model=equations,
            threshold="v >= v_spike",
            reset="v = v_reset\nw += b",
            refractory="tau_refrac + dt",
            method=CachedStateUpdater("rk2", "rk2"),
            clock=simulator.state.network.clock,
        )
        self._take(parameters)


class EIF_cond_exp_isfa_ista(pynn_brian2.EIF_cond_exp_isfa_ista):
    __doc__ = pynn_brian2.EIF_cond_exp_isfa_ista.__doc__
    eqs = _ADEX
    translations = build_translations(
        ("cm", "c_m", nF),
        ("tau_refrac", "tau_refrac", ms),
        ("v_spike", "v_spike", mV),
        ("v_reset", "v_reset", mV),
        ("v_rest", "v_rest", mV),
        ("tau_m", "tau_m", ms),
        ("i_offset", "i_offset", nA),
        ("a", "a", nS),
        ("b", "b", nA),
        ("delta_T", "delta_T", mV),
        ("tau_w", "tau_w", ms),
        ("v_thresh", "v_thresh", mV),
        ("e_rev_E", "e_rev_e", mV),
        ("tau_syn_E", "tau_syn_e", ms),
        ("e_rev_I", "e_rev_i", mV),
        ("tau_syn_I", "tau_syn_i", ms),
    )
    brian2_model = AdExNeuronGroup


# -- Izhikevich (issue 33) ----------------------------------------------------------------------
class IzhikevichCutNeuronGroup(PyNNDrivenNeuronGroup):
    """Izhikevich neurons with their reset per neuron: PyNN's Brian2 group takes ``c`` and
    ``d`` of the first neuron for the whole population. A spike at the end of a step with
    v >= 30 mV (as NEST), then v = c and u += d; no refractory period. Integration: Brian2's
    ``euler`` (forward Euler, both derivatives from the step's start: NEST's ``izhikevich``),
    named rather than left to Brian2's choice among ('exact', 'euler', 'heun')."""

    def __init__(self, n, equations, **parameters):
        equations = equations + brian2.Equations(
            """
            v_reset : volt (constant)
            d : volt/second (constant)
            """
        )
        super().__init__(n, model=equations, threshold="v >= 30*mV", reset="v = v_reset\nu += d",
                         method=CachedStateUpdater("euler", "euler"), clock=simulator.state.network.clock)
        self._take(parameters)


class Izhikevich(pynn_brian2.Izhikevich):
    __doc__ = pynn_brian2.Izhikevich.__doc__
    eqs = brian2.Equations(
        """
        dv/dt = (0.04/ms/mV)*v*v + (5/ms)*v + 140*mV/ms - u + (i_offset + i_inj)/pF : volt
        du/dt = a*(b*v - u) : volt/second
        a : 1/second (constant)
        b : 1/second (constant)
        i_offset : amp
        i_inj : amp
        """
    )
    brian2_model = IzhikevichCutNeuronGroup


class IzhikevichGeneral(celltypes.IzhikevichGeneral):
    __doc__ = celltypes.IzhikevichGeneral.__doc__
    eqs = brian2.Equations(
        """
        dv/dt = k2*v*v + k1*v + k0 - u + (i_offset + i_inj)/pF : volt
        du/dt = a*(b*(v - v_u) - u_decay*u) : volt/second
        a : 1/second (constant)
        b : 1/second (constant)
        k2 : volt**-1*second**-1 (constant)
        k1 : 1/second (constant)
        k0 : volt/second (constant)
        v_u : volt (constant)
        u_decay : 1 (constant)
        i_offset : amp
        i_inj : amp
        """
    )
    translations = build_translations(
        ("a", "a", 1 / ms),
        ("b", "b", 1 / ms),
        ("c", "v_reset", mV),
        ("d", "d", mV / ms),
        ("k2", "k2", 1 / (mV * ms)),
        ("k1", "k1", 1 / ms),
        ("k0", "k0", mV / ms),
        ("v_u", "v_u", mV),
        ("u_decay", "u_decay"),
        ("i_offset", "i_offset", nA),
    )
    state_variable_translations = build_translations(("v", "v", mV), ("u", "u", mV / ms))
    post_synaptic_variables = {"excitatory": "v", "inhibitory": "v"}
    brian2_model = IzhikevichCutNeuronGroup
