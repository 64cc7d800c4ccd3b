"""The organization's 自荐 (R-DIR-2) and the rules it must obey (第八条、第十五条).

Requirements pinned here:
- R-DIR-2: an eligible organization picks 1 or 2 of its own published offers and uploads the stamped
  《购买主体推荐意见表》 (PDF or image); it can save a draft, edit it, and submit before the deadline.
- R-SUB-3: an organization on the 严重失信名单 cannot self-recommend.
- R-GEN-3: every refusal answers with a clear Chinese message and changes nothing (no row, no history,
  no stored file); a type is judged by the file's content, never by its name.
- One application per organization and edition: once submitted it cannot be submitted again.
"""

import pytest
from django.test import override_settings

from directory import services
from directory.models import Application, AppStatus, EditionStatus, ReviewStep
from offerings.services import offering_withdraw
from portal.errors import ServiceError
from tests import upload_samples
from tests.directory.conftest import (
    APPLY,
    MINE,
    advance,
    apply,
    city_decide,
    district_pass,
    make_edition,
    pdf_upload,
    snapshot,
    submitted,
)
from tests.directory.conftest import offer as make_offer
from tests.helpers import EXE_BYTES, PDF_BYTES, PNG_BYTES, chinese, days, form_errors, media_files, upload
from tests.html import text

pytestmark = pytest.mark.django_db


def refused(response, fragment):
    """The page came back with the form, and its errors say `fragment` in Chinese."""
    errors = form_errors(response)
    assert any(fragment in e for e in errors), errors
    assert all(chinese(e) for e in errors), errors
    assert fragment in text(response)  # shown to the user, not only kept in the form
    return errors


# --- drafts -----------------------------------------------------------------------------------------


def test_an_organization_saves_a_draft_edits_it_and_then_submits(
    login, hp_org_user, hp_org, hp_offers, edition
):
    """R-DIR-2: 保存草稿 keeps the choices; the draft can be changed before 提交自荐."""
    client = login(hp_org_user)
    response = apply(client, hp_offers[:1], action="save", statement="第一稿", form=None)
    assert response.status_code == 302 and response.url == APPLY
    app = Application.objects.get(organization=hp_org, edition=edition)
    assert app.status == AppStatus.DRAFT and app.submitted_at is None
    assert list(app.evidence.all()) == hp_offers[:1] and app.statement == "第一稿"
    assert not app.recommendation_form
    assert app.steps.count() == 0

    # The page opens with the draft's choices, then the draft is changed and a scan added.
    form = client.get(APPLY).context["form"]
    assert list(form.initial["evidence"]) == hp_offers[:1] and form.initial["statement"] == "第一稿"
    response = apply(client, hp_offers, action="save", statement="第二稿")
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == AppStatus.DRAFT
    assert set(app.evidence.all()) == set(hp_offers) and app.statement == "第二稿"
    assert app.recommendation_form and app.form_extension == ".pdf"
    assert app.form_original_name == "购买主体推荐意见表.pdf"
    stored = media_files()
    assert len(stored) == 1

    # Submitting without choosing the file again keeps the uploaded one.
    response = apply(client, hp_offers[:1], action="submit", statement="定稿", form=None)
    assert response.status_code == 302 and response.url == MINE
    app.refresh_from_db()
    assert app.status == AppStatus.DISTRICT and app.submitted_at is not None
    assert list(app.evidence.all()) == hp_offers[:1] and app.statement == "定稿"
    assert media_files() == stored
    assert [s.action for s in app.steps.all()] == [ReviewStep.Action.SUBMIT]
    records = list(app.history.order_by("history_date", "history_id"))
    assert records[0].history_type == "+" and records[-1].history_change_reason == "提交"
    assert {r.history_change_reason for r in records[1:-1]} == {"保存"}
    assert [r.status for r in records].count(AppStatus.DISTRICT) == 1
    assert {h.history_user for h in app.history.all()} == {hp_org_user}


def test_replacing_the_scan_of_a_draft_removes_the_old_file(
    login, hp_org_user, hp_offers, edition, django_capture_on_commit_callbacks
):
    """R-DIR-2: a draft keeps one scan; a new upload replaces it (as PNG this time) once the save commits."""
    client = login(hp_org_user)
    apply(client, hp_offers[:1], action="save")
    first = media_files()
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, hp_offers[:1], action="save", form=upload("扫描件.png", PNG_BYTES, "image/png"))
    app = Application.objects.get()
    assert app.form_extension == ".png" and app.form_original_name == "扫描件.png"
    assert len(media_files()) == 1 and media_files() != first


