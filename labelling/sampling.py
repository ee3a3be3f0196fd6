"""Reproducible site sampling for audits.

Rule (documented and stored with each audit): from the structure's N sites ordered by code,
draw ceil(sqrt(N)) sites at random with the audit's seed (Python's `random.Random(seed)`),
then add the sites the lead auditor selects by risk. The same seed and the same site list
always give the same sample."""

import math
import random
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .enums import SiteSelection


@dataclass(frozen=True)
class SampledSite:
    centre_id: int
    code: str
    selection: str


def sample_size(site_count: int) -> int:
    """ceil(sqrt(N)) sites, at least one when there is any site."""
    return math.ceil(math.sqrt(site_count)) if site_count else 0


def sites_draw(
    *, sites: list[tuple[int, str]], seed: int, risk_ids: list[int] | tuple[int, ...] = ()
) -> list[SampledSite]:
    """Draw the sample: (centre id, code) pairs in, sampled sites out (risk sites added)."""
    ordered = sorted(sites, key=lambda site: site[1])
    risk = set(risk_ids)
    drawn = random.Random(seed).sample(ordered, sample_size(len(ordered)))
    sample = [SampledSite(pk, code, SiteSelection.RANDOM) for pk, code in drawn]
    drawn_ids = {pk for pk, _code in drawn}
    sample += [
        SampledSite(pk, code, SiteSelection.RISK)
        for pk, code in ordered
        if pk in risk and pk not in drawn_ids
    ]
    return sample


def rule_text(*, site_count: int, seed: int, risk_count: int) -> str:
    """The sampling rule as stored on the audit, in words."""
    return _(
        "ceil(√%(n)s) = %(k)s sites drawn at random with seed %(seed)s from the %(n)s sites "
        "ordered by code, plus %(risk)s site(s) chosen by risk."
    ) % {"n": site_count, "k": sample_size(site_count), "seed": seed, "risk": risk_count}
