"""Where a track's samples sit on the keyboard: melodic ones split it around their root keys, percussive ones
each get a key of their own (from C2, GM's kick, upward)."""

from __future__ import annotations

from collections.abc import Sequence

FIRST_DRUM_KEY = 36
MAX_REGIONS = 128  # one key each at least


def drum_keys(count: int) -> list[int]:
    """``count`` distinct keys: 36, 37, ... 127, then 35, 34, ... 0.

    >>> drum_keys(3), drum_keys(94)[-2:]
    ([36, 37, 38], [35, 34])
    """
    if count > MAX_REGIONS:
        raise ValueError(f"at most {MAX_REGIONS} percussive samples fit on the keyboard, not {count}")
    keys = list(range(FIRST_DRUM_KEY, 128)) + list(range(FIRST_DRUM_KEY - 1, -1, -1))
    return keys[:count]


def key_ranges(centres: Sequence[int]) -> list[tuple[int, int]]:
    """Contiguous key ranges covering 0-127, one per centre (sorted ascending), split half-way between
    neighbours, each at least one key wide.

    >>> key_ranges([48, 60, 72])
    [(0, 54), (55, 66), (67, 127)]
    >>> key_ranges([60, 60])
    [(0, 60), (61, 127)]
    """
    n = len(centres)
    if n > MAX_REGIONS:
        raise ValueError(f"at most {MAX_REGIONS} melodic samples fit on the keyboard, not {n}")
    if list(centres) != sorted(centres):
        raise ValueError("centres must be sorted")
    ranges, lo = [], 0
    for i, k in enumerate(centres):
        if i == n - 1:
            hi = 127
        else:
            hi = min(max(lo, (k + centres[i + 1]) // 2), 127 - (n - 1 - i))
        ranges.append((lo, hi))
        lo = hi + 1
    return ranges
