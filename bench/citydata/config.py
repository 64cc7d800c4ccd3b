"""The data set's size (TARGETS, set from --scale or BENCH_SCALE), its seed, time zone and first year."""

import argparse
import datetime

TARGETS = {"organizations": 20_000, "units": 2_000, "demands": 100_000, "offerings": 50_000}
DEFAULT_SCALE = 100_000


def parse_scale(text):
    """ "10k", "100k", "1M", "1000000", "1_000_000" → the number of demands."""
    text = str(text).strip().lower().replace("_", "").replace(",", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if factor > 1 else text
    try:
        value = int(float(number) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a scale: {text!r} (e.g. 10k, 100k, 1M)") from None
    if value < 1_000:
        raise argparse.ArgumentTypeError("the scale is the number of demands, at least 1,000")
    return value


def set_scale(demands):
    """Demands = the scale, offers half of it (the 100k set's ratio). Organizations (20,000, about
    Shanghai's registered social organizations), purchaser units (2,000) and the directory stay fixed:
    more years of demands and offers, not more organizations."""
    TARGETS["demands"] = demands
    TARGETS["offerings"] = demands // 2


SEED = 20260909
TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai, no DST
START_YEAR = 2022
