"""Wall-clock timing shared by the bench scripts: each call of a function in milliseconds."""

import statistics
import time


def samples_ms(fn, repeat, warmup=0):
    """Calls `fn` `warmup` times untimed, then `repeat` times; returns each timed call in ms."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def median_ms(fn, repeat, warmup=0):
    return statistics.median(samples_ms(fn, repeat, warmup))
