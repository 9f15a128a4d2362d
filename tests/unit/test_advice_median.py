"""The advice's own median is ``statistics.median``'s, value and type alike."""

from __future__ import annotations

import random
import statistics

from pdsa_tui.analysis.advice import median


def test_median_is_statistics_median() -> None:
    rng = random.Random(21)
    cases: list[list[float]] = [[3], [1, 2], [2, 1, 3], [7, 7, 8, 8], [0.5, -1.5, 2.25]]
    for _ in range(200):
        n = rng.randint(1, 40)
        ints: list[float] = [rng.randint(-5, 40) for _ in range(n)]
        cases += [ints, [rng.uniform(-1e6, 1e6) for _ in range(n)]]
    for values in cases:
        got, want = median(values), statistics.median(values)
        assert got == want and type(got) is type(want), values
