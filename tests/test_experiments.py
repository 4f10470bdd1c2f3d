"""Experiments run in their quick mode (the full mode runs on demand)."""
import numpy as np

from experiments import hodgkin_huxley_fi
from zoo.models.hh import RHEOBASE_UA_CM2


def test_hodgkin_huxley_fi_quick(tmp_path):
    tables = hodgkin_huxley_fi.main(quick=True, out=tmp_path)
    for name in ("fi.parquet", "rheobase.parquet", "convergence.parquet", "fi.png"):
        assert (tmp_path / name).stat().st_size > 0
    fi = tables["fi"]
    nest, brian2 = (fi[fi["simulator"] == s].reset_index(drop=True) for s in ("nest", "brian2"))
    np.testing.assert_array_equal(nest["n_spikes"], brian2["n_spikes"])
    silent = nest["i_ua_cm2"] < RHEOBASE_UA_CM2[0]
    assert (nest.loc[silent, "late_rate_hz"] == 0).all()
    assert nest.loc[~silent, "late_rate_hz"].min() >= 40  # type II: the curve jumps
    for _, row in tables["rheobase"].iterrows():
        assert row["low_ua_cm2"] <= RHEOBASE_UA_CM2[1] and row["high_ua_cm2"] >= RHEOBASE_UA_CM2[0]
    steps = tables["convergence"]
    assert (steps["max_abs_error_ms"] <= steps["bound_ms"] + 1e-9).all()
