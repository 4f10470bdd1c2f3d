COMMENT
PyNN's ResetRefrac (pyNN/neuron/nmodl/refrac.mod, A. P. Davison 2006): an
integrate-and-fire spike, reset and refractory clamp for a passive compartment, which
detects threshold with WATCH (v > vthresh). A WATCH fires only when its condition
becomes true, so a cell that starts at or above threshold (v_rest >= v_thresh) never
fired. On NEST and Brian2 it fires at the end of the first step, where v is tested
(v >= v_thresh). This copy does the same: at t = 0 it looks at v (set by then from the
population's initial values) and, if v is at or above threshold, checks again at the
end of the first step (flag 5), firing as a crossing would (flag 1). The same check
follows a spike without refractory period (tau_refrac = 0): a cell that is back above
threshold one step after its reset fires again there, as on NEST (PyNN's WATCH, true
since the spike, never fired again).

A NetCon that targets this mechanism (flag 0) is a delta synapse, the zoo's IF_curr_delta
(NEST iaf_psc_delta): its weight (mV) jumps v at once unless the cell is refractory
(from the spike to the end of the clamp, that step included: NEST drops such input); threshold
is tested once all the jumps of that time are in (a self-event queued behind them, flag 6),
and fires at that time, as NEST tests threshold after adding the step's jumps.
ENDCOMMENT

NEURON {
    POINT_PROCESS ZooResetRefrac
    RANGE vreset, trefrac, vspike, vthresh
    NONSPECIFIC_CURRENT i
}

UNITS {
    (mV) = (millivolt)
    (nA) = (nanoamp)
    (uS) = (microsiemens)
}

PARAMETER {
    vthresh = -50   (mV)    : spike threshold
    vreset  = -60   (mV)    : reset potential after a spike
    vspike  = 40    (mV)    : spike height (mainly for graphical purposes)
    trefrac = 1     (ms)
    g_on    = 1e12  (uS)
    spikewidth = 1e-12 (ms) : must be less than trefrac
}

ASSIGNED {
    v (mV)
    i (nA)
    g (uS)
    dt (ms)
    last (ms)   : time of the last spike
    pending     : a threshold test of delta jumps is queued (flag 6)
}

INITIAL {
    g = 0
    pending = 0
    last = -1e9
    net_send(0, 4)
}

BREAKPOINT {
    i = g*(v-vreset)
}

NET_RECEIVE (weight (mV)) {
    : flag 5: the cell started at or above threshold; a spike if it is still there after the first step,
    : unless the WATCH saw it rise through threshold in that step (one spike at one time)
    if (flag == 0) { : a delta synapse's jump, dropped while refractory: NEST drops what arrives
        : up to and including last + trefrac (the step where its clamp ends)
        if (g == 0 && t > last + trefrac + dt/2) {
            state_discontinuity(v, v + weight)
            if (pending == 0) { : threshold once all of this time's jumps are in (flag 6), as NEST
                pending = 1
                net_send(0, 6)
            }
        }
    } else if (flag == 6) {
        pending = 0
        if (v >= vthresh && t > last) {
            last = t
            g = g_on
            state_discontinuity(v, vspike)
            net_send(spikewidth, 2)
            net_event(t)
        }
    } else if ((flag == 1 || (flag == 5 && v >= vthresh)) && t > last + dt/2) { : beginning of spike
        last = t
        g = g_on
        state_discontinuity(v, vspike)
        net_send(spikewidth, 2)
        net_event(t)
    } else if (flag == 2) { : end of spike, beginning of refractory period
        state_discontinuity(v, vreset)
        if (trefrac > spikewidth) {
            net_send(trefrac-spikewidth, 3)
        } else { : also the end of the refractory period
            g = 0
            : no step end sees v below threshold if it is back above by the next one, so the
            : WATCH (still true from vspike) would not fire again: look at the next step's end
            net_send(dt, 5)
        }
    } else if (flag == 3) { : end of refractory period
        state_discontinuity(v, vreset)
        g = 0
    } else if (flag == 4) { : watch membrane potential
        WATCH (v > vthresh) 1
        if (v >= vthresh) {
            net_send(dt, 5)
        }
    }
}
