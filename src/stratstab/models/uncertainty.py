"""Probability distributions for uncertain parameters (beliefs about forces).

Each distribution is a small frozen dataclass with the same contract:

* ``mean()`` and ``variance()`` in the parameter's own unit (exact, not sampled);
* ``ppf(u)``: the quantile function, so that ``ppf`` of uniform numbers gives draws
  (this is how both plain Monte Carlo and the Saltelli design of the Sobol analysis
  sample, and why one seed reproduces every draw bit for bit);
* ``sample(n, rng)``: ``n`` draws from a :class:`numpy.random.Generator`;
* ``narrowed(factor, toward=None)``: the belief after information that shrinks its
  spread.  Every draw ``x`` is pulled to ``toward + factor * (x - toward)`` (for the
  lognormal the pull acts on the logarithm, which keeps the family).  ``factor`` 1
  leaves the belief alone, 0 collapses it onto ``toward``; the default ``toward`` is
  the mean.  Because the map is monotone every quantile moves towards ``toward``,
  so a narrowed input never widens the spread of a monotone output;
* ``scaled(factor)``: the belief about a quantity multiplied by ``factor`` > 0.

References: N. L. Johnson, S. Kotz and N. Balakrishnan, *Continuous Univariate
Distributions*, vol. 1 (2nd ed., Wiley 1994), ch. 13 (truncated normal), ch. 14
(lognormal), ch. 26 (uniform, triangular).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from stratstab.errors import InputError

FloatArray = NDArray[np.float64]


class _LazyStats:
    """``scipy.stats``, imported on first use (about half a second): scenario files
    validate their beliefs through this module without drawing from any distribution."""

    def __getattr__(self, name: str) -> Any:
        from scipy import stats as module

        return getattr(module, name)


stats = _LazyStats()


def _normal_cdf(x: float) -> float:
    """Standard normal distribution function by ``math.erfc`` (no SciPy import; exact in
    both tails, so ``_normal_cdf(-x)`` is the survival function)."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


TINY_FACTOR = 1e-6


class Distribution(Protocol):
    """What every belief distribution offers (see the module docstring)."""

    def mean(self) -> float: ...
    def variance(self) -> float: ...
    def ppf(self, u: ArrayLike) -> FloatArray: ...
    def sample(self, n: int, rng: np.random.Generator) -> FloatArray: ...
    def narrowed(self, factor: float, toward: float | None = None) -> Distribution: ...
    def scaled(self, factor: float) -> Distribution: ...
    def support(self) -> tuple[float, float]: ...


def _check_factor(factor: float, *, name: str = "factor", upper: float | None = 1.0) -> float:
    value = float(factor)
    if not math.isfinite(value) or value < 0 or (upper is not None and value > upper):
        bound = f"[0, {upper:g}]" if upper is not None else ">= 0"
        raise InputError(f"expected a number in {bound}, got {factor!r}", field=name)
    return value


def _check_positive(factor: float, *, name: str = "factor") -> float:
    value = float(factor)
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"expected a finite number > 0, got {factor!r}", field=name)
    return value


class _Base:
    """Shared sampling: draws are the quantile function of seeded uniforms."""

    def ppf(self, u: ArrayLike) -> FloatArray:  # pragma: no cover - overridden
        raise NotImplementedError

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        """``n`` draws (inverse-transform sampling of ``rng.random(n)``)."""
        if int(n) < 0:
            raise InputError(f"expected a sample count >= 0, got {n}", field="n")
        return self.ppf(rng.random(int(n)))

    def _toward(self, toward: float | None) -> float:
        return float(self.mean()) if toward is None else float(toward)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Fixed(_Base):
    """A value known exactly (no uncertainty)."""

    value: float

    def mean(self) -> float:
        """The value."""
        return float(self.value)

    def variance(self) -> float:
        """Zero."""
        return 0.0

    def support(self) -> tuple[float, float]:
        """``(value, value)``."""
        return (float(self.value), float(self.value))

    def ppf(self, u: ArrayLike) -> FloatArray:
        """The value at every quantile."""
        return np.full(np.shape(u), float(self.value))

    def narrowed(self, factor: float, toward: float | None = None) -> Fixed:
        """The value pulled towards ``toward`` (a biased point belief moves to the truth)."""
        f = _check_factor(factor)
        t = self._toward(toward)
        return Fixed(t + f * (self.value - t))

    def scaled(self, factor: float) -> Fixed:
        """The value times ``factor``."""
        return Fixed(self.value * _check_positive(factor))


