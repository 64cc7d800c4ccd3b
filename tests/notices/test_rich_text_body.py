"""Issue 18: a notice's body keeps the paragraphs and line breaks a clerk types or pastes as plain text
(the form without JavaScript), the editor's (Trix) blocks become paragraphs, and nh3 still sanitizes
on save and on render (R-NOT-1, R-GEN-3)."""

import pytest

from notices.models import Article, ItemStatus
from notices.richtext import body_html, editor_html_to_html, plain_text_to_html

from .conftest import article_url, post_article, text

pytestmark = pytest.mark.django_db

LETTER = "各区民政局：\n  现将2027年度申报事项通知如下。\n\n一、申报时间：即日起至12月31日。\n\n上海市民政局\n2026年12月1日"


def test_plain_text_typed_in_the_form_keeps_its_paragraphs_and_signature(as_role, hp_admin):
    post_article(as_role("hp_admin"), title="关于2027年度申报的通知", body=LETTER, action="publish")
    article = Article.objects.get(title="关于2027年度申报的通知")
    assert article.body == (
        "<p>各区民政局：<br>  现将2027年度申报事项通知如下。</p>"
        "<p>一、申报时间：即日起至12月31日。</p>"
        "<p>上海市民政局<br>2026年12月1日</p>"
    )
    html = text(as_role("visitor").get(article_url(article)))
    assert "<p>上海市民政局<br>2026年12月1日</p>" in html


def test_the_editors_blocks_become_paragraphs_and_its_heading_an_h2(as_role, hp_admin):
    trix = "<h1>申报须知</h1><div><strong>重要</strong>提示<br>第二行<br><br>另一段</div><ul><li>甲</li></ul>"
    post_article(as_role("hp_admin"), title="编辑器写的通知", body=trix, action="publish")
    body = Article.objects.get(title="编辑器写的通知").body
    assert (
        body == "<h2>申报须知</h2><p><strong>重要</strong>提示<br>第二行</p><p>另一段</p><ul><li>甲</li></ul>"
    )


def test_an_old_body_stored_as_plain_text_is_shown_with_its_paragraphs(as_role, hp_admin):
    """Records saved before the editor: the render keeps paragraphs too."""
    post_article(as_role("hp_admin"), title="旧公告", action="publish")
    article = Article.objects.get(title="旧公告")
    Article.objects.filter(pk=article.pk).update(body="第一段\n\n第二段", status=ItemStatus.PUBLISHED)
    html = text(as_role("visitor").get(article_url(article)))
    assert "<p>第一段</p><p>第二段</p>" in html


@pytest.mark.parametrize(
    "raw",
    ["<div><img src=x onerror=alert(1)>正文</div>", "<div>正文<iframe src='https://x'></iframe></div>"],
)
def test_the_form_still_refuses_scripts_whatever_the_editor_sends(as_role, hp_admin, raw):
    response = post_article(as_role("hp_admin"), title="带脚本的通知", body=raw, action="publish")
    assert response.status_code == 200 and "不允许的脚本" in text(response)
    assert not Article.objects.filter(title="带脚本的通知").exists()


def test_markup_in_plain_text_is_escaped_not_read_as_html():
    assert plain_text_to_html("3 < 5 & 7 > 2") == "<p>3 &lt; 5 &amp; 7 &gt; 2</p>"


def test_what_is_kept_stays_the_same_when_saved_again():
    once = body_html(LETTER)
    assert body_html(once) == once
    assert body_html(body_html("<div>甲<br><br>乙</div>")) == "<p>甲</p><p>乙</p>"


def test_other_tags_are_still_dropped_by_the_allow_list():
    assert body_html('<div style="color:red"><span class="x">字</span><del>删</del></div>') == "<p>字删</p>"
    assert editor_html_to_html("<div><br>甲<br></div>") == "<p>甲</p>"


def test_an_empty_body_is_refused_with_a_message(as_role, hp_admin):
    response = post_article(as_role("hp_admin"), title="空正文", body="<div><br></div>", action="publish")
    assert response.status_code == 200 and "请填写正文" in text(response)


def test_the_form_marks_the_body_for_the_editor_and_loads_it_deferred(as_role, hp_admin):
    html = text(as_role("hp_admin").get("/notices/manage/article/new/?kind=notice"))
    assert 'data-rich-text="1"' in html
    assert '<script src="/static/vendor/trix/trix.umd.min.js" defer></script>' in html
    assert '<script src="/static/js/editor.js" defer></script>' in html
