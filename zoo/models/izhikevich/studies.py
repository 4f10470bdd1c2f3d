"""The Izhikevich neuron on each simulator against the zoo's accurate solution, and the 20
panels of Izhikevich (2004) Fig. 1 against the paper's own scheme and that solution.

**Against the reference** (:func:`against_reference`, :func:`general_against_reference`):
:mod:`zoo.reference_check`, the AdEx's study: every scheme here is fixed-step and first
order (forward Euler on NEST and Brian2, NEURON's linearised step), so each spike is
bounded by the simulator's own runs at h/2 and h/4 (Richardson), plus the grid terms.

**The panels** (:func:`figure1_panels`, :func:`figure1_general_panels`). Each panel runs at its
own step tau and duration (:mod:`.figure1`), its cell on PyNN's ``Izhikevich`` where PyNN's
equations express it and on the zoo's ``IzhikevichGeneral`` (``izhikevich2004``) for G, L and
R. Three trains per panel, reported alike (at the end of the step that holds the cut):

- the simulator's, judged against the reference as above (count, first spike, mean
  interval), at tau;
- the paper's scheme (:func:`.figure1.published_euler`: what the figure shows), shown against
  the same reference, and against the simulator: so a difference from the figure reads as the
  paper's numerics (the published scheme far from the reference) or the simulator's.
"""
from __future__ import annotations

import numpy as np

from ... import reference_check
from ...declarations.reference import TooManySpikes, Train, cut_spikes_on_grid, reset_cell
from ...declarations.verdicts import verdict_row, worst_row
from . import CELL_TYPE, CHECK, MODEL, figure1, general, stimulus


def reference_train(cell_type: str):
    """The reference's reported train of one point of a cell of ``cell_type``
    (:class:`zoo.declarations.reference.Train`, on the run's stimulus). More spikes than
    steps of the run (no run on that grid can follow them) raise ``TooManySpikes``."""

    def train(point: dict, duration_ms: float, dt_ms: float) -> np.ndarray:
        pieces = stimulus.current_pieces(point, duration_ms, dt_ms)
        most = int(round(duration_ms / dt_ms))
        return cut_spikes_on_grid(Train(reset_cell(cell_type), point, pieces, max_spikes=most).spikes_ms, dt_ms,
                                  duration_ms)

    return train


STUDY = reference_check.TrainStudy(MODEL.name, CELL_TYPE, CHECK, reference_train(CELL_TYPE))
GENERAL_STUDIES = tuple(reference_check.TrainStudy(general.MODEL.name, general.CELL_TYPE, check,
                                                   reference_train(general.CELL_TYPE))
                        for check in (general.CLASS_1_CHECK, general.ACCOMMODATION_CHECK))


def against_reference(simulator: str) -> list[dict]:
    """Verdict rows: ``zoo check izhikevich``'s points on ``simulator`` against the reference."""
    return reference_check.against_reference(STUDY, simulator)


def general_against_reference(simulator: str) -> list[dict]:
    """Verdict rows: ``zoo check izhikevich2004``'s points (the Class 1 cell, then the
    accommodating cell) on ``simulator`` against the reference."""
    return [row for study in GENERAL_STUDIES for row in reference_check.against_reference(study, simulator)]


# -- Fig. 1 of Izhikevich (2004) -------------------------------------------------------------------
def panel_study(letter: str) -> reference_check.TrainStudy:
    """Panel ``letter`` as a study: its cell and current on the model that expresses it, one
    point, its duration and step."""
    chosen = figure1.PANELS[letter]
    model = MODEL if chosen.standard else general.MODEL
    cell_type = CELL_TYPE if chosen.standard else general.CELL_TYPE
    params = {**chosen.cell, "i_offset": 0.0, "fig1_panel": float(figure1.LETTERS.index(letter) + 1)}
    from ...declarations.model import CheckProtocol

    check = CheckProtocol(params=params, duration_ms=float(chosen.duration),
                          dt_ms=chosen.tau)
    return reference_check.TrainStudy(model.name, cell_type, check, reference_train(cell_type),
                                      steps_ms=(chosen.tau,))


def published_train(letter: str, dt_ms: float | None = None) -> np.ndarray:
    """The paper's scheme's reported train of panel ``letter`` at ``dt_ms`` (default: tau)."""
    chosen = figure1.PANELS[letter]
    dt_ms = chosen.tau if dt_ms is None else dt_ms
    number = figure1.LETTERS.index(letter) + 1
    return figure1.published_euler(chosen.cell, figure1.current(number, dt_ms, chosen.duration), dt_ms)


def panel_trains(letter: str, simulator: str) -> dict:
    """Panel ``letter`` on ``simulator``: the study's comparison (``simulator``, ``reference``,
    ``tolerance`` per metric: :func:`zoo.reference_check.compare`) and the paper's train."""
    study = panel_study(letter)
    found = reference_check.compare(study, simulator, dict(study.check.params), study.check.duration_ms,
                                    study.check.dt_ms)
    found["published"] = reference_check.summary([published_train(letter)])
    return found


def _panel_rows(simulator: str, letters) -> list[dict]:
    rows = []
    for letter in letters:
        chosen = figure1.PANELS[letter]
        name = f"1{letter}"  # short: the table cuts long names; the title is in worst_at
        where = f"Fig. 1{letter} {chosen.title}, dt {chosen.tau:g} ms"
        try:
            found = panel_trains(letter, simulator)
        except TooManySpikes as unbounded:
            count = len(reference_check.trains(panel_study(letter).model, simulator, dict(panel_study(letter).check.params),
                                               chosen.duration, chosen.tau)[0])
            rows.append(verdict_row(simulator, f"{name} n_spikes vs reference", count, np.nan, np.nan, np.nan,
                                    f"{where}: not judged: {unbounded}; the paper's scheme "
                                    f"{len(published_train(letter))} spikes"))
            continue
        for metric in reference_check.METRICS:
            rows.append(worst_row(simulator, f"{name} {metric} vs reference", found["simulator"][metric],
                                  found["reference"][metric], found["tolerance"][metric], lambda i: where))
        count, published = found["simulator"]["n_spikes"][0], found["published"]["n_spikes"][0]
        rows.append(verdict_row(simulator, f"{name} n_spikes vs the paper's scheme", count, published,
                                abs(count - published), np.nan,
                                f"{where}: the paper's scheme {published:g} spikes, the exact solution "
                                f"{found['reference']['n_spikes'][0]:g}"))
    return rows


def figure1_panels(simulator: str) -> list[dict]:
    """Verdict rows: the 17 panels PyNN's ``Izhikevich`` expresses, on ``simulator``."""
    return _panel_rows(simulator, [letter for letter, chosen in figure1.PANELS.items() if chosen.standard])


def figure1_general_panels(simulator: str) -> list[dict]:
    """Verdict rows: panels G, L and R on the zoo's ``IzhikevichGeneral``, on ``simulator``."""
    return _panel_rows(simulator, [letter for letter, chosen in figure1.PANELS.items() if not chosen.standard])
