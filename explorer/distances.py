"""The spike-train distances of ``explorer.compare`` for many pairs of trains at once.

Elephant is the definition (``elephant.spike_train_dissimilarity``, tested to
round-off on random and edge-case trains in ``tests/explorer/test_distances.py``):

- van Rossum (2001) Neural Comput. 13:751, as Elephant normalises it (one unmatched
  spike = 1), computed as Elephant does, after Houghton & Kreuz (2012) Network
  23:48: d² = D_aa + D_bb − 2·D_ab, sums of exp(−|t − s|/τ) over pairs of spikes, each
  in O(n) from the "markage" of every train (Σ over its earlier spikes of exp(−Δt/τ));
- Victor & Purpura (1996) J. Neurophysiol. 76:1310: the cheapest edit of one train
  into the other (insert or delete a spike: 1, move one by Δt: q·|Δt|).

Elephant takes one pair of Neo trains at a time, with units carried by ``quantities``
(7 ms a pair, nearly all of it unit bookkeeping). Here every train of every pair lies
in one flat array (:class:`zoo.declarations.spike_trains.FlatTrains`, times in ms);
each sum runs over all pairs at once, and the Victor-Purpura edit splits at every gap
of 2/q or more between successive spikes of a pair (a move across it costs as much as
a deletion and an insertion, so the cheapest edit never makes one): the pieces
are mostly single spikes or one spike against one, solved at once, and the rest by
the dynamic programme, all pieces of one size together.
"""
from __future__ import annotations

import numpy as np

from zoo.declarations.metrics import COINCIDENCE_WINDOW_MS, VAN_ROSSUM_TAU_MS, VICTOR_PURPURA_COST_PER_MS
from zoo.declarations.spike_trains import FlatTrains, coincidence_factors, gamma_from_counts

#: Padded spikes and cells of one batch of the Victor-Purpura dynamic programme: bounds its memory.
DP_CELLS = 1 << 18


def spike_train_distances(trains_a, trains_b, duration_ms: float) -> dict[str, np.ndarray]:
    """Per pair (``trains_a[i]``, ``trains_b[i]``; ms): ``van_rossum`` (τ =
    ``VAN_ROSSUM_TAU_MS``), ``victor_purpura`` (q = ``VICTOR_PURPURA_COST_PER_MS``) and
    ``coincidence_factor`` (Γ of b against a, window ``COINCIDENCE_WINDOW_MS``).

    Identical trains are exact: both distances 0 (where Elephant's van Rossum gives
    the square root of its round-off) and Γ from its counts with every spike
    coincident (1 to round-off, undefined where the rate is exactly 1/(2·window), as
    the pair-by-pair search gives); they, and pairs with no spike on either side, cost
    no arithmetic beyond the comparison."""
    if len(trains_a) != len(trains_b):
        raise ValueError(f"{len(trains_a)} trains against {len(trains_b)}: pairs need both")
    a, b = FlatTrains.of(trains_a), FlatTrains.of(trains_b)
    same = identical(a, b)
    van_rossum, victor_purpura = np.zeros(len(a)), np.zeros(len(a))
    gamma = gamma_from_counts(a.sizes, a.sizes, a.sizes, COINCIDENCE_WINDOW_MS, duration_ms)
    gamma = np.where(a.sizes == 0, 1.0, gamma)
    differ = np.flatnonzero(~same)
    if differ.size:
        pairs = Pairs(subset(a, differ), subset(b, differ))
        van_rossum[differ] = van_rossum_distance(pairs, VAN_ROSSUM_TAU_MS)
        victor_purpura[differ] = victor_purpura_distance(pairs, VICTOR_PURPURA_COST_PER_MS)
        gamma[differ] = coincidence_factors(pairs.a, pairs.b, COINCIDENCE_WINDOW_MS, duration_ms)
    return {"van_rossum": van_rossum, "victor_purpura": victor_purpura, "coincidence_factor": gamma}


def identical(a: FlatTrains, b: FlatTrains) -> np.ndarray:
    """Per pair: the two trains hold the same spike times."""
    same = a.sizes == b.sizes
    spikes = np.repeat(same, a.sizes)  # the spikes of the pairs of equal size, in a's and b's order alike
    differs = a.times[spikes] != b.times[np.repeat(same, b.sizes)]
    return same & (np.bincount(a.owner[spikes][differs], minlength=len(a)) == 0)


