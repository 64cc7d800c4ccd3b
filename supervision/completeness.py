"""Completeness monitoring (第四条(二), R-SUP-1): which required information a published record
still lacks. The platform checks completeness, not content.

The rules belong to the records: `Demand.objects.incomplete()` with `Demand.missing_information()`,
`Offering.objects.incomplete()` with `Offering.missing_information()` (each a query to list the
incomplete records in an administrator's scope, and its object twin to show what one record lacks;
tests keep the two in step). This module gives supervision its names for them.
"""

from demands.models import Demand
from offerings.models import MIN_SUMMARY_CHARS, Offering


def demand_missing(demand, today=None):
    return demand.missing_information(today)


def offering_missing(offering):
    return offering.missing_information()


def incomplete_demands(qs, today=None):
    return qs.incomplete(today)


def incomplete_offerings(qs):
    return qs.incomplete()


__all__ = [
    "MIN_SUMMARY_CHARS",
    "Demand",
    "Offering",
    "demand_missing",
    "offering_missing",
    "incomplete_demands",
    "incomplete_offerings",
]
