COMMENT
The zoo's AdEx spike mechanism (issue 33), after PyNN's AdExpIF (pyNN/neuron/nmodl/adexp.mod,
A. P. Davison 2009), in a passive compartment (the leak: g_pas = GL/area, e_pas = EL).

What differs from PyNN's, and why:
- The exponential current is computed once per step, from v at the step's start (BEFORE
  BREAKPOINT), so NEURON does not linearise it: its conductance GL*exp((v - vthresh)/delta)
  exceeds 2 C/dt once v is a few delta_T above vthresh (C = 0.2 nF, dt = 0.1 ms: 4 uS, at
  v = vthresh + 10 mV), and PyNN's linearised Crank-Nicolson step then moves v the wrong way
  (PyNN issues #266, #559: the AdEx on NEURON depends on dt and can blow up). Frozen over the
  step, it is an explicit (first-order) term beside the leak's Crank-Nicolson.
- v is taken as min(v, vspike) in the exponential and in w's drive, as NEST's aeif_cond_exp
  does: the same equations wherever the model lives (v reaches vspike only to be reset), and
  finite in the step that crosses it.
- The spike: WATCH (v > vspike) at the end of each step; the event at the start of the next
  (the reported time T) sets v = vreset, w += b, and a clamp conductance (1e6 uS) for trefrac
  (the reset up to one step after the crossing: first order in dt). PyNN's 1e-12 ms spike at
  vspike + 10 mV is left out: on a fixed step it is never sampled.
ENDCOMMENT

NEURON {
    POINT_PROCESS ZooAdEx
    RANGE vreset, trefrac, vspike, vthresh
    RANGE w, winit
    RANGE a, b, tauw, EL, GL, delta
    NONSPECIFIC_CURRENT i
}

UNITS {
    (mV) = (millivolt)
    (nA) = (nanoamp)
    (uS) = (microsiemens)
}

PARAMETER {
    vthresh = -50   (mV)   : threshold of the exponential current
    vreset  = -60   (mV)   : reset potential after a spike
    vspike  = -40   (mV)   : spike cut-off
    trefrac = 1     (ms)   : refractory period
    gon     = 1e6   (uS)   : refractory clamp conductance
    a       = 0.004 (uS)   : subthreshold adaptation
    b       = 0.0805 (nA)  : spike-triggered adaptation
    tauw    = 144   (ms)   : adaptation time constant
    EL      = -70.6 (mV)   : leak reversal (equal to e_pas)
    GL      = 0.03  (uS)   : leak conductance (equal to g_pas times the area)
    delta   = 2     (mV)   : slope factor
    winit   = 0     (nA)
}

ASSIGNED {
    v (mV)
    i (nA)
    iexp (nA)
    grefrac (uS)
}

STATE {
    w (nA)
}

INITIAL {
    grefrac = 0
    w = winit
    iexp = exp_current(v)
    net_send(0, 4)
}

BEFORE BREAKPOINT {
    iexp = exp_current(v)
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    i = iexp + w + grefrac*(v - vreset)
}

DERIVATIVE states {
    w' = (a*(capped(v) - EL) - w)/tauw
}

FUNCTION capped(v (mV)) (mV) {
    if (v > vspike) {
        capped = vspike
    } else {
        capped = v
    }
}

FUNCTION exp_current(v (mV)) (nA) {
    exp_current = -GL*delta*exp((capped(v) - vthresh)/delta)
}

NET_RECEIVE (weight) {
    if (flag == 1) {        : the spike: reset, adaptation, refractory clamp
        net_event(t)
        v = vreset
        w = w + b
        if (trefrac > 0) {
            grefrac = gon
            net_send(trefrac, 3)
        }
    } else if (flag == 3) { : end of the refractory period
        v = vreset
        grefrac = 0
    } else if (flag == 4) { : watch the membrane potential
        WATCH (v > vspike) 1
    }
}
