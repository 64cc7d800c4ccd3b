"""Browser steps that more than one journey takes: pressing a button and reading the message of the page
it leads to, uploading an Excel file to its preview, filling in the 发布需求 form, following the 站内信 of a new event to its page, opening a 推荐目录 application for
review and saving a review."""

import datetime
import re


def press_and_see(journey, button, *, lands_on, says, label):
    """Press the button named `button`, land on `lands_on` (what `page.wait_for_url` takes), find `says` in
    the page's status message and check the page as `label`."""
    page = journey.page
    page.get_by_role("button", name=button).click()
    page.wait_for_url(lands_on)
    assert says in page.get_by_role("status").inner_text()
    journey.check(label)


def upload_for_preview(journey, workbook_file, app, label):
    """On the Excel import page of `app` ("demands" or "offerings"): upload the file, see its preview."""
    page = journey.page
    page.get_by_label("Excel 文件").set_input_files(workbook_file)
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url(re.compile(rf".*/{app}/import/[0-9a-f-]{{36}}/$"))
    journey.check(label)


def publish_demand_form(page, *, budget, category, targets, qualification):
    """Fill in every field of the 发布需求 form but 项目名称 (next year's, a 年度新增项目 whose budget was
    approved three days ago) and press 发布."""
    next_year = datetime.date.today().year + 1
    page.get_by_label("项目预算（元）").fill(budget)
    page.get_by_label("项目类别").select_option(label=category)
    page.get_by_label("购买服务类型").select_option(label="基本公共服务")
    page.get_by_label("服务对象").fill(targets)
    page.get_by_label("实施开始日期").fill(f"{next_year}-01-01")
    page.get_by_label("实施结束日期").fill(f"{next_year}-12-31")
    page.get_by_label("项目性质").select_option(label="年度新增项目")
    page.get_by_label("预算批复日期").fill((datetime.date.today() - datetime.timedelta(days=3)).isoformat())
    page.get_by_label("对社会组织的资质和条件要求").fill(qualification)
    page.get_by_label("联系电话").fill("021-63215678")
    page.get_by_role("button", name="发布", exact=True).click()


def follow_the_unread_message(journey, subject, *, check=True):
    """From the header's one unread 站内信 to the message `subject` and on to the page it is about."""
    page = journey.page
    journey.follow(page.get_by_role("link", name="站内信，1 条未读"), check=check, label="站内信")
    journey.follow(page.get_by_role("link", name=subject), check=check, label="站内信内容")
    page.get_by_role("link", name="查看相关页面").click()


def open_for_review(journey, application, *, list_label, label):
    """From the 推荐目录审核 list to the review page of `application`."""
    page = journey.page
    page.get_by_role("link", name="推荐目录审核").click()
    page.wait_for_url("**/directory/review/")
    journey.check(list_label)
    page.get_by_role("link", name=f"打开 {application.organization.name}").click()
    page.wait_for_url(f"**/directory/review/{application.pk}/")
    journey.check(label)


def save_review(page, decision, opinion):
    """Choose the decision, write the opinion, save, and be back on the 推荐目录审核 list."""
    page.get_by_label(decision).check()
    page.get_by_label("审核意见").fill(opinion)
    page.get_by_role("button", name="保存审核结果").click()
    page.wait_for_url("**/directory/review/")
