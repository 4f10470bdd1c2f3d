"""The zoo's noise draws: an Ornstein-Uhlenbeck current with the declared SD and
correlation time at any dt, reproducible from the seed, and trials that do not depend
on how many there are."""
import numpy as np
import pytest

from zoo.stimuli.noise import frozen_noise, intrinsic_noise, trial_noise, CONTROL_STREAM


@pytest.mark.parametrize("dt_ms, tau_ms", [(0.1, 5.0), (1.0, 2.0), (0.025, 1.0)])
def test_the_current_has_its_declared_sd_and_correlation_time(dt_ms, tau_ms):
    """Stationary from the first sample (exact update): SD sigma, and correlation
    exp(-lag/tau). With n samples of correlation time tau the estimates' relative
    standard error is about sqrt(tau/(n·dt)) (n·dt/(2·tau) independent samples); the
    tolerance is 5 of them."""
    sigma, trials, steps = 0.2, 200, int(round(200 * tau_ms / dt_ms))
    x = intrinsic_noise(7, trials, steps, dt_ms, tau_ms, sigma)
    error = 5 * np.sqrt(tau_ms / (trials * steps * dt_ms))
    assert np.std(x[:, 0]) == pytest.approx(sigma, rel=5 / np.sqrt(2 * trials))  # stationary from the start
    assert np.std(x) == pytest.approx(sigma, rel=error)
    lag = int(round(tau_ms / dt_ms))
    correlation = np.mean(x[:, :-lag] * x[:, lag:]) / np.var(x)
    assert correlation == pytest.approx(np.exp(-lag * dt_ms / tau_ms), abs=error)


def test_the_same_seed_gives_the_same_noise_and_trials_do_not_depend_on_their_number():
    a = intrinsic_noise(3, 25, 1000, 0.1, 1.0, 0.1)
    b = intrinsic_noise(3, 5, 1000, 0.1, 1.0, 0.1)
    np.testing.assert_array_equal(a[:5], b)
    assert not np.allclose(a[0], a[1])  # trials differ
    assert not np.allclose(a, intrinsic_noise(4, 25, 1000, 0.1, 1.0, 0.1))  # seeds differ
    frozen = frozen_noise(3, 1000, 0.1, 5.0, 0.2)
    np.testing.assert_array_equal(frozen, frozen_noise(3, 1000, 0.1, 5.0, 0.2))
    # the stimulus's control noise, the intrinsic noise and the frozen noise are separate streams
    control = trial_noise(3, CONTROL_STREAM, 2, 1000, 0.1, 5.0, 0.2)
    assert not np.allclose(control[0], frozen) and not np.allclose(control[0], control[1])


def test_no_noise_is_zeros():
    assert not np.any(frozen_noise(1, 100, 0.1, 5.0, 0.0))
