"""Input of Masquelier, Guyonneau & Thorpe (2008): 2000 afferents of constant
population rate with a 50 ms spike pattern hidden in half of them.

The protocol is the authors' code as published with the replication (Hathway &
Goodman 2018, ReScience 4:6, ``create_input.py``), vectorised over afferents:

- **Rates.** Each afferent's rate starts uniform in [0, 90] Hz and follows a random
  walk updated every 1 ms: rate += speed·1 ms, clipped to [0, 90] Hz; speed starts
  uniform in ±1800 Hz/s and changes by a uniform step in ±360 Hz/s per ms, clipped to
  ±1800 Hz/s.
- **Spikes.** In each 1 ms bin an afferent fires with probability rate·1 ms, and is
  forced to fire when its last spike is more than 50 ms old (the first from a
  virtual spike uniform in [−50, 0] ms); the spike lies uniformly inside the bin.
- **Pattern.** The run is cut into 50 ms windows; 25 % of them, never two adjacent,
  are chosen at random. The pattern is what afferents 0..999 fired in the first chosen
  window; in every chosen window their own spikes are replaced by the pattern, each
  spike jittered by a Gaussian of 1 ms SD. Afferents 1000..1999 keep their spikes.
- **Spontaneous activity.** 10 Hz Poisson spikes (one draw per 1 ms bin) are added to
  every afferent, in and out of pattern windows.
- **Repetition.** As in the original code, ``repeat_ms`` (150 s) of input is built and
  repeated to fill the run; ``repeat_ms=None`` builds unique input for the whole run.
- **Time grid.** Both simulators receive the same spikes on the simulation grid: a
  spike at t is delivered at the end of its time step, ceil(t/dt)·dt (≥ dt); an
  afferent's second spike in one step is dropped (the original drops spikes closer
  than dt; ``PatternInput.dropped`` counts them). A spike on the run's last grid point
  reaches no neuron; the backends' spike sources drop it (``zoo.backends.base``).

All times are in ms.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BIN_MS = 1.0                 # rate update and spike-draw interval (ms)
MAX_RATE_HZ = 90.0
MAX_SPEED_HZ_PER_S = 1800.0  # = 90 Hz / 50 ms
SPEED_STEP_HZ_PER_S = 360.0  # max_speed / 5 per ms
MAX_SILENCE_MS = 50.0
SPONTANEOUS_HZ = 10.0
PATTERN_MS = 50.0
PATTERN_SHARE = 0.25
JITTER_MS = 1.0
REPEAT_MS = 150_000.0
#: Spikes per second of one afferent, all sources together (rate walk, spontaneous, the
#: silence limit): 63.8 Hz measured over 45 s of seed 1; for memory estimates.
MEAN_RATE_HZ = 64.0


def expected_spikes(params, duration_ms: float) -> float:
    """Input spikes of a run (expected): afferents × :data:`MEAN_RATE_HZ` × duration."""
    return float(params["n_afferents"]) * MEAN_RATE_HZ * duration_ms / 1000.0


@dataclass(frozen=True)
class PatternInput:
    """Spikes of every afferent on the simulation grid, and where the pattern is.

    ``steps`` (int32, grid steps of ``dt_ms``) and ``afferents`` (int32) are sorted by
    afferent, then time; ``offsets[a]:offsets[a+1]`` are afferent ``a``'s spikes.
    ``onsets_ms``: start of every pattern window; afferents ``< n_pattern`` carry the
    pattern.
    """

    steps: np.ndarray
    afferents: np.ndarray
    offsets: np.ndarray
    onsets_ms: np.ndarray
    n_afferents: int
    n_pattern: int
    dt_ms: float
    duration_ms: float
    dropped: int

    @property
    def n_spikes(self) -> int:
        return int(self.steps.size)

    def times_ms(self, afferent: int) -> np.ndarray:
        """Spike times (ms) of one afferent."""
        return self.steps[self.offsets[afferent]:self.offsets[afferent + 1]] * self.dt_ms

    def trains_ms(self) -> list[np.ndarray]:
        """Spike times (ms) of every afferent, one array each."""
        times = self.steps * self.dt_ms
        return np.split(times, self.offsets[1:-1])


def _rate_walk_spikes(rng: np.random.Generator, n: int, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """(afferent, time ms) of the rate-walk spikes in bins 1..bins-1, with the 50 ms
    silence bound.

    The rates are stepped per 1 ms bin, vectorised over afferents; the Poisson draws are
    vectorised over 1000-bin chunks. A forced spike falls exactly 50 bins after the
    previous spike's bin (its time lies inside that bin, so the next bin boundary 50 ms
    on is the first more than 50 ms later), so forced spikes fill every gap of more than
    50 bins at once, afterwards.
    """
    rate = rng.random(n) * MAX_RATE_HZ
    per_bin = BIN_MS / 1000.0
    max_speed = MAX_SPEED_HZ_PER_S * per_bin
    speed = (2.0 * rng.random(n) - 1.0) * max_speed
    virtual = -rng.random(n) * MAX_SILENCE_MS        # a virtual spike before the run (ms)
    chunk = 1000
    gap = int(round(MAX_SILENCE_MS / BIN_MS))
    index_type = np.int16 if n <= np.iinfo(np.int16).max else np.int32   # int16: a radix sort below
    afferents, bins_hit = [np.empty(0, dtype=index_type)], [np.empty(0, dtype=np.int32)]
    # buffers reused chunk after chunk (fresh 8 MB arrays each time cost page faults)
    rates, steps_up_buffer, draws_buffer = (np.empty((chunk, n), dtype=np.float32) for _ in range(3))
    steps_up_wide = np.empty((chunk, n))
    speed_high, speed_low = np.full(n, max_speed), np.full(n, -max_speed)
    rate_high, rate_low = np.full(n, MAX_RATE_HZ), np.zeros(n)
    fire_buffer = np.empty((chunk, n), dtype=bool)
    for start in range(1, bins, chunk):
        rows = min(chunk, bins - start)
        steps_up = rng.random(dtype=np.float32, out=steps_up_buffer[:rows])
        steps_up *= np.float32(2.0 * SPEED_STEP_HZ_PER_S * per_bin)
        steps_up -= np.float32(SPEED_STEP_HZ_PER_S * per_bin)
        wide = steps_up_wide[:rows]
        wide[...] = steps_up   # exact: float32 -> float64 once per chunk, not a mixed add per row
        # speed is kept in Hz per bin (rate += speed); the only loop over time: the
        # bounds make the walk path-dependent (ufuncs with array bounds: no np.clip wrapper)
        for row in range(rows):
            rates[row] = rate
            rate += speed
            speed += wide[row]
            np.minimum(speed, speed_high, out=speed)
            np.maximum(speed, speed_low, out=speed)
            np.minimum(rate, rate_high, out=rate)
            np.maximum(rate, rate_low, out=rate)
        draws = rng.random(dtype=np.float32, out=draws_buffer[:rows])
        draws *= np.float32(1.0 / per_bin)
        k, who = np.nonzero(np.less(draws, rates[:rows], out=fire_buffer[:rows]))
        afferents.append(who.astype(index_type))
        bins_hit.append((k + start).astype(np.int32))
    # Chunks are in time order and np.nonzero is row-major, so the spikes are sorted by
    # bin; a stable sort by afferent alone (a radix sort for int16) sorts by afferent, then bin.
    who = np.concatenate(afferents)
    order = np.argsort(who, kind="stable")
    who, hit = who[order].astype(np.int32), np.concatenate(bins_hit)[order]
    del order, afferents, bins_hit
    counts = np.bincount(who, minlength=n)
    ends = np.cumsum(counts)
    firsts = ends - counts
    # forced spikes: in each afferent's gaps, from its virtual spike (as a bin: the first
    # forced bin is the first integer above virtual + 50) through its drawn bins to the
    # end (bin ``bins``, exclusive); gaps in afferent, then time order
    virtual_bin = (np.floor(virtual + MAX_SILENCE_MS).astype(np.int64) + 1 - gap).astype(np.int32)
    previous = np.empty_like(hit)
    previous[1:] = hit[:-1]
    previous[firsts[counts > 0]] = virtual_bin[counts > 0]
    last = np.where(counts > 0, hit[np.maximum(ends - 1, 0)] if hit.size else 0, virtual_bin)
    # only gaps longer than 50 bins get forced spikes; ordered as afferent a's gaps up to
    # its spikes, then its gap to the end (slot j + a for spike j, ends[a] + a for the end)
    previous -= hit
    np.negative(previous, out=previous)                    # now: length of the gap before each spike
    long_spike_gaps = np.flatnonzero(previous > gap)
    long_end_gaps = np.flatnonzero(bins - last > gap)
    slots = np.concatenate([long_spike_gaps + who[long_spike_gaps], ends[long_end_gaps] + long_end_gaps])
    gap_to = np.concatenate([hit[long_spike_gaps], np.full(long_end_gaps.size, bins, dtype=np.int32)])
    gap_from = gap_to - np.concatenate([previous[long_spike_gaps], bins - last[long_end_gaps]])
    gap_owner = np.concatenate([who[long_spike_gaps], long_end_gaps.astype(np.int32)])
    del previous
    order = np.argsort(slots, kind="stable")
    gap_from, gap_to, gap_owner = gap_from[order].astype(np.int64), gap_to[order], gap_owner[order]
    missing = -(-(gap_to - gap_from) // gap) - 1           # ceil(Δ/50) − 1 forced spikes per gap
    forced_owner = np.repeat(gap_owner, missing)
    within = np.arange(missing.sum()) - np.repeat(np.cumsum(missing) - missing, missing)
    forced_bins = np.repeat(gap_from, missing) + gap * (within + 1)
    afferents = np.concatenate([who, forced_owner])
    bins_hit = np.concatenate([hit, forced_bins])
    del who, hit
    times = rng.random(bins_hit.size)                      # the spike's place in its bin
    times *= -BIN_MS
    times += bins_hit * BIN_MS
    np.maximum(times, 0.0, out=times)
    return afferents, times


def _poisson_bins(rng: np.random.Generator, n: int, bins: int, rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """(afferent, time ms): a spike in each 1 ms bin 1..bins-1 with probability rate·1 ms,
    placed uniformly inside the bin (geometric gaps: no per-bin draw)."""
    p = rate_hz * BIN_MS / 1000.0
    expected = bins * p
    width = int(expected + 8.0 * np.sqrt(expected) + 16)
    gaps = rng.geometric(p, size=(n, width))
    bins_hit = np.cumsum(gaps, axis=1)
    if np.any(bins_hit[:, -1] < bins):  # astronomically rare; never truncate silently
        raise RuntimeError("spontaneous spike draw too short; increase width")
    who, col = np.nonzero(bins_hit < bins)
    k = bins_hit[who, col]
    t = np.maximum(k * BIN_MS - BIN_MS * rng.random(k.size), 0.0)
    return who.astype(np.int32), t


def _pattern_windows(rng: np.random.Generator, windows: int) -> np.ndarray:
    """Indices of 25 % of ``windows``, no two adjacent (random insertion, as the original)."""
    wanted = int(np.floor(windows * PATTERN_SHARE))
    chosen = np.zeros(windows + 2, dtype=bool)  # padded: chosen[i + 1] is window i
    count = 0
    while count < wanted:
        for i in rng.integers(0, windows, size=wanted - count):
            if not (chosen[i] or chosen[i + 1] or chosen[i + 2]):
                chosen[i + 1] = True
                count += 1
                if count == wanted:
                    break
    return np.flatnonzero(chosen[1:-1])


def _paste_pattern(rng, afferents, times, windows, n_pattern):
    """Replace the pattern afferents' spikes in every chosen window by the jittered copy
    of the first chosen window."""
    window_of = np.floor(times / PATTERN_MS).astype(np.int64)
    is_pattern_window = np.zeros(int(window_of.max(initial=0)) + 2, dtype=bool)
    is_pattern_window[windows] = True
    in_pattern = (afferents < n_pattern) & is_pattern_window[window_of]
    first = windows[0]
    template = in_pattern & (window_of == first)
    pattern_afferents = afferents[template]
    pattern_offsets = times[template] - first * PATTERN_MS
    copies_aff = np.tile(pattern_afferents, windows.size)
    copies_t = (np.repeat(windows * PATTERN_MS, pattern_offsets.size) + np.tile(pattern_offsets, windows.size)
                + rng.normal(0.0, JITTER_MS, size=copies_aff.size))
    copies_t = np.maximum(copies_t, 0.0)
    keep = ~in_pattern
    return (np.concatenate([afferents[keep], copies_aff]), np.concatenate([times[keep], copies_t]))


def make_input(seed: int, duration_ms: float, dt_ms: float = 0.1, n_afferents: int = 2000,
               n_pattern: int = 1000, repeat_ms: float | None = REPEAT_MS) -> PatternInput:
    """The seeded input of one run (see the module docstring); identical for every
    simulator. ``repeat_ms``: length built and repeated (ms), None for unique input."""
    if not 0 <= n_pattern <= n_afferents:
        raise ValueError(f"n_pattern must be in [0, n_afferents = {n_afferents}], got {n_pattern}")
    rng = np.random.default_rng(seed)
    block_ms = duration_ms if repeat_ms is None else min(duration_ms, repeat_ms)
    bins = int(round(block_ms / BIN_MS))
    windows_in_block = int(block_ms // PATTERN_MS)
    afferents, times = _rate_walk_spikes(rng, n_afferents, bins)
    windows = _pattern_windows(rng, windows_in_block)
    if n_pattern and windows.size:
        afferents, times = _paste_pattern(rng, afferents, times, windows, n_pattern)
    noise_aff, noise_t = _poisson_bins(rng, n_afferents, bins, SPONTANEOUS_HZ)
    afferents = np.concatenate([afferents, noise_aff])
    times = np.concatenate([times, noise_t])
    # onto the grid: the end of the step holding t, at least one step
    block_steps = int(round(block_ms / dt_ms))
    steps = np.clip(np.ceil(times / dt_ms - 1e-9).astype(np.int64), 1, block_steps)
    keys = afferents.astype(np.int64) * (block_steps + 1) + steps
    del steps, times
    keys.sort(kind="stable")   # a merge of a few long sorted runs (walk, forced, copies, noise)
    unique = np.ones(keys.size, dtype=bool)
    unique[1:] = keys[1:] != keys[:-1]
    dropped = int(keys.size - unique.sum())
    afferents, steps = np.divmod(keys[unique], block_steps + 1)
    afferents, steps = afferents.astype(np.int32), steps.astype(np.int32)
    del keys, unique
    onsets = windows * PATTERN_MS
    total_steps = int(round(duration_ms / dt_ms))
    repeats = int(np.ceil(total_steps / block_steps))
    if repeats > 1:  # afferent by afferent: the block's train, then its shifted copies
        shifts = np.arange(repeats, dtype=np.int32) * np.int32(block_steps)
        trains = np.split(steps, np.cumsum(np.bincount(afferents, minlength=n_afferents))[:-1])
        steps = np.concatenate([(train[None, :] + shifts[:, None]).ravel() for train in trains])
        afferents = np.repeat(np.arange(n_afferents, dtype=np.int32), [train.size * repeats for train in trains])
        onsets = (onsets[None, :] + np.arange(repeats)[:, None] * block_ms).ravel()
        dropped *= repeats
    keep = steps <= total_steps   # the last block may run past the end
    steps, afferents = steps[keep], afferents[keep]
    onsets = onsets[onsets + PATTERN_MS <= duration_ms + 1e-9]
    offsets = np.concatenate(([0], np.cumsum(np.bincount(afferents, minlength=n_afferents)))).astype(np.int64)
    return PatternInput(steps=steps, afferents=afferents, offsets=offsets, onsets_ms=onsets.astype(float),
                        n_afferents=n_afferents, n_pattern=n_pattern, dt_ms=float(dt_ms),
                        duration_ms=float(duration_ms), dropped=dropped)
