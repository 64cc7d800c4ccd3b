from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import permissions
from accounts.models import SocialOrganization
from portal import listing, refdata
from portal.directory_members import mark_members
from portal.errors import ServiceError
from portal.excel import build_template
from portal.forms import ImportUploadForm
from portal.http import xlsx_response

from . import exports, importing, jobs, selectors, services
from .cards import demand_cards
from .forms import AdjustForm, AwardForm, CancelForm, DemandForm, EvaluateForm
from .models import PLATFORM_SOURCE, Demand, Status


def demand_list(request):
    """Public listing: search, filters, sorting, pagination (R-MAT-1)."""
    found = selectors.listing(
        request.GET,
        selectors.public_demands().select_related(*selectors.CARD_RELATED).only(*selectors.LIST_COLUMNS),
    )
    sorts = [(key, label) for key, (label, _) in selectors.SORTS.items() if key != "relevance" or found.text]
    return listing.listing_page(request, "demands/list.html", found, sorts, rows=_cards)


def _cards(demands):
    """The page's demands as the listing's cards, each marked whether its 承接方 is in the 推荐目录."""
    demands = refdata.attach(list(demands), *selectors.CARD_MEMO)  # 类别, 区 and 街镇 without a query
    return demand_cards(mark_members(demands, "awarded_org_id", "awarded_member"))


def _with_interest_flag(qs):
    """`has_interests` on each demand: whether any organization said 有意承接 (through the reverse
    relation, so that demands/ need not import matching)."""
    interest = Demand._meta.get_field("interests").related_model
    return qs.annotate(has_interests=Exists(interest.objects.filter(demand=OuterRef("pk"))))


def demand_detail(request, pk):
    # Through the user's scope; whether it has 承接意向 comes with the demand (the block asks it of a
    # closed demand), so that the page does not spend a query on it.
    demand = get_object_or_404(
        _with_interest_flag(selectors.demands_visible_to(request.user)).select_related(
            "unit__district", "category__parent", "district", "street", "purchase_type", "awarded_org"
        ),
        pk=pk,
    )
    history = []
    if request.user.is_authenticated:
        history = selectors.demand_history(demand)
    return render(
        request,
        "demands/detail.html",
        {
            "demand": demand,
            "can_edit": permissions.can_edit_demand(request.user, demand),
            "can_copy": permissions.can_copy_demand(request.user, demand),
            "history": history,
            "actions": services.TABLE.available(demand.status),
            "completeness_missing": demand.missing_information() if request.user.is_authenticated else [],
        },
    )


@login_required
@require_http_methods(["POST"])
def demand_copy(request, pk):
    """复制为新草稿: any demand of the user's own unit, of any year (issue 18)."""
    if not permissions.is_purchaser(request.user):
        raise Http404
    demand = get_object_or_404(Demand, pk=pk, unit_id=request.user.purchaser_unit_id)
    try:
        copy = services.demand_copy(demand=demand, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("demands:detail", pk=pk)
    messages.success(
        request,
        f"已复制为 {copy.year} 年度的新草稿。请核对实施期限、预算和联系人等信息后再发布。",
    )
    return redirect("demands:edit", pk=copy.pk)


@login_required
def demand_preview(request, pk):
    """A draft as the public will see it once published: the visitor's page, without actions,
    history or contact details (R-ACC-4), published now."""
    demand = _own_demand(request, pk)
    if demand.status != Status.DRAFT:
        return redirect("demands:detail", pk=pk)
    demand.status = Status.PUBLISHED
    demand.published_at = timezone.now()
    return render(request, "demands/detail.html", {"demand": demand, "preview": True})


def _own_demand(request, pk):
    """A demand the user's unit owns and maintains here; anything else answers 404 (R-ACC-5).
    A project imported from another platform is maintained there (R-INT-1)."""
    if not permissions.is_purchaser(request.user):
        raise Http404
    return get_object_or_404(
        Demand.objects.select_related("unit", "category__parent", "district", "street", "purchase_type"),
        pk=pk,
        unit_id=request.user.purchaser_unit_id,
        source=PLATFORM_SOURCE,
    )


@login_required
@permissions.role_required(permissions.is_purchaser)
def my_demands(request):
    """我的需求: the purchaser unit's demands with status, deadline flags and actions."""
    status = request.GET.get("status", "")
    qs = (
        selectors.demands_of_unit(request.user.purchaser_unit)
        .select_related(*selectors.LIST_RELATED)
        .prefetch_related(*selectors.LIST_PREFETCH)
    )
    if status in Status.values:
        qs = qs.filter(status=status)
    text = listing.search_text(request)
    if text:
        qs = qs.filter(Q(title__icontains=text))
    qs = qs.order_by("-updated_at", "-pk")
    page = Paginator(qs, 20).get_page(listing.page_number(request))
    return render(
        request,
        "demands/mine.html",
        {"page": page, "status": status, "statuses": Status.choices, "q": text, "Status": Status},
    )


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.is_purchaser)
def demand_create(request):
    unit = request.user.purchaser_unit
    initial = {
        "district": unit.district_id,
        "contact_person": unit.contact_person or request.user.full_name,
        "contact_phone": unit.contact_phone or request.user.phone,
        "contact_email": request.user.email,
        "year": timezone.localdate().year,
    }
    form = DemandForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "publish"
        try:
            demand = services.demand_create(demand=form.save(commit=False), by=request.user, publish=publish)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "需求已发布。" if publish else "已保存为草稿，确认无误后请点击“发布”。")
            return redirect("demands:detail", pk=demand.pk)
    return render(request, "demands/form.html", {"form": form, "title": "发布购买服务需求", "mode": "create"})


