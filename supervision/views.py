from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import SocialOrganization
from demands.models import Demand
from offerings.models import Offering
from portal import listing, params
from portal.excel import Column, write_rows
from portal.http import xlsx_response
from portal.paging import filtered_page

from . import assessment, completeness, deadlines, findings, reminders
from .forms import AnswerForm, CloseForm, OpenFindingForm
from .models import CreditRecord, Finding, FindingKind, FindingStatus, TargetType

LIMIT = 200


def _year(request):
    this_year = timezone.localdate().year
    return params.year(request.GET, default=this_year, minimum=2015, maximum=this_year + 1, lenient=True)


def _years():
    this_year = timezone.localdate().year
    return range(this_year + 1, this_year - 5, -1)


def _first_error(exc):
    return "；".join(exc.messages)


# --- completeness (R-SUP-1) and reminders ------------------------------------------------


@login_required
@permissions.role_required(permissions.is_admin)
def incomplete(request):
    """Incomplete published records in the administrator's scope (R-SUP-1)."""
    demands = completeness.incomplete_demands(permissions.scope_to(request.user, Demand.objects.all()))
    offerings = completeness.incomplete_offerings(permissions.scope_to(request.user, Offering.objects.all()))
    demand_rows = list(demands.select_related("unit").order_by("period_start", "pk")[:LIMIT])
    offering_rows = list(offerings.select_related("organization").order_by("pk")[:LIMIT])
    for d in demand_rows:
        d.missing = completeness.demand_missing(d)
    for o in offering_rows:
        o.missing = completeness.offering_missing(o)
    return render(
        request,
        "supervision/incomplete.html",
        {
            "demands": demand_rows,
            "offerings": offering_rows,
            "demand_count": demands.count(),
            "offering_count": offerings.count(),
            "limit": LIMIT,
        },
    )


@login_required
@require_POST
@permissions.role_required(permissions.is_admin)
def remind(request, kind, pk):
    """发送提醒: a reminder to the publisher of one incomplete record in scope."""
    try:
        count = reminders.remind_by_hand(by=request.user, kind=kind, pk=pk)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, f"已向发布方的 {count} 个账号发送站内信提醒（有邮箱的同时发送邮件）。")
    return redirect("supervision:incomplete")


@login_required
@require_POST
@permissions.role_required(permissions.is_admin)
def remind_all(request):
    """全部提醒: every incomplete record in scope at once (issue 18), each at most once a day."""
    reminded, accounts, skipped = reminders.remind_all_by_hand(by=request.user)
    text = f"已提醒 {reminded} 条信息的发布方，共 {accounts} 个账号（有邮箱的同时发送邮件）。"
    if skipped:
        text += f"另有 {skipped} 条今天已提醒过或发布方没有可用账号，未重复发送。"
    messages.success(request, text)
    return redirect("supervision:incomplete")


# --- deadlines (R-SUP-2) and assessment (R-SUP-6) ----------------------------------------


@login_required
@permissions.role_required(permissions.is_admin)
def deadline_table(request):
    """R-SUP-2: the deadline table of one year, per district (city) or per purchaser unit (district)."""
    year = _year(request)
    by = "district" if permissions.is_city_admin(request.user) else "unit"
    scoped = permissions.scope_to(request.user, Demand.objects.all())
    rows = deadlines.sort_rows(
        deadlines.table(deadlines.year_demands(scoped, year), by=by), request.GET.get("sort", "")
    )
    group_label = "区" if by == "district" else "购买主体"
    if request.GET.get("format") == "xlsx":
        columns = [Column("name", group_label, width=30)]
        columns += [Column(key, label, kind="int", width=14) for key, label in deadlines.COLUMNS]
        columns.append(Column("rate", "按时发布率（%）", width=14))
        data = [
            {"name": r.name, **r.counts, "rate": "" if r.on_time_rate is None else str(r.on_time_rate)}
            for r in rows
        ]
        return xlsx_response(
            write_rows(columns, data, sheet_title="发布时限"), f"{year}年发布时限督办表.xlsx"
        )
    return render(
        request,
        "supervision/deadlines.html",
        {
            "rows": rows,
            "columns": deadlines.COLUMNS,
            "year": year,
            "years": _years(),
            "group_label": group_label,
            "sort": request.GET.get("sort", ""),
        },
    )


