COMMENT
The zoo's IzhikevichGeneral (zoo/backends/celltypes.py): PyNN's Izhikevich mechanism
(pyNN/neuron/nmodl/izhikevich.mod, after Izhikevich 2003) with the coefficients it
hard-codes made parameters, for panels G, L and R of Izhikevich (2004, Fig. 1):
    v' = k2*v^2 + k1*v + k0 - u + I,   u' = a*(b*(v - vu) - udecay*u)
on a 1 pF membrane (Cm = 0.001 nF: 1 nA is 1000 mV/ms). Integrated as PyNN's mechanism is:
v by NEURON's membrane solver (the current linearised at each step), u by derivimplicit;
v > vthresh at the end of a step is a spike, and its event (at the start of the next step)
sets v = c, u = u + d.
ENDCOMMENT

NEURON {
    POINT_PROCESS ZooIzhikevich
    RANGE a, b, c, d, k2, k1, k0, vu, udecay, u, uinit, vthresh
    NONSPECIFIC_CURRENT i
}

UNITS {
    (mV) = (millivolt)
    (nA) = (nanoamp)
    (nF) = (nanofarad)
}

INITIAL {
    u = uinit
    net_send(0, 1)
}

PARAMETER {
    a       = 0.02   (/ms)
    b       = 0.2    (/ms)
    c       = -65    (mV)     : v after a spike
    d       = 2      (mV/ms)  : added to u at a spike
    k2      = 0.04   (/mV-ms)
    k1      = 5      (/ms)
    k0      = 140    (mV/ms)
    vu      = 0      (mV)
    udecay  = 1      (1)
    vthresh = 30     (mV)     : the cut
    Cm      = 0.001  (nF)
    uinit   = -14    (mV/ms)
}

ASSIGNED {
    v (mV)
    i (nA)
}

STATE {
    u (mV/ms)
}

BREAKPOINT {
    SOLVE states METHOD derivimplicit
    i = -Cm * (k2*v*v + k1*v + k0 - u)
}

DERIVATIVE states {
    u' = a*(b*(v - vu) - udecay*u)
}

NET_RECEIVE (weight (mV)) {
    if (flag == 1) {
        WATCH (v > vthresh) 2
    } else if (flag == 2) {
        net_event(t)
        v = c
        u = u + d
    } else { : synaptic activation
        v = v + weight
    }
}
