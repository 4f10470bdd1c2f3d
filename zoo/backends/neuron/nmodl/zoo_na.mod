COMMENT
Sodium channel of the zoo's cable (zoo.backends.multicompartment: NaChannel), g = gbar·m³·h,
the kinetics of Mainen & Sejnowski (1996) as in Branco, Clark & Häusser (2010; ModelDB
140828, na.mod) at 37 °C (rates × 3.21), written from the zoo's RATES and H_INF.
ENDCOMMENT

NEURON {
    SUFFIX zoo_na
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
    e = 50 (mV)
    factor = 3.21
}

ASSIGNED {
    v (mV)
    i (mA/cm2)
    minf
    hinf
    mtau (ms)
    htau (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    i = gbar * m * m * m * h * (v - e)
}

INITIAL {
    rates(v)
    m = minf
    h = hinf
}

DERIVATIVE states {
    rates(v)
    m' = (minf - m) / mtau
    h' = (hinf - h) / htau
}

PROCEDURE rates(v (mV)) {
    LOCAL am, bm, ah, bh
    UNITSOFF
    am = 0.182 * 9 * inverse_exprel(-(v + 35.013) / 9)
    bm = 0.124 * 9 * inverse_exprel((v + 35.013) / 9)
    ah = 0.024 * 5 * inverse_exprel(-(v + 50.013) / 5)
    bh = 0.0091 * 5 * inverse_exprel((v + 75.013) / 5)
    minf = am / (am + bm)
    mtau = 1 / (factor * (am + bm))
    hinf = 1 / (1 + exp((v + 65) / 6.2))
    htau = 1 / (factor * (ah + bh))
    UNITSON
}

FUNCTION inverse_exprel(x) {
    : x / (exp(x) - 1), finite at x = 0
    if (fabs(x) < 1e-6) {
        inverse_exprel = 1 - x / 2
    } else {
        inverse_exprel = x / (exp(x) - 1)
    }
}
