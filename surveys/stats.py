"""Satisfaction figures from answer counts, with Wilson 95 % intervals.

Conventions (the official formulas are not public, so these are the documented ones):
- n = answers on the 4-point scale, "don't know / not concerned" excluded;
- satisfaction rate = (very + rather satisfied) / n;
- very-satisfied share = very satisfied / n;
- net rate = (satisfied - dissatisfied) / n, from -1 to 1;
- Wilson score interval at 95 % (z = 1.959964) around the satisfaction rate;
- insufficient sample when n < min_n (settings.SURVEY_MIN_SAMPLE, 30 by default).
Every figure is None when n = 0. The same counts serve the 4-point agreement scale (agents).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .enums import DONT_KNOW, NOT_AT_ALL, RATHER, RATHER_NOT, VERY

Z_95 = 1.959964
DEFAULT_MIN_SAMPLE = 30


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval of successes / n, or None when n = 0."""
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


@dataclass(frozen=True)
class Rate:
    """Counts of a 4-point scale question and the figures computed from them."""

    very_satisfied: int = 0
    rather_satisfied: int = 0
    rather_dissatisfied: int = 0
    not_at_all_satisfied: int = 0
    dont_know: int = 0
    min_n: int = DEFAULT_MIN_SAMPLE

    @classmethod
    def from_values(cls, counts: Mapping[str, int], *, min_n: int = DEFAULT_MIN_SAMPLE) -> Rate:
        """Build from a mapping of answer value (enums.VERY ...) to count."""
        return cls(
            very_satisfied=counts.get(VERY, 0),
            rather_satisfied=counts.get(RATHER, 0),
            rather_dissatisfied=counts.get(RATHER_NOT, 0),
            not_at_all_satisfied=counts.get(NOT_AT_ALL, 0),
            dont_know=counts.get(DONT_KNOW, 0),
            min_n=min_n,
        )

    def __add__(self, other: Rate) -> Rate:
        if not isinstance(other, Rate):
            return NotImplemented
        return Rate(
            very_satisfied=self.very_satisfied + other.very_satisfied,
            rather_satisfied=self.rather_satisfied + other.rather_satisfied,
            rather_dissatisfied=self.rather_dissatisfied + other.rather_dissatisfied,
            not_at_all_satisfied=self.not_at_all_satisfied + other.not_at_all_satisfied,
            dont_know=self.dont_know + other.dont_know,
            min_n=self.min_n,
        )

    @property
    def satisfied(self) -> int:
        return self.very_satisfied + self.rather_satisfied

    @property
    def dissatisfied(self) -> int:
        return self.rather_dissatisfied + self.not_at_all_satisfied

    @property
    def n(self) -> int:
        return self.satisfied + self.dissatisfied

    @property
    def answers(self) -> int:
        """Every answer, "don't know" included."""
        return self.n + self.dont_know

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.n if self.n else None

    @property
    def very_satisfied_share(self) -> float | None:
        return self.very_satisfied / self.n if self.n else None

    @property
    def net_rate(self) -> float | None:
        return (self.satisfied - self.dissatisfied) / self.n if self.n else None

    @property
    def wilson_low(self) -> float | None:
        interval = wilson_interval(self.satisfied, self.n)
        return interval[0] if interval else None

    @property
    def wilson_high(self) -> float | None:
        interval = wilson_interval(self.satisfied, self.n)
        return interval[1] if interval else None

    @property
    def insufficient_sample(self) -> bool:
        return self.n < self.min_n

    def as_dict(self) -> dict:
        """Counts and figures, ready for JSON."""
        return {
            "very_satisfied": self.very_satisfied,
            "rather_satisfied": self.rather_satisfied,
            "rather_dissatisfied": self.rather_dissatisfied,
            "not_at_all_satisfied": self.not_at_all_satisfied,
            "dont_know": self.dont_know,
            "n": self.n,
            "satisfaction_rate": _round(self.satisfaction_rate),
            "very_satisfied_share": _round(self.very_satisfied_share),
            "net_rate": _round(self.net_rate),
            "wilson_low": _round(self.wilson_low),
            "wilson_high": _round(self.wilson_high),
            "insufficient_sample": self.insufficient_sample,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
