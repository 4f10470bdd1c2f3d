"""Brian2 through ``pyNN.brian2``: the backend (``backend.py``), the translations of the
zoo's cell types (``cells.py``, with their propagators and integrators in
``integration.py``), plasticity rules (``plasticity.py``, ``projections.py``) and
compartmental cells (``multicompartment.py``)."""
from .backend import Brian2Backend

__all__ = ["Brian2Backend"]
