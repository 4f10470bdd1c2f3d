"""The cable's figure: V(t) at a few positions, V(x) at the end of the run against the
closed-form steady state (passive cables) and the peak reached at each position, and
the injected current at x = 0."""
from __future__ import annotations

import numpy as np

#: Fractions of the length where V(t) is drawn.
POSITIONS = (0.0, 0.25, 0.5, 0.75, 1.0)


def figure(result, fig) -> None:
    """Draw ``result`` (a cable run) into ``fig``: V(t), V(x), injected current."""
    from . import MODEL

    traces = result.traces[(result.traces["variable"] == "v") & (result.traces["neuron"] == 0)]
    profile = result.profile[result.profile["neuron"] == 0]
    params = result.summary.iloc[0]
    grid = fig.add_gridspec(2, 2, height_ratios=(3, 1))
    ax_t = fig.add_subplot(grid[0, 0])
    ax_i = fig.add_subplot(grid[1, 0], sharex=ax_t)
    ax_x = fig.add_subplot(grid[:, 1])

    positions = profile["position_um"].to_numpy()
    for fraction in POSITIONS:
        compartment = int(np.argmin(np.abs(positions - fraction * params["length"])))
        trace = traces[traces["compartment"] == compartment]
        ax_t.plot(trace["t_ms"], trace["value"], lw=1, label=f"x = {positions[compartment]:.4g} µm")
    ax_t.set_ylabel("V (mV)")
    ax_t.set_title("membrane potential at five positions")
    ax_t.legend(fontsize="small")
    ax_t.tick_params(labelbottom=True)

    t = np.linspace(0.0, float(result.info["duration_ms"]), 2001)
    ax_i.plot(t, MODEL.simulation.injected_current(params, t), "k-", lw=1, drawstyle="steps-post")
    ax_i.set_xlabel("t (ms)")
    ax_i.set_ylabel("injected at x = 0 (nA)")
    ax_i.margins(y=0.2)

    peak = traces.groupby("compartment")["value"].max().reindex(profile["compartment"]).to_numpy()
    ax_x.plot(positions, profile["v_final_mv"], "o", ms=3, mfc="none",
              label=f"simulated, t = {result.info['duration_ms']:g} ms")
    if profile["v_steady_closed_form_mv"].notna().any():
        ax_x.plot(positions, profile["v_steady_closed_form_mv"], "k-", lw=1, label="closed form, steady state")
    if not np.allclose(peak, profile["v_final_mv"]):
        ax_x.plot(positions, peak, "--", lw=1, label="peak over the run")
    ax_x.set_xlabel("position x (µm)")
    ax_x.set_ylabel("V (mV)")
    ax_x.set_title("V(x)")
    ax_x.legend(fontsize="small")
