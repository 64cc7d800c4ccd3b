"""The public demands, their awards and evaluations in the Open Contracting Data Standard (OCDS) 1.1:
a release package per year (`/api/v1/ocds/<year>.json`) and per demand (`/api/v1/ocds/demands/<id>.json`).

One release per demand, compiled (its state now): `planning` (the budget), `tender` (the demand:
status, value, service period, category), `awards` (the organization chosen and the amount) and,
once evaluated, a `contracts` entry whose implementation has the evaluation as an `assessment`
milestone. Parties are identified by `CN-USCI` (国家市场监督管理总局/民政部门核发的统一社会信用代码,
the org-id.guide scheme for China); no contact details (R-ACC-4): no address, no contact point.
The vendored OCDS 1.1.5 schemas (`ocds_schema/`) validate this output in tests/opendata/test_ocds.py.
"""

import datetime

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Router

from demands.models import Status
from portal.models import civil_affairs_bureau

from . import schemas, selectors
from .serializers import moment

OCDS_VERSION = "1.1"
# The ocid prefix: "ocds-" and six characters, to be registered with the Open Contracting Partnership
# (https://standard.open-contracting.org/1.1/en/schema/identifiers/); a setting, so that it can be.
OCID_PREFIX = getattr(settings, "OCDS_OCID_PREFIX", "ocds-shmzj1")
PUBLISHER = {"name": civil_affairs_bureau(None), "scheme": "CN-USCI"}
CURRENCY = "CNY"
LICENCE_URL = "/api/#licence"
TENDER_STATUS = {
    Status.PUBLISHED: "active",
    Status.AWARDED: "complete",
    Status.EVALUATED: "complete",
    Status.CANCELLED: "cancelled",
}

router = Router(tags=["开放合同数据标准（OCDS）"])


def day(value):
    """A date as OCDS wants it: a date-time (midnight, Shanghai time)."""
    if value is None:
        return None
    return datetime.datetime.combine(
        value, datetime.time(), tzinfo=timezone.get_current_timezone()
    ).isoformat()


def money(value):
    return None if value is None else {"amount": float(value), "currency": CURRENCY}


def party_id(uscc):
    return f"CN-USCI-{uscc}"


def party(record, roles):
    return {
        "id": party_id(record.uscc),
        "name": record.name,
        "identifier": {"scheme": "CN-USCI", "id": record.uscc, "legalName": record.name},
        "roles": roles,
    }


def compact(data):
    """Leave out empty values: OCDS fields are optional, and null is not allowed for most of them."""
    if isinstance(data, dict):
        return {k: compact(v) for k, v in data.items() if v not in (None, "", [], {})}
    if isinstance(data, list):
        return [compact(v) for v in data]
    return data


