"""The body of 政策法规 and 公示公告 (R-NOT-1): headings, paragraphs, lists, links and tables are kept;
script is refused with a Chinese message (R-GEN-3); other markup is removed; nothing renders script."""

import pytest

from notices.models import Article
from tests.html import parse, select, text, text_of

from .conftest import (
    article_body_html,
    article_data,
    article_url,
    assert_refused_in_chinese,
    edit_url,
    post_article,
    published_article,
)

pytestmark = pytest.mark.django_db

RICH_BODY = (
    "<h2>一、适用范围</h2>"
    "<h3>（一）购买主体</h3>"
    "<p>本办法适用于本市各级<strong>购买主体</strong>和<em>社会组织</em>。</p>"
    "<ul><li>市级部门</li><li>区级部门</li></ul>"
    "<ol><li>发布需求</li><li>线下对接</li></ol>"
    '<p>详见<a href="https://mzj.sh.gov.cn/">上海市民政局网站</a>。</p>'
    "<table><thead><tr><th>项目</th><th>预算（万元）</th></tr></thead>"
    "<tbody><tr><td>社区居家养老</td><td>38</td></tr></tbody></table>"
)


def test_headings_paragraphs_lists_links_and_tables_survive(as_role, city_admin):
    """R-NOT-1: the allowed formatting is stored and rendered as HTML."""
    post_article(as_role("city_admin"), kind="policy", title="政府购买服务管理办法", body=RICH_BODY)
    article = Article.objects.get()
    for fragment in (
        "<h2>一、适用范围</h2>",
        "<h3>（一）购买主体</h3>",
        "<strong>购买主体</strong>",
        "<ul><li>市级部门</li><li>区级部门</li></ul>",
        "<ol><li>发布需求</li><li>线下对接</li></ol>",
        'href="https://mzj.sh.gov.cn/"',
        "<th>项目</th>",
        "<td>社区居家养老</td>",
        "<table>",
    ):
        assert fragment in article.body, fragment
    rendered = article_body_html(as_role("visitor").get(article_url(article)))
    assert "<h2>一、适用范围</h2>" in rendered and "<td>38</td>" in rendered
    links = select(parse(rendered), 'a[href="https://mzj.sh.gov.cn/"]')
    assert [text_of(link) for link in links] == ["上海市民政局网站"]


@pytest.mark.parametrize(
    "body",
    [
        "<p>通知</p><script>alert(document.cookie)</script>",
        "<p>通知</p><SCRIPT src=https://evil.example/x.js></SCRIPT>",
        '<p>通知</p><img src="x" onerror="alert(1)">',
        '<p onclick="steal()">通知</p>',
        '<p><a href="javascript:alert(1)">点此查看</a></p>',
        '<p><a href="JavaScript :alert(1)">点此查看</a></p>',
        '<iframe src="https://evil.example/"></iframe>',
    ],
)
def test_script_event_handlers_and_javascript_links_are_refused_and_nothing_is_saved(
    as_role, city_admin, body
):
    """R-NOT-1, R-GEN-3: dangerous markup is refused with a Chinese message, not silently saved."""
    response = post_article(as_role("city_admin"), title="含脚本的公告", body=body)
    assert_refused_in_chinese(response, "脚本")
    assert Article.objects.count() == 0


def test_dangerous_markup_in_an_edit_leaves_the_article_unchanged(as_role, city_admin):
    """R-GEN-3: an edit with script is refused; the stored article and its history stay as they were."""
    article = published_article(city_admin, "平台维护公告", body="<p>周六维护。</p>")
    history = article.history.count()
    response = as_role("city_admin").post(
        edit_url("article", article),
        article_data(title="平台维护公告（改）", body='<p>周日维护。</p><img src=x onerror="alert(1)">'),
    )
    assert_refused_in_chinese(response, "onerror")
    article.refresh_from_db()
    assert article.title == "平台维护公告" and article.body == "<p>周六维护。</p>"
    assert article.history.count() == history


