"""The vectorised metrics equal Elephant's on the same spike trains."""
import numpy as np
import quantities as pq
from elephant.statistics import cv, isi, mean_firing_rate
from neo import SpikeTrain

from zoo.declarations.spike_trains import spike_train_metrics


def test_metrics_match_elephant_on_random_trains():
    rng = np.random.default_rng(3)
    duration = 2000.0
    trains = [np.sort(rng.uniform(0, duration, n)) for n in (0, 1, 2, 3, 17, 250)]
    neuron = np.concatenate([np.full(len(t), i) for i, t in enumerate(trains)])
    times = np.concatenate(trains)
    shuffle = rng.permutation(len(times))
    table = spike_train_metrics(neuron[shuffle], times[shuffle], len(trains), duration)
    for i, t in enumerate(trains):
        row = table.iloc[i]
        train = SpikeTrain(t * pq.ms, t_start=0 * pq.ms, t_stop=duration * pq.ms)
        assert row["n_spikes"] == len(t)
        expected_rate = mean_firing_rate(train).rescale(pq.Hz).magnitude
        assert np.isclose(row["rate_hz"], expected_rate)
        if len(t):
            assert row["first_spike_ms"] == t[0]
        else:
            assert np.isnan(row["first_spike_ms"])
        if len(t) >= 2:
            assert np.isclose(row["mean_isi_ms"], isi(train).magnitude.mean())
        else:
            assert np.isnan(row["mean_isi_ms"])
        if len(t) >= 3:
            assert np.isclose(row["cv_isi"], cv(isi(train).magnitude))
        else:
            assert np.isnan(row["cv_isi"])