def test_submitting_without_the_stamped_form_is_refused_with_a_message(
    login, hp_org_user, hp_offers, edition
):
    """R-DIR-2: the 推荐意见表 is required to submit; the choices are kept as a draft."""
    response = apply(login(hp_org_user), hp_offers[:1], form=None)
    refused(response, "请上传盖章的《购买主体推荐意见表》")
    app = Application.objects.get()
    assert app.status == AppStatus.DRAFT and app.steps.count() == 0


def test_an_organization_without_an_open_edition_sees_that_collection_is_closed(
    login, hp_org_user, hp_offers
):
    """R-DIR-1: nothing to apply to before the city opens an edition; a POST creates nothing."""
    make_edition(status=EditionStatus.PREPARING)
    client = login(hp_org_user)
    response = client.get(APPLY)
    assert response.status_code == 200 and "目前没有正在征集的推荐目录" in text(response)
    before = snapshot()
    assert apply(client, hp_offers[:1]).status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize("user", ["visitor", "hp_purchaser", "hp_admin", "monitor"])
def test_only_organizations_open_the_self_recommendation_pages(as_role, user, hp_offers, edition):
    """R-ROLE-4: 自荐 is the organization's; others are sent to log in or refused."""
    client = as_role(user)
    before = snapshot()
    for url in (APPLY, MINE):
        assert client.get(url).status_code in ((302,) if user == "visitor" else (403, 404))
    assert apply(client, hp_offers[:1]).status_code in ((302,) if user == "visitor" else (403, 404))
    assert snapshot() == before


# --- evidence: 1 or 2 of the organization's own published offers ------------------------------------


def test_a_third_evidence_offer_is_refused(login, hp_org_user, hp_org, hp_offers, edition):
    """第十五条: 1至2个 offers; a third is refused with a message and nothing is saved."""
    third = make_offer(hp_org, "乐龄认知症照护", "0104")
    before = snapshot()
    response = apply(login(hp_org_user), [*hp_offers, third])
    refused(response, "最多只能选择2个佐证项目。")
    assert snapshot() == before


def test_no_evidence_offer_is_refused(login, hp_org_user, hp_offers, edition):
    before = snapshot()
    refused(apply(login(hp_org_user), []), "请选择1至2个佐证项目。")
    assert snapshot() == before


def test_an_offer_of_another_organization_is_refused(login, hp_org_user, hp_offers, xh_offers, edition):
    """R-DIR-2: the evidence must be the organization's own offers."""
    before = snapshot()
    response = apply(login(hp_org_user), [hp_offers[0], xh_offers[0]])
    refused(response, "所选项目不是本组织已发布的服务项目。")
    assert snapshot() == before


def test_the_service_refuses_another_organizations_offer_too(hp_org_user, edition, hp_offers, xh_offers):
    """R-ACC-5: the rule holds below the form as well."""
    before = snapshot()
    with pytest.raises(ServiceError) as exc:
        services.application_save(
            edition=edition, by=hp_org_user, evidence=[xh_offers[0]], upload=pdf_upload()
        )
    assert "不是本组织的服务项目" in exc.value.message
    assert snapshot() == before


def test_a_withdrawn_offer_is_refused(login, hp_org_user, hp_offers, edition):
    """R-DIR-2/R-OFF-4: only published offers can be evidence; a withdrawn one is refused."""
    offering_withdraw(offering=hp_offers[1], by=hp_org_user)
    before = snapshot()
    response = apply(login(hp_org_user), hp_offers)
    refused(response, "所选项目不是本组织已发布的服务项目。")
    assert snapshot() == before
    hp_offers[1].refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        services.application_save(edition=edition, by=hp_org_user, evidence=[hp_offers[1]])
    assert "未发布或已下架" in exc.value.message
    assert snapshot() == before


def test_history_records_who_made_each_version_also_outside_a_request(
    hp_org_user, hp_admin, hp_offers, edition
):
    """R-GEN-2: every version of an application names its author, including the first one."""
    app = submitted(hp_org_user, hp_offers[:1])
    services.district_review(application=app, by=hp_admin, passed=False, opinion="请补充材料")
    records = list(app.history.order_by("history_date", "history_id"))
    assert [r.history_user for r in records if r.history_user is None] == []
    assert records[-1].history_user == hp_admin and records[-1].history_change_reason == "退回：请补充材料"


def test_an_offer_withdrawn_after_the_draft_was_saved_blocks_the_submission(hp_org_user, hp_offers, edition):
    """R-DIR-2: the evidence is checked again at submission."""
    app = services.application_save(edition=edition, by=hp_org_user, evidence=hp_offers, upload=pdf_upload())
    offering_withdraw(offering=hp_offers[0], by=hp_org_user)
    before = snapshot()
    with pytest.raises(ServiceError) as exc:
        services.application_submit(application=app, by=hp_org_user)
    assert "未发布或已下架" in exc.value.message and hp_offers[0].title in exc.value.message
    assert snapshot() == before


