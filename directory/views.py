from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from demands.models import Demand
from portal import export_jobs, listing, params
from portal.errors import ServiceError
from portal.excel import Column, write_rows
from portal.http import xlsx_response
from portal.uploads import CONTENT_TYPES

from . import exports, selectors, services
from .cards import member_cards
from .filters import selects
from .forms import ApplicationForm, CityReviewForm, DistrictReviewForm, RecommendForm
from .models import Application, AppStatus, Edition, EditionStatus, PurchaserRecommendation


def directory_home(request):
    """推荐目录: the editions published so far, and the one collecting now."""
    return render(
        request,
        "directory/home.html",
        {
            "editions": selectors.published_editions(),
            "collecting": selectors.current_collecting_edition(),
        },
    )


def _published_edition(year):
    return get_object_or_404(Edition, year=year, status=EditionStatus.PUBLISHED)


def edition_detail(request, year):
    """The published directory of one year (R-DIR-4): filter by category and district, search."""
    edition = _published_edition(year)
    text = listing.search_text(request)
    category = request.GET.get("category", "")[:8]
    district = params.optional_id(request.GET, "district", label="区")
    qs = selectors.members(edition, evidence=False)
    qs = selectors.filter_members(qs, category=category, district=district, text=text)
    context = listing.paginate(request, qs, [], "", exact=listing.OneScanPaginator)
    can_remove = permissions.is_city_admin(request.user)
    page = context["page"]
    rows = selectors.with_districts(list(page.object_list))
    page.object_list = member_cards(rows, selectors.evidence_of(rows), can_remove=can_remove)
    context.update(
        {
            "edition": edition,
            "q": text,
            "category": category,
            "district": district,
            "selects": selects(category, district),
            # Members the city removed after publishing stay on the page, marked with the date (issue 18).
            "removed": Application.objects.filter(edition=edition, status=AppStatus.REMOVED)
            .select_related("organization")
            .only("organization__name", "removed_at", "removal_reason")
            .order_by("removed_at"),
            "can_remove": can_remove,
            # The 内容监测 button of each card (components/finding_button.html), asked about once.
            "can_open_findings": permissions.can_open_findings(request.user),
        }
    )
    return render(request, "directory/edition.html", context)


def _members_export_job(request, edition, year, total):
    """An edition's export too large to write within the request: the `members_export` job."""
    return export_jobs.start(
        request, "members_export", title=f"导出{edition.display_title}", total=total, kwargs={"year": year}
    )


def edition_export(request, year):
    edition = _published_edition(year)
    members = selectors.members(edition)
    total = members.count()
    if export_jobs.too_big(total):  # the whole edition as the filtered export writes it, by a job
        return _members_export_job(request, edition, year, total)
    return xlsx_response(exports.edition_bytes(members), f"{edition.display_title}.xlsx")


BLANK_FORM_ITEMS = [
    "被推荐社会组织名称",
    "统一社会信用代码",
    "购买主体名称（盖章）",
    "合作项目名称",
    "项目实施时间",
    "项目金额（元）",
    "绩效评价结果",
    "推荐意见",
    "联系人及电话",
    "日期",
]


def blank_form_bytes():
    columns = [Column("item", "项目", width=24), Column("content", "内容（由购买主体填写）", width=60)]
    rows = [{"item": item, "content": ""} for item in BLANK_FORM_ITEMS]
    return write_rows(columns, rows, sheet_title="购买主体推荐意见表")


def blank_form(request):
    """A blank 《购买主体推荐意见表》 to print, fill in, stamp and scan."""
    return xlsx_response(blank_form_bytes(), "购买主体推荐意见表.xlsx")


# --- the organization's self-recommendation (R-DIR-2) ----------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.is_organization_user)
def apply(request):
    edition = selectors.current_collecting_edition()
    organization = request.user.organization
    application = (
        Application.objects.filter(edition=edition, organization=organization).first() if edition else None
    )
    if edition is None:
        return render(request, "directory/apply_closed.html", {"application": None})
    if application and application.status not in (AppStatus.DRAFT, AppStatus.RETURNED):
        return redirect("directory:mine")
    initial = {}
    if application:
        initial = {"evidence": list(application.evidence.all()), "statement": application.statement}
    form = ApplicationForm(
        request.POST or None, request.FILES or None, organization=organization, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_save(
                edition=edition,
                by=request.user,
                evidence=form.cleaned_data["evidence"],
                statement=form.cleaned_data["statement"],
                upload=form.cleaned_data.get("recommendation_form"),
            )
            if request.POST.get("action") == "submit":
                application = services.application_submit(application=application, by=request.user)
                messages.success(request, f"自荐申请已提交给{application.review_authority}。")
                return redirect("directory:mine")
            messages.success(request, "已保存草稿，截止日期前可以继续修改并提交。")
            return redirect("directory:apply")
        except ServiceError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "directory/apply.html",
        {"edition": edition, "form": form, "application": application, "eligible": organization.is_eligible},
    )


@login_required
@permissions.role_required(permissions.is_organization_user)
def my_applications(request):
    applications = (
        Application.objects.filter(organization=request.user.organization)
        .select_related("edition", "review_district")
        .prefetch_related("steps__by", "evidence")
    )
    return render(request, "directory/mine.html", {"applications": applications})


