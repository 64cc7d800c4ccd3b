"""Query parameters of the open-data endpoints and feeds: parsed strictly, refused with a Chinese message.

A view declares the names it reads (`Params(request, NAMES)`); `openapi.py` documents the same names
and a test keeps the two equal. Unknown names are ignored (as most public APIs do, so a cache-busting
`_=…` does no harm); a known name with a bad value answers 400.
"""

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from portal import listing
from portal.models import Category, District

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_QUERY_LENGTH = 50
AMOUNT = re.compile(r"[0-9]{1,14}(\.[0-9]{1,2})?")


class BadParam(Exception):
    """A query parameter the endpoint cannot use: `message` is Chinese and shown to the caller."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name = name
        self.message = message


class Params:
    def __init__(self, request, names):
        self.request = request
        self.names = tuple(names)

    def raw(self, name):
        assert name in self.names, f"{name} is read but not declared"  # noqa: S101 - a programming error
        values = self.request.GET.getlist(name)
        if len(values) > 1:
            raise BadParam(name, f"参数 {name} 只能出现一次。")
        return values[0].strip() if values else ""

    # --- pagination ------------------------------------------------------------------------

    def page(self):
        return self._positive_int("page", default=1, label="页码")

    def page_size(self):
        size = self._positive_int("page_size", default=DEFAULT_PAGE_SIZE, label="每页条数")
        if size > MAX_PAGE_SIZE:
            raise BadParam("page_size", f"每页条数（page_size）最多为 {MAX_PAGE_SIZE}。")
        return size

    def _positive_int(self, name, *, default, label):
        value = self.raw(name)
        if value == "":
            return default
        if not value.isascii() or not value.isdigit() or int(value) < 1:
            raise BadParam(name, f"{label}（{name}）必须是正整数。")
        return int(value)

    # --- reference data ----------------------------------------------------------------------

    def category(self):
        """A 项目类别 by its code: a top-level area (两位代码, e.g. 01) or a sub-area (0101); None if absent."""
        code = self.raw("category")
        if not code:
            return None
        category = (
            Category.objects.filter(code=code).select_related("parent").first() if len(code) <= 8 else None
        )
        if category is None:
            raise BadParam("category", f"项目类别代码“{code[:20]}”不存在，请使用 /api/ 页面列出的类别代码。")
        return category

    def district(self, name="district"):
        """A district by its 区划代码 (310101) or its name (黄浦区); None if absent."""
        value = self.raw(name)
        if not value:
            return None
        lookup = {"code": value} if value.isascii() else {"name": value}
        district = District.objects.filter(**lookup).first() if len(value) <= 20 else None
        if district is None:
            raise BadParam(
                name, f"服务区域“{value[:20]}”不存在，请填写区名（如“黄浦区”）或六位区划代码（如 310101）。"
            )
        return district

    # --- plain values --------------------------------------------------------------------------

    def year(self):
        value = self.raw("year")
        if not value:
            return None
        if not (value.isascii() and value.isdigit() and len(value) == 4):
            raise BadParam("year", "年度（year）必须是四位数字的年份，如 2026。")
        return int(value)

    def choice(self, name, choices, label):
        value = self.raw(name)
        if not value:
            return ""
        if value not in choices:
            raise BadParam(name, f"{label}（{name}）只能是：{'、'.join(choices)}。")
        return value

    def choices(self, name, choices, label):
        """One value or several separated by commas (published,awarded); [] if absent."""
        value = self.raw(name)
        if not value:
            return []
        values = [v.strip() for v in value.split(",")]
        if any(v not in choices for v in values):
            raise BadParam(name, f"{label}（{name}）只能是：{'、'.join(choices)}，多个用逗号分隔。")
        return list(dict.fromkeys(values))

    def yes_no(self, name, label):
        value = self.choice(name, ("true", "false"), label)
        return None if value == "" else value == "true"

    def amount(self, name, label):
        """元, as people write it: digits and at most two decimals (no exponent, no sign, < 10^14)."""
        value = self.raw(name)
        if not value:
            return None
        if not AMOUNT.fullmatch(value):
            raise BadParam(name, f"{label}（{name}）必须是不小于 0 的金额（元），如 100000 或 99999.50。")
        return Decimal(value)

    def text(self, name="q"):
        value = self.raw(name)
        if len(value) > MAX_QUERY_LENGTH:
            raise BadParam(name, f"关键词（{name}）最多 {MAX_QUERY_LENGTH} 个字。")
        return listing.clean_query(value, MAX_QUERY_LENGTH)

    def since(self, name="updated_since"):
        """A date (2026-03-01, midnight Shanghai time) or a date and time (2026-03-01T08:00:00+08:00;
        without an offset it is Shanghai time)."""
        value = self.raw(name)
        if not value:
            return None
        # A "+" in a query string arrives as a space when the caller did not percent-encode it.
        value = value.replace(" ", "+") if "T" in value else value
        try:
            moment = parse_datetime(value)
            day = None if moment else parse_date(value)
        except ValueError:
            moment = day = None
        if day is not None:
            moment = datetime.datetime.combine(day, datetime.time())
        if moment is None:
            raise BadParam(name, f"时间（{name}）格式应为 2026-03-01 或 2026-03-01T08:00:00+08:00。")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment
