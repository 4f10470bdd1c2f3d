"""``zoo.recordings``: the competition's files and the tidy format read into the same tables,
and every inconsistency refused with a message naming it."""
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from zoo import recordings
from zoo.declarations import coincidence

from tests.conftest import QSNMC_TRAINING as DATA


def test_the_competition_training_sets_read_with_their_published_reliability():
    """All 32 files; Γ_int per set as measured in docs/notes/qsnmc2007-fitting.md (CF2, ±2 ms)."""
    found = recordings.read(DATA)
    assert found.sets == ["00", "04", "05", "06", "08", "09", "11", "12"] and found.dt_ms == 0.2
    assert all(found.trials(s) == [0, 1, 2, 3] for s in found.sets)
    assert found.duration_ms("00") == pytest.approx(6800.0)
    assert [len(t) for t in found.spike_trains("00")] == [935, 875, 899, 911]
    assert 0.6 < found.current("00").mean() < 0.65  # pA read as nA: set 00's mean is 624 pA
    reliability = {s: coincidence.intrinsic_reliability(found.spike_trains(s), found.duration_ms(s))
                   for s in found.sets}
    published = {"00": 0.852, "04": 0.720, "05": 0.852, "06": 0.280, "08": 0.131, "09": 0.061, "11": 0.922,
                 "12": 0.013}
    assert reliability == pytest.approx(published, abs=5e-4)


def _tidy(folder: Path, dt=0.5, lengths=(8, 8), spikes=((0, 1.0), (1, 1.5))) -> Path:
    folder.mkdir(exist_ok=True)
    frames = [pd.DataFrame({"trial": trial, "t_ms": np.arange(n) * dt, "current_nA": np.linspace(0, 1, n),
                            "v_mV": -65.0}) for trial, n in enumerate(lengths)]
    pd.concat(frames).to_csv(folder / "samples.csv", index=False)
    pd.DataFrame(spikes, columns=["trial", "t_ms"]).to_parquet(folder / "spikes.parquet")
    return folder


def test_the_tidy_format_gives_the_same_tables(tmp_path):
    found = recordings.read(_tidy(tmp_path / "d"))
    assert found.sets == ["0"] and found.trials("0") == [0, 1] and found.dt_ms == 0.5
    np.testing.assert_allclose(found.current("0"), np.linspace(0, 1, 8))
    assert [t.tolist() for t in found.spike_trains("0")] == [[1.0], [1.5]]


def test_a_competition_file_alone_and_its_units(tmp_path):
    with gzip.open(tmp_path / "03-0.voltage.gz", "wt") as f:
        f.write("0 100.0 -60\n1 200.0 -61\n2 300.0 -62\n")
    (tmp_path / "03-0.spiketimes").write_text("1 0\n")
    found = recordings.read(tmp_path, current_unit="nA", dt_ms=0.1)
    np.testing.assert_allclose(found.current("03"), [100.0, 200.0, 300.0])
    assert found.spike_trains("03")[0].tolist() == [0.1]
    assert recordings.read(tmp_path / "03-0.voltage.gz").current("03")[0] == pytest.approx(0.1)


@pytest.mark.parametrize("make, kwargs, message", [
    (lambda d: _tidy(d, lengths=(8, 6)), {}, "different lengths"),
    (lambda d: _tidy(d), {"dt_ms": 0.2}, r"given \(0.2 ms\) disagrees with samples.csv's \(0.5 ms\)"),
    (lambda d: _tidy(d, spikes=((3, 1.0),)), {}, "trial 3 have no recorded current"),
    (lambda d: _tidy(d), {"current_unit": "mA"}, "not one of pA, nA"),
    (lambda d: d.mkdir() or d, {}, "no recordings in a known format"),
    (lambda d: d, {}, "no such file"),
])
def test_inconsistent_recordings_are_refused(tmp_path, make, kwargs, message):
    folder = make(tmp_path / "d")
    with pytest.raises(ValueError, match=message):
        recordings.read(folder, **kwargs)


def test_an_empty_spike_file_is_a_trial_without_spikes(tmp_path):
    (tmp_path / "01-0.voltage").write_text("0 1 -60\n1 1 -60\n")
    (tmp_path / "01-0.spiketimes").write_text("")
    assert recordings.read(tmp_path).spike_trains("01")[0].size == 0


def test_a_spike_file_beyond_its_recording_is_refused(tmp_path):
    (tmp_path / "01-0.voltage").write_text("0 1 -60\n1 1 -60\n")
    (tmp_path / "01-0.spiketimes").write_text("5 0\n")
    with pytest.raises(ValueError, match=r"whole numbers in \[0, 2\)"):
        recordings.read(tmp_path)
