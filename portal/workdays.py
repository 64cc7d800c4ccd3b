"""Working days (工作日): Monday to Friday, less the public holidays of settings.PORTAL_HOLIDAYS, plus
the weekend days of settings.PORTAL_MAKEUP_WORKDAYS (调休上班). Both are lists of dates set from the
environment (e.g. PORTAL_HOLIDAYS="2027-01-01,2027-02-06")."""

import datetime

from django.conf import settings


def _dates(name):
    return {datetime.date.fromisoformat(d) for d in getattr(settings, name, ()) if d}


def is_working_day(day, holidays=None, makeup=None):
    holidays = _dates("PORTAL_HOLIDAYS") if holidays is None else holidays
    makeup = _dates("PORTAL_MAKEUP_WORKDAYS") if makeup is None else makeup
    if day in makeup:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(start, days):
    """The date `days` working days after `start` (start itself not counted)."""
    holidays, makeup = _dates("PORTAL_HOLIDAYS"), _dates("PORTAL_MAKEUP_WORKDAYS")
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays, makeup):
            days -= 1
    return day
