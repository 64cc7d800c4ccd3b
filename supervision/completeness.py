"""Completeness monitoring (第四条(二), R-SUP-1): which required information a published record
still lacks. The platform checks completeness, not content.

Each rule is written twice on purpose: as a query (to list incomplete records in an
administrator's scope, whatever their number) and as a Python check on one record (to show
what is missing on its page). Tests keep the two in step.
"""

from django.db.models import Q
from django.db.models.functions import Length

from demands.models import PLATFORM_SOURCE, Demand, award_overdue_q, evaluation_overdue_q
from offerings.models import Offering
from offerings.models import Status as OfferingStatus

MIN_SUMMARY_CHARS = 20


def demand_missing(demand, today=None):
    """What a demand still lacks, in Chinese; empty when complete. Twin: `incomplete_demands_q`."""
    missing = []
    if not demand.from_platform:  # maintained on its source platform (R-INT-1)
        return missing
    if demand.is_award_overdue(today):
        missing.append("实施已开始，未补录承接社会组织")
    if demand.is_evaluation_overdue(today):
        missing.append("实施期限已结束，未补录绩效评价结果")
    return missing


def incomplete_demands_q(today=None):
    """The demands' own overdue rules (`Demand.objects.award_overdue`, `.evaluation_overdue`) as one Q."""
    return award_overdue_q(today) | evaluation_overdue_q(today)


def offering_missing(offering):
    missing = []
    if offering.previously_purchased:
        for field, label in (
            ("purchaser_name", "购买方名称"),
            ("purchase_amount", "购买金额"),
            ("implementation_place", "实施地点"),
            ("implementation_start", "实施开始日期"),
            ("implementation_end", "实施结束日期"),
        ):
            if getattr(offering, field) in (None, ""):
                missing.append(f"曾被政府购买，缺少{label}")
    if not offering.citywide and not offering.service_district_codes:
        missing.append("缺少服务区域")
    if len(offering.summary or "") < MIN_SUMMARY_CHARS:
        missing.append(f"项目简介少于{MIN_SUMMARY_CHARS}字")
    return missing


def incomplete_offerings_q():
    purchase_gaps = (
        Q(purchaser_name="")
        | Q(purchase_amount__isnull=True)
        | Q(implementation_place="")
        | Q(implementation_start__isnull=True)
        | Q(implementation_end__isnull=True)
    )
    return (
        Q(previously_purchased=True) & purchase_gaps
        | Q(citywide=False, service_district_codes="")
        | Q(summary_length__lt=MIN_SUMMARY_CHARS)
    )


def incomplete_demands(qs, today=None):
    """Demands maintained on this platform; imported ones are completed on their source platform."""
    return qs.filter(incomplete_demands_q(today), source=PLATFORM_SOURCE)


def incomplete_offerings(qs):
    return (
        qs.filter(status=OfferingStatus.PUBLISHED)
        .annotate(summary_length=Length("summary"))
        .filter(incomplete_offerings_q())
    )


__all__ = [
    "Demand",
    "Offering",
    "demand_missing",
    "offering_missing",
    "incomplete_demands",
    "incomplete_offerings",
]