# --- the stamped form: PDF, PNG or JPEG by content, and not too big --------------------------------


@pytest.mark.parametrize(
    "name, content",
    [
        ("form.pdf", EXE_BYTES),  # an executable renamed to .pdf
        ("scan.png", "这是一个文本文件，不是图片。\n".encode()),  # a text file renamed to .png
        ("form.jpg", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_a_file_that_is_not_a_pdf_or_image_is_refused_whatever_its_name(
    login, hp_org_user, hp_offers, edition, name, content
):
    """R-DIR-2/R-GEN-3: judged by the bytes; nothing stored, no application created."""
    before = snapshot()
    response = apply(login(hp_org_user), hp_offers[:1], form=upload(name, content, "application/pdf"))
    refused(response, "只能上传 PDF、JPG 或 PNG 格式的盖章扫描件")
    assert snapshot() == before
    assert media_files() == []


def test_a_bad_file_does_not_replace_the_scan_of_a_draft(login, hp_org_user, hp_offers, edition):
    client = login(hp_org_user)
    apply(client, hp_offers[:1], action="save")
    before = snapshot()
    response = apply(client, hp_offers, action="save", form=upload("form.pdf", EXE_BYTES))
    refused(response, "只能上传 PDF、JPG 或 PNG")
    assert snapshot() == before


@override_settings(DOCUMENT_MAX_UPLOAD_BYTES=1024 * 1024)
def test_a_file_over_the_size_limit_is_refused(login, hp_org_user, hp_offers, edition):
    """R-GEN-3: over DOCUMENT_MAX_UPLOAD_BYTES → 文件过大, naming the limit; nothing saved."""
    big = PDF_BYTES + b"0" * (1024 * 1024)
    before = snapshot()
    response = apply(login(hp_org_user), hp_offers[:1], form=pdf_upload("大文件.pdf", big))
    errors = refused(response, "文件过大")
    assert any("不能超过 1 MB" in e for e in errors), errors
    assert snapshot() == before


@override_settings(DOCUMENT_MAX_UPLOAD_BYTES=1024 * 1024)
def test_a_file_at_the_size_limit_is_accepted(login, hp_org_user, hp_offers, edition):
    exact = upload_samples.pdf_of_size(1024 * 1024)
    response = apply(login(hp_org_user), hp_offers[:1], form=pdf_upload("刚好.pdf", exact))
    assert response.status_code == 302
    assert Application.objects.get().status == AppStatus.DISTRICT


@override_settings(DOCUMENT_MAX_UPLOAD_BYTES=2048)
def test_the_size_message_names_a_limit_below_one_megabyte_sensibly(login, hp_org_user, hp_offers, edition):
    """R-GEN-3: the message must state the real limit, not "不能超过 0 MB"."""
    response = apply(login(hp_org_user), hp_offers[:1], form=pdf_upload("大.pdf", PDF_BYTES + b"0" * 4096))
    errors = refused(response, "文件过大")
    assert not any("不能超过 0 MB" in e for e in errors), errors


def test_a_crafted_clear_checkbox_gets_a_message_not_a_server_error(login, hp_org_user, hp_offers, edition):
    """R-GEN-3: recommendation_form-clear=on (the ClearableFileInput's checkbox) must not crash the page."""
    client = login(hp_org_user)
    apply(client, hp_offers[:1], action="save")
    before = snapshot()
    response = apply(client, hp_offers[:1], action="submit", form=None, **{"recommendation_form-clear": "on"})
    assert response.status_code in (200, 302)
    app = Application.objects.get()
    assert app.recommendation_form  # the scan is still there (or the submission was refused with a message)
    if response.status_code == 200:
        assert snapshot() == before


# --- the collection period -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "starts_on, deadline",
    [(-30, -1), (1, 30)],
    ids=["after-the-deadline", "before-the-start"],
)
def test_applying_outside_the_collection_period_is_refused(
    login, hp_org_user, hp_offers, starts_on, deadline
):
    """R-DIR-1: only between the start date and the deadline day (inclusive)."""
    edition = make_edition(starts_on=days(starts_on), deadline=days(deadline))
    before = snapshot()
    for action in ("submit", "save"):
        response = apply(login(hp_org_user), hp_offers[:1], action=action)
        errors = refused(response, "不在征集期内")
        assert any(edition.display_title in e for e in errors)
    assert snapshot() == before


def test_a_returned_application_cannot_be_resubmitted_after_the_deadline(
    hp_org_user, hp_admin, hp_offers, edition
):
    app = submitted(hp_org_user, hp_offers[:1])
    services.district_review(application=app, by=hp_admin, passed=False, opinion="请补充材料")
    edition.deadline = days(-1)
    edition.save()
    before = snapshot()
    with pytest.raises(ServiceError) as exc:
        services.application_submit(application=app, by=hp_org_user)
    assert "不在征集期内" in exc.value.message
    assert snapshot() == before


def test_the_deadline_day_itself_is_still_open(login, hp_org_user, hp_offers):
    """征集截止日期: “截止日当天24时前可以提交”."""
    make_edition(starts_on=days(-30), deadline=days(0))
    assert apply(login(hp_org_user), hp_offers[:1]).status_code == 302
    assert Application.objects.get().status == AppStatus.DISTRICT


# --- one application per organization and edition -------------------------------------------------


def test_a_second_submission_while_the_first_is_pending_is_refused(login, hp_org_user, hp_offers, edition):
    """One application per organization and edition: while it is under review, nothing can be resubmitted."""
    client = login(hp_org_user)
    assert apply(client, hp_offers[:1]).status_code == 302
    before = snapshot()
    assert client.get(APPLY).url == MINE
    response = apply(client, hp_offers, statement="再交一次")
    assert response.status_code == 302 and response.url == MINE
    assert snapshot() == before
    app = Application.objects.get()
    with pytest.raises(ServiceError) as exc:
        services.application_save(edition=edition, by=hp_org_user, evidence=hp_offers, upload=pdf_upload())
    assert exc.value.message == "申请已提交，审核期间不能修改。"
    with pytest.raises(ServiceError):
        services.application_submit(application=app, by=hp_org_user)
    assert snapshot() == before


def test_a_second_submission_after_approval_is_refused(
    login, hp_org_user, hp_admin, city_admin, hp_offers, edition
):
    app = submitted(hp_org_user, hp_offers[:1])
    district_pass(app, hp_admin)
    city_decide(app, city_admin)
    client = login(hp_org_user)
    before = snapshot()
    response = apply(client, hp_offers)
    assert response.status_code == 302 and response.url == MINE
    with pytest.raises(ServiceError) as exc:
        services.application_submit(application=app, by=hp_org_user)
    assert chinese(exc.value.message)
    assert snapshot() == before
    assert Application.objects.count() == 1


def test_a_colleague_of_the_same_organization_edits_the_same_application(
    login, hp_org, hp_org_user, hp_offers, edition
):
    """One per organization: a second account of the organization continues the same draft."""
    from accounts.models import Role
    from tests.factories import UserFactory

    colleague = UserFactory(role=Role.ORGANIZATION, organization=hp_org)
    apply(login(hp_org_user), hp_offers[:1], action="save")
    apply(login(colleague), hp_offers, action="submit", form=None)
    app = Application.objects.get()
    assert app.status == AppStatus.DISTRICT and set(app.evidence.all()) == set(hp_offers)


def test_the_next_years_edition_takes_a_new_application(
    hp_org_user, hp_admin, city_admin, hp_offers, edition
):
    app = submitted(hp_org_user, hp_offers[:1])
    district_pass(app, hp_admin)
    advance(edition, city_admin, EditionStatus.REVIEWING)
    city_decide(app, city_admin, approved=False, opinion="暂不列入")
    advance(edition, city_admin, EditionStatus.PUBLISHED)
    later = make_edition(edition.year + 1)
    submitted(hp_org_user, hp_offers[:1], edition=later)
    assert Application.objects.filter(organization=app.organization).count() == 2


# --- eligibility -----------------------------------------------------------------------------------


def test_an_organization_on_the_serious_dishonesty_list_cannot_apply(
    login, hp_org_user, hp_org, hp_offers, edition, list_serious
):
    """R-SUB-3: listed 严重失信 → refused with a message, nothing saved; the page says why up front."""
    list_serious(hp_org)
    client = login(hp_org_user)
    assert "列入严重失信名单" in text(client.get(APPLY))
    before = snapshot()
    for action in ("submit", "save"):
        refused(apply(client, hp_offers[:1], action=action), "严重失信")
    assert snapshot() == before


def test_a_draft_of_an_organization_listed_afterwards_cannot_be_submitted(
    login, hp_org_user, hp_org, hp_offers, edition, list_serious
):
    client = login(hp_org_user)
    apply(client, hp_offers[:1], action="save")
    list_serious(hp_org)
    before = snapshot()
    refused(apply(client, hp_offers[:1], action="submit", form=None), "严重失信")
    assert snapshot() == before
    assert Application.objects.get().status == AppStatus.DRAFT
