"""NEST through ``pyNN.nest``: the backend (``backend.py``), the translations of the zoo's
cell types (``cells.py``), plasticity rules (``plasticity.py``) and compartmental cells
(``multicompartment.py``), and the zoo's NESTML neurons (``nestml/``, built by
``nestml_build.py``)."""
from .backend import NestBackend

__all__ = ["NestBackend"]
