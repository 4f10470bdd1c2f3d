"""Metrics, declared once as data: name, unit, table type, one-line meaning, where the
value comes from, and whether simulators are compared on it.

A model lists the :class:`Metric` objects it reports; the runner computes them, the
sweep store types its columns with them, ``zoo show`` prints them, and comparisons
judge every compared metric against the tolerance the model's validation declares
(a compared metric without one is refused when the model is declared).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

#: Where a metric's value comes from.
SOURCES = {
    "spikes": "the spike trains (computed by the runner for every spiking model)",
    "shape": "the membrane potential of every neuron around its first spike (the runner)",
    "analysis": "the model's own analysis of its run",
    "comparison": "a pair of runs on two simulators (spike-train distances)",
    "population": "a network population's spikes (the runner, for every network model: "
                  "zoo.declarations.population_activity)",
}


@dataclass(frozen=True)
class Metric:
    """One number per neuron (or per run) in a summary table.

    ``dtype``: the column's type in tables ("float64", or "int64" for counts, stored
    as pandas' nullable Int64 since failed rows have none). ``compared``: whether
    simulators are compared on it (with a tolerance the model declares) or it is
    shown for information only. ``identical``: its value for identical runs (0 for a
    distance, 1 for a coincidence factor); comparisons judge |value − identical|.
    ``title``: a short name in words for axes ("firing rate").
    """

    name: str
    unit: str
    doc: str
    dtype: str = "float64"
    source: str = "spikes"
    compared: bool = True
    identical: float = 0.0
    title: str = ""

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"metric {self.name!r}: source {self.source!r} is not one of {', '.join(SOURCES)}")
        if self.dtype not in ("float64", "int64"):
            raise ValueError(f"metric {self.name!r}: dtype must be float64 or int64, got {self.dtype!r}")

    @property
    def label(self) -> str:
        """``title, name (unit)`` for axes and tables (the column name, in the words of
        the title where there is one)."""
        name = f"{self.title}, {self.name}" if self.title else self.name
        return f"{name} ({self.unit})" if self.unit not in ("", "1") else name


def informational(metric: Metric) -> Metric:
    """The same metric, shown but not compared across simulators."""
    return dataclasses.replace(metric, compared=False)


def analysed(*metrics: Metric) -> tuple[Metric, ...]:
    """The same metrics, computed by the model's own analysis."""
    return tuple(dataclasses.replace(m, source="analysis") for m in metrics)


N_SPIKES = Metric("n_spikes", "1", "number of spikes in the run", dtype="int64", title="spike count")
RATE = Metric("rate_hz", "Hz", "spikes per second over the protocol's rate window: the whole run, or the current "
                               "step where the protocol has one", title="firing rate")
LATE_RATE = Metric("late_rate_hz", "Hz", "spikes in the second half of the run / half the duration (steady state)",
                   title="steady firing rate")
FIRST_SPIKE = Metric("first_spike_ms", "ms", "time of the first spike (NaN without spikes)", title="first spike")
MEAN_ISI = Metric("mean_isi_ms", "ms", "mean interspike interval (NaN with fewer than 2 spikes)", title="mean ISI")
CV_ISI = Metric("cv_isi", "1", "coefficient of variation of the ISIs, ddof 0 (NaN with fewer than 2 ISIs)",
                title="CV of the ISIs")
SPIKE_PEAK = Metric("spike_peak_mv", "mV", "peak of the first spike", source="shape", title="spike peak")
SPIKE_HALF_WIDTH = Metric("spike_half_width_ms", "ms",
                          "width of the first spike at half its height above the initial potential", source="shape",
                          title="spike half-width")

#: What spiking point-neuron models report.
TRAIN = (N_SPIKES, RATE, FIRST_SPIKE, MEAN_ISI, CV_ISI)
#: Trains plus the steady-state rate and the first spike's shape (Hodgkin-Huxley cells).
SHAPED_TRAIN = (N_SPIKES, RATE, LATE_RATE, FIRST_SPIKE, MEAN_ISI, CV_ISI, SPIKE_PEAK, SPIKE_HALF_WIDTH)

#: Settings of the spike-train comparisons (stated in every comparison table).
VAN_ROSSUM_TAU_MS = 10.0
VICTOR_PURPURA_COST_PER_MS = 1.0
COINCIDENCE_WINDOW_MS = 2.0

#: Distances between the spike trains of one point on two simulators; every spiking
#: model's agreement declares a tolerance for each.
SPIKE_TRAIN_DISTANCES = (
    Metric("van_rossum", "1", f"van Rossum distance, tau = {VAN_ROSSUM_TAU_MS:g} ms (Elephant; one unmatched "
                              "spike = 1)", source="comparison"),
    Metric("victor_purpura", "1", f"Victor-Purpura distance, q = {VICTOR_PURPURA_COST_PER_MS:g} /ms (Elephant)",
           source="comparison"),
    Metric("coincidence_factor", "1", f"Kistler's coincidence factor, window ±{COINCIDENCE_WINDOW_MS:g} ms "
                                      "(Kistler et al. 1997; 1 = identical)", source="comparison", identical=1.0),
)


#: A network population's measures (:mod:`zoo.declarations.population_activity`), one row
#: per population. Informational: two runs of a chaotic network agree only in distribution,
#: which the statistical judge decides (``zoo.declarations.network_judge``).
POPULATION = (
    Metric("n_neurons", "1", "neurons in the population", dtype="int64", source="population", compared=False,
           title="neurons"),
    Metric("n_spikes", "1", "spikes of the population in the measuring window", dtype="int64", source="population",
           compared=False, title="spike count"),
    Metric("rate_hz", "Hz", "mean firing rate per neuron in the measuring window (after the transient)",
           source="population", compared=False, title="firing rate"),
    Metric("cv_isi", "1", "mean over neurons of the ISI coefficient of variation (neurons with 2 ISIs or more)",
           source="population", compared=False, title="CV of ISIs"),
    Metric("synchrony", "1", "modulation of the population rate (1 ms bins) beyond independent neurons' shot "
           "noise, relative to its mean: 0 asynchronous, about 0.7 for a rate 1 + sin", source="population",
           compared=False, title="synchrony"),
    Metric("oscillation_hz", "Hz", "frequency of the largest peak of the population rate's spectrum (Welch, "
           "above 5 Hz)", source="population", compared=False, title="oscillation frequency"),
    Metric("oscillation_power", "1", "that peak's power over the spectrum's median", source="population",
           compared=False, title="oscillation peak"),
)
