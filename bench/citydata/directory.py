"""The 推荐目录: editions, applications with their evidence offers, and the review steps."""

import datetime

from bench.citydata.config import START_YEAR, TZ
from bench.citydata.draws import aware
from bench.citydata.load import analyze, copy_rows, next_id, reset_sequences


def fill_directory(city, rng, timer):
    """Editions 2022–2024 published (seed_demo publishes last year's and opens this year's), each with
    a growing number of members, some rejected applications, and this year's still in review."""
    from accounts.models import Role, SocialOrganization, User
    from directory.models import Application, Edition, ReviewStep
    from offerings.models import Offering

    city_admin = User.objects.filter(role=Role.CITY_ADMIN).order_by("pk").first()
    admins = {u.district_id: u.pk for u in User.objects.filter(role=Role.DISTRICT_ADMIN).order_by("-pk")}
    missing = [d for d in city.districts.values() if d.pk not in admins]
    for d in missing:
        u = User(
            username=f"bench_admin_{d.code}",
            role=Role.DISTRICT_ADMIN,
            district=d,
            is_staff=True,
            must_change_password=False,
        )
        u.set_unusable_password()
        u.full_name = f"{d.name}管理员"
        admins[d.pk] = u
    if missing:
        User.objects.bulk_create([admins[d.pk] for d in missing])
        admins = {u.district_id: u.pk for u in User.objects.filter(role=Role.DISTRICT_ADMIN).order_by("-pk")}

    requirements = "在本市民政部门登记、近两年年检合格、未被列入严重失信名单的社会组织，可从已发布项目中挑选1至2个作为佐证。"
    for year in range(START_YEAR, city.today.year - 1):
        Edition.objects.get_or_create(
            year=year,
            defaults=dict(
                starts_on=datetime.date(year, 5, 1),
                deadline=datetime.date(year, 6, 30),
                requirements=requirements,
                status="published",
                published_at=datetime.datetime(year, 11, 15, 10, tzinfo=TZ),
            ),
        )
    editions = {e.year: e for e in Edition.objects.all()}
    offers = {}
    for org_id, offer_id in (
        Offering.objects.filter(
            status="published",
            organization__registration_status="active",
            organization__on_serious_list=False,
        )
        .order_by("organization_id", "pk")
        .values_list("organization_id", "pk")
    ):
        offers.setdefault(org_id, []).append(offer_id)
    registration = dict(SocialOrganization.objects.values_list("pk", "registration_district_id"))
    candidates = sorted(offers)
    taken = set(Application.objects.values_list("edition_id", "organization_id"))
    plan = {START_YEAR: 600, START_YEAR + 1: 800, START_YEAR + 2: 1000, city.today.year - 1: 1200}
    app_rows, evidence_rows, step_rows = [], [], []
    app_pk, step_pk = next_id(Application), next_id(ReviewStep)
    for year, edition in sorted(editions.items()):
        members = plan.get(year, 0)
        collecting = edition.status != "published"
        total = min(500 if collecting else int(members * 1.3), len(candidates))  # small scales
        chosen = rng.sample(candidates, total)
        for index, org_id in enumerate(chosen):
            if (edition.pk, org_id) in taken:
                continue
            district_id = registration[org_id]
            submitted = aware(datetime.date(year, 5, 1) + datetime.timedelta(days=rng.randint(0, 59)), rng)
            submitted = min(submitted, city.now)
            if collecting:
                status = rng.choice(["district", "district", "city"]) if district_id else "city"
            else:
                status = "approved" if index < members else "rejected"
            decided = None
            if status in ("approved", "rejected"):
                decided = aware(datetime.date(year, 9, 1) + datetime.timedelta(days=rng.randint(0, 60)), rng)
            app_rows.append(
                {
                    "id": app_pk,
                    "edition_id": edition.pk,
                    "organization_id": org_id,
                    "statement": "本机构长期扎根社区，服务规范，项目成效得到购买主体和服务对象认可。",
                    "recommendation_form": "",
                    "form_original_name": "",
                    "form_extension": "",
                    "status": status,
                    "review_district_id": district_id,
                    "created_at": submitted,
                    "submitted_at": submitted,
                    "decided_at": decided,
                }
            )
            for offer_id in offers[org_id][: rng.choice([1, 2, 2])]:
                evidence_rows.append({"application_id": app_pk, "offering_id": offer_id})
            if district_id and status in ("city", "approved", "rejected"):
                step_rows.append(
                    {
                        "id": step_pk,
                        "application_id": app_pk,
                        "action": "pass",
                        "opinion": "材料齐全，同意报送市民政局。",
                        "by_id": admins[district_id],
                        "at": submitted + datetime.timedelta(days=20),
                    }
                )
                step_pk += 1
            if decided:
                step_rows.append(
                    {
                        "id": step_pk,
                        "application_id": app_pk,
                        "action": "approve" if status == "approved" else "reject",
                        "opinion": "专业能力突出，同意入选。"
                        if status == "approved"
                        else "佐证项目不足以体现专业能力。",
                        "by_id": city_admin.pk,
                        "at": decided,
                    }
                )
                step_pk += 1
            app_pk += 1
    copy_rows(Application, app_rows)
    from django.db import connection

    through = Application.evidence.through
    with connection.cursor() as cursor:
        with cursor.copy(f'COPY "{through._meta.db_table}" (application_id, offering_id) FROM STDIN') as copy:
            for row in evidence_rows:
                copy.write_row([row["application_id"], row["offering_id"]])
    copy_rows(ReviewStep, step_rows)
    reset_sequences(Application, ReviewStep, through)
    analyze(Application, ReviewStep, through)
    timer.step("directory (applications)", len(app_rows))
    timer.step("  evidence + review steps", len(evidence_rows) + len(step_rows))
