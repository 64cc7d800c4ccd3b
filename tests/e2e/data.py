"""Records the admin journeys start from, made through the services as the earlier steps would."""

from django.core.files.uploadedfile import SimpleUploadedFile

from directory import services
from portal.models import Category
from tests.factories import EditionFactory, OfferingFactory
from tests.helpers import PDF_BYTES


def collecting_edition():
    return EditionFactory(
        collecting=True,
        requirements="在本市民政部门登记、未列入严重失信名单的社会组织，选择1至2个已发布的服务项目作为佐证。",
    )


def submitted_application(org_user, edition):
    """The organization's self-recommendation with two published offers and the stamped form."""
    organization = org_user.organization
    offers = [
        OfferingFactory(organization=organization, title="乐龄长者助餐服务", category=_category("0103")),
        OfferingFactory(organization=organization, title="乐龄居家照护服务", category=_category("0101")),
    ]
    application = services.application_save(
        edition=edition,
        by=org_user,
        evidence=offers,
        statement="专注社区为老服务十年，服务长者三千余人次。",
        upload=SimpleUploadedFile("购买主体推荐意见表.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    return services.application_submit(application=application, by=org_user)


def _category(code):
    return Category.objects.get(code=code)