@dataclass(frozen=True)
class Uniform(_Base):
    """Every value in ``[low, high]`` equally likely."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not self.low <= self.high:
            raise InputError(f"uniform needs low <= high, got low={self.low}, high={self.high}")

    def mean(self) -> float:
        """``(low + high) / 2``."""
        return 0.5 * (self.low + self.high)

    def variance(self) -> float:
        """``(high - low)^2 / 12``."""
        return (self.high - self.low) ** 2 / 12.0

    def support(self) -> tuple[float, float]:
        """``(low, high)``."""
        return (float(self.low), float(self.high))

    def ppf(self, u: ArrayLike) -> FloatArray:
        """``low + u (high - low)``."""
        return self.low + np.asarray(u, dtype=float) * (self.high - self.low)

    def narrowed(self, factor: float, toward: float | None = None) -> Uniform:
        """Both ends pulled towards ``toward`` by ``factor``."""
        f, t = _check_factor(factor), self._toward(toward)
        return Uniform(t + f * (self.low - t), t + f * (self.high - t))

    def scaled(self, factor: float) -> Uniform:
        """Both ends times ``factor``."""
        s = _check_positive(factor)
        return Uniform(self.low * s, self.high * s)


@dataclass(frozen=True)
class Triangular(_Base):
    """Density rising linearly from ``low`` to ``mode`` and falling to ``high``."""

    low: float
    mode: float
    high: float

    def __post_init__(self) -> None:
        if not self.low <= self.mode <= self.high:
            raise InputError(
                "triangular needs low <= mode <= high, got "
                f"low={self.low}, mode={self.mode}, high={self.high}"
            )

    def mean(self) -> float:
        """``(low + mode + high) / 3``."""
        return (self.low + self.mode + self.high) / 3.0

    def variance(self) -> float:
        """``(a^2 + b^2 + c^2 - ab - ac - bc) / 18``."""
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0

    def support(self) -> tuple[float, float]:
        """``(low, high)``."""
        return (float(self.low), float(self.high))

    def ppf(self, u: ArrayLike) -> FloatArray:
        """Closed-form inverse of the piecewise-quadratic distribution function."""
        q = np.asarray(u, dtype=float)
        a, c, b = self.low, self.mode, self.high
        width = b - a
        if width == 0:
            return np.full(q.shape, float(a))
        split = (c - a) / width
        left = a + np.sqrt(q * width * (c - a))
        right = b - np.sqrt((1.0 - q) * width * (b - c))
        return np.where(q < split, left, right)

    def narrowed(self, factor: float, toward: float | None = None) -> Triangular:
        """Low, mode and high pulled towards ``toward`` by ``factor``."""
        f, t = _check_factor(factor), self._toward(toward)
        return Triangular(t + f * (self.low - t), t + f * (self.mode - t), t + f * (self.high - t))

    def scaled(self, factor: float) -> Triangular:
        """Low, mode and high times ``factor``."""
        s = _check_positive(factor)
        return Triangular(self.low * s, self.mode * s, self.high * s)


def _truncnorm(mu: float, sigma: float, low: float, high: float) -> Any:
    return stats.truncnorm((low - mu) / sigma, (high - mu) / sigma, loc=mu, scale=sigma)


def _check_truncation(name: str, mu: float, sigma: float, low: float, high: float) -> None:
    if not (math.isfinite(sigma) and sigma > 0):
        raise InputError(f"{name} needs sigma > 0, got {sigma}")
    if not low < high:
        raise InputError(f"{name} needs low < high, got low={low}, high={high}")
    # Guard against a window so far in a tail that it holds no probability in float64.
    a, b = (low - mu) / sigma, (high - mu) / sigma
    if _normal_cdf(b) - _normal_cdf(a) <= 1e-12 and _normal_cdf(-a) - _normal_cdf(-b) <= 1e-12:
        raise InputError(f"{name}: the window [{low}, {high}] holds no probability mass")


@dataclass(frozen=True)
class TruncatedNormal(_Base):
    """Normal(``mu``, ``sigma``) restricted to ``[low, high]`` (bounds may be infinite)."""

    mu: float
    sigma: float
    low: float = -math.inf
    high: float = math.inf

    def __post_init__(self) -> None:
        _check_truncation("normal", self.mu, self.sigma, self.low, self.high)

    def _frozen(self) -> Any:
        return _truncnorm(self.mu, self.sigma, self.low, self.high)

    def mean(self) -> float:
        """Mean of the truncated normal (Johnson et al. eq. 13.134)."""
        return float(self._frozen().mean())

    def variance(self) -> float:
        """Variance of the truncated normal (Johnson et al. eq. 13.135)."""
        return float(self._frozen().var())

    def support(self) -> tuple[float, float]:
        """``(low, high)``."""
        return (float(self.low), float(self.high))

    def ppf(self, u: ArrayLike) -> FloatArray:
        """Quantiles by SciPy's ``truncnorm``."""
        return np.asarray(self._frozen().ppf(np.asarray(u, dtype=float)), dtype=float)

    def narrowed(self, factor: float, toward: float | None = None) -> Distribution:
        """The affine pull: ``mu``, the bounds and ``sigma`` all contract by ``factor``."""
        f, t = _check_factor(factor), self._toward(toward)
        if f < TINY_FACTOR:  # the window would collapse in float64: a point belief
            return Fixed(t + f * (self.mean() - t))
        return TruncatedNormal(
            t + f * (self.mu - t), self.sigma * f, t + f * (self.low - t), t + f * (self.high - t)
        )

    def scaled(self, factor: float) -> TruncatedNormal:
        """``mu``, ``sigma`` and the bounds times ``factor``."""
        s = _check_positive(factor)
        return TruncatedNormal(self.mu * s, self.sigma * s, self.low * s, self.high * s)


