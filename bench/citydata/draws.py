"""Seeded draws: weighted choices, Zipf weights and a time of day within office hours."""

import bisect
import datetime
import itertools

from bench.citydata.config import TZ


class Weighted:
    """A seeded weighted choice with cumulative weights computed once (O(log n) per draw)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def zipf(n, s=1.0):
    return [1 / (k**s) for k in range(1, n + 1)]


def weighted_list(pairs):
    return Weighted([p for p, _ in pairs], [w for _, w in pairs])


def aware(day, rng):
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)), tzinfo=TZ
    )


def published_fields(status, published_at, days_drafted):
    """A demand's or an offer's status and times: created `days_drafted` days before it was
    published, last updated then (a later step moves updated_at on), a draft never published."""
    return {
        "status": status,
        "created_at": published_at - datetime.timedelta(days=days_drafted),
        "updated_at": published_at,
        "published_at": None if status == "draft" else published_at,
    }
