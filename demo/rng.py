"""Seeded random draws shared by the demo generators (population, communities, signals, notations)."""
from __future__ import annotations

import hashlib
import random
from bisect import bisect
from itertools import accumulate


class Rng(random.Random):
    """A seeded stream with cheap draws (``random.Random``'s own are exact but slower)."""

    def below(self, n: int) -> int:
        return int(self.random() * n)

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def pick(self, items):
        return items[int(self.random() * len(items))]

    def weighted(self, items, cumulative: tuple[float, ...]):
        return items[bisect(cumulative, self.random() * cumulative[-1])]


def cumulative(weights) -> tuple[float, ...]:
    return tuple(accumulate(weights))


def unit(text: str) -> float:
    """A stable uniform number in [0, 1) for a text."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") / 2**64


def pick_by(u: float, choices: tuple, weights: tuple):
    """The choice whose share of [0, 1) holds ``u`` (the last one if the weights sum to less)."""
    for choice, weight in zip(choices, weights, strict=True):
        if u < weight:
            return choice
        u -= weight
    return choices[-1]
