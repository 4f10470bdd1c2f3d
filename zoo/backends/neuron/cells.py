"""NEURON translations of the zoo's Hodgkin-Huxley cell types, with the zoo's spike
rule (the peak: ``nmodl/zoo_peak.mod``) instead of PyNN-NEURON's threshold crossing,
and of PyNN's integrate-and-fire cells with a reset mechanism that also fires when the
cell starts at or above threshold (``nmodl/zoo_reset_refrac.mod``).

- ``HH_curr_alpha``: the classic 1952 model is NEURON's built-in ``hh`` mechanism
  (the same rate functions, rest at −65 mV, at ``celsius`` = 6.3 °C, where its Q10
  factor is 1), with PyNN's alpha-shaped current synapses.
- ``HH_cond_exp``: PyNN's Traub-Miles cell (``hh_traub``), its spikes at the peak once
  v ≥ v_offset + 30 mV, then 2 ms without detection (NEST ``hh_cond_exp_traub``).
- Both start their gates from the population's initial values (PyNN-NEURON left
  ``hh_traub``'s h at 0 where NEST starts it at 1: its first spike came 0.3-0.4 ms late),
  and both compute their rate functions exactly: the backend turns off the rate tables
  that ``hh`` and ``hh_traub`` interpolate on a 1 mV grid (``usetable_*`` = 0; with them
  the Traub cell's spike peak was 4 mV low at 1 nA).

PyNN's single compartment has an area of 1e-3 cm²; the zoo's parameters are totals
(nF, µS), so specific values are total / area (only the ratios matter).
"""
from __future__ import annotations

import math
import weakref

import pyNN.neuron as pynn_neuron
from neuron import h
from pyNN.neuron.cells import (BretteGerstnerIFStandardReceptors, Izhikevich_, LeakySingleCompartmentNeuron,
                               SingleCompartmentNeuron, SingleCompartmentTraub, StandardIF,
                               StandardIFStandardReceptors, StandardReceptorTypesMixin)
from pyNN.recording import Variable
from pyNN.standardmodels import build_translations
from pyNN.standardmodels import cells as standard_cells

from .. import celltypes

#: NEURON's ``hh`` scales its rates by 3^((celsius − 6.3)/10): 1 at 6.3 °C, the 1952 rates.
HH_CELSIUS = 6.3
#: A NetCon watching ``ZooPeakDetector.detected`` fires when it rises above this.
DETECTED = 0.5


class _PeakDetection:
    """Spikes from a ``ZooPeakDetector``: the cell's source for recording and projections."""

    def _detect_peaks(self, level_mv: float, refractory_ms: float) -> None:
        self.detector = h.ZooPeakDetector(0.5, sec=self)
        self.detector.level = level_mv
        self.detector.refractory = refractory_ms
        self.source = self.detector._ref_detected
        self.source_section = self
        self.rec = h.NetCon(self.source, None, sec=self)
        _GATED.add(self)

    def get_threshold(self) -> float:
        return DETECTED

    def _initialise_gates(self) -> None:
        """The gates from the population's initial values, as NEST and Brian2 start them
        (NEURON's INITIAL blocks set them otherwise: hh's to their steady state at v,
        hh_traub's to 0). Called after the INITIAL blocks (:func:`_initialise_all_gates`)."""
        mechanism = getattr(self.seg, self.gate_mechanism)
        for gate in "mhn":
            if self.initial_values.get(gate) is not None:
                setattr(mechanism, gate, self.initial_values[gate])


#: Cells whose gates start from their initial values. Weak: a handler per cell would
#: hold its cell from NEURON's side, out of Python's reach, and no cell would be freed.
_GATED: weakref.WeakSet = weakref.WeakSet()


def _initialise_all_gates() -> None:
    for cell in list(_GATED):
        cell._initialise_gates()


def forget(cell) -> None:
    """``cell`` is done with (``NeuronBackend.end``): its gates are no longer initialised."""
    _GATED.discard(cell)


#: Type 1: after the mechanisms' INITIAL blocks.
_GATES_HANDLER = h.FInitializeHandler(1, _initialise_all_gates)


