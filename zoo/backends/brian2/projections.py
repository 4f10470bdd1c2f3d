"""The Brian2 backend's Projection: one delay convention for every synapse type, and
the zoo's plastic synapses built in one vectorised step.

**Delay.** NEST stamps a spike with the end of the step in which it happens (a neuron's
crossing, or a source's spike time t), and the target feels it from stamp + d. Brian2
stamps a neuron's crossing with the step's start (the groups are integrated before the
threshold test) and applies a delivered spike to the state at the end of its step, so a
Brian2 delay of d from a *neuron* acts at NEST's time; a spike *source* emits at the
start of the step from t (``Backend._delivery_times``), one step after NEST's stamp, so
from a source Brian2 needs d − dt (measured: every output spike one step late with d,
with static and with plastic synapses; and with d − dt from neurons too, the recurrent
spikes of ``brette2007_cuba`` came one step early). Into ``IF_curr_delta`` cells, whose
jumps wait for the next update, one step more (:func:`delay_lead`). Delays read back
through PyNN are d.

**Plastic synapses** of the zoo's rules (``zoo.backends.plasticity``): one
Synapses object with one delay per pathway (faster in Brian2 than per-synapse
delays), connected and initialised with arrays rather than PyNN's per-synapse loop.
"""
from __future__ import annotations

import brian2
import numpy as np
import pyNN.brian2 as pynn_brian2
from brian2 import ms
from pyNN import common
from pyNN.brian2 import simulator
from pyNN.space import Space


def _step():
    return simulator.state.dt * ms


def delay_lead(post, pre) -> object:
    """How much earlier than d Brian2 must deliver a spike from ``pre`` into ``post``'s
    cells (a Brian2 quantity), module docstring: one step from a spike source, none from a
    neuron, and one more into a cell that sums its voltage jumps into an input applied at
    its next update (``IF_curr_delta``: NEST adds a jump arriving in a step at that step's
    end, before its threshold test). An Assembly's populations must agree."""
    sources = {not p.celltype.injectable for p in getattr(pre, "populations", [pre])}
    summing = {bool(getattr(p.celltype, "input_applied_next_step", False)) for p in getattr(post, "populations", [post])}
    if len(sources) > 1 or len(summing) > 1:
        raise NotImplementedError("a Brian2 projection of the zoo connects spike sources or neurons, into cells of "
                                  "one kind, not a mixed Assembly")
    return _step() * (int(sources.pop()) + int(summing.pop()))