@login_required
@permissions.role_required(permissions.is_admin)
def assessment_table(request):
    """R-SUP-6: the 督办和考核 table of one year."""
    year = _year(request)
    by, rows = assessment.table(request.user, year)
    sort = request.GET.get("sort", "")
    rows = assessment.sort_rows(rows, sort)
    group_label = "区" if by == "district" else "购买主体"
    columns = [
        (k, label)
        for k, label in assessment.COUNT_COLUMNS
        if not (by == "unit" and k in assessment.DISTRICT_ONLY)
    ]
    if request.GET.get("format") == "xlsx":
        sheet = [Column("name", group_label, width=30)]
        sheet += [Column(key, label, kind="int", width=14) for key, label in columns]
        sheet += [Column(key, label, width=14) for key, label in assessment.RATE_COLUMNS]
        data = []
        for r in rows:
            item = {"name": r.name, **{key: r.value(key) for key, _ in columns}}
            item.update(
                {
                    key: "" if getattr(r, key) is None else str(getattr(r, key))
                    for key, _ in assessment.RATE_COLUMNS
                }
            )
            data.append(item)
        return xlsx_response(write_rows(sheet, data, sheet_title="督办考核"), f"{year}年督办考核表.xlsx")
    return render(
        request,
        "supervision/assessment.html",
        {
            "rows": [(r, [r.value(k) for k, _ in columns]) for r in rows],
            "columns": columns,
            "rate_columns": assessment.RATE_COLUMNS,
            "year": year,
            "years": _years(),
            "group_label": group_label,
            "sort": sort,
            "by": by,
        },
    )


# --- content findings (R-SUP-3) ----------------------------------------------------------


def _finding_or_404(user, pk):
    try:
        return permissions.findings_visible_to(user, Finding.objects.all()).get(pk=pk)
    except (Finding.DoesNotExist, ValueError) as exc:
        raise Http404("不存在或无权查看") from exc


@login_required
def finding_list(request):
    user = request.user
    if not (
        permissions.is_monitor(user)
        or permissions.is_admin(user)
        or permissions.is_purchaser(user)
        or permissions.is_organization_user(user)
    ):
        raise PermissionDenied
    qs = permissions.findings_visible_to(user, Finding.objects.all()).select_related(
        "organization", "unit", "authority_district"
    )
    status = request.GET.get("status", "")
    if status in FindingStatus.values:
        qs = qs.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in FindingKind.values:
        qs = qs.filter(kind=kind)
    target_type = request.GET.get("type", "")
    if target_type in TargetType.values:
        qs = qs.filter(target_type=target_type)
    text = listing.clean_query(request.GET.get("q", ""))
    if text:
        qs = qs.filter(Q(number__icontains=text) | Q(target_title__icontains=text))
    params = {"status": status, "kind": kind, "type": target_type, "q": text}
    return render(
        request,
        "supervision/finding_list.html",
        {
            **filtered_page(request, qs, params),
            "params": params,
            "statuses": FindingStatus.choices,
            "kinds": FindingKind.choices,
            "types": TargetType.choices,
            "can_open": permissions.can_open_findings(request.user),
        },
    )


@login_required
@permissions.role_required(permissions.can_open_findings)
def finding_new(request):
    """The monitor opens a finding on one published record: ?type=demand&id=12."""
    target_type = request.GET.get("type", "")
    target_id = request.GET.get("id", "")
    try:
        target = findings.resolve_target(target_type, target_id)
    except ValidationError as exc:
        raise Http404(_first_error(exc)) from exc
    form = OpenFindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            finding = findings.open_finding(
                by=request.user,
                target_type=target.type,
                target_id=target.obj.pk,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"已发起内容监测（编号 {finding.number}），发布方和登记管理机关已收到站内信。"
            )
            return redirect("supervision:finding", pk=finding.pk)
    return render(request, "supervision/finding_new.html", {"form": form, "target": target})