def _hh_property(name: str) -> property:
    """A parameter of the compartment's ``hh`` mechanism."""
    return property(lambda self: getattr(self.seg.hh, name), lambda self, value: setattr(self.seg.hh, name, value))


class ClassicHHNeuron(_PeakDetection, SingleCompartmentNeuron, StandardReceptorTypesMixin):
    """One compartment with NEURON's ``hh``; parameters in PyNN-NEURON's units: µF/cm²,
    S/cm², mV, ms, nA."""

    gate_mechanism = "hh"

    def __init__(self, syn_type, syn_shape, c_m=1.0, i_offset=0.0, tau_e=0.2, tau_i=2.0, gnabar=0.12,
                 gkbar=0.036, gl=0.0003, ena=50.0, ek=-77.0, el=-54.402, refractory=2.0):
        SingleCompartmentNeuron.__init__(self, c_m, i_offset)
        StandardReceptorTypesMixin.__init__(self, syn_type, syn_shape, tau_e, tau_i, 0.0, 0.0)
        h.celsius = HH_CELSIUS
        self.insert("hh")
        self._detect_peaks(0.0, refractory)
        self.recordable = {Variable(name, None, None): getattr(self.seg.hh, f"_ref_{name}") for name in "mhn"}
        for name, value in {"gnabar": gnabar, "gkbar": gkbar, "gl": gl, "ena": ena, "ek": ek, "el": el,
                            "refractory": refractory}.items():
            self.parameters[name] = value
        self.set_parameters()
        self.initial_values["v"] = -65.0

    gnabar, gkbar, gl, el = (_hh_property(n) for n in ("gnabar", "gkbar", "gl", "el"))
    ena = property(lambda self: self.seg.ena, lambda self, value: setattr(self.seg, "ena", value))
    ek = property(lambda self: self.seg.ek, lambda self, value: setattr(self.seg, "ek", value))
    refractory = property(lambda self: self.detector.refractory,
                          lambda self, value: setattr(self.detector, "refractory", value))


class TraubPeakNeuron(_PeakDetection, SingleCompartmentTraub):
    """PyNN's Traub-Miles compartment, its spikes at the peak (NEST ``hh_cond_exp_traub``)."""

    gate_mechanism = "hh_traub"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._detect_peaks(self.v_offset + 30.0, 2.0)

    def _set_v_offset(self, value):
        self.seg.hh_traub.vT = value
        if hasattr(self, "detector"):
            self.detector.level = value + 30.0

    v_offset = property(lambda self: self.seg.hh_traub.vT, _set_v_offset)


_AREA_CM2 = 1e-3  # PyNN-NEURON's single compartment


class HH_curr_alpha(celltypes.HH_curr_alpha):
    __doc__ = celltypes.HH_curr_alpha.__doc__
    translations = build_translations(
        ("cm", "c_m", 1e-3 / _AREA_CM2),            # nF -> µF/cm²
        ("gbar_Na", "gnabar", 1e-6 / _AREA_CM2),    # µS -> S/cm²
        ("gbar_K", "gkbar", 1e-6 / _AREA_CM2),
        ("g_leak", "gl", 1e-6 / _AREA_CM2),
        ("e_rev_Na", "ena"),
        ("e_rev_K", "ek"),
        ("e_rev_leak", "el"),
        ("tau_syn_E", "tau_e"),
        ("tau_syn_I", "tau_i"),
        ("tau_refrac", "refractory"),
        ("i_offset", "i_offset"),
    )
    model = ClassicHHNeuron
    extra_parameters = {"syn_type": "current", "syn_shape": "alpha"}


class HH_cond_exp(pynn_neuron.HH_cond_exp):
    __doc__ = pynn_neuron.HH_cond_exp.__doc__
    model = TraubPeakNeuron


def _grid_threshold_compartment(cell, tau_m, c_m, v_rest, v_thresh, t_refrac, i_offset, v_reset) -> None:
    """PyNN's leaky compartment with ``ZooResetRefrac`` as its spike, reset and refractory
    mechanism (and its spike source)."""
    LeakySingleCompartmentNeuron.__init__(cell, tau_m, c_m, v_rest, i_offset)
    cell.spike_reset = h.ZooResetRefrac(0.5, sec=cell)
    cell.spike_reset.vspike = 40  # (mV) spike height, as PyNN's
    cell.source = cell.spike_reset
    cell.rec = h.NetCon(cell.source, None)
    cell.parameters.update(v_thresh=v_thresh, t_refrac=t_refrac, v_reset=v_rest if v_reset is None else v_reset)
    cell.set_parameters()


