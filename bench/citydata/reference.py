"""Reference data: the districts, categories and purchase types every table draws from (City),
more 街镇, and the purchaser units of the city, the districts and the 街镇."""

import datetime
import sys

from bench.citydata.config import START_YEAR, TARGETS, TZ
from bench.citydata.draws import Weighted, aware, weighted_list, zipf
from bench.citydata.load import analyze, copy_rows, next_id, reset_sequences
from bench.citydata.vocabulary import (
    CATEGORY_ORDER,
    CITY_UNITS,
    DISTRICT_ORDER,
    DISTRICT_UNITS,
    GRADES,
    MORE_STREETS,
    OFFER_SUFFIX,
    PHRASES,
    STREET_UNITS,
    SURNAMES,
    TITLE_PREFIX,
    TITLE_SUFFIX,
    TITLES_OF_PERSON,
)


class City:
    """Reference data and the weights every table draws from."""

    def __init__(self, rng):
        from portal.models import Category, District, PurchaseType

        self.today = datetime.date.today()
        self.now = datetime.datetime.now(TZ)
        self.districts = {d.name: d for d in District.objects.all()}
        self.district_weights = dict(zip(DISTRICT_ORDER, zipf(len(DISTRICT_ORDER)), strict=True))
        self.pick_district = Weighted(
            [self.districts[n] for n in DISTRICT_ORDER], [self.district_weights[n] for n in DISTRICT_ORDER]
        )
        cats = list(Category.objects.select_related("parent"))
        self.subs = {c.code: c for c in cats if c.parent_id}
        top_weight = dict(zip(CATEGORY_ORDER, zipf(len(CATEGORY_ORDER), 1.1), strict=True))
        self.subs_of = {}
        for _code, sub in sorted(self.subs.items()):
            self.subs_of.setdefault(sub.parent.code, []).append(sub)
        sub_items, sub_weights = [], []
        for top, subs in self.subs_of.items():
            for rank, sub in enumerate(subs, 1):
                sub_items.append(sub)
                sub_weights.append(top_weight[top] / rank**0.7)
        self.pick_sub = Weighted(sub_items, sub_weights)
        self.pick_sub_in = {
            top: Weighted(subs, [1 / r**0.7 for r in range(1, len(subs) + 1)])
            for top, subs in self.subs_of.items()
        }
        self.pick_top = Weighted(CATEGORY_ORDER, [top_weight[c] for c in CATEGORY_ORDER])
        self.phrase = {}
        for code, phrases in PHRASES.items():
            items = [p if isinstance(p, str) else p[0] for p in phrases]
            weights = [1 if isinstance(p, str) else p[1] for p in phrases]
            self.phrase[code] = Weighted(items, weights)
        types = list(PurchaseType.objects.filter(allowed=True))
        self.pick_type = Weighted(
            types,
            [8 if t.code == "basic_public" else 3 if t.code == "social_management" else 1 for t in types],
        )
        self.prefix = weighted_list(TITLE_PREFIX)
        self.suffix = weighted_list(TITLE_SUFFIX)
        self.offer_suffix = weighted_list(OFFER_SUFFIX)
        self.grade = Weighted([(g, s) for g, _, s in GRADES], [w for _, w, _ in GRADES])
        # Platform use grows year on year; the current year is partial.
        years = list(range(START_YEAR, self.today.year + 1))
        share = [1 + 0.25 * i for i in range(len(years))]
        share[-1] *= (self.today.timetuple().tm_yday / 366) ** 0.5
        self.pick_year = Weighted(years, share)

    def person(self, rng):
        return rng.choice(SURNAMES) + rng.choice(TITLES_OF_PERSON)

    def phone(self, rng):
        if rng.random() < 0.7:
            return f"021-{rng.randint(5000, 6999)}{rng.randint(1000, 9999)}"
        return f"1{rng.choice('35789')}{rng.randint(100000000, 999999999)}"


def fill_streets(city, rng, timer):
    from portal.models import Street

    have = {(s.district_id, s.name) for s in Street.objects.all()}
    rows, pk = [], next_id(Street)
    for district_name, names in MORE_STREETS.items():
        d = city.districts[district_name]
        for name in names:
            if (d.pk, name) in have:
                continue
            kind = "subdistrict" if name.endswith("街道") else "township" if name.endswith("乡") else "town"
            rows.append({"id": pk, "district_id": d.pk, "name": name, "kind": kind, "is_active": True})
            pk += 1
    copy_rows(Street, rows)
    reset_sequences(Street)
    timer.step("portal_street (街镇)", len(rows))


def fill_units(city, rng, timer):
    from accounts.models import PurchaserUnit
    from accounts.validators import uscc_check_char
    from portal.models import Street

    def code(area, index):
        first17 = "11" + area + f"K{index:08d}"
        return first17 + uscc_check_char(first17)

    existing = {u.name for u in PurchaserUnit.objects.all()}
    need = TARGETS["units"] - len(existing)
    candidates = []  # (name, level, district, street, line)
    for name, line, _, _ in CITY_UNITS:
        candidates.append(
            (f"上海市{name}" if not name.startswith("共青团") else name, "city", None, None, line)
        )
    streets = list(Street.objects.select_related("district").order_by("district__code", "name"))
    for st in streets:
        suffix = "办事处" if st.name.endswith("街道") else "人民政府"
        candidates.append((f"{st.district.name}{st.name}{suffix}", "street", st.district, st, "民政"))
    for name, line, _, _ in DISTRICT_UNITS:
        for d in city.districts.values():
            full = f"共青团上海市{d.name}委员会" if name.startswith("共青团") else f"{d.name}{name}"
            candidates.append((full, "district", d, None, line))
    for name, line, _, _ in STREET_UNITS:
        for st in streets:
            candidates.append((f"{st.district.name}{st.name}{name}", "street", st.district, st, line))
    rows, pk = [], next_id(PurchaserUnit)
    for index, (name, level, district, street, line) in enumerate(candidates):
        if len(rows) >= need:
            break
        if name in existing:
            continue
        existing.add(name)
        area = district.code if district else "310000"
        rows.append(
            {
                "id": pk,
                "name": name,
                "level": level,
                "district_id": district.pk if district else None,
                "street_id": street.pk if street else None,
                "uscc": code(area, index),
                "business_line": line,
                "contact_person": city.person(rng),
                "contact_phone": city.phone(rng),
                "is_active": True,
                "created_at": aware(datetime.date(START_YEAR - 1, 12, 1), rng),
                "updated_at": aware(datetime.date(START_YEAR - 1, 12, 1), rng),
            }
        )
        pk += 1
    if len(rows) < need:
        sys.exit(f"only {len(rows)} purchaser unit names available, {need} needed")
    copy_rows(PurchaserUnit, rows)
    reset_sequences(PurchaserUnit)
    analyze(PurchaserUnit)
    timer.step("accounts_purchaserunit (购买主体)", len(rows))
