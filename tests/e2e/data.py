"""Records the admin journeys start from, made through the services as the earlier steps would."""

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

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


def download_template(page, tmp_path):
    """Click 下载填写模板 on an Excel upload page; the downloaded workbook."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载填写模板").click()
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)
    return load_workbook(template)


def fill_from_example(sheet, rows):
    """Rows 2, 3, … of a template's sheet: its example row with the cells of each {header: value}
    changed, as a person copies the example down and types over it. Returns {header: column}."""
    headers = [cell.value for cell in sheet[1]]
    column = {str(h).lstrip("*").strip(): i for i, h in enumerate(headers, start=1) if h}
    assert {header for cells in rows for header in cells} <= set(column), headers
    example = [cell.value for cell in sheet[2]]
    for row, cells in enumerate(rows, start=2):
        for index, value in enumerate(example, start=1):
            sheet.cell(row=row, column=index, value=value)
        for header, value in cells.items():
            sheet.cell(row=row, column=column[header], value=value)
    return column