class GridThresholdIF(StandardIFStandardReceptors):
    """PyNN-NEURON's integrate-and-fire compartment (``StandardIF``) with ``ZooResetRefrac``
    in place of ``ResetRefrac``: PyNN's watches for v rising through threshold, so a cell
    starting at or above it (v_rest >= v_thresh) never fired, where NEST and Brian2 fire at
    the end of the first step (``zoo.backends.base``: v >= v_thresh tested at each step's end)."""

    def __init__(self, syn_type, syn_shape, tau_m=20, c_m=1.0, v_rest=-65, v_thresh=-55, t_refrac=2, i_offset=0,
                 v_reset=None, tau_e=5, tau_i=5, e_e=0, e_i=-70):
        _grid_threshold_compartment(self, tau_m, c_m, v_rest, v_thresh, t_refrac, i_offset, v_reset)
        StandardReceptorTypesMixin.__init__(self, syn_type, syn_shape, tau_e, tau_i, e_e, e_i)
        self.set_parameters()


class IF_curr_exp(pynn_neuron.IF_curr_exp):
    __doc__ = pynn_neuron.IF_curr_exp.__doc__
    model = GridThresholdIF


class IF_cond_exp(pynn_neuron.IF_cond_exp):
    __doc__ = pynn_neuron.IF_cond_exp.__doc__
    model = GridThresholdIF



class DeltaSynapseIF(StandardIF):
    """An integrate-and-fire compartment whose synapses are voltage jumps: ``ZooResetRefrac``
    is both its spike mechanism and the target of its NetCons, excitatory and inhibitory
    alike (the weight's sign says which, in mV), and adds each jump to v unless refractory
    (``nmodl/zoo_reset_refrac.mod``). NEST's ``iaf_psc_delta``; PyNN-NEURON has none."""

    def __init__(self, tau_m=20, c_m=1.0, v_rest=-65, v_thresh=-55, t_refrac=2, i_offset=0, v_reset=None):
        _grid_threshold_compartment(self, tau_m, c_m, v_rest, v_thresh, t_refrac, i_offset, v_reset)

    @property
    def excitatory(self):
        return self.spike_reset

    @property
    def inhibitory(self):
        return self.spike_reset


class IF_curr_delta(standard_cells.IF_curr_delta):
    __doc__ = "IF_curr_delta on NEURON: :class:`DeltaSynapseIF`."
    translations = build_translations(
        ("tau_m", "tau_m"), ("cm", "c_m"), ("v_rest", "v_rest"), ("v_thresh", "v_thresh"), ("v_reset", "v_reset"),
        ("tau_refrac", "t_refrac"), ("i_offset", "i_offset"))
    model = DeltaSynapseIF


# -- AdEx (issue 33) ---------------------------------------------------------------------------
class ZooAdExNeuron(BretteGerstnerIFStandardReceptors):
    """PyNN-NEURON's AdEx compartment with ``ZooAdEx`` (``nmodl/zoo_adex.mod``) in place of
    PyNN's ``AdExpIF``: the exponential current frozen over each step instead of linearised
    (PyNN's step moved v the wrong way once v was a few delta_T above threshold: PyNN #266,
    #559), v capped at v_spike in the exponential and in w's drive (NEST's equations).
    Parameters and properties are PyNN's (``BretteGerstnerIF``)."""

    def __init__(self, syn_type, syn_shape, tau_m=20, c_m=1.0, v_rest=-65, v_thresh=-55, t_refrac=2, i_offset=0,
                 tau_e=5, tau_i=5, e_e=0, e_i=-70, v_spike=0.0, v_reset=-70.6, A=4.0, B=0.0805, tau_w=144.0,
                 delta=2.0):
        LeakySingleCompartmentNeuron.__init__(self, tau_m, c_m, v_rest, i_offset)
        self.adexp = h.ZooAdEx(0.5, sec=self)
        self.source = self.adexp
        self.rec = h.NetCon(self.source, None)
        self.parameters.update(v_thresh=v_thresh, t_refrac=t_refrac, v_reset=v_reset, A=A, B=B, tau_w=tau_w,
                               delta=delta, v_spike=v_spike)
        self.set_parameters()
        self.w_init = None
        StandardReceptorTypesMixin.__init__(self, syn_type, syn_shape, tau_e, tau_i, e_e, e_i)
        self.set_parameters()

    v_spike = property(lambda self: self.adexp.vspike, lambda self, value: setattr(self.adexp, "vspike", value))