def subset(trains: FlatTrains, which: np.ndarray) -> FlatTrains:
    """The trains ``which`` (indices), in that order."""
    sizes = trains.sizes[which]
    starts = np.concatenate(([0], np.cumsum(sizes)))
    index = np.repeat(trains.starts[which] - starts[:-1], sizes) + np.arange(starts[-1])
    return FlatTrains(trains.times[index], starts)


class Pairs:
    """Pairs of trains (``a``, ``b``: :class:`FlatTrains` of as many trains), and where
    each pair's spikes fall among the other train's."""

    def __init__(self, a: FlatTrains, b: FlatTrains):
        if len(a) != len(b):
            raise ValueError(f"{len(a)} trains against {len(b)}: pairs need both")
        self.a, self.b = a, b
        keys_a, keys_b = a.keys(), b.keys()
        #: per spike of a, the spikes of b (in all trains up to its own) strictly before it
        self.b_before_a = np.searchsorted(keys_b, keys_a, side="left")
        #: per spike of b, the spikes of a (in all trains up to its own) at or before it
        self.a_until_b = np.searchsorted(keys_a, keys_b, side="right")


def van_rossum_distance(pairs: Pairs, tau_ms: float) -> np.ndarray:
    """Elephant's ``van_rossum_distance(..., time_constant=tau)[0, 1]`` of every pair,
    with its arithmetic: times in units of τ, D_aa = n_a + 2·Σ markage_a,
    D_ab = Σ over b's spikes of exp(x_j − y)·(1 + markage_a[j]) with x_j the last spike
    of a at or before y, plus the same over a's spikes with b's last spike strictly
    before; d = sqrt(max(0, D_aa + D_bb − D_ab − D_ab))."""
    if not (np.isfinite(tau_ms) and tau_ms > 0):
        raise ValueError(f"the van Rossum time constant must be a positive number of ms, got {tau_ms!r}")
    a, b = pairs.a, pairs.b
    x, y = a.times / tau_ms, b.times / tau_ms
    markage_a, markage_b = _markage(x, a), _markage(y, b)
    own_a = a.sizes + 2.0 * _sums(a.owner, markage_a, len(a))
    own_b = b.sizes + 2.0 * _sums(b.owner, markage_b, len(b))
    owner_a, owner_b = a.owner, b.owner
    last_a = pairs.a_until_b - 1
    before = last_a >= a.starts[owner_b]  # within b's spike's own pair
    j = last_a[before]
    cross = _sums(owner_b[before], np.exp(x[j] - y[before]) * (1.0 + markage_a[j]), len(a))
    last_b = pairs.b_before_a - 1
    before = last_b >= b.starts[owner_a]
    k = last_b[before]
    cross += _sums(owner_a[before], np.exp(y[k] - x[before]) * (1.0 + markage_b[k]), len(a))
    squared = own_a + own_b - cross - cross
    return np.sqrt(np.maximum(squared, 0.0))  # Elephant clips round-off below 0 alike (with a warning)


