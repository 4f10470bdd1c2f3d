"""The spiking model zoo: canonical neuron models, declared once with PyNN, run by
name on every simulator it has a backend for and checked against theory.

    >>> import zoo
    >>> "lif" in zoo.list_models()
    True
    >>> result = zoo.run("lif", simulator="nest", i_offset=1.0)   # doctest: +SKIP
    >>> result.summary[["i_offset", "rate_hz", "rate_hz_closed_form"]]   # doctest: +SKIP
    >>> zoo.register("my_lif", "my_package.models:MY_LIF")   # doctest: +SKIP

Models from other packages: an entry point in the group ``zoo.models`` of the package's
metadata, or ``zoo.register(name, "module:attribute")`` at run time (``zoo.registry``).

This package's ``__init__`` is the facade at the top of the layers (ARCHITECTURE.md):
nothing inside the zoo imports it.
"""
from .declarations import zoo_version
from .registry import get, list_models, register
from .runner import run, run_seeds

__version__ = zoo_version()

__all__ = ["get", "list_models", "register", "run", "run_seeds", "check", "__version__"]


def check(name: str, **kwargs):
    """Run ``name`` on every simulator that can run it, against theory and each other;
    see :func:`zoo.checks.check_model`."""
    from .checks import check_model

    return check_model(name, **kwargs)
