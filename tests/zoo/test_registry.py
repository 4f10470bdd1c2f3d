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
        assert p.unit in {"ms", "mV", "nA", "nF", "uS", "Hz", "um", "uF/cm2", "ohm*cm", "ohm*cm2", "S/cm2", "1"}, p
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
