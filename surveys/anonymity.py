"""k-anonymity for agent results: small groups are hidden, with complementary suppression.

A cell (a group of respondents) smaller than k is hidden. When a total is published, hiding a
single cell is not enough: total minus the visible cells gives it back. So the smallest visible
cells are hidden too, until at least two cells are hidden and the hidden cells add up to k or
more (what subtraction recovers is then only a group of k or more people, never one small cell).
If the total itself is below k, everything is hidden.
"""

from collections.abc import Hashable, Mapping

from django.conf import settings

DEFAULT_K = 5


def k_anonymity() -> int:
    """Groups smaller than this are never shown, batches never smaller (configurable)."""
    return getattr(settings, "SURVEY_K_ANONYMITY", DEFAULT_K)


def suppressed_cells(sizes: Mapping[Hashable, int], *, k: int = DEFAULT_K) -> set[Hashable]:
    """The keys of the cells to hide so that no group below k can be shown or recomputed."""
    if sum(sizes.values()) < k:
        return set(sizes)
    hidden = {key for key, size in sizes.items() if 0 < size < k}
    if not hidden:
        return hidden
    visible = sorted((size, str(key), key) for key, size in sizes.items() if key not in hidden)
    while visible and (len(hidden) < 2 or sum(sizes[key] for key in hidden) < k):
        hidden.add(visible.pop(0)[2])
    return hidden
