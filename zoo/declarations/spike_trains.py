"""Spike-train statistics, vectorised over a whole population, and the spike shape.

Definitions follow Elephant (``elephant.statistics``): the rate is the spike count
over the run's duration, ISIs are successive differences, the CV is
std(ISI)/mean(ISI) with ddof = 0. The tests check these numbers against Elephant on
the same trains; computing them on flat arrays keeps a 1000-neuron summary at a
millisecond instead of a thousand Neo objects.
"""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd


def spike_train_metrics(neuron: np.ndarray, t_ms: np.ndarray, size: int, duration_ms: float,
                        rate_window_ms: tuple[float, float] | None = None) -> pd.DataFrame:
    """One row per neuron 0..size-1 from flat arrays of spike owners and times.

    ``rate_hz`` counts the spikes in ``rate_window_ms`` = (start, stop], ms (default:
    the whole run) over its length; the other statistics cover the whole run."""
    order = np.lexsort((t_ms, neuron))
    neuron, t_ms = neuron[order], t_ms[order]
    counts = np.bincount(neuron, minlength=size)
    first = np.full(size, np.nan)
    last = np.full(size, np.nan)
    has = counts > 0
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    first[has] = t_ms[starts[has]]
    last[has] = t_ms[starts[has] + counts[has] - 1]

    n_isi = np.maximum(counts - 1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_isi = np.where(n_isi > 0, (last - first) / n_isi, np.nan)
        same = neuron[1:] == neuron[:-1]
        isi = np.diff(t_ms)[same]
        owner = neuron[1:][same]
        sq_dev = np.bincount(owner, weights=(isi - mean_isi[owner]) ** 2, minlength=size)
        cv = np.where(n_isi >= 2, np.sqrt(sq_dev / np.maximum(n_isi, 1)) / mean_isi, np.nan)
    late = np.bincount(neuron[t_ms > duration_ms / 2.0], minlength=size)
    start, stop = (0.0, duration_ms) if rate_window_ms is None else rate_window_ms
    inside = np.bincount(neuron[(t_ms > start) & (t_ms <= stop + 1e-9 * max(1.0, stop))], minlength=size)
    return pd.DataFrame(
        {
            "neuron": np.arange(size),
            "n_spikes": counts,
            "rate_hz": inside / ((stop - start) / 1000.0) if stop > start else np.full(size, np.nan),  # no window
            "late_rate_hz": late / (duration_ms / 2000.0),
            "first_spike_ms": first,
            "mean_isi_ms": mean_isi,
            "cv_isi": cv,
        }
    )


def spike_shape(t_ms: np.ndarray, v_mv: np.ndarray, first_spike_ms: np.ndarray, before_ms: float = 2.0,
                after_ms: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Peak (mV) and half-width (ms) of each neuron's first spike.

    ``v_mv`` has one column per neuron, sampled at ``t_ms``. The peak is the maximum
    of v within [first spike − ``before_ms``, first spike + ``after_ms``]; the
    half-width is the time v spends above the midpoint between its initial value and
    the peak, with linear interpolation at both crossings. NaN without a spike.
    """
    peaks = np.full(v_mv.shape[1], np.nan)
    widths = np.full(v_mv.shape[1], np.nan)
    for i in np.flatnonzero(~np.isnan(first_spike_ms)):
        v = v_mv[:, i]
        window = np.flatnonzero((t_ms >= first_spike_ms[i] - before_ms) & (t_ms <= first_spike_ms[i] + after_ms))
        if window.size == 0:
            continue
        top = window[np.argmax(v[window])]
        half = 0.5 * (v[0] + v[top])
        up = top
        while up > 0 and v[up] > half:
            up -= 1
        down = top
        while down < len(v) - 1 and v[down] > half:
            down += 1
        if v[up] > half or v[down] > half:
            continue
        t_up = t_ms[up] + (half - v[up]) / (v[up + 1] - v[up]) * (t_ms[up + 1] - t_ms[up])
        t_down = t_ms[down - 1] + (half - v[down - 1]) / (v[down] - v[down - 1]) * (t_ms[down] - t_ms[down - 1])
        peaks[i], widths[i] = v[top], t_down - t_up
    return peaks, widths


def coincidence_factor(reference_ms: np.ndarray, other_ms: np.ndarray, window_ms: float, duration_ms: float) -> float:
    """Kistler's coincidence factor Γ of ``other`` against ``reference`` (1: identical,
    0: chance). Kistler, Gerstner & van Hemmen (1997) Neural Comput. 9:1015;
    Jolivet et al. (2008) J. Neurosci. Methods 169:417, eq. 1. Elephant has no Γ.

    Γ = (N_coinc − 2νΔN_ref) / (½(N_ref + N_other)(1 − 2νΔ)), ν = N_other/duration,
    N_coinc = reference spikes with an ``other`` spike within ±Δ (ends included).
    One pair of :func:`coincidence_factors`.
    """
    return float(coincidence_factors([reference_ms], [other_ms], window_ms, duration_ms)[0])


def coincidence_factors(references, others, window_ms: float, duration_ms: float) -> np.ndarray:
    """Γ (:func:`coincidence_factor`) of ``others[i]`` against ``references[i]`` for
    every pair i at once (sequences of trains in ms, or :class:`FlatTrains`; 1 where
    both trains are empty).

    Vectorised over all pairs: both sides as :class:`FlatTrains`, and for every
    reference spike t the first other spike of its pair at or after t − Δ found by one
    binary search (:meth:`FlatTrains.keys`); it is coincident if that spike is at most
    t + Δ. The same comparisons, in the same floating point, as a search per pair."""
    reference, other = FlatTrains.of(references), FlatTrains.of(others)
    if len(reference) != len(other):
        raise ValueError(f"{len(reference)} reference trains against {len(other)} others: pairs need both")
    owner = reference.owner
    first = np.searchsorted(other.keys(), owner + 1j * (reference.times - window_ms), side="left")
    within_pair = first < other.starts[owner + 1]
    coincident = within_pair & (np.append(other.times, np.inf)[first] <= reference.times + window_ms)
    n_coinc = np.bincount(owner[coincident], minlength=len(reference))
    gamma = gamma_from_counts(n_coinc, reference.sizes, other.sizes, window_ms, duration_ms)
    return np.where((reference.sizes == 0) & (other.sizes == 0), 1.0, gamma)


class FlatTrains:
    """Spike trains as one flat array, for statistics vectorised over many trains:
    train i is ``times[starts[i]:starts[i + 1]]`` (ms), each sorted."""

    def __init__(self, times: np.ndarray, starts: np.ndarray):
        self.times, self.starts = times, starts

    @classmethod
    def of(cls, trains) -> "FlatTrains":
        """From a sequence of spike-time arrays (ms; each sorted here if it is not), or
        as it is if already flat."""
        if isinstance(trains, cls):
            return trains
        sizes = np.fromiter(map(len, trains), dtype=np.int64, count=len(trains))
        starts = np.concatenate(([0], np.cumsum(sizes)))
        times = np.concatenate(trains).astype(float, copy=False) if len(trains) else np.zeros(0)
        if times.ndim != 1:
            raise ValueError("a spike train must be a one-dimensional sequence of times (ms)")
        if not np.isfinite(times).all():
            raise ValueError("spike times must be finite numbers (ms)")
        flat = cls(times, starts)
        inside = np.ones(len(times), dtype=bool)  # whether spike k follows k − 1 in its own train
        inside[starts[:-1][sizes > 0]] = False
        if (np.diff(times)[inside[1:]] < 0).any():
            flat.times = times[np.lexsort((times, flat.owner))]
        return flat

    def __len__(self) -> int:
        return len(self.starts) - 1

    @property
    def sizes(self) -> np.ndarray:
        """Spikes per train."""
        return np.diff(self.starts)

    @functools.cached_property
    def owner(self) -> np.ndarray:
        """The train of every spike."""
        return np.repeat(np.arange(len(self)), self.sizes)

    def keys(self) -> np.ndarray:
        """(train, time) of every spike as one complex number, train + 1j·time: NumPy
        orders complex numbers by real, then imaginary part, so these are sorted and
        one ``np.searchsorted`` finds a time within its own train, comparing the times
        themselves (no offset added to them, hence no rounding)."""
        return self.owner + 1j * self.times


def gamma_from_counts(n_coinc, n_reference, n_other, window_ms, duration_ms):
    """Γ from its counts (see :func:`coincidence_factor`); vectorised."""
    chance = 2.0 * (np.asarray(n_other) / duration_ms) * window_ms
    with np.errstate(divide="ignore", invalid="ignore"):
        return (n_coinc - chance * n_reference) / (0.5 * (np.asarray(n_reference) + n_other) * (1.0 - chance))
