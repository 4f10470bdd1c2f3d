COMMENT
The zoo's Hodgkin-Huxley spike rule (NEST hh_psc_alpha, hh_cond_exp_traub): a spike
is the first step at whose end v is at or above `level` and lower than at the end of
the step before (the peak); detection then pauses for round(refractory/dt) steps.
`detected` is 1 during a spike's step and 0 otherwise: a NetCon watching it (threshold
0.5) reports the spike at the end of that step. BEFORE STEP runs once per fixed step,
after the step's integration, when v is the step's final value.
ENDCOMMENT

NEURON {
    POINT_PROCESS ZooPeakDetector
    RANGE level, refractory, detected, previous, pause
}

UNITS {
    (mV) = (millivolt)
}

PARAMETER {
    level = 0 (mV)
    refractory = 2 (ms)
}

ASSIGNED {
    v (mV)
    dt (ms)
    detected
    previous (mV)
    pause
}

INITIAL {
    detected = 0
    previous = 1e9
    pause = 0
}

BEFORE STEP {
    detected = 0
    if (pause > 0) {
        pause = pause - 1
    } else if (v >= level && v < previous) {
        detected = 1
        pause = floor(refractory / dt + 0.5)
    }
    previous = v
}
