"""Demo directory: last year's edition published with members, this year's collecting."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Role, SocialOrganization, User
from offerings.models import Offering, Status

from .models import Application, AppStatus, Edition, EditionStatus, ReviewStep

# A tiny valid PDF, standing in for a scanned stamped form.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed():
    if Edition.objects.exists():
        return 0
    today = timezone.localdate()
    city = User.objects.filter(role=Role.CITY_ADMIN).first()
    last = Edition.objects.create(
        year=today.year - 1,
        starts_on=datetime.date(today.year - 1, 5, 1),
        deadline=datetime.date(today.year - 1, 6, 30),
        requirements="在本市民政部门登记、近两年年检合格、未被列入严重失信名单的社会组织，可从已发布项目中挑选1至2个作为佐证。",
        status=EditionStatus.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=120),
    )
    Edition.objects.create(
        year=today.year,
        starts_on=today - datetime.timedelta(days=10),
        deadline=today + datetime.timedelta(days=30),
        requirements="征集对象为在本市民政部门登记、运作规范、专业能力较强的社会组织。请上传购买主体盖章的推荐意见表。",
        status=EditionStatus.COLLECTING,
    )
    count = 0
    demo_names = {"上海市徐汇区启明助残服务社", "上海市益心公益基金会"}
    orgs = list(SocialOrganization.objects.eligible())
    orgs.sort(key=lambda o: (o.name not in demo_names, o.pk))
    for org in orgs[:12]:
        offers = list(Offering.objects.filter(organization=org, status=Status.PUBLISHED).order_by("pk")[:2])
        if not offers:
            continue
        app = Application(
            edition=last,
            organization=org,
            status=AppStatus.APPROVED,
            review_district=org.registration_district,
            submitted_at=timezone.now() - datetime.timedelta(days=200),
            decided_at=timezone.now() - datetime.timedelta(days=130),
            form_original_name="推荐意见表.pdf",
            form_extension=".pdf",
        )
        app.recommendation_form.save("form.pdf", ContentFile(DEMO_PDF), save=False)
        app.save()
        app.evidence.set(offers)
        ReviewStep.objects.create(
            application=app, action=ReviewStep.Action.APPROVE, opinion="专业能力突出，同意入选。", by=city
        )
        count += 1
    return count