@login_required
def application_form_file(request, pk):
    """The stamped form: only for the organization and its reviewers (stored outside the web root)."""
    application = get_object_or_404(Application, pk=pk)
    if not permissions.can_view_application(request.user, application) or not application.recommendation_form:
        raise Http404
    response = FileResponse(
        application.recommendation_form.open("rb"),
        content_type=CONTENT_TYPES.get(application.form_extension, "application/octet-stream"),
        as_attachment=True,
        filename=application.form_original_name or f"推荐意见表{application.form_extension}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- review (R-DIR-3) ------------------------------------------------------------------------


def _reviewable(user):
    qs = Application.objects.exclude(status=AppStatus.DRAFT)
    if permissions.is_city_admin(user):
        return qs
    return qs.filter(review_district_id=user.district_id)


TABS = [
    ("pending", "待我审核"),
    ("passed", "已通过"),
    ("returned", "已退回"),
    ("decided", "市级已决定"),
    ("all", "全部"),
]


@login_required
@permissions.role_required(permissions.is_admin)
def review_list(request):
    user = request.user
    city = permissions.is_city_admin(user)
    pending = AppStatus.CITY if city else AppStatus.DISTRICT
    filters = {
        "pending": Q(status=pending),
        "passed": Q(status__in=(AppStatus.CITY, AppStatus.APPROVED, AppStatus.REJECTED))
        & ~Q(review_district__isnull=True),
        "returned": Q(status=AppStatus.RETURNED),
        "decided": Q(status__in=(AppStatus.APPROVED, AppStatus.REJECTED)),
        "all": Q(),
    }
    tab = request.GET.get("tab", "pending")
    if tab not in filters:
        tab = "pending"
    base = _reviewable(user)
    counts = base.aggregate(**{key: Count("pk", filter=q) for key, q in filters.items()})
    rows = base.filter(filters[tab]).select_related("organization", "edition", "review_district")
    per_district = []
    if city:
        per_district = (
            base.values("review_district__name")
            .annotate(
                total=Count("pk"),
                district_pending=Count("pk", filter=Q(status=AppStatus.DISTRICT)),
                city_pending=Count("pk", filter=Q(status=AppStatus.CITY)),
                approved=Count("pk", filter=Q(status=AppStatus.APPROVED)),
            )
            .order_by("review_district__name")
        )
    return render(
        request,
        "directory/review_list.html",
        {
            "tabs": [(key, label, counts[key]) for key, label in TABS],
            "tab": tab,
            "applications": rows[:300],
            "per_district": per_district,
            "city": city,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.is_admin)
def review_detail(request, pk):
    application = get_object_or_404(
        _reviewable(request.user).select_related("organization__district", "edition", "review_district"),
        pk=pk,
    )
    city = permissions.is_city_admin(request.user)
    can_decide = application.status == (AppStatus.CITY if city else AppStatus.DISTRICT)
    form_class = CityReviewForm if city else DistrictReviewForm
    form = form_class(request.POST or None) if can_decide else None
    if request.method == "POST":
        if not can_decide:
            messages.error(request, "该申请不在您的审核环节。")
            return redirect("directory:review", pk=pk)
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            opinion = form.cleaned_data["opinion"]
            try:
                if city:
                    services.city_review(
                        application=application,
                        by=request.user,
                        approved=decision == "approve",
                        opinion=opinion,
                    )
                else:
                    services.district_review(
                        application=application, by=request.user, passed=decision == "pass", opinion=opinion
                    )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "审核结果已保存。")
                return redirect("directory:review_list")
    recommendations = PurchaserRecommendation.objects.filter(
        organization=application.organization
    ).select_related("demand", "unit")
    return render(
        request,
        "directory/review_detail.html",
        {
            "application": application,
            "evidence": application.evidence.select_related("category__parent"),
            "steps": application.steps.select_related("by"),
            "recommendations": recommendations,
            # 失信记录 (supervision's, through the organization's reverse relation) and the 严重失信名单
            # history beside the application, at district and city review (issue 18).
            "credit_records": list(
                application.organization.credit_records.select_related("finding").order_by("-recorded_on")
            ),
            "serious_entries": list(application.organization.dishonesty_entries.all()),
            "form": form,
        },
    )


# --- purchaser recommendations (R-DIR-5) ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.is_purchaser, refusal=Http404)
def recommend(request, demand_pk):
    demand = get_object_or_404(
        Demand.objects.select_related("awarded_org"), pk=demand_pk, unit_id=request.user.purchaser_unit_id
    )
    existing = PurchaserRecommendation.objects.filter(demand=demand).first()
    form = RecommendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommend(demand=demand, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已推荐 {demand.awarded_org.name}，民政部门审核推荐目录时可以看到。")
            return redirect("demands:detail", pk=demand.pk)
    return render(
        request,
        "directory/recommend.html",
        {
            "demand": demand,
            "form": form,
            "existing": existing,
            "allowed": services.can_recommend(request.user, demand),
        },
    )


def edition_filtered_export(request, year):
    """The published directory as filtered on its page (category, district, text), to .xlsx."""
    qs, edition = filtered_members(request, year)
    total = qs.count()
    if export_jobs.too_big(total):
        return _members_export_job(request, edition, year, total)
    return exports.members_response(qs, edition)


def filtered_members(request, year):
    """The members of the published edition ``year`` as filtered on its page, and the edition."""
    edition = _published_edition(year)
    qs = selectors.filter_members(
        selectors.members(edition),
        category=request.GET.get("category", "")[:8],
        district=params.optional_id(request.GET, "district", label="区"),
        text=listing.search_text(request),
    )
    return qs, edition
