"""NEURON through ``pyNN.neuron``: the backend (``backend.py``), the translations of the
zoo's cell types (``cells.py``) and compartmental cells (``multicompartment.py``), and the
zoo's NMODL mechanisms (``nmodl/``, compiled once per machine)."""
from .backend import NeuronBackend

__all__ = ["NeuronBackend"]
