"""Mean-field theory of Brunel (2000) "model A": a sparse network of leaky IF neurons
with delta synapses (Brunel N, J. Comput. Neurosci. 8:183-208, 2000).

N_E excitatory and N_I = N_E/4 inhibitory neurons (tau = 20 ms, theta = 20 mV,
V_r = 10 mV, tau_rp = 2 ms); each receives C_E excitatory and C_I = gamma*C_E
inhibitory recurrent inputs of weight J and -g*J (mV jumps, delay D), and C_E
external Poisson inputs of weight J at nu_ext = eta*nu_thr. Pure numpy/scipy; rates
in Hz, times in ms, potentials in mV.

The phase diagram (Brunel's Fig. 2), as far as it is stated here:

- exactly: the balance line g = 1/gamma (:func:`balance_g`; excitation dominates
  below it), the threshold line eta = 1 (:data:`THRESHOLD_ETA`; the mean external
  input alone reaches threshold), and the rate of the asynchronous state at every
  (g, eta) (:func:`mean_field_rate_hz`, :func:`mean_field_rate_grid_hz`);
- numerically: the linear stability of the asynchronous state with delay D (section
  4). The eigenvalue equation 1 = e^(-lam D) X(lam) is not solved with Brunel's
  hypergeometric functions but with the rate response X of the linearised
  Fokker-Planck equation, integrated from threshold (Richardson 2007); unstable
  eigenvalues are counted by the argument principle (:func:`unstable_mode_count`) and
  the least-damped one located by Newton's method (:func:`least_damped_mode`).
  :func:`phase_region` names the region: AI if stable, else SR below the balance
  line, else SI fast or SI slow by the frequency of the unstable mode (split at
  1/(8 D)). Checked against the four states of Brunel's Fig. 8, not against the
  lines of Fig. 2 point by point (their coordinates are not tabulated in the paper).

Not stated: the nonlinear states beyond the instability (amplitudes, frequencies
away from the onset, the regularity of SR firing; :func:`cv_isi` gives the CV of the
stationary state only), which of several fixed points a network settles in for
g < 1/gamma (each is returned), and the lines of Fig. 2 as curves (they follow from
:func:`unstable_mode_count` by bisection, at about 0.1 s per point).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import optimize, special

_SQRT_PI = np.sqrt(np.pi)
#: Gauss-Legendre nodes and weights on [-1, 1], for the panels of _erfcx_integral.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)
#: Above this exponent e^(y_theta^2) is factored out of the Siegert integral.
_LARGE_EXPONENT = 30.0


def threshold_rate_hz(j_mV, c_e, tau_ms, theta_mV):
    """nu_thr = theta/(J*C_E*tau) (Hz): the external rate whose mean input alone
    brings the potential to threshold (Brunel 2000, section 2)."""
    return theta_mV / (j_mV * c_e * tau_ms * 1e-3)


def input_moments(rate_hz, g, eta, j_mV, c_e, gamma, tau_ms, theta_mV):
    """(mu, sigma) in mV of the input to a neuron when the network fires at rate_hz,
    with the external drive nu_ext = eta*nu_thr (Brunel 2000, eqs. 4-5):
    mu = C_E*J*tau*(nu_ext + nu*(1 - g*gamma)),
    sigma^2 = J^2*C_E*tau*(nu_ext + nu*(1 + g^2*gamma))."""
    nu_ext = eta * threshold_rate_hz(j_mV, c_e, tau_ms, theta_mV)
    return _moments(rate_hz, nu_ext, g, j_mV, c_e, gamma, tau_ms)


def _moments(rate_hz, nu_ext_hz, g, j_mV, c_e, gamma, tau_ms, variance_factor=1.0):
    """(mu, sigma) in mV for a given external rate (Hz) rather than eta; the recurrent
    part of sigma^2 is multiplied by variance_factor (1 in Brunel's theory)."""
    tau_s = tau_ms * 1e-3
    mu = c_e * j_mV * tau_s * (nu_ext_hz + rate_hz * (1.0 - g * gamma))
    recurrent = variance_factor * rate_hz * (1.0 + g * g * gamma)
    sigma = j_mV * np.sqrt(c_e * tau_s * (nu_ext_hz + recurrent))
    return mu, sigma


# --- the Siegert rate ---------------------------------------------------------------


def _erfcx_integral(t1, t2):
    """int_{t1}^{t2} erfcx(t) dt for 0 <= t1 <= t2, by Gauss-Legendre panels in
    s = asinh(t), where erfcx(sinh s)*cosh s is smooth and tends to 1/sqrt(pi)."""
    s1, s2 = np.arcsinh(t1), np.arcsinh(t2)
    n_panels = max(1, int(np.ceil(2.0 * (s2 - s1))))
    edges = np.linspace(s1, s2, n_panels + 1)
    half = 0.5 * np.diff(edges)
    s = (edges[:-1] + half)[:, None] + half[:, None] * _GL_X[None, :]
    integrand = special.erfcx(np.sinh(s)) * np.cosh(s)
    return float(np.sum(half[:, None] * _GL_W[None, :] * integrand))


def _dawson_term(y):
    """2*e^(y^2)*D(y) = sqrt(pi)*erfi(y) = 2*int_0^y e^(u^2) du (D: Dawson's function)."""
    return 2.0 * np.exp(y * y) * special.dawsn(y)


def _siegert_integral(y_r, y_th):
    """(log_scale, rest) with int_{y_r}^{y_th} e^(u^2)(1 + erf u) du = e^log_scale * rest.

    Split at u = 0. For u < 0 the integrand is erfcx(-u) (bounded, no cancellation); for
    u > 0 it is 2 e^(u^2) - erfcx(u), whose e^(u^2) part is Dawson's function. When
    y_th^2 is large, e^(y_th^2) is factored out so that tiny rates do not overflow."""
    negative = _erfcx_integral(max(-y_th, 0.0), -y_r) if y_r < 0 else 0.0
    if y_th <= 0:
        return 0.0, negative
    lo = max(y_r, 0.0)
    erfcx_part = _erfcx_integral(lo, y_th)
    if y_th * y_th < _LARGE_EXPONENT:
        dawson = _dawson_term(y_th) - (_dawson_term(lo) if lo > 0 else 0.0)
        return 0.0, dawson - erfcx_part + negative
    scale = np.exp(-y_th * y_th)
    dawson = 2.0 * special.dawsn(y_th) - (2.0 * np.exp(lo * lo - y_th * y_th) * special.dawsn(lo) if lo > 0 else 0.0)
    return y_th * y_th, dawson + scale * (negative - erfcx_part)


def _siegert_scalar(mu, sigma, tau_ms, theta, v_reset, tau_rp_ms):
    """The Siegert rate (Hz) for one (mu, sigma)."""
    if sigma <= 0:  # deterministic: fires iff the mean is above threshold
        if mu <= theta:
            return 0.0
        return 1e3 / (tau_rp_ms + tau_ms * np.log((mu - v_reset) / (mu - theta)))
    log_scale, rest = _siegert_integral((v_reset - mu) / sigma, (theta - mu) / sigma)
    log_mean_ms = log_scale + np.log(tau_ms * _SQRT_PI * rest)  # log of the mean first-passage time
    if log_mean_ms > 700.0:
        return 1e3 * np.exp(-log_mean_ms)  # tau_rp is negligible; underflows gracefully to 0
    return 1e3 / (tau_rp_ms + np.exp(log_mean_ms))


_siegert_vectorised = np.vectorize(_siegert_scalar, otypes=[float])


def siegert_rate_hz(mu_mV, sigma_mV, tau_ms=20.0, theta_mV=20.0, v_reset_mV=10.0, tau_rp_ms=2.0):
    """Stationary rate (Hz) of an LIF driven by white noise of mean mu and std sigma
    (diffusion approximation; Brunel 2000, eq. 21; Siegert 1951):
    1/nu = tau_rp + tau*sqrt(pi)*int_{(V_r-mu)/sigma}^{(theta-mu)/sigma} e^(u^2)(1+erf u) du.
    sigma = 0 gives the deterministic rate. Vectorised over mu and sigma."""
    rate = _siegert_vectorised(mu_mV, sigma_mV, tau_ms, theta_mV, v_reset_mV, tau_rp_ms)
    return float(rate) if np.ndim(rate) == 0 else rate


def _panels(lo, hi, width):
    """Gauss-Legendre nodes and weights on [lo, hi] in panels at most ``width`` wide."""
    n_panels = max(1, int(np.ceil((hi - lo) / width)))
    edges = np.linspace(lo, hi, n_panels + 1)
    half = 0.5 * np.diff(edges)
    nodes = (edges[:-1] + half)[:, None] + half[:, None] * _GL_X[None, :]
    return nodes.ravel(), (half[:, None] * _GL_W[None, :]).ravel()


def _scaled_inner(x):
    """h(x) = e^(x^2) int_{-inf}^x e^(y^2)(1 + erf y)^2 dy for an array x <= 8. For x <= 0
    with y = x - s: int_0^inf e^(2xs - s^2) erfcx(s - x)^2 ds (no overflow, no
    cancellation); for x > 0: e^(x^2) (h(0) + int_0^x e^(y^2)(1 + erf y)^2 dy)."""
    x = np.asarray(x, dtype=float)
    negative = np.minimum(x, 0.0)
    s, w = _panels(0.0, 1.0, 1.0 / 16)
    reach = np.minimum(8.0, 40.0 / (1.0 - 2.0 * negative))[:, None]  # e^(2xs - s^2) < e^-40 beyond
    s = s[None, :] * reach
    h = np.sum(w[None, :] * reach * np.exp(2.0 * negative[:, None] * s - s * s)
               * special.erfcx(s - negative[:, None]) ** 2, axis=1)
    positive = np.flatnonzero(x > 0)
    h0 = _scaled_inner(np.zeros(1))[0] if positive.size else 0.0
    for i in positive:
        y, wy = _panels(0.0, x[i], 0.25)
        h[i] = np.exp(x[i] ** 2) * (h0 + np.sum(wy * np.exp(y * y) * (1.0 + special.erf(y)) ** 2))
    return h


def cv_isi(mu_mV, sigma_mV, tau_ms=20.0, theta_mV=20.0, v_reset_mV=10.0, tau_rp_ms=2.0):
    """Coefficient of variation of the interspike intervals of an LIF driven by white
    noise (diffusion approximation, as in Brunel 2000; Tuckwell 1988):
    CV^2 = 2 pi (nu tau)^2 int_{y_r}^{y_theta} e^(x^2) dx int_{-inf}^x e^(y^2)(1+erf y)^2 dy.
    Far below threshold (y_theta > 8) firing is Poisson and CV = 1 to double precision."""
    if sigma_mV <= 0:
        return 0.0
    y_r, y_th = (v_reset_mV - mu_mV) / sigma_mV, (theta_mV - mu_mV) / sigma_mV
    if y_th > 8.0:
        return 1.0
    u, w = _panels(np.arcsinh(y_r), np.arcsinh(y_th), 0.25)  # x = sinh(u): few panels far from 0
    x, w = np.sinh(u), w * np.cosh(u)
    rate_per_ms = 1e-3 * siegert_rate_hz(mu_mV, sigma_mV, tau_ms, theta_mV, v_reset_mV, tau_rp_ms)
    return float(np.sqrt(2.0 * np.pi * (rate_per_ms * tau_ms) ** 2 * np.sum(w * _scaled_inner(x))))


# --- the self-consistent rate --------------------------------------------------------


def _transfer_hz(rate_hz, nu_ext_hz, g, j_mV, c_e, gamma, tau_ms, theta_mV, v_reset_mV, tau_rp_ms,
                 variance_factor=1.0):
    """Phi(nu): the Siegert rate of the input the network produces at rate nu (Hz)."""
    mu, sigma = _moments(rate_hz, nu_ext_hz, g, j_mV, c_e, gamma, tau_ms, variance_factor)
    return siegert_rate_hz(mu, sigma, tau_ms, theta_mV, v_reset_mV, tau_rp_ms)


def _rate_grid_hz(tau_rp_ms, n=240):
    """Candidate rates for bracketing the fixed points: 0, then log-spaced from 1e-4 Hz
    to just below the ceiling 1/tau_rp."""
    ceiling = 1e3 / tau_rp_ms
    return np.concatenate(([0.0], np.geomspace(1e-4, ceiling * (1 - 1e-9), n)))


def _fixed_points_hz(nu_ext_hz, g, j_mV, c_e, gamma, tau_ms, theta_mV, v_reset_mV, tau_rp_ms,
                     variance_factor=1.0):
    """All rates nu in [0, 1/tau_rp) with Phi(nu) = nu, ascending (brentq on each sign
    change of Phi(nu) - nu on a log grid; 0 is a root when Phi(0) = 0)."""
    args = (nu_ext_hz, g, j_mV, c_e, gamma, tau_ms, theta_mV, v_reset_mV, tau_rp_ms, variance_factor)
    grid = _rate_grid_hz(tau_rp_ms)
    excess = _transfer_hz(grid, *args) - grid
    roots = [0.0] if excess[0] <= 0.0 else []
    for k in np.flatnonzero(np.sign(excess[1:]) != np.sign(excess[:-1])):
        if excess[k + 1] == 0.0:
            roots.append(float(grid[k + 1]))
        elif excess[k] != 0.0:
            roots.append(optimize.brentq(lambda nu: _transfer_hz(nu, *args) - nu, grid[k], grid[k + 1],
                                         xtol=1e-12, rtol=1e-12))
    return sorted(set(roots))


def _check_parameters(eta, j_mV, c_e, gamma, tau_ms, theta_mV, v_reset_mV, tau_rp_ms):
    if eta < 0 or j_mV <= 0 or c_e <= 0 or gamma < 0 or tau_ms <= 0 or tau_rp_ms <= 0:
        raise ValueError(f"Brunel model A needs eta >= 0 and positive J, C_E, tau, tau_rp, gamma >= 0 "
                         f"(got eta={eta}, J={j_mV} mV, C_E={c_e}, gamma={gamma}, tau={tau_ms} ms, "
                         f"tau_rp={tau_rp_ms} ms)")
    if not v_reset_mV < theta_mV:
        raise ValueError(f"the reset ({v_reset_mV} mV) must lie below the threshold ({theta_mV} mV)")


def mean_field_rates_hz(g, eta, j_mV=0.1, c_e=1000, gamma=0.25, tau_ms=20.0, theta_mV=20.0,
                        v_reset_mV=10.0, tau_rp_ms=2.0):
    """Every self-consistent rate (Hz) of the asynchronous state, ascending: the
    solutions of nu = Phi(mu(nu), sigma(nu)) (Brunel 2000, eqs. 4, 5 and 21) in
    [0, 1/tau_rp). One for g > 1/gamma; up to three (low, unstable middle, high near
    1/tau_rp) where excitation dominates."""
    _check_parameters(eta, j_mV, c_e, gamma, tau_ms, theta_mV, v_reset_mV, tau_rp_ms)
    nu_ext = eta * threshold_rate_hz(j_mV, c_e, tau_ms, theta_mV)
    return _fixed_points_hz(nu_ext, g, j_mV, c_e, gamma, tau_ms, theta_mV, v_reset_mV, tau_rp_ms)


def mean_field_rate_hz(g, eta, j_mV=0.1, c_e=1000, gamma=0.25, tau_ms=20.0, theta_mV=20.0,
                       v_reset_mV=10.0, tau_rp_ms=2.0, branch="low"):
    """The self-consistent rate (Hz) of the asynchronous state (Brunel 2000, eqs. 4, 5,
    21). Where several exist (excitation-dominated, g < 1/gamma), ``branch`` picks the
    lowest ("low") or the highest ("high", up to 1/tau_rp). ValueError if none."""
    if branch not in ("low", "high"):
        raise ValueError(f"branch must be 'low' or 'high', not {branch!r}")
    rates = mean_field_rates_hz(g, eta, j_mV, c_e, gamma, tau_ms, theta_mV, v_reset_mV, tau_rp_ms)
    if not rates:
        raise ValueError(f"no self-consistent rate in [0, {1e3 / tau_rp_ms:g}) Hz for g={g}, eta={eta}")
    return rates[0] if branch == "low" else rates[-1]


# --- regions of the phase diagram (Brunel 2000, Fig. 2) ------------------------------

#: Model A's parameters other than g, eta and the delay (Brunel 2000, section 2).
MODEL_A = dict(j_mV=0.1, c_e=1000, gamma=0.25, tau_ms=20.0, theta_mV=20.0, v_reset_mV=10.0, tau_rp_ms=2.0)
#: eta = nu_ext/nu_thr at which the mean external input alone reaches threshold.
THRESHOLD_ETA = 1.0
#: Below this mean-field rate (Hz) the network is called quiescent, not analysed.
QUIESCENT_HZ = 1e-3
#: Steps of the threshold integration (halved once for Richardson extrapolation).
_STEPS = 1000


def balance_g(gamma=0.25):
    """g = 1/gamma: recurrent inhibition cancels recurrent excitation in the mean input
    (mu_l = 0 in eq. 4). Below it excitation dominates (the SR side of Fig. 2)."""
    return 1.0 / gamma


def mean_field_rate_grid_hz(gs, etas, branch="low", **model):
    """Mean-field rate (Hz) on the grid gs x etas (rows: g), the background of Fig. 2."""
    return np.array([[mean_field_rate_hz(g, eta, branch=branch, **model) for eta in etas] for g in gs])


def _model(model):
    unknown = set(model) - set(MODEL_A)
    if unknown:
        raise TypeError(f"unknown model parameters {sorted(unknown)}; known: {sorted(MODEL_A)}")
    return {**MODEL_A, **model}


def _stationary_profile(mu, sigma, tau_ms, theta_mV, v_reset_mV, n):
    """Grid from threshold down (about n steps, V_r on a grid point), with per-step
    decay and gain factors of the exact exponential step for dP/dV = a(V) P - b J, and
    the stationary density p0 for unit flux (1/ms) with its slope dp0/dV."""
    span = theta_mV - (min(v_reset_mV, mu) - 6.0 * sigma)
    to_reset = max(1, int(round(n * (theta_mV - v_reset_mV) / span)))
    step = (theta_mV - v_reset_mV) / to_reset
    v = theta_mV - step * np.arange(int(np.ceil(span / step)) + 1)
    a = 2.0 * (mu - v[:-1]) / sigma**2
    decay = np.exp(-a * step)
    small = np.abs(a * step) < 1e-12
    gain = np.where(small, step, -np.expm1(-a * step) / np.where(small, 1.0, a))
    b = 2.0 * tau_ms / sigma**2
    flux = np.where(np.arange(v.size - 1) < to_reset, 1.0, 0.0)
    p0 = np.zeros(v.size - 1)
    for k in range(v.size - 2):
        p0[k + 1] = p0[k] * decay[k] + b * flux[k] * gain[k]
    return step, decay, gain, b, p0, a * p0 - b * flux, to_reset


def _threshold_integration(lams, mu, sigma, mu1, s1, tau_ms, theta_mV, v_reset_mV, tau_rp_ms, n):
    """Rate response nu1 (1/ms) to input modulations mu1*e^(lam t) (mV) and s1*e^(lam t)
    (mV^2 of sigma^2), lam in 1/ms, from the linearised Fokker-Planck equation
    integrated down from threshold (Richardson 2007, Phys. Rev. E 76:021919): a free
    solution (unit rate, reinjected at V_r after tau_rp) and a driven one; nu1 makes the
    flux vanish far below. First order in the step."""
    lams = np.asarray(lams, dtype=complex)
    step, decay, gain, b, p0, dp0, reset_index = _stationary_profile(mu, sigma, tau_ms, theta_mV, v_reset_mV, n)
    forcing = np.array([[0.0], [1.0]]) * (2.0 * mu1 * p0 - s1 * dp0) / sigma**2 * gain  # driven row only
    density = np.zeros((2, lams.size), dtype=complex)  # rows: free, driven
    flux = np.zeros((2, lams.size), dtype=complex)
    flux[0] = 1.0
    lam_step, b_gain = lams * step, b * gain
    for k in range(decay.size):
        density, flux = density * decay[k] + b_gain[k] * flux - forcing[:, k:k + 1], flux + lam_step * density
        if k + 1 == reset_index:
            flux[0] -= np.exp(-lams * tau_rp_ms)
    rate = 1.0 / (np.sum(p0) * step + tau_rp_ms)
    return -flux[1] / flux[0] * rate


def _network_gain(lams, g, rate_hz, nu_ext_hz, p):
    """X(lam): the rate response of the network to its own rate modulation, without
    the delay: nu1 = e^(-lam D) X(lam) nu1 (Brunel 2000, section 4). The recurrent
    modulation moves mu by C_E J tau (1 - g gamma) nu1 and sigma^2 by
    C_E J^2 tau (1 + g^2 gamma) nu1 (eqs. 4-5). Richardson-extrapolated in the step."""
    mu, sigma = _moments(rate_hz, nu_ext_hz, g, p["j_mV"], p["c_e"], p["gamma"], p["tau_ms"])
    mu1 = p["c_e"] * p["j_mV"] * p["tau_ms"] * (1.0 - g * p["gamma"])  # mV per (1/ms)
    s1 = p["c_e"] * p["j_mV"] ** 2 * p["tau_ms"] * (1.0 + g * g * p["gamma"])  # mV^2 per (1/ms)
    args = (mu, sigma, mu1, s1, p["tau_ms"], p["theta_mV"], p["v_reset_mV"], p["tau_rp_ms"])
    return 2.0 * _threshold_integration(lams, *args, _STEPS) - _threshold_integration(lams, *args, _STEPS // 2)


class _Characteristic:
    """F(lam) = 1 - e^(-lam D) X(lam) at one asynchronous state; its zeros are the
    eigenvalues lam (1/ms) of the linearised dynamics (Brunel 2000, section 4)."""

    def __init__(self, g, eta, delay_ms, branch, model):
        self.p = _model(model)
        self.g, self.delay_ms = g, delay_ms
        self.rate_hz = mean_field_rate_hz(g, eta, branch=branch, **self.p)
        self.nu_ext_hz = eta * threshold_rate_hz(self.p["j_mV"], self.p["c_e"], self.p["tau_ms"],
                                                  self.p["theta_mV"])

    def gain(self, lams):
        return _network_gain(lams, self.g, self.rate_hz, self.nu_ext_hz, self.p)

    def __call__(self, lams):
        lams = np.asarray(lams, dtype=complex)
        return 1.0 - np.exp(-lams * self.delay_ms) * self.gain(lams)


def _imaginary_axis_per_ms(f_max_hz):
    """i*2*pi*f (1/ms) for f in Hz: 2 Hz steps up to 1 kHz, 10 Hz beyond (e^(-i w D)
    turns by 2*pi*df*D per step: 0.1 rad at D = 1.5 ms)."""
    f_hz = np.concatenate((np.arange(0.1, min(f_max_hz, 1000.0), 2.0), np.arange(1000.0, f_max_hz, 10.0)))
    return 2j * np.pi * f_hz * 1e-3


def _count_unstable(characteristic, f_max_hz=5000.0):
    """Zeros of F in Re lam > 0 by the argument principle (Nyquist): along the
    imaginary axis F(i w) must end inside the half-plane Re F > 0 (checked), where the
    closing arc adds no turns; then N = theta(0)/pi - 2 m, m the net turns of arg F."""
    axis = _imaginary_axis_per_ms(f_max_hz)
    values = characteristic(axis)
    if not np.all(np.isfinite(values)):
        raise ValueError("the linear analysis overflowed (rate too low for the threshold integration)")
    tail = np.abs(1.0 - values[-len(values) // 10:])
    if np.max(tail) >= 1.0:
        raise ValueError(f"|e^(-i w D) X(i w)| >= 1 near {f_max_hz:g} Hz: the count needs a larger f_max_hz")
    phase = np.unwrap(np.angle(values))
    turns = np.round((phase[-1] - np.angle(values[-1])) / (2.0 * np.pi))
    start = 0.0 if values[0].real > 0 else np.pi
    return int(round(start / np.pi - 2 * turns))


def unstable_mode_count(g, eta, delay_ms=1.5, branch="low", **model):
    """Number of eigenvalues with positive real part (conjugate pairs count twice) of
    the asynchronous state at (g, eta) (Brunel 2000, section 4): 0 means the AI state
    is linearly stable."""
    return _count_unstable(_Characteristic(g, eta, delay_ms, branch, model))


def _newton(characteristic, lams, steps=30, h=1e-7, max_step=0.2):
    """Complex Newton iterations for zeros of F from the starting points lams (1/ms)."""
    for _ in range(steps):
        values = characteristic(np.concatenate([lams, lams + h]))
        f0, f1 = values[: lams.size], values[lams.size:]
        delta = f0 * h / (f1 - f0)
        delta = np.where(np.abs(delta) > max_step, max_step * delta / np.abs(delta), delta)
        lams = lams - delta
        if np.max(np.abs(delta)) < 1e-9:
            break
    return lams[np.abs(characteristic(lams)) < 1e-8]


def least_damped_mode(g, eta, delay_ms=1.5, branch="low", f_max_hz=1000.0, **model):
    """(growth rate in 1/s, frequency in Hz) of the eigenvalue with the largest real part
    among those below f_max_hz, found by Newton's method from the local minima of
    |F(i w)| on the imaginary axis. Positive growth: the AI state is unstable and the
    network oscillates near that frequency."""
    characteristic = _Characteristic(g, eta, delay_ms, branch, model)
    axis = _imaginary_axis_per_ms(f_max_hz)
    size = np.abs(characteristic(axis))
    minima = np.flatnonzero((size[1:-1] <= size[:-2]) & (size[1:-1] <= size[2:])) + 1
    starts = axis[minima[np.argsort(size[minima])][:4]]  # the deepest four: zeros nearest the axis
    roots = _newton(characteristic, starts)
    roots = roots[(roots.imag > 0) & (roots.imag < 2e-3 * np.pi * f_max_hz)]
    if roots.size == 0:
        raise ValueError(f"no eigenvalue found below {f_max_hz:g} Hz at g={g}, eta={eta}")
    best = roots[np.argmax(roots.real)]
    return 1e3 * best.real, 1e3 * best.imag / (2.0 * np.pi)


def phase_region(g, eta, delay_ms=1.5, branch="low", **model):
    """The region of Brunel's phase diagram (Fig. 2) that the linear stability of the
    asynchronous state puts (g, eta) in: "AI" (stable), "SR" (unstable, g < 1/gamma),
    "SI fast" (unstable, g >= 1/gamma, least-damped mode faster than 1/(8 D)),
    "SI slow" (slower); "quiescent" below QUIESCENT_HZ."""
    p = _model(model)
    if mean_field_rate_hz(g, eta, branch=branch, **p) < QUIESCENT_HZ:
        return "quiescent"
    if unstable_mode_count(g, eta, delay_ms, branch, **p) == 0:
        return "AI"
    if g < balance_g(p["gamma"]):
        return "SR"
    _, frequency_hz = least_damped_mode(g, eta, delay_ms, branch, **p)
    return "SI fast" if frequency_hz > 1e3 / (8.0 * delay_ms) else "SI slow"


# --- how far a simulated AI rate may lie from the mean-field rate --------------------


class RateTolerance(NamedTuple):
    """A bound (Hz) on |simulated - mean-field| AI rate, and its parts."""

    rate_hz: float  # the mean-field rate
    shot_noise_hz: float  # finite jumps J: threshold and reset moved by -J/2 .. +J/2
    input_statistics_hz: float  # non-Poisson recurrent trains: recurrent variance x CV^2 .. x 1
    correlation_hz: float  # shared input (epsilon = C_E/N_E): recurrent variance x (1 -/+ epsilon)
    counting_hz: float  # z standard errors of the rate estimated from the spikes counted
    total_hz: float  # their sum


def _rate_with_hz(g, nu_ext_hz, p, branch, shift_mV=0.0, variance_factor=1.0):
    """Self-consistent rate with threshold and reset moved by shift_mV and the recurrent
    variance scaled; the external rate stays nu_ext (it is the simulated input)."""
    rates = _fixed_points_hz(nu_ext_hz, g, p["j_mV"], p["c_e"], p["gamma"], p["tau_ms"],
                             p["theta_mV"] + shift_mV, p["v_reset_mV"] + shift_mV, p["tau_rp_ms"], variance_factor)
    return rates[0] if branch == "low" else rates[-1]


def _feedback_slope(g, nu_ext_hz, rate_hz, p):
    """X(0) = dPhi/dnu at the fixed point: the network's zero-frequency loop gain."""
    h = 1e-4 * rate_hz + 1e-6
    args = (nu_ext_hz, g, p["j_mV"], p["c_e"], p["gamma"], p["tau_ms"], p["theta_mV"], p["v_reset_mV"],
            p["tau_rp_ms"])
    return (_transfer_hz(rate_hz + h, *args) - _transfer_hz(max(rate_hz - h, 0.0), *args)) / (h + min(h, rate_hz))


def simulated_rate_tolerance(g, eta, n_e=10_000, n_recorded=10_000, duration_ms=10_000.0, z=3.0,
                             branch="low", **model):
    """How far the rate of a simulated AI state (model A, N_E = n_e, the rate averaged
    over n_recorded neurons and duration_ms) may lie from the mean-field rate, from the
    approximations of the theory (the simulator's own time-grid error is not included):

    1. Shot noise. The theory is the diffusion limit J -> 0. With finite jumps only
       excitatory inputs cross threshold, each by a jump J, overshooting it by J/2 on
       average; the first-order correction to the diffusion approximation moves the
       effective threshold and reset by an amount of order J (Brunel & Hakim 1999,
       Neural Comput. 11:1621; Richardson & Swarbrick 2010, Phys. Rev. Lett.
       105:178102; Helias et al. 2010, PLoS Comput. Biol. 6:e1000929; Fourcaud & Brunel
       2002 shift both alike for synaptic filtering). Its sign and exact factor depend on the
       input, so the term is the largest change of the self-consistent rate when theta
       and V_r both move by -J/2 or +J/2 (the external rate held fixed).
    2. Input statistics. The theory takes the recurrent trains as Poisson (Fano factor
       1). They are renewal trains with the CV of :func:`cv_isi` (at the fixed point),
       whose count variance over long windows is CV^2 times Poisson (Cox 1962); the
       membrane (tau) sees a factor between CV^2 and 1. Term: the rate change with the
       recurrent part of sigma^2 scaled by CV^2.
    3. Correlations. Two neurons share a fraction epsilon = C_E/N_E of their inputs, which
       the theory neglects (exact as epsilon -> 0; Brunel 2000, section 5). An
       order-epsilon estimate, not a rigorous bound: the largest rate change with the
       recurrent part of sigma^2 scaled by 1 - epsilon or 1 + epsilon.
    4. Counting. n = nu*n_recorded*T spikes with Fano factor max(1, CV^2): standard error
       nu*sqrt(max(1, CV^2)/n). Finite-size fluctuations of the global activity pass
       the network's zero-frequency loop gain X(0) (Brunel 2000, section 5), which
       widens the error by 1/|1 - X(0)| when that exceeds 1 (inhibition-dominated
       networks have X(0) < 0 and narrow it: not credited). The term is z errors.

    The bound is the sum of the four. Only for asynchronous states: in an oscillating
    network the time-averaged rate need not be the stationary solution."""
    p = _model(model)
    nu_ext = eta * threshold_rate_hz(p["j_mV"], p["c_e"], p["tau_ms"], p["theta_mV"])
    rate = _rate_with_hz(g, nu_ext, p, branch)
    half_jump = 0.5 * p["j_mV"]
    shot = max(abs(_rate_with_hz(g, nu_ext, p, branch, shift_mV=s) - rate) for s in (-half_jump, half_jump))
    mu, sigma = _moments(rate, nu_ext, g, p["j_mV"], p["c_e"], p["gamma"], p["tau_ms"])
    cv = cv_isi(mu, sigma, p["tau_ms"], p["theta_mV"], p["v_reset_mV"], p["tau_rp_ms"])
    statistics = abs(_rate_with_hz(g, nu_ext, p, branch, variance_factor=cv**2) - rate)
    epsilon = p["c_e"] / n_e
    correlation = max(abs(_rate_with_hz(g, nu_ext, p, branch, variance_factor=max(0.0, 1.0 + e)) - rate)
                      for e in (-epsilon, epsilon))
    widening = max(1.0, 1.0 / abs(1.0 - _feedback_slope(g, nu_ext, rate, p)))
    counting = z * widening * np.sqrt(max(1.0, cv**2) * rate / (n_recorded * duration_ms * 1e-3))
    return RateTolerance(rate, shot, statistics, correlation, float(counting),
                         shot + statistics + correlation + float(counting))
