"""`|ymd` (portal/templatetags/portal_tags.py, issue 15) prints what `|date:"Y-m-d"` prints."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2026, 3, 9),
        datetime.date(999, 1, 2),
        datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC),  # 2027-01-01 in Shanghai
        datetime.datetime(2026, 5, 1, 23, 59),
        None,
        "",
        "not a date",
    ],
)
def test_ymd_equals_date_filter(value):
    ymd = Template("{% load portal_tags %}{{ v|ymd }}").render(Context({"v": value}))
    assert ymd == Template('{{ v|date:"Y-m-d" }}').render(Context({"v": value}))


def test_ymd_is_local_time():
    value = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC)
    assert Template("{% load portal_tags %}{{ v|ymd }}").render(Context({"v": value})) == str(
        timezone.localtime(value).date()
    )
