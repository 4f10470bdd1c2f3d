"""Every registered model conforms to the declaration contract (Gymnasium-style)."""
import subprocess
import sys

import numpy as np
import pytest

import dataclasses

import zoo
from zoo.declarations.metrics import Metric
from zoo.models import lif


def test_list_models_names_the_canonical_models():
    assert {"lif", "lapicque"} <= set(zoo.list_models())
    assert zoo.list_models() == sorted(zoo.list_models())


def test_unknown_model_names_the_valid_ones():
    with pytest.raises(ValueError, match="unknown model 'nope'; valid models: " + ", ".join(zoo.list_models())):
        zoo.get("nope")


@pytest.mark.parametrize("name", zoo.list_models())
def test_declaration_is_complete_and_consistent(name):
    spec = zoo.get(name)
    assert spec.name == name and spec.summary and spec.citation and spec.doc
    assert len(set(spec.parameter_names)) == len(spec.parameters)
    for p in spec.parameters:
        assert p.unit in {"ms", "mV", "nA", "nF", "uS", "nS", "Hz", "um", "uF/cm2", "ohm*cm", "ohm*cm2", "S/cm2", "1",
                          "/ms", "mV/ms", "/mV/ms"}, p
        assert p.doc, p
        assert p.interval.contains(np.array(p.default)), f"default of {p.name} outside {p.bounds}"
    for m in spec.metrics:
        assert isinstance(m, Metric) and m.doc and m.unit, m
    spec.validate({})  # the defaults pass their own validation
    assert spec.cell_types and spec.validation.protocols
    closed = spec.validation.closed_form
    if closed is not None:
        assert set(closed.values(spec.defaults())) == set(closed.metrics)
    for entry_point in spec.validation.studies:
        assert callable(zoo.registry.load(entry_point))


def test_a_compared_metric_without_a_tolerance_is_refused_at_declaration():
    """No silent pass: a metric compared across simulators must have a declared tolerance."""
    unknown = Metric("mystery", "1", "a metric no agreement covers")
    with pytest.raises(ValueError, match="compared metrics without an agreement tolerance: mystery"):
        dataclasses.replace(lif.MODEL, metrics=lif.MODEL.metrics + (unknown,))
    informational = dataclasses.replace(unknown, compared=False)
    dataclasses.replace(lif.MODEL, metrics=lif.MODEL.metrics + (informational,))  # shown, not judged: fine


def test_listing_and_validation_import_no_simulator():
    """`zoo list` stays fast: neither NEST nor Brian2 is imported to list, show or reject input."""
    code = (
        "import sys, zoo\n"
        "from zoo import cli\n"
        "cli.main(['list']); cli.main(['show', 'lif'])\n"
        "try:\n"
        "    zoo.run('lif', simulator='nest', tau_m=-1.0)\n"
        "except ValueError:\n"
        "    pass\n"
        "bad = [m for m in ('nest', 'brian2', 'pyNN') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


@pytest.mark.parametrize("name", ["lif", "lapicque", "if_cond_exp", "hh", "hh_traub"])
def test_the_default_run_shows_the_model_firing(name):
    """`zoo run NAME` with every default shows what the model is for: a current-clamped
    neuron fires (lif's default current used to be PyNN's 0 nA: no spike)."""
    summary = zoo.run(name, duration_ms=200.0).summary.iloc[0]
    assert summary["n_spikes"] >= 3


@pytest.mark.parametrize("name", zoo.list_models())
def test_a_simulator_that_cannot_run_a_model_refuses_it_with_its_reason(name):
    """Before any simulation: the error names the missing type, the reason, and the
    simulators that can run the model."""
    from zoo import backends

    spec = zoo.get(name)
    for simulator, reason in backends.unavailable(spec).items():
        with pytest.raises(ValueError, match=r"cannot run on .*valid simulators for") as refused:
            zoo.run(name, simulator=simulator, duration_ms=10.0)
        assert reason.split(": ", 1)[1][:40] in str(refused.value)


# -- models registered at run time (zoo.register); plugins: tests/zoo/test_plugins.py ----------

@pytest.fixture
def own_registry(monkeypatch):
    """The registry's tables for the test, holding the built-in models alone (not the test
    models another test of this process registered): what the test registers leaves with it."""
    monkeypatch.setattr(zoo.registry, "_ENTRY_POINTS", dict(zoo.registry.BUILT_IN))
    monkeypatch.setattr(zoo.registry, "_models",
                        {k: v for k, v in zoo.registry._models.items() if k in zoo.registry.BUILT_IN})


def test_register_makes_a_model_of_another_module_usable_by_name(own_registry):
    from tests import models_for_tests

    assert "lif_unchecked" not in zoo.list_models()
    zoo.register("lif_unchecked", "tests.models_for_tests:lif_unchecked")
    assert "lif_unchecked" in zoo.list_models()
    assert zoo.get("lif_unchecked") is models_for_tests.lif_unchecked
    assert zoo.registry.entry_point("lif_unchecked") == "tests.models_for_tests:lif_unchecked"
    zoo.register("lif_unchecked", "tests.models_for_tests:lif_unchecked")  # a notebook cell run twice: no error
    with pytest.raises(ValueError, match=r"^zoo.register: the name 'lif_unchecked' is taken by "
                                         r"tests.models_for_tests:lif_unchecked \(registered at run time\)$"):
        zoo.register("lif_unchecked", "tests.models_for_tests:lif_crashing")


@pytest.mark.parametrize("name, entry_point, message", [
    ("lif", "tests.models_for_tests:lif_unchecked",
     "zoo.register: the name 'lif' is taken by zoo.models.lif:MODEL (a built-in model)"),
    ("lif_unchecked", "tests.models_for_tests", 'entry point \'tests.models_for_tests\' is not "module:attribute"'),
    ("lif_unchecked", "tests/models_for_tests.py:lif_unchecked", 'is not "module:attribute"'),
    ("lif_unchecked", "tests.models_for_tests:lif_unchecked()", 'is not "module:attribute"'),
    ("lif_unchecked", None, "entry point None is not"),
    ("my lif", "tests.models_for_tests:lif_unchecked", "the model name 'my lif' must be letters, digits"),
    ("../lif", "tests.models_for_tests:lif_unchecked", "the model name '../lif' must be letters, digits"),
    ("lif_unchecked", "__main__:lif_unchecked", "a model in __main__ cannot be imported by the worker processes"),
    ("lif_unchecked", "tests.no_such_module:MODEL",
     "zoo.register: cannot import it: ModuleNotFoundError: No module named 'tests.no_such_module'"),
    ("lif_unchecked", "tests.models_for_tests:no_such_model", "cannot import it: AttributeError: module"),
    ("crash", "tests.models_for_tests:CRASH_CURRENT_NA",
     "zoo.register: tests.models_for_tests:CRASH_CURRENT_NA is a float, not a zoo Model"),
    ("renamed", "tests.models_for_tests:lif_unchecked",
     "tests.models_for_tests:lif_unchecked is the model 'lif_unchecked'; its name must be 'renamed'"),
])
def test_register_refuses_bad_registrations_in_one_line(own_registry, name, entry_point, message):
    import re

    before = zoo.list_models()
    with pytest.raises(ValueError, match=re.escape(message)) as refused:
        zoo.register(name, entry_point)
    assert "\n" not in str(refused.value)
    assert zoo.list_models() == before


def test_a_worker_takes_a_tasks_model_by_name_and_refuses_another_model_of_that_name(own_registry):
    """``registry.ensure`` (``explorer.tasks.run_task``): a name the worker does not know is
    registered, not imported; a name it knows as another entry point fails the task, which
    would otherwise run another model than the sweep asked for."""
    zoo.registry.ensure("lif_unchecked", "tests.models_for_tests:lif_unchecked")
    assert "lif_unchecked" in zoo.list_models() and "lif_unchecked" not in zoo.registry._models
    assert zoo.get("lif_unchecked").name == "lif_unchecked"
    zoo.registry.ensure("lif", "zoo.models.lif:MODEL")  # the same: nothing to do
    with pytest.raises(ValueError, match=r"^model 'lif' is tests.models_for_tests:lif_unchecked where the sweep "
                                         r"started, but zoo.models.lif:MODEL \(a built-in model\) in this process$"):
        zoo.registry.ensure("lif", "tests.models_for_tests:lif_unchecked")