@dataclass(frozen=True)
class TruncatedLognormal(_Base):
    """``exp(N(mu_log, sigma_log))`` restricted to ``[low, high]`` (0 < low)."""

    mu_log: float
    sigma_log: float
    low: float = 0.0
    high: float = math.inf

    def __post_init__(self) -> None:
        if self.low < 0:
            raise InputError(f"lognormal needs low >= 0, got {self.low}")
        _check_truncation(
            "lognormal", self.mu_log, self.sigma_log, self._log(self.low), self._log(self.high)
        )

    @staticmethod
    def _log(value: float) -> float:
        return -math.inf if value == 0 else math.log(value)

    def _frozen_log(self) -> Any:
        return _truncnorm(self.mu_log, self.sigma_log, self._log(self.low), self._log(self.high))

    def _moment(self, k: int) -> float:
        # E[X^k] = E[exp(k Y)] for Y truncated normal: exp(k mu + k^2 s^2 / 2) times a
        # ratio of normal probabilities (the window shifted by k s).
        m, s = self.mu_log, self.sigma_log
        a = (self._log(self.low) - m) / s
        b = (self._log(self.high) - m) / s
        mass = stats.norm.cdf(b) - stats.norm.cdf(a)
        shifted = stats.norm.cdf(b - k * s) - stats.norm.cdf(a - k * s)
        return float(math.exp(k * m + 0.5 * (k * s) ** 2) * shifted / mass)

    def mean(self) -> float:
        """``E[X]`` in closed form (Johnson et al. ch. 14, truncated)."""
        return self._moment(1)

    def variance(self) -> float:
        """``E[X^2] - E[X]^2`` in closed form."""
        return max(self._moment(2) - self._moment(1) ** 2, 0.0)

    def support(self) -> tuple[float, float]:
        """``(low, high)``."""
        return (float(self.low), float(self.high))

    def ppf(self, u: ArrayLike) -> FloatArray:
        """``exp`` of the truncated-normal quantile of the logarithm."""
        return np.exp(np.asarray(self._frozen_log().ppf(np.asarray(u, dtype=float)), dtype=float))

    def narrowed(self, factor: float, toward: float | None = None) -> Distribution:
        """The pull acts on ``log x`` towards ``log toward``, which keeps the family."""
        f, t = _check_factor(factor), self._toward(toward)
        if t <= 0:
            raise InputError(
                f"a lognormal belief can only be narrowed towards a value > 0, got {t}"
            )
        if f < TINY_FACTOR:  # the window would collapse in float64: a point belief
            return Fixed(t)
        lt = math.log(t)

        def pull(value: float) -> float:
            if value == 0:
                return 0.0
            return math.exp(lt + f * (math.log(value) - lt)) if math.isfinite(value) else value

        return TruncatedLognormal(
            lt + f * (self.mu_log - lt), self.sigma_log * f, pull(self.low), pull(self.high)
        )

    def scaled(self, factor: float) -> TruncatedLognormal:
        """Multiplying by ``factor`` shifts ``mu_log`` by ``log factor``."""
        s = _check_positive(factor)
        return TruncatedLognormal(
            self.mu_log + math.log(s), self.sigma_log, self.low * s, self.high * s
        )


