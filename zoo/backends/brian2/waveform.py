"""A current waveform on the time grid whose generated code does not change with its step or
its length: one compile for every run that uses it, where Brian2's ``TimedArray`` writes its
dt, rows and columns into its Cython and C++ code (``brian2/input/timedarray.py``), so that
every run with a new step or a new length compiled again (measured: 39 of the 133 Cython
extensions a cold ``make test`` compiled, about 4 s each).

Brian2's ``TimedArray`` everywhere else (units, its Python and NumPy implementations, the
check that the waveform is constant over a step); only the generated code differs: it reads
dt (s), rows and columns from a second array of its namespace, and takes row round(t/dt).
"""
from __future__ import annotations

import brian2
import numpy as np

_CYTHON = """
cdef double {name}(const double t, const int i):
    global _namespace{name}_values, _namespace{name}_layout
    cdef double step = _namespace{name}_layout[0]
    cdef int rows = <int>_namespace{name}_layout[1]
    cdef int cols = <int>_namespace{name}_layout[2]
    cdef int timestep
    if i < 0 or i >= cols:
        return _numpy.nan
    timestep = <int>(t/step + 0.5)
    if timestep < 0:
        timestep = 0
    elif timestep >= rows:
        timestep = rows - 1
    return _namespace{name}_values[timestep*cols + i]
"""

_CPP = """
static inline double {name}(const double t, const int i)
{{
    const double step = _namespace{name}_layout[0];
    const int rows = (int)_namespace{name}_layout[1];
    const int cols = (int)_namespace{name}_layout[2];
    if (i < 0 || i >= cols)
        return NAN;
    int timestep = (int)(t/step + 0.5);
    if (timestep < 0)
        timestep = 0;
    else if (timestep >= rows)
        timestep = rows - 1;
    return _namespace{name}_values[timestep*cols + i];
}}
"""


class GridWaveform(brian2.TimedArray):
    """``TimedArray(values, dt, name)`` (values: rows of time steps, one column per neuron)
    whose Cython and C++ code depend on its name only."""

    def _init_2d(self):
        super()._init_2d()
        flat = self.values.astype(np.double, order="C", copy=False).ravel()
        layout = np.array([float(self.dt), self.values.shape[0], self.values.shape[1]], dtype=np.double)

        def namespace(owner):
            return {f"{self.name}_values": flat, f"{self.name}_layout": layout}

        for target, template in (("cython", _CYTHON), ("cpp", _CPP)):
            code = template.format(name=self.name)
            self.implementations.add_dynamic_implementation(target, lambda owner, code=code: code,
                                                            namespace=namespace, name=self.name)
