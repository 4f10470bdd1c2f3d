"""The spiking model zoo: canonical neuron models, declared once with PyNN, run by
name on NEST or Brian2 and checked against theory.

    >>> import zoo
    >>> zoo.list_models()
    ['lapicque', 'lif']
    >>> result = zoo.run("lif", simulator="nest", i_offset=1.0)   # doctest: +SKIP
    >>> result.summary[["i_offset", "rate_hz", "rate_hz_closed_form"]]   # doctest: +SKIP
"""
from .registry import get, list_models, register
from .runner import run

__version__ = "0.1.0"

__all__ = ["get", "list_models", "register", "run", "check", "__version__"]


def check(name: str, **kwargs):
    """Run ``name`` on both simulators against theory; see :func:`zoo.verdict.check_model`."""
    from .verdict import check_model

    return check_model(name, **kwargs)