def _sums(owner: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Σ of ``values`` per owner 0..n−1 (floats, also when there are none)."""
    return np.bincount(owner, weights=values, minlength=n).astype(float, copy=False)


def _markage(x: np.ndarray, trains: FlatTrains) -> np.ndarray:
    """Per spike k of each train: Σ over its earlier spikes j of exp(x_j − x_k), by
    Elephant's recurrence m_k = (m_(k−1) + 1)·exp(x_(k−1) − x_k); one step per spike
    index, over every train that long."""
    markage = np.zeros(len(x))
    by_length = np.argsort(-trains.sizes, kind="stable")
    sizes = trains.sizes[by_length]
    starts = trains.starts[:-1][by_length]
    for k in range(1, int(sizes[0]) if len(sizes) else 0):
        at = starts[:np.searchsorted(-sizes, -k, side="left")] + k  # the trains longer than k
        markage[at] = (markage[at - 1] + 1.0) * np.exp(x[at - 1] - x[at])
    return markage


def victor_purpura_distance(pairs: Pairs, cost_per_ms: float) -> np.ndarray:
    """Elephant's ``victor_purpura_distance(..., cost_factor=q)[0, 1]`` of every pair:
    the cheapest edit of a into b, a move by Δt costing min(2, q·|Δt|) (Elephant's
    triangular kernel of half-width 2/q). Each pair's spikes, merged in time order,
    split where successive spikes are 2/q or more apart; the distance is the sum over
    the pieces: a piece with spikes of one train only costs their number, one spike
    against one min(2, q·|Δt|), and the others :func:`_edit_costs`."""
    if not (np.isfinite(cost_per_ms) and cost_per_ms > 0):
        raise ValueError(f"the Victor-Purpura cost must be a positive number per ms, got {cost_per_ms!r}")
    a, b = pairs.a, pairs.b
    n_a = len(a.times)
    # merged order of each pair's spikes (a's first at equal times): a spike's place is
    # its own index plus the other side's spikes (of this and earlier pairs) before it
    place_a = np.arange(n_a) + pairs.b_before_a
    place_b = np.arange(len(b.times)) + pairs.a_until_b
    times = np.empty(n_a + len(b.times))
    times[place_a], times[place_b] = a.times, b.times
    pair = np.empty(len(times), dtype=np.int64)
    pair[place_a], pair[place_b] = a.owner, b.owner
    from_a = np.zeros(len(times), dtype=bool)
    from_a[place_a] = True
    # a piece starts at a pair's first spike and after every gap of 2/q or more
    starts = np.ones(len(times), dtype=bool)
    starts[1:] = (pair[1:] != pair[:-1]) | (cost_per_ms * np.diff(times) >= 2.0)
    piece = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    in_a = np.bincount(piece[from_a], minlength=len(first))
    in_b = np.bincount(piece, minlength=len(first)) - in_a
    cost = (in_a + in_b).astype(float)  # only one train's spikes: delete or insert each
    single = (in_a == 1) & (in_b == 1)  # a's spike comes first at equal times
    cost[single] = np.minimum(2.0, cost_per_ms * np.abs(times[first[single] + 1] - times[first[single]]))
    edited = np.flatnonzero((in_a > 0) & (in_b > 0) & ~single)
    if edited.size:
        a_before = np.cumsum(from_a) - from_a
        a_before -= a_before[first][piece]  # a's spikes before each spike within its piece
        rank = np.where(from_a, a_before, np.arange(len(times)) - first[piece] - a_before)  # index in its train's part
        cost[edited] = _edit_costs(times, from_a, rank, first[edited], in_a[edited], in_b[edited], cost_per_ms)
    return _sums(pair[first], cost, len(a))


def _edit_costs(times, from_a, rank, first, in_a, in_b, cost_per_ms) -> np.ndarray:
    """The cheapest edit of each piece (its spikes from ``first``: ``in_a`` of a's,
    ``in_b`` of b's, merged) by the Victor-Purpura dynamic programme, pieces of similar
    size together (:func:`_edit_cost_rows`), at most ``DP_CELLS`` cells a step."""
    costs = np.empty(len(first))
    # grouped by the powers of two at or above their sizes: padding at most doubles the work
    group = np.ceil(np.log2(in_a)).astype(np.int64) * 64 + np.ceil(np.log2(in_b)).astype(np.int64)
    for key in np.unique(group):
        members = np.flatnonzero(group == key)
        rows, columns = int(in_a[members].max()), int(in_b[members].max())
        for chunk in np.array_split(members, -(-len(members) * (rows + columns + 1) // DP_CELLS)):
            sizes = in_a[chunk] + in_b[chunk]
            offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
            at = np.repeat(first[chunk] - offsets, sizes) + np.arange(sizes.sum())  # the chunk's spikes
            row = np.repeat(np.arange(len(chunk)), sizes)
            mine_a = from_a[at]
            spikes_a, spikes_b = np.zeros((len(chunk), rows)), np.zeros((len(chunk), columns))
            spikes_a[row[mine_a], rank[at[mine_a]]] = times[at[mine_a]]
            spikes_b[row[~mine_a], rank[at[~mine_a]]] = times[at[~mine_a]]
            costs[chunk] = _edit_cost_rows(spikes_a, in_a[chunk], spikes_b, in_b[chunk], cost_per_ms)
    return costs


def _edit_cost_rows(spikes_a, n_a, spikes_b, n_b, cost_per_ms) -> np.ndarray:
    """The dynamic programme for equal-shaped pieces, padded (row p: a's n_a[p] spikes,
    b's n_b[p]); each piece's cost is read at its own row and column."""
    insertions = np.arange(spikes_b.shape[1] + 1, dtype=float)
    g = np.tile(insertions, (len(spikes_a), 1))
    cost = np.empty(len(spikes_a))
    for i in range(1, spikes_a.shape[1] + 1):
        move = np.minimum(2.0, cost_per_ms * np.abs(spikes_a[:, i - 1:i] - spikes_b))
        h = np.empty_like(g)
        h[:, 0] = i
        np.minimum(g[:, 1:] + 1.0, g[:, :-1] + move, out=h[:, 1:])
        g = np.minimum.accumulate(h - insertions, axis=1) + insertions
        done = n_a == i
        cost[done] = g[done, n_b[done]]
    return cost