def release(request, d):
    """One demand as a compiled OCDS release."""
    ocid = f"{OCID_PREFIX}-{d.pk}"
    unit, org = d.unit, d.awarded_org
    buyer = party(unit, ["buyer", "procuringEntity"])
    parties = [buyer]
    awards, contracts = [], []
    if org is not None:
        parties.append(party(org, ["supplier", "tenderer"]))
        award = {
            "id": f"{d.pk}-award",
            "title": d.title,
            "status": "active",
            "date": day(d.awarded_on),
            "value": money(d.award_amount),
            "suppliers": [{"id": party_id(org.uscc), "name": org.name}],
            "contractPeriod": {"startDate": day(d.period_start), "endDate": day(d.period_end)},
        }
        awards.append(award)
        if d.eval_grade:
            score = f"，得分 {d.eval_score:.2f}" if d.eval_score is not None else ""
            contracts.append(
                {
                    "id": f"{d.pk}-contract",
                    "awardID": award["id"],
                    "title": d.title,
                    "status": "terminated"
                    if d.period_end and d.period_end < timezone.localdate()
                    else "active",
                    "value": money(d.award_amount),
                    "period": award["contractPeriod"],
                    "implementation": {
                        "milestones": [
                            {
                                "id": f"{d.pk}-evaluation",
                                "title": "绩效评价",
                                "type": "assessment",
                                "status": "met",
                                "dateMet": day(d.evaluated_on),
                                "description": f"评价等级：{d.get_eval_grade_display()}{score}。{d.eval_summary}",
                            }
                        ]
                    },
                }
            )
    page = request.build_absolute_uri(reverse("demands:detail", args=[d.pk]))
    category = d.category
    data = {
        "ocid": ocid,
        "id": f"{ocid}-{int(d.updated_at.timestamp())}",
        "date": moment(d.updated_at),
        "tag": ["compiled"],
        "initiationType": "tender",
        "language": "zh",
        "parties": parties,
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "planning": {
            "rationale": d.get_plan_type_display(),
            "budget": {
                "description": f"{d.year}年度{d.get_plan_type_display()}",
                "amount": money(d.budget),
                "project": d.title,
            },
        },
        "tender": {
            "id": str(d.pk),
            "title": d.title,
            "description": d.service_targets,
            "status": TENDER_STATUS[d.status],
            "procuringEntity": {"id": buyer["id"], "name": buyer["name"]},
            "value": money(d.budget),
            "procurementMethodDetails": d.purchase_type.name,
            "mainProcurementCategory": "services",
            "eligibilityCriteria": d.qualification,
            "tenderPeriod": {"startDate": moment(d.published_at)},
            "contractPeriod": {"startDate": day(d.period_start), "endDate": day(d.period_end)},
            "items": [
                {
                    "id": "1",
                    "description": d.title,
                    "classification": {
                        "scheme": "x_shanghai_service_category",
                        "id": category.code,
                        "description": str(category),
                    },
                    "deliveryAddress": {"region": d.district.name, "countryName": "中国"},
                }
            ],
            "documents": [
                {
                    "id": f"{d.pk}-page",
                    "documentType": "tenderNotice",
                    "title": "需求页面",
                    "url": page,
                    "language": "zh",
                }
            ],
        },
        "awards": awards,
        "contracts": contracts,
    }
    return compact(data)


def package(request, demands, uri):
    releases = [release(request, d) for d in demands]
    latest = max((r["date"] for r in releases), default=None)
    return {
        "uri": request.build_absolute_uri(uri),
        "version": OCDS_VERSION,
        "publishedDate": latest or moment(timezone.now()),
        "publisher": PUBLISHER,
        "license": request.build_absolute_uri(LICENCE_URL),
        "publicationPolicy": request.build_absolute_uri("/api/"),
        "releases": releases,
    }


PACKAGE_DESCRIPTION = (
    "符合开放合同数据标准（OCDS）1.1 的发布包（release package）：每个已公开的需求一个已汇编的发布（compiled release），"
    "含 planning（预算）、tender（需求）、awards（承接社会组织和成交金额）和评价（contracts 的 implementation 中 "
    "type 为 assessment 的里程碑）；参与方以 CN-USCI（统一社会信用代码）标识，不含联系方式。"
)


def package_of(request, demands, missing):
    """The release package of `demands`, at the address asked for; a 404 saying `missing` where there
    are none (a package holds at least one release)."""
    demands = list(demands)
    if not demands:
        raise Http404(missing)
    return package(request, demands, request.path)


def package_endpoint(path, *, about="", **operation):
    """The GET of `path`, answering a release package: described by PACKAGE_DESCRIPTION, then `about`."""
    return router.get(
        path, response={200: dict, 404: schemas.Error}, description=PACKAGE_DESCRIPTION + about, **operation
    )


@package_endpoint(
    "/{int:year}.json",
    url_name="ocds_year",
    operation_id="getOcdsYear",
    summary="某一年度已公开需求的 OCDS 发布包",
    about="按需求的年度；没有已公开需求的年度返回 404。",
)
def year_package(request, year: int = Path(..., description="年度，如 2026", examples=[2026])):
    demands = selectors.public_demands().filter(year=year).order_by("published_at", "pk")
    return package_of(request, demands, f"{year} 年度没有已公开的需求。")


@package_endpoint(
    "/demands/{int:pk}.json",
    url_name="ocds_demand",
    operation_id="getOcdsDemand",
    summary="一个已公开需求的 OCDS 发布包",
)
def demand_package(request, pk: int = Path(..., description="编号（id）", examples=[1])):
    return package_of(request, selectors.public_demands().filter(pk=pk), "未找到该需求：不存在或未公开。")
