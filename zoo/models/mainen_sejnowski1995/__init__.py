"""Spike-timing reliability (Mainen & Sejnowski 1995, Science 268:1503, fig. 1).

The same cell, ``n_trials`` repeated trials (the neurons of one population), each
with its own intrinsic noise. A suprathreshold current step (condition A,
``noise_sigma = 0``) gives spike trains that drift apart after the first spikes; the
same mean plus frozen fluctuations (condition B) gives spikes that line up across
trials to well under a millisecond. Stimulus: :mod:`zoo.stimuli.noisy_current`;
measures: :mod:`.reliability`.

Cell: the leaky integrate-and-fire neuron of the course practical this zoo grew from
(C_MainenSejnowski1995.ipynb, laurentperrinet/2022_UE-neurosciences-computationnelles):
tau 30 ms, R 0.12 mV/pA (so cm = tau/R = 0.25 nF), rest -70 mV, threshold -53 mV,
reset -80 mV, and its step from 50 to 950 ms of a 1 s run. The step is 0.2 nA, not
the course's 150 pA: in this LIF 150 pA sits 1 mV above threshold (rheobase 141.7
pA), where even the first spike's time spreads over tens of ms between trials; 0.2 nA
puts V_inf 7 mV above threshold (21 Hz: intervals of 30·ln(34/7) + 0.5 = 47.9 ms), so the first spikes align and the later ones
drift apart, as in the paper's fig. 1A. The noise settings are the zoo's: fluctuations
of SD 0.2 nA and 5 ms correlation time (reliability is highest for inputs correlated
over 2-5 ms: Galán, Ermentrout & Urban 2008, J. Neurophysiol. 99:277) and intrinsic
noise of 0.02 nA over 1 ms (0.43 mV of membrane noise). The paper's own figure used a layer-5 pyramidal cell in a slice;
``mainen_sejnowski1995_hh`` runs the classic Hodgkin-Huxley cell instead.
"""
from __future__ import annotations

from ...declarations.metrics import N_SPIKES, RATE, FIRST_SPIKE, MEAN_ISI, CV_ISI, Metric
from ...declarations.model import Analysis, CheckProtocol, Model, Protocol, Simulation, Validation
from ...declarations.parameters import Parameter
from ...declarations.tolerances import GRID_IF_AGREEMENT
from ...stimuli import noisy_current
from ..lif import TAU_M_AT_LEAST_ONE_STEP, TAU_M_RESOLVED
from .reliability import reliability

#: Measures of the whole run (one value per condition, repeated on every trial's row).
RELIABILITY_METRICS = (
    Metric("reliability", "1", "fraction of the step's spikes that fall in a PSTH event (at most one per trial "
                               "and event)", source="analysis", compared=False, title="reliability"),
    Metric("precision_ms", "ms", "mean over PSTH events of the SD of the trials' first spike times in the event",
           source="analysis", compared=False, title="spike-time SD in events"),
    Metric("event_reliability", "1", "mean over PSTH events of the fraction of trials with a spike in the event",
           source="analysis", compared=False, title="trials per event"),
    Metric("n_events", "1", "number of PSTH events (runs of bins where at least a tenth of the trials fire)",
           source="analysis", compared=False, title="events"),
    Metric("correlation", "1", "mean pairwise correlation of the trials' spike counts in 2 ms bins (Elephant)",
           source="analysis", compared=False, title="trial-to-trial correlation"),
)
METRICS = (N_SPIKES, RATE, FIRST_SPIKE, MEAN_ISI, CV_ISI) + RELIABILITY_METRICS