@dataclass(frozen=True)
class Discrete(_Base):
    """Finitely many ``values`` with ``weights`` (normalised to sum to 1)."""

    values: tuple[float, ...]
    weights: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.values) == 0 or len(self.values) != len(self.weights):
            raise InputError("discrete needs as many weights as values (at least one)")
        w = np.asarray(self.weights, dtype=float)
        if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
            raise InputError(
                f"discrete weights must be >= 0 with a positive sum, got {self.weights}"
            )
        order = np.argsort(np.asarray(self.values, dtype=float), kind="stable")
        object.__setattr__(self, "values", tuple(float(self.values[i]) for i in order))
        object.__setattr__(self, "weights", tuple(float(w[i] / w.sum()) for i in order))

    def mean(self) -> float:
        """``sum w_i x_i``."""
        return float(np.dot(self.values, self.weights))

    def variance(self) -> float:
        """``sum w_i (x_i - mean)^2``."""
        x = np.asarray(self.values)
        return float(np.dot(self.weights, (x - self.mean()) ** 2))

    def support(self) -> tuple[float, float]:
        """Smallest and largest value."""
        return (self.values[0], self.values[-1])

    def ppf(self, u: ArrayLike) -> FloatArray:
        """The smallest value whose cumulative weight reaches ``u``."""
        cumulative = np.cumsum(self.weights)
        index = np.searchsorted(cumulative, np.asarray(u, dtype=float), side="right")
        return np.asarray(self.values, dtype=float)[np.minimum(index, len(self.values) - 1)]

    def narrowed(self, factor: float, toward: float | None = None) -> Discrete:
        """Every value pulled towards ``toward`` by ``factor``; weights unchanged."""
        f, t = _check_factor(factor), self._toward(toward)
        return Discrete(tuple(t + f * (v - t) for v in self.values), self.weights)

    def scaled(self, factor: float) -> Discrete:
        """Every value times ``factor``."""
        s = _check_positive(factor)
        return Discrete(tuple(v * s for v in self.values), self.weights)


def median(distribution: Distribution) -> float:
    """The 50 % quantile."""
    return float(distribution.ppf(np.array([0.5]))[0])