@login_required
def finding_detail(request, pk):
    finding = _finding_or_404(request.user, pk)
    can_answer = permissions.can_answer_finding(request.user, finding) and not finding.is_closed
    can_close = permissions.can_close_finding(request.user, finding) and not finding.is_closed
    answer_form = AnswerForm(initial={"answer": finding.answer}) if can_answer else None
    close_form = CloseForm() if can_close else None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "answer" and can_answer:
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    findings.answer_finding(
                        finding=finding, by=request.user, answer=answer_form.cleaned_data["answer"]
                    )
                    messages.success(request, "答复已提交，内容监测员和登记管理机关已收到站内信。")
                    return redirect("supervision:finding", pk=pk)
            elif action == "close" and can_close:
                close_form = CloseForm(request.POST)
                if close_form.is_valid():
                    findings.close_finding(
                        finding=finding,
                        by=request.user,
                        result=close_form.cleaned_data["result"],
                        result_text=close_form.cleaned_data["result_text"],
                    )
                    messages.success(request, "该问题已办结。")
                    return redirect("supervision:finding", pk=pk)
            elif action in ("answer", "close"):
                if finding.is_closed:
                    messages.error(request, "该问题已经办结，不能重复办结或再答复。")
                    return redirect("supervision:finding", pk=pk)
                raise PermissionDenied
            else:
                raise Http404("无此操作")
        except ValidationError as exc:
            messages.error(request, _first_error(exc))
            return redirect("supervision:finding", pk=pk)
    history = list(finding.history.select_related("history_user").order_by("history_date", "history_id"))
    return render(
        request,
        "supervision/finding_detail.html",
        {
            "finding": finding,
            "target_url": findings.target_url(finding),
            "answer_form": answer_form,
            "close_form": close_form,
            "history": history,
            "credit_record": CreditRecord.objects.filter(finding=finding).first()
            if permissions.is_admin(request.user) or permissions.is_monitor(request.user)
            else None,
        },
    )


# --- 失信记录 (R-SUP-4) ---------------------------------------------------------------------

CREDIT_COLUMNS = [
    Column("recorded_on", "记录日期", kind="date", width=14),
    Column("organization", "社会组织", width=36),
    Column("uscc", "统一社会信用代码", width=22),
    Column("district", "登记管理机关", width=16),
    Column("finding", "监测问题编号", width=18),
    Column("target", "相关信息", width=36),
    Column("record", "失信情况", width=60),
    Column("serious", "是否在严重失信名单", width=18),
]


@login_required
@permissions.role_required(permissions.is_admin)
def credit_list(request):
    year = _year(request)
    qs = (
        permissions.scope_to(request.user, CreditRecord.objects.all())
        .filter(recorded_on__year=year)
        .select_related("organization__registration_district", "finding")
    )
    text = listing.clean_query(request.GET.get("q", ""))
    if text:
        qs = qs.filter(Q(organization__name__icontains=text) | Q(organization__uscc__iexact=text))
    if request.GET.get("format") == "xlsx":
        data = (
            {
                "recorded_on": r.recorded_on,
                "organization": r.organization.name,
                "uscc": r.organization.uscc,
                "district": r.organization.registration_authority,
                "finding": r.finding.number,
                "target": r.finding.target_title,
                "record": r.record,
                "serious": "是" if r.organization.on_serious_list else "否",
            }
            for r in qs.order_by("recorded_on", "pk")
        )
        return xlsx_response(
            write_rows(CREDIT_COLUMNS, data, sheet_title="失信记录"), f"{year}年社会组织失信记录.xlsx"
        )
    filters = {"year": year, "q": text}
    context = filtered_page(request, qs, filters)
    return render(request, "supervision/credit_list.html", {**context, **filters, "years": _years()})


@login_required
@permissions.role_required(permissions.is_admin)
def credit_organization(request, pk):
    """One organization's 失信记录 of every year, for the administrator over it."""
    organization = permissions.get_in_scope_or_404(
        request.user, SocialOrganization.objects.select_related("registration_district"), pk=pk
    )
    records = organization.credit_records.select_related("finding").order_by("-recorded_on", "-pk")
    return render(
        request,
        "supervision/credit_organization.html",
        {"organization": organization, "records": records, "entries": organization.dishonesty_entries.all()},
    )
