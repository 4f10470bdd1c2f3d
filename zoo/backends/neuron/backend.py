"""NEURON 9 through ``pyNN.neuron``.

- PyNN's NMODL mechanisms must be compiled once (``nrnivmodl`` in
  ``pyNN/neuron/nmodl``; the Makefile's set-up does it). Without them PyNN fails to
  import with a ``TypeError``; the backend says what to run instead.
- The zoo's own mechanisms (``nmodl/*.mod``: the HH spike rule) are compiled once per
  machine and version of their sources, under ``~/.cache/zoo/neuron-mechanisms``.
- NEURON's start-up notes (no DISPLAY, no graphics, mpi4py missing) are kept off the
  terminal: ``NEURON_MODULE_OPTIONS=-nogui`` before the import.
- Integration: PyNN runs NEURON's fixed step, implicit Euler by default. The zoo sets
  ``secondorder = 2`` (Crank-Nicolson) for every cell type: second order in dt like
  NEST's Crank-Nicolson cable, and its error on a current-clamped IF neuron's
  threshold crossing is known in closed form (``zoo.declarations.tolerances``).
"""
from __future__ import annotations

import fcntl
import gc
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from ...declarations.numerics import Scheme
from ..base import (ADEX_AT_STEP_END, GRID_THRESHOLD, IZHIKEVICH_CUT, NO_SPIKES, PEAK_DETECTION, Backend, CellRecord,
                    silence_pynn_logger)

_CRANK_NICOLSON = Scheme("crank_nicolson", order=2,
                         note="fixed step, secondorder = 2: Crank-Nicolson for v, gates staggered")

_CRANK_NICOLSON_GATES = Scheme("crank_nicolson", order=2,
                               note="fixed step, secondorder = 2: Crank-Nicolson for v; gates by cnexp, half a "
                                    "step apart from v")


#: AdEx (issue 33): ``cells.ZooAdExNeuron`` (``nmodl/zoo_adex.mod``, after PyNN's AdExpIF). The
#: leak by Crank-Nicolson, the exponential current (v capped at v_spike) frozen at its value at
#: the step's start (explicit: PyNN's linearised one moved v the wrong way above threshold), w by
#: cnexp half a step apart; WATCH (v > v_spike) tested at the end of each step, the reset an event
#: at the start of the next: up to one step after the crossing, so spike times are first order.
_ADEX_SEMI_IMPLICIT = Scheme("semi_implicit", order=1,
                             note="ZooAdEx: Crank-Nicolson leak, exponential current from the step's start, w by "
                                  "cnexp; the reset at the end of the crossing step makes spike times first order")
#: Izhikevich cells (PyNN's izhikevich.mod, the zoo's zoo_izhikevich.mod): v by the membrane
#: solver with the quadratic current linearised at each step, u by derivimplicit (backward
#: Euler). First order: the spike times' error halves with dt (measured against the zoo's
#: reference at dt = 0.1 to 0.00625 ms; tests/zoo/models/test_izhikevich_reference.py).
_IZHIKEVICH = Scheme("crank_nicolson", order=1,
                     note="fixed step, secondorder = 2, the quadratic current linearised per step, u by "
                          "derivimplicit: first order")


