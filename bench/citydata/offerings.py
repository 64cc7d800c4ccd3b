"""Offers: published by the organizations (a few publish many), some with a past purchase."""

import datetime
from decimal import Decimal

from bench.citydata.config import TARGETS
from bench.citydata.draws import Weighted, aware, published_fields, zipf
from bench.citydata.load import copy_searchable, next_id, tokens_function
from bench.citydata.vocabulary import OFFER_CONTENTS, OFFER_METHODS, OFFER_TEAMS, ORG_WORDS, SERVICE_TARGETS


def fill_offerings(city, rng, orgs, timer):
    from accounts.models import PurchaserUnit, SocialOrganization
    from offerings.models import Offering

    all_orgs = list(
        SocialOrganization.objects.filter(registration_status="active").values_list("pk", "district_id")
    )
    rng.shuffle(all_orgs)
    pick_org = Weighted(all_orgs, zipf(len(all_orgs), 0.6))
    district_code = {d.pk: d.code for d in city.districts.values()}
    district_name = {d.pk: d.name for d in city.districts.values()}
    codes = [d.code for d in city.districts.values()]
    unit_names = list(PurchaserUnit.objects.values_list("name", flat=True))
    need = TARGETS["offerings"] - Offering.objects.count()
    context = (pick_org, district_code, district_name, codes, unit_names, tokens_function(Offering))
    rows = offering_rows(city, rng, orgs, context, need, next_id(Offering))
    copy_searchable(Offering, "offering_search_gin", rows, timer)


def offering_rows(city, rng, orgs, context, need, first_pk):
    pick_org, district_code, district_name, codes, unit_names, tokens = context
    today, now = city.today, city.now
    for pk in range(first_pk, first_pk + need):
        org_id, district_id = pick_org.pick(rng)
        top = orgs.specialty.get(org_id)
        sub = city.pick_sub_in[top].pick(rng) if top and rng.random() < 0.75 else city.pick_sub.pick(rng)
        brand = f"“{rng.choice(ORG_WORDS)}”" if rng.random() < 0.3 else ""
        title = f"{brand}{city.phrase[sub.code].pick(rng)}{city.offer_suffix.pick(rng)}".replace(
            "服务服务", "服务"
        )
        published_on = datetime.date(city.pick_year.pick(rng), 1, 1) + datetime.timedelta(
            days=rng.randint(0, 364)
        )
        published_on = min(published_on, today)
        published_at = aware(published_on, rng)
        roll = rng.random()
        status = "published" if roll < 0.85 else "withdrawn" if roll < 0.93 else "draft"
        citywide = rng.random() < 0.12
        area = []
        if not citywide:
            area = [district_code[district_id]] + rng.sample(codes, rng.choice([0, 0, 0, 1, 2]))
            area = list(dict.fromkeys(area))
        row = {
            "id": pk,
            "organization_id": org_id,
            "title": title[:100],
            "category_id": sub.pk,
            "summary": (
                f"项目由{rng.choice(OFFER_TEAMS)}组成的专业团队实施，采用{rng.choice(OFFER_METHODS)}的方式，"
                f"{rng.choice(OFFER_CONTENTS)}；重点开展{city.phrase[sub.code].pick(rng)}。"
                f"近三年累计服务{rng.randint(300, 20000)}人次，服务对象满意度保持在{rng.randint(88, 99)}%以上。"
            ),
            "service_targets": rng.choice(SERVICE_TARGETS).replace("辖区内", "").replace("辖区", "社区"),
            "citywide": citywide,
            "service_district_codes": ",".join(area),
            "contact_person": city.person(rng),
            "contact_phone": city.phone(rng),
            "contact_email": "",
            "previously_purchased": False,
            "purchaser_name": "",
            "implementation_place": "",
            **published_fields(status, published_at, rng.randint(0, 5)),
        }
        if status == "withdrawn":
            row["withdrawn_at"] = min(published_at + datetime.timedelta(days=rng.randint(30, 400)), now)
            row["updated_at"] = row["withdrawn_at"]
        if rng.random() < 0.4:
            start = published_on - datetime.timedelta(days=rng.randint(200, 1500))
            row.update(
                previously_purchased=True,
                purchaser_name=rng.choice(unit_names),
                purchase_amount=Decimal(rng.randint(50, 900) * 1000),
                implementation_place=f"上海市{district_name[district_id]}",
                implementation_start=start,
                implementation_end=start + datetime.timedelta(days=364),
            )
        row["search_tokens"] = tokens(row)
        yield row
