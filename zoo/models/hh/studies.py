"""Studies of the classic Hodgkin-Huxley model against published values: the rheobase
for sustained firing, the type-II onset rate and the first spike's shape. ``zoo
check hh`` and ``experiments/hodgkin_huxley_fi.py`` run these same functions.
"""
from __future__ import annotations

from ...analysis import rheobase
from ...declarations.verdicts import verdict_row
from ...runner import run
from . import (ONSET_RATE_HZ_AT_LEAST, RHEOBASE_PRECISION_UA_CM2, RHEOBASE_UA_CM2, SPIKE_HALF_WIDTH_MS, SPIKE_PEAK_MV,
               na_to_ua_per_cm2, ua_per_cm2_to_na)

#: Bracket searched for the rheobase (µA/cm²), around the published value.
SEARCH_UA_CM2 = (5.0, 8.0)
#: Run length (ms) over which firing must be sustained.
RHEOBASE_RUN_MS = 2000.0


def find_rheobase(simulator: str, precision_ua_cm2: float = RHEOBASE_PRECISION_UA_CM2, keep_runs: bool = False,
                  ) -> dict:
    """The rheobase bracket on ``simulator`` (:func:`zoo.analysis.rheobase`, ``keep_runs``
    as there), with the bracket also in µA/cm² (``low_ua_cm2``, ``high_ua_cm2``)."""
    found = rheobase("hh", simulator, low_na=ua_per_cm2_to_na(SEARCH_UA_CM2[0]),
                     high_na=ua_per_cm2_to_na(SEARCH_UA_CM2[1]), precision_na=ua_per_cm2_to_na(precision_ua_cm2),
                     duration_ms=RHEOBASE_RUN_MS, keep_runs=keep_runs)
    found["low_ua_cm2"], found["high_ua_cm2"] = (na_to_ua_per_cm2(found[k]) for k in ("low_na", "high_na"))
    return found


def published_checks(simulator: str, found: dict | None = None) -> list[dict]:
    """Verdict rows: rheobase, type-II onset, first spike shape. ``found``: the rheobase
    search's result (:func:`find_rheobase`) where the caller has it."""
    found = find_rheobase(simulator) if found is None else found
    low, high = found["low_ua_cm2"], found["high_ua_cm2"]
    # the bracket [low, high] must overlap the published interval
    error = max(0.0, RHEOBASE_UA_CM2[0] - high, low - RHEOBASE_UA_CM2[1])
    shape = run("hh", simulator, duration_ms=50.0, i_offset=ua_per_cm2_to_na(10.0)).summary.iloc[0]
    rows = [
        verdict_row(simulator, "rheobase (uA/cm2)", high, sum(RHEOBASE_UA_CM2) / 2, error, RHEOBASE_PRECISION_UA_CM2,
                    f"bracket [{low:.4f}, {high:.4f}]; published {RHEOBASE_UA_CM2[0]}-{RHEOBASE_UA_CM2[1]}"),
        verdict_row(simulator, "onset rate (Hz)", found["late_rate_hz"], ONSET_RATE_HZ_AT_LEAST,
                    max(0.0, ONSET_RATE_HZ_AT_LEAST - found["late_rate_hz"]), 0.0,
                    "type II: at least this at rheobase"),
    ]
    for metric, (lo, hi) in (("spike_peak_mv", SPIKE_PEAK_MV), ("spike_half_width_ms", SPIKE_HALF_WIDTH_MS)):
        value = float(shape[metric])
        rows.append(verdict_row(simulator, metric, value, (lo + hi) / 2, max(0.0, lo - value, value - hi), 0.0,
                                f"first spike at 10 uA/cm2; published range {lo}-{hi}"))
    return rows