@login_required
@require_http_methods(["GET", "POST"])
def demand_edit(request, pk):
    demand = _own_demand(request, pk)
    actions = services.TABLE.available(demand.status)
    if not actions & {"edit_draft", "adjust"}:
        messages.error(request, f"“{demand.get_status_display()}”的需求不能修改。")
        return redirect("demands:detail", pk=pk)
    adjusting = "adjust" in actions
    form_class = AdjustForm if adjusting else DemandForm
    form = form_class(request.POST or None, instance=demand)
    if request.method == "POST" and form.is_valid():
        try:
            if adjusting:
                services.demand_adjust(
                    demand=form.save(commit=False), by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, "需求已调整，调整原因已记入变更记录。")
            else:
                services.demand_update_draft(demand=form.save(commit=False), by=request.user)
                if request.POST.get("action") == "publish":
                    services.demand_publish(demand=demand, by=request.user)
                    messages.success(request, "需求已发布。")
                else:
                    messages.success(request, "草稿已保存。")
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("demands:detail", pk=pk)
    title = "调整已发布的需求" if adjusting else "修改草稿"
    return render(
        request,
        "demands/form.html",
        {"form": form, "title": title, "mode": "adjust" if adjusting else "edit", "demand": demand},
    )


def _run(request, demand, action, **kwargs):
    try:
        action(demand=demand, by=request.user, **kwargs)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return False
    return True


@login_required
@require_http_methods(["POST"])
def demand_publish(request, pk):
    demand = _own_demand(request, pk)
    if _run(request, demand, services.demand_publish):
        messages.success(request, "需求已发布。")
    return redirect("demands:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def demand_cancel(request, pk):
    demand = _own_demand(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(request, demand, services.demand_cancel, reason=form.cleaned_data["reason"]):
            messages.success(request, "需求已取消。取消的需求不会删除，页面上会显示取消原因。")
        return redirect("demands:detail", pk=pk)
    return render(
        request,
        "demands/action.html",
        {"demand": demand, "form": form, "title": "取消需求", "button": "确认取消", "danger": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def demand_award(request, pk):
    demand = _own_demand(request, pk)
    search_text = listing.clean_query(request.GET.get("org_q", ""))
    results = []
    if search_text:
        results = list(
            SocialOrganization.objects.filter(Q(name__icontains=search_text) | Q(uscc__iexact=search_text))
            .select_related("registration_district")
            .order_by("name")[:20]
        )
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _run(
            request,
            demand,
            services.demand_award,
            organization=form.cleaned_data["organization"],
            amount=form.cleaned_data["amount"],
            awarded_on=form.cleaned_data["awarded_on"],
        ):
            messages.success(request, "承接信息已补录。")
            return redirect("demands:detail", pk=pk)
    return render(
        request,
        "demands/award.html",
        {"demand": demand, "form": form, "results": results, "org_q": search_text},
    )


@login_required
@require_http_methods(["GET", "POST"])
def demand_evaluate(request, pk):
    demand = _own_demand(request, pk)
    form = EvaluateForm(request.POST or None, demand=demand)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            demand,
            services.demand_evaluate,
            grade=data["grade"],
            score=data["score"],
            summary=data["summary"],
            evaluated_on=data["evaluated_on"],
        ):
            messages.success(request, "绩效评价结果已补录。")
            return redirect("demands:detail", pk=pk)
    return render(
        request,
        "demands/action.html",
        {"demand": demand, "form": form, "title": "补录绩效评价结果", "button": "保存评价结果"},
    )


# --- Excel 批量发布 (R-DEM-3) -------------------------------------------------------------


@login_required
@permissions.role_required(permissions.is_purchaser)
def import_template(request):
    content = build_template(
        importing.columns(),
        instructions=[
            "每行填写一个项目，从第2行开始；第2行是示例，请删除或改写。",
            "带 * 的列必填。项目类别、购买服务类型、服务区域等请从下拉列表选择。",
            "金额以元为单位；日期请按 2025-03-01 的格式填写。",
            "上传后会先预览并列出每一行的问题，确认后才会发布；有任何一行有问题时不会发布任何一行。",
        ],
    )
    return xlsx_response(content, "购买服务需求批量发布模板.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.is_purchaser)
def import_upload(request):
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    return jobs.IMPORT.upload_page(request, form=form, template="demands/import_upload.html")


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.is_purchaser)
def import_preview(request, batch_id):
    return jobs.IMPORT.preview_page(request, batch_id, template="demands/import_preview.html")


# --- export of the public listing (R-STA-3) ----------------------------------------------------


demand_list_export = listing.export_view(
    selectors.listing, job="demands_export", title="导出购买服务需求列表", response=exports.demands_response
)