class Projection(pynn_brian2.Projection):
    __doc__ = pynn_brian2.Projection.__doc__

    def __init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type=None,
                 source=None, receptor_type=None, space=Space(), label=None):
        if not getattr(synapse_type, "zoo_rule", False):
            super().__init__(presynaptic_population, postsynaptic_population, connector, synapse_type, source,
                             receptor_type, space, label)
            return
        common.Projection.__init__(self, presynaptic_population, postsynaptic_population, connector,
                                   synapse_type, source, receptor_type, space, label)
        if isinstance(self.pre, common.Assembly) or isinstance(self.post, common.Assembly):
            raise NotImplementedError("the zoo's plastic projections connect populations, not assemblies")
        if delay_lead(self.post, self.pre) != _step():
            raise NotImplementedError("the zoo's plastic projections on Brian2 take spike sources into cells that "
                                      "apply their input at once (their pre pathway runs at d - dt)")
        self._n_connections = 0
        post = self.post
        psv = post.celltype.post_synaptic_variables[self.receptor_type]
        conductance = post.celltype.conductance_based
        synapse_type._set_target_type(brian2.uS if conductance else brian2.nA)
        context = {"syn_var": psv, "weight_units": "siemens" if conductance else "amp"}
        delay = self._delay = self._single_delay()
        syn = brian2.Synapses(self.pre.brian2_group, post.brian2_group,
                              model=synapse_type.eqs % context, on_pre=synapse_type.pre % context,
                              on_post=synapse_type.post % context,
                              delay={"pre": delay - _step(), "post": synapse_type.post_delay(delay)},
                              clock=simulator.state.network.clock)
        syn.post.order = syn.pre.order - 1  # a postsynaptic event first within a step
        self._brian2_synapses = {0: {0: syn}}
        simulator.state.network.add(syn)
        connector.connect(self)

    def _set_shared_parameters(self, syn):
        """The rule's parameters, one value per projection (Brian2 takes them once connected)."""
        native = self.synapse_type.native_parameters
        native.shape = (1,)
        for name in ("w_max", "w_min", "tau_plus", "tau_minus", "A_plus", "A_minus"):
            setattr(syn, name, native[name].evaluate(simplify=True))

    def _single_delay(self):
        """The projection's one delay (ms) on the time grid, as a Brian2 quantity."""
        delay = self.synapse_type.parameter_space["delay"]
        delay.shape = (1,)
        if not delay.is_homogeneous:
            raise ValueError("a plastic projection of the zoo takes one delay for all its connections")
        steps = max(1, int(round(float(delay.evaluate(simplify=True)) / simulator.state.dt)))
        return steps * simulator.state.dt * ms

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, location_selector=None,
                            **connection_parameters):
        if not getattr(self.synapse_type, "zoo_rule", False):
            if "delay" in connection_parameters:
                connection_parameters["delay"] = connection_parameters["delay"] - delay_lead(self.post, self.pre)
            return super()._convergent_connect(presynaptic_indices, postsynaptic_index, location_selector,
                                               **connection_parameters)
        syn = self._brian2_synapses[0][0]
        first = len(syn)
        syn.connect(i=np.asarray(presynaptic_indices), j=int(self._localize_index(postsynaptic_index)[1]))
        new = slice(first, len(syn))
        if first == 0:
            self._set_shared_parameters(syn)
        self._n_connections += len(syn) - first
        syn.weight[new] = connection_parameters["weight"]
        for name, value in self.synapse_type.initial_values(self._delay, _step(), syn.tau_plus[:]).items():
            getattr(syn, name)[new] = value

    def _set_attributes(self, connection_parameters):
        if "delay" in connection_parameters.keys():
            raise NotImplementedError("setting delays after a Brian2 projection is built is not supported by the zoo")
        super()._set_attributes(connection_parameters)

    def _pathway_delay_ms(self) -> float | None:
        """The one delay (ms, as given: d) of a projection whose ``Synapses`` has a single
        delay for its pathway (the zoo's plastic rules, ``FromArraysConnector``); None if
        each synapse has its own."""
        if getattr(self.synapse_type, "zoo_rule", False):
            return float(self._delay / ms)
        synapses = self._brian2_synapses[0][0]
        if not synapses.pre.variables["delay"].scalar:  # a delay per synapse
            return None
        return float((synapses.pre.delay[:] + delay_lead(self.post, self.pre)) / ms)

    def _pathway_values(self, names) -> dict:
        """Those of ``names`` the projection holds once for its whole pathway, in PyNN's units:
        the delay (:meth:`_pathway_delay_ms`) and a shared weight (the zoo's own static
        ``Synapses``, ``Brian2Backend._connect_arrays``)."""
        found = {}
        if "delay" in names and (delay := self._pathway_delay_ms()) is not None:
            found["delay"] = delay
        synapses = self._brian2_synapses[0][0]
        if "weight" in names and "weight" in synapses.variables and synapses.variables["weight"].scalar:
            from pyNN.parameters import ParameterSpace

            native = ParameterSpace({"weight": np.asarray(synapses.weight[:]).reshape(1)}, shape=(1,))
            weight = self.synapse_type.reverse_translate(native)
            weight.evaluate()
            found["weight"] = float(np.asarray(weight["weight"]).ravel()[0])
        return found

    def _get_attributes_as_list(self, attribute_names):
        """PyNN's reading, with delays reported as given (d, not the d less the lead Brian2 runs)
        and the values held once per pathway repeated for every synapse."""
        names = list(attribute_names)
        shared = self._pathway_values(names)
        if "delay" in names and "delay" not in shared:  # a delay per synapse
            column = names.index("delay")
            lead = float(delay_lead(self.post, self.pre) / ms)
            return [row[:column] + (row[column] + lead,) + row[column + 1:]
                    for row in super()._get_attributes_as_list(names)]
        if not shared:
            return super()._get_attributes_as_list(names)
        others = [name for name in names if name not in shared] or ["presynaptic_index"]
        rows = super()._get_attributes_as_list(others)
        found = [dict(zip(others, row)) | shared for row in rows]
        return [tuple(row[name] for name in names) for row in found]

    def _get_attributes_as_arrays(self, attribute_names, multiple_synapses="sum"):
        """PyNN's reading, with delays reported as given (d, not the d − dt Brian2 runs) and
        the values held once per pathway spread over the connected pairs (a shared weight
        summed over multapses, as PyNN sums a column)."""
        names = list(attribute_names)
        shared = self._pathway_values(names)
        read = [name for name in names if name not in shared and name != "delay"]
        values = dict(zip(read, super()._get_attributes_as_arrays(read, multiple_synapses))) if read else {}
        if "delay" in names and "delay" not in shared:
            (delay,) = super()._get_attributes_as_arrays(["delay"], multiple_synapses)
            values["delay"] = delay + float(delay_lead(self.post, self.pre) / ms)
        if shared:
            synapses = self._brian2_synapses[0][0]
            count = np.zeros((self.pre.size, self.post.size))
            np.add.at(count, (synapses.i[:], synapses.j[:]), 1)
            for name, value in shared.items():
                factor = count if name == "weight" and multiple_synapses == "sum" else 1.0
                values[name] = np.where(count > 0, value * factor, np.nan)
        return [values[name] for name in names]
