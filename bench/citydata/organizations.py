"""Social organizations (with the few on the serious-dishonesty list) and the pick of the ones that
win projects (Orgs)."""

import datetime

from bench.citydata.config import START_YEAR, TARGETS
from bench.citydata.draws import Weighted, aware, zipf
from bench.citydata.load import analyze, copy_rows, next_id, reset_sequences
from bench.citydata.vocabulary import ORG_FOCUS, ORG_KINDS, ORG_WORDS, PHRASES, ROADS


def fill_organizations(city, rng, timer):
    from accounts.models import SeriousDishonestyEntry, SocialOrganization
    from accounts.validators import SOCIAL_ORG_CATEGORY, uscc_check_char

    need = TARGETS["organizations"] - SocialOrganization.objects.count()
    names = set(SocialOrganization.objects.values_list("name", flat=True))
    pick_type = Weighted(["service_agency", "social_group", "foundation"], [75, 20, 5])
    rows, entries = [], []
    pk, entry_pk = next_id(SocialOrganization), next_id(SeriousDishonestyEntry)
    for index in range(need):
        org_type = pick_type.pick(rng)
        district = city.pick_district.pick(rng)
        city_registered = org_type == "foundation" or rng.random() < 0.08
        while True:
            word, focus = rng.choice(ORG_WORDS), rng.choice(ORG_FOCUS)
            kind = rng.choice(ORG_KINDS[org_type])
            place = "" if city_registered else district.name
            name = f"上海市{place}{word}{focus}{kind}"
            if name not in names:
                break
        names.add(name)
        head = "5" + SOCIAL_ORG_CATEGORY[org_type] + ("310000" if city_registered else district.code)
        first17 = head + f"MA{index:07d}"
        specialty = city.pick_top.pick(rng)
        scope = "、".join(rng.sample(PHRASES[city.subs_of[specialty][0].code], 2))
        founded = datetime.date(rng.randint(1995, 2024), rng.randint(1, 12), rng.randint(1, 28))
        created = aware(
            datetime.date(rng.randint(START_YEAR - 1, city.today.year), rng.randint(1, 12), 1), rng
        )
        created = min(created, city.now)
        revoked = rng.random() < 0.02
        listed = not revoked and rng.random() < 0.003
        rows.append(
            {
                "id": pk,
                "name": name,
                "uscc": first17 + uscc_check_char(first17),
                "org_type": org_type,
                "registration_district_id": None if city_registered else district.pk,
                "district_id": district.pk,
                "founded_on": founded,
                "business_scope": f"开展{scope}等{city.subs_of[specialty][0].parent.name}，承接政府购买服务项目。",
                "contact_person": city.person(rng),
                "contact_phone": city.phone(rng),
                "contact_email": f"org{pk}@example.org.cn" if rng.random() < 0.6 else "",
                "address": f"上海市{district.name}{rng.choice(ROADS)}{rng.randint(1, 2000)}号",
                "registration_status": "revoked" if revoked else "active",
                "on_serious_list": listed,
                "created_at": created,
                "updated_at": created,
                "_specialty": specialty,
            }
        )
        if listed:
            entries.append(
                {
                    "id": entry_pk,
                    "organization_id": pk,
                    "listed_on": city.today - datetime.timedelta(days=rng.randint(10, 600)),
                    "reason": "年度检查中发现提供虚假材料，经查属实，列入严重失信名单。",
                }
            )
            entry_pk += 1
        pk += 1
    copy_rows(SocialOrganization, rows)
    copy_rows(SeriousDishonestyEntry, entries)
    reset_sequences(SocialOrganization, SeriousDishonestyEntry)
    analyze(SocialOrganization, SeriousDishonestyEntry)
    timer.step("accounts_socialorganization (社会组织)", len(rows))
    return {r["id"]: r["_specialty"] for r in rows}


class Orgs:
    """Eligible organizations by district, with a few winning most of the projects (Zipf)."""

    def __init__(self, rng, specialties):
        from accounts.models import SocialOrganization

        orgs = list(
            SocialOrganization.objects.filter(
                registration_status="active", on_serious_list=False
            ).values_list("pk", "district_id", "name")
        )
        rng.shuffle(orgs)
        self.name = {pk: name for pk, _, name in orgs}
        self.all = Weighted([pk for pk, _, _ in orgs], zipf(len(orgs), 0.9))
        by_district = {}
        for pk, district_id, _ in orgs:
            by_district.setdefault(district_id, []).append(pk)
        self.local = {d: Weighted(pks, zipf(len(pks), 0.9)) for d, pks in by_district.items()}
        self.specialty = specialties

    def pick(self, rng, district_id):
        if district_id in self.local and rng.random() < 0.75:
            return self.local[district_id].pick(rng)
        return self.all.pick(rng)
