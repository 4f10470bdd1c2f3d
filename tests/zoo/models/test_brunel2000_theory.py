"""Brunel (2000) model A, mean-field theory (zoo.models.brunel2000.theory): the Siegert
rate against independent quadrature and its limits, the self-consistent rate against
a published value, the phase-diagram regions against the paper's Fig. 8, and the
tolerance for simulated AI rates."""
import functools
import warnings

import numpy as np
import pytest
from scipy import integrate, special

from zoo.models.brunel2000 import theory

TAU, THETA, V_R, TAU_RP = 20.0, 20.0, 10.0, 2.0
#: least-damped modes, shared by the tests (each costs a few Newton iterations)
least_damped_mode = functools.cache(theory.least_damped_mode)


def direct_siegert_hz(mu, sigma):
    """Eq. 21 with scipy's adaptive quadrature of the original integrand; well
    conditioned only for moderate bounds (1 + erf u cancels below u ~ -5)."""
    lower, upper = (V_R - mu) / sigma, (THETA - mu) / sigma
    integral, _ = integrate.quad(lambda u: np.exp(u * u) * (1.0 + special.erf(u)), lower, upper,
                                 epsabs=0.0, epsrel=1e-13, limit=200)
    return 1e3 / (TAU_RP + TAU * np.sqrt(np.pi) * integral)


@pytest.mark.parametrize("mu, sigma", [(15.0, 5.0), (20.0, 5.0), (25.0, 6.0), (18.0, 2.0), (30.0, 10.0),
                                       (5.0, 5.0), (12.0, 3.0), (14.0, 2.5)])
def test_siegert_matches_direct_quadrature(mu, sigma):
    assert theory.siegert_rate_hz(mu, sigma) == pytest.approx(direct_siegert_hz(mu, sigma), rel=1e-10)


