"""The NEST backend's Projection: PyNN's, reading weights back in PyNN's units for cells
whose synapses are voltage jumps, and finding connections made without a synapse label.

PyNN-NEST writes a weight as native = PyNN weight × 1000 (nA → pA, µS → nS), which the
zoo's cells with ``receptor_scale`` (``IF_curr_delta``, whose NEST weight is a jump in mV)
scale back (``NestBackend._native_weight``); PyNN reads every weight back × 0.001, so such a
projection read 0.0001 for a jump of 0.1 mV. Reading divides by the cell's scale again.

PyNN labels every connection with its projection's number and finds a projection's
connections by source and label. A bulk projection the NEST backend connects without a label
(``NestBackend._unlabelled_base``, where no other projection of its synapse model joins the
same cells) has ``nest_synapse_label`` None and is found by its sources, targets and model.
"""
from __future__ import annotations

import nest
import numpy as np
import pyNN.nest as pynn_nest


class Projection(pynn_nest.Projection):
    __doc__ = pynn_nest.Projection.__doc__

    @property
    def nest_connections(self):
        if self.nest_synapse_label is not None:
            return super().nest_connections
        state = self._simulator.state
        if self._connections is None or state.stale_connection_cache:
            self._connections = nest.GetConnections(
                nest.NodeCollection(sorted(self._sources)), self.post.node_collection,
                synapse_model=self.nest_synapse_model) if self._sources else []
            state.stale_connection_cache = False
        return self._connections

    def __len__(self):
        if self.nest_synapse_label is not None:
            return super().__len__()
        return len(self.nest_connections)

    def _receptor_scale(self) -> float:
        return float(getattr(self.post.celltype, "receptor_scale", 1.0))

    def _get_attributes_as_list(self, names):
        values = super()._get_attributes_as_list(names)
        scale = self._receptor_scale()
        if "weight" not in names or scale == 1.0:
            return values
        column = list(names).index("weight")
        return [row[:column] + (row[column] / scale,) + row[column + 1:] for row in values]

    def _get_attributes_as_arrays(self, names, multiple_synapses="sum"):
        values = super()._get_attributes_as_arrays(names, multiple_synapses)
        scale = self._receptor_scale()
        return [np.asarray(v) / scale if name.rstrip("s") == "weight" and scale != 1.0 else v
                for name, v in zip(names, values)]