CELL_PARAMETERS = (
    Parameter("cm", "nF", 0.25, "(0, inf)", "membrane capacitance (tau/R: 30 ms / 120 MOhm)", per_neuron=False),
    Parameter("tau_m", "ms", 30.0, "(0, inf)", "membrane time constant (at least dt)", per_neuron=False,
              limit=f"at least one time step: {TAU_M_RESOLVED}"),
    Parameter("v_rest", "mV", -70.0, "(-inf, inf)", "resting potential, also the initial potential", per_neuron=False),
    Parameter("v_reset", "mV", -80.0, "(-inf, inf)", "potential after a spike", per_neuron=False),
    Parameter("v_thresh", "mV", -53.0, "(-inf, inf)", "spike threshold", per_neuron=False),
    Parameter("tau_refrac", "ms", 0.5, "[0, inf)", "refractory period (whole time steps; the course's one step of "
                                                    "0.5 ms)", per_neuron=False, on_time_grid=True),
    Parameter("i_offset", "nA", 0.0, "(-inf, inf)", "constant current for the whole run", per_neuron=False),
)
STIMULUS_PARAMETERS = noisy_current.noisy_step_parameters(
    step_amplitude=0.2, noise_sigma=0.2, noise_tau=5.0, intrinsic_sigma=0.02, intrinsic_tau=1.0, n_trials=25)


def analyse(recording) -> Analysis:
    """The run's reliability measures over the step (:mod:`.reliability`), and the
    tables ``events`` and ``stimulus`` (the step's current, nA)."""
    params = recording.params
    window = noisy_current.step_window(params, recording.duration_ms)
    measures, events = reliability(recording.spikes, int(params["n_trials"]), window)
    notes = ()
    if int(params["n_trials"]) < 2:
        notes = ("reliability needs at least 2 trials (n_trials)",)
    elif not len(events):
        notes = ("no PSTH event: no tenth of the trials fired together during the step",)
    return Analysis(metrics=measures, tables={"events": events, "stimulus": recording.state["stimulus"]},
                    notes=notes)


def simulation(cell_type: str) -> Simulation:
    return Simulation(build=noisy_current.noisy_step_population(cell_type), analyse=analyse,
                      rate_window=noisy_current.step_window, whole_run_compilation=True,
                      waveform_samples=noisy_current.waveform_samples,
                      figure="zoo.models.mainen_sejnowski1995.figures:draw")


def reliability_model(name: str, summary: str, citation: str, cell_type: str, parameters, metrics, agreement,
                      dt_ms: float, study: str, relations=(), constraints=(), doc: str = "") -> Model:
    """A reliability model on ``cell_type``: the noisy step's protocol at ``dt_ms``, trials
    as neurons, ``zoo check`` of conditions A and B at the defaults (one simulation each)
    and the bounds of ``studies.<study>``. Its noise is drawn every ``noise_dt`` (0.1 ms) and
    held, so runs at every dt that divides it are the same experiment. Revision 2: the
    noise was drawn per time step (two steps, two experiments)."""
    checks = tuple(CheckProtocol(params=params, duration_ms=1000.0, dt_ms=dt_ms)
                   for params in ({"noise_sigma": 0.0}, {}))
    return Model(
        name=name, summary=summary, citation=citation, parameters=parameters,
        protocol=Protocol(stimulus="current step (A) or step plus frozen OU noise (B), intrinsic noise per trial",
                          duration_ms=1000.0, dt_ms=dt_ms, traced_neurons=3),
        metrics=metrics, simulation=simulation(cell_type),
        validation=Validation(agreement=agreement, protocols=checks,
                              studies=(f"zoo.models.mainen_sejnowski1995.studies:{study}",)),
        relations=tuple(relations) + noisy_current.RELATIONS, constraints=noisy_current.CONSTRAINTS + tuple(constraints),
        cell_types=(cell_type,), trials="n_trials", revision=2, doc=doc)


MODEL = reliability_model(
    "mainen_sejnowski1995",
    "spike-timing reliability over repeated trials: a current step vs. the same step with frozen noise",
    "Mainen & Sejnowski 1995, Science 268:1503, fig. 1", "IF_curr_exp", CELL_PARAMETERS + STIMULUS_PARAMETERS,
    METRICS, GRID_IF_AGREEMENT, dt_ms=0.1, study="reliability_checks", relations=(("v_reset", "<", "v_thresh"),),
    constraints=(TAU_M_AT_LEAST_ONE_STEP,), doc=__doc__)
