COMMENT
Delayed-rectifier potassium channel of the zoo's cable (zoo.backends.multicompartment:
KdrChannel), g = gbar·n, the kinetics of Mainen & Sejnowski (1996) as in Branco, Clark &
Häusser (2010; ModelDB 140828, kv.mod) at 37 °C (rates × 3.21), from the zoo's RATES.
ENDCOMMENT

NEURON {
    SUFFIX zoo_kdr
    NONSPECIFIC_CURRENT i
    RANGE gbar, e
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0 (S/cm2)
    e = -85 (mV)
    factor = 3.21
}

ASSIGNED {
    v (mV)
    i (mA/cm2)
    ninf
    ntau (ms)
}

STATE { n }

BREAKPOINT {
    SOLVE states METHOD cnexp
    i = gbar * n * (v - e)
}

INITIAL {
    rates(v)
    n = ninf
}

DERIVATIVE states {
    rates(v)
    n' = (ninf - n) / ntau
}

PROCEDURE rates(v (mV)) {
    LOCAL an, bn
    UNITSOFF
    an = 0.02 * 9 * inverse_exprel(-(v - 25) / 9)
    bn = 0.002 * 9 * inverse_exprel((v - 25) / 9)
    ninf = an / (an + bn)
    ntau = 1 / (factor * (an + bn))
    UNITSON
}

FUNCTION inverse_exprel(x) {
    if (fabs(x) < 1e-6) {
        inverse_exprel = 1 - x / 2
    } else {
        inverse_exprel = x / (exp(x) - 1)
    }
}