def test_siegert_is_accurate_where_the_direct_integrand_cancels():
    """y_r = -8: 1 + erf(u) is lost to rounding there, so the reference splits the
    integral at 0 and uses erfcx(-u) for u < 0 (scipy quad, not the module's panels)."""
    mu, sigma = 18.0, 1.0
    negative, _ = integrate.quad(lambda u: special.erfcx(-u), (V_R - mu) / sigma, 0.0, epsrel=1e-13)
    positive, _ = integrate.quad(lambda u: np.exp(u * u) * (1.0 + special.erf(u)), 0.0, (THETA - mu) / sigma,
                                 epsrel=1e-13)
    reference = 1e3 / (TAU_RP + TAU * np.sqrt(np.pi) * (negative + positive))
    assert theory.siegert_rate_hz(mu, sigma) == pytest.approx(reference, rel=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        assert abs(direct_siegert_hz(mu, sigma) / reference - 1.0) > 1e-3  # the naive integrand is off here


@pytest.mark.parametrize("y_theta", [6.0, 10.0, 20.0])
def test_siegert_far_below_threshold_follows_the_escape_asymptote(y_theta):
    """(theta - mu)/sigma = y >> 1: nu ~ y e^(-y^2)/(tau sqrt(pi)), the escape limit of
    eq. 21 (e.g. Amit & Brunel 1997), relative error O(1/y^2). Rates down to 1e-170 Hz."""
    sigma = 1.0
    mu = THETA - y_theta * sigma
    asymptote = 1e3 * y_theta * np.exp(-y_theta**2) / (TAU * np.sqrt(np.pi))
    rate = theory.siegert_rate_hz(mu, sigma)
    assert rate > 0.0
    assert rate / asymptote == pytest.approx(1.0, abs=1.0 / y_theta**2)


def test_siegert_vanishes_far_below_threshold_without_overflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is the answer
        rates = [theory.siegert_rate_hz(0.0, sigma) for sigma in (2.0, 1.0, 0.5, 0.1)]
    assert rates[0] < 1e-40 and rates[-1] == 0.0
    assert rates == sorted(rates, reverse=True)


@pytest.mark.parametrize("mu", [20.5, 25.0, 40.0])
def test_siegert_deterministic_limit(mu):
    """sigma -> 0 above threshold: 1/(tau_rp + tau ln((mu - V_r)/(mu - theta)))."""
    closed_form = 1e3 / (TAU_RP + TAU * np.log((mu - V_R) / (mu - THETA)))
    assert theory.siegert_rate_hz(mu, 0.0) == pytest.approx(closed_form, rel=1e-12)
    assert theory.siegert_rate_hz(mu, 1e-3) == pytest.approx(closed_form, rel=1e-4)
    assert theory.siegert_rate_hz(19.5, 0.0) == 0.0


def test_siegert_is_vectorised():
    mu, sigma = np.array([[10.0, 20.0], [25.0, 30.0]]), np.array([2.0, 5.0])
    rates = theory.siegert_rate_hz(mu, sigma)
    assert rates.shape == (2, 2)
    assert rates[1, 0] == theory.siegert_rate_hz(25.0, 2.0)


def direct_cv(mu, sigma):
    """CV^2 = 2 pi (nu tau)^2 int_{y_r}^{y_theta} e^(x^2) int_{-inf}^x e^(y^2)(1+erf y)^2
    (as in Brunel 2000; Tuckwell 1988) by nested scipy quadrature; the inner integrand
    is below 1e-80 beyond y = -10. (A Monte Carlo LIF gave 0.673 at mu = 21, sigma = 7.68,
    this 0.676.)"""
    inner = lambda x: integrate.quad(lambda y: np.exp(y * y) * (1.0 + special.erf(y)) ** 2, -10.0, x,
                                     epsabs=0.0, epsrel=1e-12, limit=200)[0]
    outer, _ = integrate.quad(lambda x: np.exp(x * x) * inner(x), (V_R - mu) / sigma, (THETA - mu) / sigma,
                              epsabs=0.0, epsrel=1e-11)
    rate_per_ms = 1e-3 * direct_siegert_hz(mu, sigma)
    return np.sqrt(2.0 * np.pi * (rate_per_ms * TAU) ** 2 * outer)


@pytest.mark.parametrize("mu, sigma", [(15.0, 5.0), (21.0, 7.7), (18.0, 3.0), (22.0, 5.0)])
def test_cv_matches_direct_quadrature(mu, sigma):
    assert theory.cv_isi(mu, sigma) == pytest.approx(direct_cv(mu, sigma), rel=1e-8)


def test_cv_limits():
    """Poisson far below threshold (escape), regular firing as sigma -> 0 above it."""
    assert theory.cv_isi(12.0, 2.0) == pytest.approx(1.0, abs=1e-6)  # y_theta = 4
    assert theory.cv_isi(0.0, 1.0) == 1.0
    assert theory.cv_isi(25.0, 0.05) < 0.01 and theory.cv_isi(25.0, 0.0) == 0.0
    assert theory.cv_isi(25.0, 0.5) < theory.cv_isi(25.0, 2.0) < theory.cv_isi(25.0, 8.0) < 1.0


def test_input_moments_threshold_and_balance_lines():
    """nu_thr = theta/(J C_E tau) = 10 Hz for model A; at eta = 1 and nu = 0 the mean
    input is theta (the threshold line); at g = 1/gamma the recurrent mean cancels."""
    assert theory.threshold_rate_hz(0.1, 1000, TAU, THETA) == pytest.approx(10.0)
    mu, sigma = theory.input_moments(0.0, 5.0, theory.THRESHOLD_ETA, 0.1, 1000, 0.25, TAU, THETA)
    assert mu == pytest.approx(THETA) and sigma == pytest.approx(np.sqrt(0.1 * THETA))
    g = theory.balance_g(0.25)
    assert g == 4.0
    means = [theory.input_moments(nu, g, 2.0, 0.1, 1000, 0.25, TAU, THETA)[0] for nu in (0.0, 50.0)]
    assert means[0] == pytest.approx(means[1]) == pytest.approx(2.0 * THETA)
    # eq. 5 at g = 5, eta = 2, nu = 10 Hz: sigma^2 = J^2 C_E tau (nu_ext + nu (1 + g^2 gamma))
    _, sigma = theory.input_moments(10.0, 5.0, 2.0, 0.1, 1000, 0.25, TAU, THETA)
    assert sigma**2 == pytest.approx(0.01 * 1000 * 0.02 * (20.0 + 10.0 * 7.25))


def test_mean_field_rate_against_nest_siegert_neuron():
    """Published value: NEST's mean-field example ``pynest/examples/brunel_siegert_nest.py``
    (Hahne et al. 2017, Front. Neuroinform. 11:34) relaxes siegert_neuron rate units to
    the self-consistent rate of this network (g = 5, eta = 2, J = 0.1 mV, C_E = 1000,
    C_I = 250, tau = 20 ms, theta = 20 mV, t_ref = 2 ms) with the reset at 0 mV, and
    prints 32.03 Hz (as reported, for live NEST, in chaobrain/brainpy.state,
    changelog.md: "32.03 vs 32.03 spks/s"). NEST's Siegert integral is independent
    code (C++, GSL). Not published, measured: the same example on this project's NEST
    3.10 gives 32.0331145 Hz, and 37.9496971 Hz with model A's reset at 10 mV."""
    assert theory.mean_field_rate_hz(5.0, 2.0, v_reset_mV=0.0) == pytest.approx(32.03, abs=0.005)
    assert theory.mean_field_rate_hz(5.0, 2.0, v_reset_mV=0.0) == pytest.approx(32.0331145, abs=1e-6)
    assert theory.mean_field_rate_hz(5.0, 2.0) == pytest.approx(37.9496971, abs=1e-6)


@pytest.mark.parametrize("g, eta", [(5.0, 2.0), (4.5, 0.9), (6.0, 4.0), (8.0, 1.0), (4.0, 1.0)])
def test_self_consistent_rate_is_a_fixed_point(g, eta):
    rate = theory.mean_field_rate_hz(g, eta)
    mu, sigma = theory.input_moments(rate, g, eta, 0.1, 1000, 0.25, TAU, THETA)
    assert theory.siegert_rate_hz(mu, sigma) == pytest.approx(rate, rel=1e-9)
    assert theory.mean_field_rates_hz(g, eta) == [rate]  # g >= 1/gamma: one solution


def test_excitation_dominated_network_has_low_and_high_branches():
    """g = 0, eta = 0.5: quiescent, a middle and a high-rate solution below 1/tau_rp; each
    satisfies the fixed-point equation and ``branch`` picks the ends."""
    rates = theory.mean_field_rates_hz(0.0, 0.5)
    assert len(rates) == 3 and rates[0] == 0.0 and 400.0 < rates[2] < 1e3 / TAU_RP
    for rate in rates:
        mu, sigma = theory.input_moments(rate, 0.0, 0.5, 0.1, 1000, 0.25, TAU, THETA)
        assert theory.siegert_rate_hz(mu, sigma) == pytest.approx(rate, rel=1e-9, abs=1e-9)
    assert theory.mean_field_rate_hz(0.0, 0.5, branch="high") == rates[2]
    assert theory.mean_field_rate_hz(0.0, 0.5) == rates[0]


def test_mean_field_refuses_invalid_input():
    with pytest.raises(ValueError, match="eta >= 0"):
        theory.mean_field_rate_hz(5.0, -1.0)
    with pytest.raises(ValueError, match="below the threshold"):
        theory.mean_field_rate_hz(5.0, 2.0, v_reset_mV=25.0)
    with pytest.raises(ValueError, match="branch"):
        theory.mean_field_rate_hz(5.0, 2.0, branch="middle")


def test_rate_grid_rises_with_drive_and_falls_with_inhibition():
    rates = theory.mean_field_rate_grid_hz([4.5, 6.0], [1.0, 2.0, 4.0])
    assert rates.shape == (2, 3)
    assert np.all(np.diff(rates, axis=1) > 0) and np.all(rates[1] < rates[0])


def test_network_gain_at_zero_frequency_is_the_slope_of_the_rate_map():
    """The threshold integration, independent of the Siegert code, reproduces at
    lam -> 0 the slope dPhi/dnu of the self-consistency map (finite differences)."""
    characteristic = theory._Characteristic(5.0, 2.0, 1.5, "low", {})
    slope = theory._feedback_slope(5.0, characteristic.nu_ext_hz, characteristic.rate_hz, theory.MODEL_A)
    gain = characteristic.gain(np.array([2j * np.pi * 1e-5]))[0]
    assert slope < -1.0  # inhibition-dominated
    assert gain.real == pytest.approx(slope, rel=1e-3) and abs(gain.imag) < 1e-3


@pytest.mark.parametrize("panel, g, eta, region", [("A", 3.0, 2.0, "SR"), ("B", 6.0, 4.0, "SI fast"),
                                                   ("C", 5.0, 2.0, "AI"), ("D", 4.5, 0.9, "SI slow")])
def test_phase_regions_of_brunels_figure_8(panel, g, eta, region):
    """Brunel (2000), Fig. 8 (D = 1.5 ms; the same four panels as Brian2's
    examples/frompapers/Brunel_2000.py): A synchronous regular, B fast oscillation with
    irregular neurons, C stationary global activity, D slow oscillation."""
    assert theory.phase_region(g, eta) == region


def test_unstable_modes_agree_with_the_least_damped_eigenvalue():
    assert theory.unstable_mode_count(5.0, 2.0) == 0
    growth, frequency = least_damped_mode(5.0, 2.0)
    assert growth < 0.0 and 50.0 < frequency < 250.0
    assert theory.unstable_mode_count(6.0, 4.0) == 2


def test_fast_oscillation_is_set_by_the_delay_and_slow_one_is_not():
    """Brunel (2000), abstract: the fast oscillation's frequency is controlled by the
    synaptic time scale (here the delay D), the slow one's mostly by tau. Doubling D
    lowers the fast frequency by more than half as much again as it lowers the slow."""
    fast = [least_damped_mode(6.0, 4.0, delay_ms=d)[1] for d in (1.5, 3.0)]
    slow = [least_damped_mode(4.5, 0.9, delay_ms=d)[1] for d in (1.5, 3.0)]
    assert 120.0 < fast[0] < 250.0 and slow[0] < 60.0
    assert fast[0] / fast[1] > 1.5 > slow[0] / slow[1]


def test_tolerance_parts_at_the_ai_state():
    """g = 5, eta = 2, 10 000 neurons over 10 s: the diffusion (shot-noise) correction and
    the correlation estimate are each below 1 % of the rate; the input-statistics term
    is the rate change at recurrent variance x CV^2 (CV = 0.675 here, so a few %); the
    counting term is 3*sqrt(nu/(N T)) (CV < 1, X(0) < 0: nothing widens it); the total
    is their sum."""
    tolerance = theory.simulated_rate_tolerance(5.0, 2.0, n_recorded=10_000, duration_ms=10_000.0)
    rate = tolerance.rate_hz
    assert rate == theory.mean_field_rate_hz(5.0, 2.0)
    assert 0.0 < tolerance.shot_noise_hz < 0.01 * rate
    assert 0.0 < tolerance.correlation_hz < 0.01 * rate
    assert 0.02 * rate < tolerance.input_statistics_hz < 0.1 * rate
    assert tolerance.counting_hz == pytest.approx(3.0 * np.sqrt(rate / (10_000 * 10.0)))
    parts = tolerance[1:-1]
    assert tolerance.total_hz == pytest.approx(sum(parts))


def test_tolerance_scales_with_jump_size_epsilon_and_counts():
    """Shot noise grows with J at fixed mu and sigma per unit drive (C_E J fixed), the
    correlation term with epsilon, the counting term as 1/sqrt(N T)."""
    base = theory.simulated_rate_tolerance(5.0, 2.0, n_recorded=1000, duration_ms=1000.0)
    larger_jumps = theory.simulated_rate_tolerance(5.0, 2.0, j_mV=0.2, c_e=500, n_e=5000, n_recorded=1000,
                                                   duration_ms=1000.0)
    denser = theory.simulated_rate_tolerance(5.0, 2.0, n_e=5000, n_recorded=4000, duration_ms=1000.0)
    assert larger_jumps.shot_noise_hz > 1.5 * base.shot_noise_hz
    assert denser.correlation_hz > 1.5 * base.correlation_hz
    assert denser.counting_hz == pytest.approx(base.counting_hz / 2.0)
