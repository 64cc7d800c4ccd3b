"""Demands: bought by the units in their own field, published mostly in spring, the older ones
awarded and evaluated."""

import datetime
from decimal import Decimal

from bench.citydata.config import TARGETS
from bench.citydata.draws import Weighted, aware, published_fields
from bench.citydata.load import copy_searchable, next_id, tokens_function
from bench.citydata.vocabulary import (
    CITY_UNITS,
    DISTRICT_UNITS,
    OTHER_INFO,
    QUALIFICATION_CLAUSES,
    SERVICE_TARGETS,
    STREET_UNITS,
)


def demand_title(city, rng, sub, place, year):
    prefix = city.prefix.pick(rng).format(year=year)
    return f"{place}{prefix}{city.phrase[sub.code].pick(rng)}{city.suffix.pick(rng)}"[:100]


def fill_demands(city, rng, orgs, timer):
    from accounts.models import PurchaserUnit
    from demands.models import Demand

    preferred = {}
    for table in (CITY_UNITS, DISTRICT_UNITS, STREET_UNITS):
        for _name, line, top, _weight in table:
            preferred[line] = top
    buyer_weight = {}
    for table in (CITY_UNITS, DISTRICT_UNITS, STREET_UNITS):
        for name, _line, _top, weight in table:
            buyer_weight[name] = weight
    # Each district's units together buy its Zipf share (city departments 6% of all); within a
    # district, 街道办事处/镇政府 and the 民政局 buy most, and units differ (log-normal).
    units = list(PurchaserUnit.objects.select_related("district", "street").order_by("pk"))
    raw = []
    for u in units:
        if u.name.endswith(("办事处", "人民政府")):
            w = 6
        elif u.name.endswith("民政局"):
            w = 12
        else:
            w = next((v for k, v in buyer_weight.items() if u.name.endswith(k)), 1)
        raw.append(w * rng.lognormvariate(0, 0.6))
    total_by_district = {}
    for u, w in zip(units, raw, strict=True):
        total_by_district[u.district_id] = total_by_district.get(u.district_id, 0) + w
    district_total = sum(city.district_weights.values())
    unit_weights = []
    for u, w in zip(units, raw, strict=True):
        share = (
            0.06 if u.district_id is None else 0.94 * city.district_weights[u.district.name] / district_total
        )
        unit_weights.append(share * w / total_by_district[u.district_id])
    pick_unit = Weighted(units, unit_weights)
    need = TARGETS["demands"] - Demand.objects.count()
    tokens = tokens_function(Demand)
    rows = demand_rows(city, rng, orgs, pick_unit, preferred, need, next_id(Demand), tokens)
    copy_searchable(Demand, "demand_search_gin", rows, timer)


def demand_rows(city, rng, orgs, pick_unit, preferred, need, first_pk, tokens):
    today, now = city.today, city.now
    for pk in range(first_pk, first_pk + need):
        unit = pick_unit.pick(rng)
        top = preferred.get(unit.business_line)
        if top and unit.business_line != "民政" and rng.random() < 0.7:
            sub = city.pick_sub_in[top].pick(rng)
        else:
            sub = city.pick_sub.pick(rng)
        district = unit.district or city.pick_district.pick(rng)
        year = city.pick_year.pick(rng)
        annual = rng.random() < 0.7
        approved = None
        while True:
            if annual:
                published_on = datetime.date(year, 1, 4) + datetime.timedelta(
                    days=int(rng.triangular(0, 160, 80))
                )
            else:
                approved = datetime.date(year, 2, 1) + datetime.timedelta(days=rng.randint(0, 300))
                published_on = approved + datetime.timedelta(
                    days=rng.choice([rng.randint(1, 20)] * 9 + [rng.randint(21, 45)])
                )
            if published_on <= today:
                break
            year = city.pick_year.pick(rng)
        published_at = aware(published_on, rng)
        start = published_on + datetime.timedelta(days=rng.randint(15, 60))
        end = start + datetime.timedelta(days=rng.choice([180, 364, 364, 364, 729]))
        budget = Decimal(min(990, max(20, int(rng.lognormvariate(5.3, 0.6))))) * 1000
        street = unit.street if unit.street_id and rng.random() < 0.85 else None
        place = street.name if street else (district.name if unit.district_id or rng.random() < 0.5 else "")
        roll = rng.random()
        status = "published"
        if roll < 0.02:
            status = "draft"
        elif roll < 0.05:
            status = "cancelled"
        elif start + datetime.timedelta(days=30) < today and roll < 0.93:
            status = "awarded"
            if end + datetime.timedelta(days=60) < today and roll < 0.85:
                status = "evaluated"
        elif start > today and roll < 0.25:
            status = "awarded"
        row = {
            "id": pk,
            "title": demand_title(city, rng, sub, place, year),
            "budget": budget,
            "category_id": sub.pk,
            "purchase_type_id": city.pick_type.pick(rng).pk,
            "service_targets": rng.choice(SERVICE_TARGETS),
            "district_id": district.pk,
            "street_id": street.pk if street else None,
            "period_start": start,
            "period_end": end,
            "contact_person": unit.contact_person or city.person(rng),
            "contact_phone": unit.contact_phone or city.phone(rng),
            "contact_email": "",
            "qualification": "；".join(rng.sample(QUALIFICATION_CLAUSES, rng.randint(2, 5))).format(
                n=rng.randint(1, 5), m=rng.randint(1, 4)
            )
            + "。",
            "other_info": rng.choice(OTHER_INFO),
            "year": year,
            "plan_type": "annual" if annual else "added",
            "budget_approved_on": approved,
            "orientation": "priority" if rng.random() < 0.8 else "open",
            "unit_id": unit.pk,
            "source": "本平台",
            "external_id": "",
            **published_fields(status, published_at, rng.randint(0, 10)),
        }
        if status == "cancelled":
            row["cancelled_at"] = min(published_at + datetime.timedelta(days=rng.randint(3, 40)), now)
            row["cancel_reason"] = rng.choice(
                [
                    "因实施条件发生变化，本年度不再实施。",
                    "项目调整合并至其他项目实施。",
                    "预算调整，项目取消。",
                ]
            )
        if status in ("awarded", "evaluated"):
            awarded_on = min(published_on + datetime.timedelta(days=rng.randint(10, 45)), today)
            row["awarded_org_id"] = orgs.pick(rng, district.pk)
            row["award_amount"] = (budget * Decimal(rng.choice(["0.85", "0.9", "0.95", "1"]))).quantize(
                Decimal("1")
            )
            row["awarded_on"] = awarded_on
            row["awarded_at"] = min(aware(awarded_on + datetime.timedelta(days=rng.randint(0, 20)), rng), now)
            row["updated_at"] = row["awarded_at"]
        if status == "evaluated":
            grade, score = city.grade.pick(rng)
            evaluated_on = min(end + datetime.timedelta(days=rng.randint(5, 60)), today)
            row["eval_grade"] = grade
            row["eval_score"] = Decimal(score + rng.randint(-4, 4))
            row["eval_summary"] = "项目按计划实施，服务对象满意度较高，档案资料完整。"
            row["evaluated_on"] = evaluated_on
            row["evaluated_at"] = min(aware(evaluated_on, rng), now)
            row["updated_at"] = row["evaluated_at"]
        row["search_tokens"] = tokens(row)
        yield row