class EIF_cond_exp_isfa_ista(pynn_neuron.EIF_cond_exp_isfa_ista):
    __doc__ = pynn_neuron.EIF_cond_exp_isfa_ista.__doc__
    model = ZooAdExNeuron


# -- Izhikevich (issue 33) ----------------------------------------------------------------------

def _initial_u(cell) -> None:
    """v and u from the cell's initial values. The mechanism's INITIAL block sets u = uinit
    after PyNN's ``memb_init`` (a type-0 FInitializeHandler, run before INITIAL blocks), so
    PyNN's ``Izhikevich_`` sets u, which is then overwritten: every cell starts from uinit =
    −14 mV/ms whatever ``initialize(u=...)`` says (measured: Fig. 1S, u0 = 63.8, fired at 1 ms).
    Setting ``uinit`` is what INITIAL reads."""
    for seg in cell:
        seg.v = cell.initial_values["v"]
    cell.izh.uinit = cell.initial_values["u"]


class IzhikevichNeuron(Izhikevich_):
    """PyNN-NEURON's Izhikevich compartment, its initial u honoured (:func:`_initial_u`)."""

    def memb_init(self):
        _initial_u(self)


class Izhikevich(pynn_neuron.Izhikevich):
    __doc__ = pynn_neuron.Izhikevich.__doc__
    model = IzhikevichNeuron

def _izh_property(name: str) -> property:
    """A parameter of the cell's ``ZooIzhikevich`` mechanism."""
    return property(lambda self: getattr(self.izh, name), lambda self, value: setattr(self.izh, name, value))


class GeneralIzhikevichNeuron(SingleCompartmentNeuron):
    """PyNN-NEURON's Izhikevich compartment (``pyNN.neuron.cells.Izhikevich_``: area 100 µm²,
    1 µF/cm², so C = 1 pF) with ``ZooIzhikevich`` (``nmodl/zoo_izhikevich.mod``) in place of
    PyNN's mechanism: the same integration, the coefficients as parameters."""

    def __init__(self, a_=0.02, b=0.2, c=-65.0, d=2.0, k2=0.04, k1=5.0, k0=140.0, v_u=0.0, u_decay=1.0,
                 i_offset=0.0):
        SingleCompartmentNeuron.__init__(self, 1.0, i_offset)
        self.L = 10
        self.seg.diam = 10 / math.pi
        self.c_m = 1.0
        self.izh = h.ZooIzhikevich(0.5, sec=self)
        self.source = self.izh
        self.rec = h.NetCon(self.source, None)
        self.excitatory = self.inhibitory = self.source
        self.parameters.update(a_=a_, b=b, c=c, d=d, k2=k2, k1=k1, k0=k0, v_u=v_u, u_decay=u_decay)
        self.set_parameters()

    a_, b, c, d, k2, k1, k0 = (_izh_property(name) for name in ("a", "b", "c", "d", "k2", "k1", "k0"))
    v_u = _izh_property("vu")
    u_decay = _izh_property("udecay")

    def get_threshold(self) -> float:
        return self.izh.vthresh

    def memb_init(self):
        _initial_u(self)


class IzhikevichGeneral(celltypes.IzhikevichGeneral):
    __doc__ = celltypes.IzhikevichGeneral.__doc__
    translations = build_translations(
        ("a", "a_"),
        ("b", "b"),
        ("c", "c"),
        ("d", "d"),
        ("k2", "k2"),
        ("k1", "k1"),
        ("k0", "k0"),
        ("v_u", "v_u"),
        ("u_decay", "u_decay"),
        ("i_offset", "i_offset"),
    )
    model = GeneralIzhikevichNeuron