class NeuronBackend(Backend):
    name = "neuron"
    distribution = "neuron"
    modules = ("neuron", "pyNN.neuron")
    spike_report_offset_steps = 0
    # NEURON's t is a sum of dt: a spike at step 683 reads 68.30000000000173 ms
    spike_times_accumulate_round_off = True
    source_files = ("nmodl/*.mod",)
    # the reset is an event delivered at the start of the next step
    records_reset_at_spike_step = False
    # a spike detected at the end of a step is an event delivered at the start of the
    # next: without one more step a spike at the run's end was lost (5731 vs NEST's 5732)
    steps_past_end = 1
    max_threads = 1
    #: PyNN-NEURON builds a NetCon per synapse (one Python call and object each): measured
    #: (peak − after import)/synapses of brunel2000 at scale 0.1 and 0.2 (1.56 and 3.1 M).
    bytes_per_synapse = 650.0
    max_synapses = 4_000_000
    max_synapses_reason = ("PyNN-NEURON builds one NetCon per synapse, 650 B each: brunel2000 at scale 0.2 (3.1 M "
                           "synapses) took 2.3 GB and 2.5 min for 300 ms, so Brunel's full 15.6 M would take about "
                           "10 GB and some 40 min per simulated second; the limit is brunel2000 at scale 0.25")
    network_study_scale = 0.2
    #: NEURON's ``secondorder`` for every run: 2 is Crank-Nicolson, the scheme ``cell_types``
    #: declares (0 is PyNN's default, first-order implicit Euler). A subclass that changes it
    #: must declare its own schemes, or its pairs are judged against the wrong bound.
    secondorder = 2
    unavailable_cell_types = {
        "SRM_curr_exp": "no NEURON translation yet: its spike discards the synaptic currents in flight, which PyNN's "
                        "ExpISyn cannot do (it needs an NMODL cell of its own)",
        "ReducedNearestNeighbourRule": "PyNN-NEURON's STDP weight adjusters (StdwaSA and kin) pair every spike with "
                                       "all earlier ones; the reduced nearest-neighbour rule, with the zoo's pre/post "
                                       "order within a step, needs an NMODL adjuster of its own, not written yet",
    }
    cell_types = {
        "IF_curr_exp": CellRecord(_CRANK_NICOLSON, GRID_THRESHOLD, "cells:IF_curr_exp"),
        "IF_cond_exp": CellRecord(_CRANK_NICOLSON, GRID_THRESHOLD, "cells:IF_cond_exp"),
        # the zoo's own (PyNN 0.13's NEURON backend has none): jumps at the event, threshold tested there
        "IF_curr_delta": CellRecord(_CRANK_NICOLSON, GRID_THRESHOLD, "cells:IF_curr_delta"),
        "HH_curr_alpha": CellRecord(_CRANK_NICOLSON_GATES, PEAK_DETECTION, "cells:HH_curr_alpha"),
        "HH_cond_exp": CellRecord(_CRANK_NICOLSON_GATES, PEAK_DETECTION, "cells:HH_cond_exp"),
        "MultiCompartmentNeuron": CellRecord(Scheme("crank_nicolson", order=2,
                                                    note="fixed step, secondorder = 2: Crank-Nicolson cable, gates "
                                                         "by cnexp half a step apart"), NO_SPIKES),
        "EIF_cond_exp_isfa_ista": CellRecord(_ADEX_SEMI_IMPLICIT, ADEX_AT_STEP_END, "cells:EIF_cond_exp_isfa_ista"),
        "Izhikevich": CellRecord(_IZHIKEVICH, IZHIKEVICH_CUT, "cells:Izhikevich"),  # PyNN's izhikevich.mod, u0 kept
        "IzhikevichGeneral": CellRecord(_IZHIKEVICH, IZHIKEVICH_CUT, "cells:IzhikevichGeneral"),
    }

    def synaptic_charge_factor(self, tau_syn_ms, dt_ms):
        """An event sets the synaptic current at a step boundary, but NEURON integrates
        that current at the half steps, so it decays from half a step later: each event
        delivers exp(dt/(2·tau_syn)) times the exact charge (measured: the PSP of one
        spike is 1.0202 times NEST's at dt 0.1 ms, tau_syn 2.5 ms; exp(0.02) = 1.0202)."""
        return float(np.exp(dt_ms / (2 * tau_syn_ms)))

    def _import_pynn(self):
        os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
        silence_pynn_logger()
        try:
            import pyNN.neuron
        except TypeError as error:  # load_mechanisms(None): the NMODL files were never compiled
            raise RuntimeError("PyNN's NEURON mechanisms are not compiled; run `make setup` (nrnivmodl in "
                               "pyNN/neuron/nmodl)") from error
        load_zoo_mechanisms()
        return pyNN.neuron

    def _compartmental_population_class(self) -> type:
        from .multicompartment import NeuronCompartmentalPopulation

        backend = self

        class CompartmentalPopulation(NeuronCompartmentalPopulation):
            duration_ms = property(lambda self: backend._duration_ms)

        return CompartmentalPopulation

    def _setup_kwargs(self, dt_ms: float, seed: int, threads: int = 1) -> dict:
        return {"use_cvode": False}

    def setup(self, dt_ms, seed, threads=1, duration_ms=None, whole_run=False):
        sim = super().setup(dt_ms, seed, threads, duration_ms, whole_run)
        from neuron import h

        h.secondorder = self.secondorder
        self._grid_clamps = []  # the IClamps and vectors of GridCurrentSources, kept alive for the run
        # rate functions computed exactly, not interpolated in 1 mV tables (cells)
        h.usetable_hh = 0
        h.usetable_hh_traub = 0
        return sim

    def _inject_grid_current(self, population, first_step, amplitudes, dt_ms, rows):
        """An ``IClamp`` per neuron whose amplitude NEURON sets from a vector at the start
        of every step (``Vector.play`` with the step dt): ``vector[k]`` acts during step k.
        A shared waveform is copied into each neuron's vector (a vector plays into one
        variable)."""
        from neuron import h

        for cell, row in zip(population.all_cells, (amplitudes[r] for r in rows)):
            clamp = h.IClamp(cell._cell.source_section(0.5))
            clamp.delay, clamp.dur = 0.0, 1e9
            vector = h.Vector(np.concatenate([np.zeros(first_step), row, [0.0]]))
            vector.play(clamp._ref_amp, dt_ms)
            self._grid_clamps.append((clamp, vector))

    def end(self) -> None:
        """Also let NEURON free the run's cells. PyNN-NEURON keeps every population in its
        initializer and every spike source in its ParallelContext until the next
        ``setup``, and each cell refers to itself (``source_section``, and its segment
        ``seg``) through NEURON's Section type, which Python's cycle collector cannot
        traverse: such a cell is never freed. Without this each run also simulated the
        cells of the runs before it (measured: 50, 100, 150 HH cells; 1.4, 2.0, 2.8 s)."""
        from .cells import forget

        self._grid_clamps = []

        from pyNN.neuron import projections

        simulator = self.pynn.simulator
        # PyNN-NEURON lists every Projection for good; their NetCons hold the target cells
        projections._projections.clear()
        cells = [cell._cell for population in self._populations for cell in population.all_cells
                 if getattr(cell, "_cell", None) is not None]
        super().end()
        simulator.initializer.clear()
        simulator.state.clear()  # ParallelContext.gid_clear(), and NEURON initialised once more
        for cell in cells:
            forget(cell)
            # (NEURON's Section shows its range variables as __dict__: the real one is below it)
            attributes = object.__getattribute__(cell, "__dict__")
            for name in _SELF_REFERENCES:
                attributes.pop(name, None)
        del cells
        gc.collect()

    @property
    def version(self) -> str:
        import neuron

        return str(neuron.__version__)


