"""The readers' popularity law, shared by the wrk script (bench/run.py) and the churn
(bench/newsroom_churn.py), so editors and moderators are busiest where readers are.

Zipf-like: the article of rank r (0 = newest) is read with weight 1 / (r + 1) ** s."""

import bisect
import random

READER_ARTICLES = 10_000  # at most this many distinct articles in the readers' mix


def cumulative(n, s):
    """Cumulative weights of ranks 0..n-1, ending at 1.0."""
    total, out = 0.0, []
    for rank in range(n):
        total += 1.0 / (rank + 1) ** s
        out.append(total)
    return [value / total for value in out]


def picker(n, s, seed):
    """A function returning ranks drawn by the law (reproducible from the seed)."""
    weights, chance = cumulative(n, s), random.Random(seed)  # noqa: S311 - not for secrets
    return lambda: min(bisect.bisect_left(weights, chance.random()), n - 1)


def reader_ranking(Article):
    """The articles readers are spread over, most popular first (the newest)."""
    return Article.objects.published().order_by("-published_at", "-pk")[:READER_ARTICLES]