def test_other_markup_is_removed_on_save_and_the_text_kept(as_role, city_admin):
    """R-NOT-1: tags outside the allowed set (div with style, img, span, font, h1) are removed."""
    body = (
        '<div style="color:red;font-size:40px">重要提示</div>'
        '<img src="https://example.com/banner.png" alt="横幅">'
        '<p><span style="background:url(x)">报名截止</span><font color="red">4月30日</font></p>'
        '<p class="x" id="y" style="margin:0">段落</p>'
    )
    post_article(as_role("city_admin"), title="格式测试", body=body)
    stored = Article.objects.get().body
    for gone in ("<div", "style", "<img", "banner.png", "<span", "<font", "class=", "id="):
        assert gone not in stored, gone
    for kept in ("重要提示", "报名截止", "4月30日", "<p>段落</p>"):
        assert kept in stored, kept


def test_links_get_a_safe_rel_and_only_web_and_mail_schemes(as_role, city_admin):
    """R-NOT-1: links open safely; a link to data: or other schemes loses its target."""
    body = (
        '<p><a href="https://www.gov.cn/" target="_blank">中国政府网</a>'
        '<a href="mailto:shmzj@example.gov.cn">来信</a>'
        '<a href="data:text/html;base64,PHNjcmlwdD4=">数据</a></p>'
    )
    post_article(as_role("city_admin"), title="链接测试", body=body)
    stored = Article.objects.get().body
    assert 'href="https://www.gov.cn/"' in stored and "noopener" in stored
    assert 'href="mailto:shmzj@example.gov.cn"' in stored
    assert "data:" not in stored and "数据" in stored


def assert_no_script(html):
    lowered = html.lower()
    for bad in ("<script", "<svg", "<iframe", "javascript:", "onload", "onerror", "onclick", "data:text"):
        assert bad not in lowered, (bad, html)


@pytest.mark.parametrize(
    "body",
    [
        "<svg/onload=alert(1)>",
        '<a href="java&#x09;script:alert(1)">链接一</a>',
        '<a href="&#106;avascript:alert(1)">链接二</a>',
        '<a href="jav\tascript:alert(1)">链接三</a>',
        "<scr<script>ipt>alert(1)</script>",
        '<table><tr><td background="javascript:alert(1)">格</td></tr></table>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">引号</p>',
    ],
)
def test_tricky_markup_is_either_refused_or_rendered_without_script(as_role, city_admin, body):
    """R-NOT-1: whatever a publisher types, the public page never carries script."""
    response = post_article(as_role("city_admin"), title="绕过测试", body=body)
    if response.status_code == 200:
        assert_refused_in_chinese(response)
        assert Article.objects.count() == 0
        return
    assert response.status_code == 302
    article = Article.objects.get()
    assert_no_script(article.body)
    assert_no_script(article_body_html(as_role("visitor").get(article_url(article))))


def test_a_body_stored_without_the_service_is_still_rendered_without_script(client, city_admin):
    """R-NOT-1 (defence in depth): a body written by other means (shell, seed data, a future import
    or admin page) must not reach the public page as live script: the page renders it sanitized."""
    article = published_article(city_admin, "旧数据公告")
    Article.objects.filter(pk=article.pk).update(
        body='<p>正文</p><script>alert("xss")</script><img src=x onerror=alert(1)>'
    )
    rendered = article_body_html(client.get(article_url(article)))
    assert "正文" in rendered
    assert_no_script(rendered)


def test_the_article_title_is_escaped(as_role, city_admin):
    """R-NOT-1: the title is plain text wherever it appears."""
    post_article(as_role("city_admin"), title="<b>加粗标题</b><script>x</script>")
    article = Article.objects.get()
    visitor = as_role("visitor")
    for page in (article_url(article), "/announcements/", "/"):
        html = text(visitor.get(page))
        assert "&lt;b&gt;加粗标题" in html and "<script>x</script>" not in html