#: Attributes by which a PyNN-NEURON cell (a Section) refers to itself.
_SELF_REFERENCES = ("source_section", "seg", "source", "recordable")

#: The zoo's NMODL sources.
MECHANISMS = Path(__file__).with_name("nmodl")


def load_zoo_mechanisms() -> None:
    """Compile (once per machine and version of the sources) and load the zoo's NMODL
    mechanisms. A lock keeps concurrent processes (Dask workers) from building twice."""
    import neuron
    from neuron import h

    if hasattr(h, "ZooPeakDetector"):
        return
    sources = sorted(MECHANISMS.glob("*.mod"))
    digest = hashlib.sha1(b"".join(p.read_bytes() for p in sources) + neuron.__version__.encode()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "zoo" / "neuron-mechanisms" / digest
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not list(cache.glob("*/libnrnmech.so")):
            for source in sources:
                shutil.copy(source, cache / source.name)
            nrnivmodl = shutil.which("nrnivmodl", path=str(Path(sys.executable).parent)) or shutil.which("nrnivmodl")
            if nrnivmodl is None:
                raise RuntimeError("nrnivmodl (from the neuron package) is not on this environment's path; "
                                   "it compiles the zoo's NEURON mechanisms: run `make setup`")
            build = subprocess.run([nrnivmodl, "."], cwd=cache, capture_output=True, text=True)
            if build.returncode:
                raise RuntimeError(f"nrnivmodl failed on the zoo's mechanisms in {cache}: {build.stderr[-2000:]}")
    neuron.load_mechanisms(str(cache), warn_if_already_loaded=False)
