"""Issue 18: a district administrator writes a 公示公告 in the rich-text editor (Trix): a heading, a
paragraph typed with the keyboard, plain text pasted with its paragraphs and signature; the public page
shows the paragraphs and line breaks, sanitized; no inline script, no CSP refusal (checks.py)."""

import re

import pyotp
import pytest

from notices.models import Article

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASTED = "各街镇、各社会组织：\n现将有关事项通知如下。\n\n一、申报时间：即日起至12月31日。\n\n黄浦区民政局\n2026年12月1日"


def wait_for_text(page, text):
    """Until the editor's document holds `text` (Trix's plain text: a line break is "\\n", and each block
    ends with one): Trix applies keys asynchronously, and on a loaded machine a paste overtook the Enters."""
    page.wait_for_function(
        "t => document.querySelector('trix-editor').editor.getDocument().toString().includes(t)", arg=text
    )


PASTE_JS = """
([selector, text]) => {
  const editor = document.querySelector(selector);
  const data = new DataTransfer();
  data.setData('text/plain', text);
  editor.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
}
"""


def test_district_admin_writes_a_notice_in_the_editor(journey, hp_admin):
    page = journey.page
    journey.login(hp_admin.username)
    journey.goto("/notices/manage/article/new/?kind=notice", label="新建公示公告（编辑器）")

    editor = page.locator("trix-editor")
    assert editor.count() == 1 and page.locator("textarea[name=body]").count() == 0
    assert page.get_by_role("button", name="粗体").count() == 1  # the toolbar speaks Chinese
    assert page.get_by_role("textbox", name="正文").count() == 1  # labelled by the field's label

    page.get_by_label("标题").fill("关于开展2027年度公益服务项目申报的通知")
    editor.click()
    page.get_by_role("button", name="标题").click()
    page.keyboard.type("申报须知")
    page.keyboard.press("Enter")
    wait_for_text(page, "申报须知\n\n")  # the heading, and a new empty block after it
    page.get_by_role("button", name="粗体").click()
    page.keyboard.type("重要提示")
    page.get_by_role("button", name="粗体").click()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    # two line breaks in the block (a new paragraph when saved), then the block's own: with one Enter
    # applied the text reads "重要提示\n\n" already, and a paste that overtook the second one was glued on
    wait_for_text(page, "重要提示\n\n\n")
    page.evaluate(PASTE_JS, ["trix-editor", PASTED])
    page.wait_for_function(
        "document.querySelector('trix-editor').editor.getDocument().toString().includes('2026年12月1日')"
    )
    journey.check("新建公示公告（已填写）")

    page.get_by_role("button", name="保存并发布").click()
    page.wait_for_url("**/notices/manage/**")
    article = Article.objects.get(title="关于开展2027年度公益服务项目申报的通知")
    assert "<h2>申报须知</h2>" in article.body and "<div" not in article.body and "<h1" not in article.body
    assert "<p><strong>重要提示</strong></p>" in article.body
    assert "<p>各街镇、各社会组织：<br>现将有关事项通知如下。</p>" in article.body
    assert "<p>黄浦区民政局<br>2026年12月1日</p>" in article.body

    journey.goto(f"/announcements/{article.pk}/", label="公示公告（公众页面）")
    body = page.locator(".article-body")
    assert body.locator("p").count() == 4 and body.locator("h2").inner_text() == "申报须知"
    assert "一、申报时间：即日起至12月31日。" in body.locator("p").all_inner_texts()
    assert body.locator("strong").inner_text() == "重要提示"
    journey.finish()


def test_without_javascript_plain_text_becomes_paragraphs(browser, live_server, hp_admin):
    """The form works with JavaScript off: the bare textarea, plain text in, paragraphs out."""
    from tests.e2e.checks import DESKTOP
    from tests.factories import PASSWORD, TOTP_SECRET

    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(hp_admin.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        page.wait_for_url(re.compile(r".*/(workbench|accounts/2fa/authenticate)/$"))
        if page.url.endswith("/accounts/2fa/authenticate/"):  # administrators give their code (#14)
            page.get_by_label("验证码").fill(pyotp.TOTP(TOTP_SECRET).now())
            page.get_by_role("button", name="登录", exact=True).click()
            page.wait_for_url("**/workbench/")
        page.goto("/notices/manage/article/new/?kind=notice")
        assert page.locator("trix-editor").count() == 0
        page.get_by_label("标题").fill("无脚本时填写的公告")
        page.locator("textarea[name=body]").fill(PASTED)
        page.get_by_role("button", name="保存并发布").click()
        article = Article.objects.get(title="无脚本时填写的公告")
        assert article.body.count("<p>") == 3 and "<br>现将有关事项通知如下。" in article.body
    finally:
        context.close()
