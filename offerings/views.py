from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from portal import listing, refdata
from portal.directory_members import mark_members
from portal.errors import ServiceError
from portal.excel import build_template, write_rows
from portal.forms import ImportUploadForm
from portal.http import xlsx_response

from . import exports, importing, jobs, selectors, services
from .cards import offering_cards
from .forms import OfferingForm
from .models import Offering, Status


def offering_list(request):
    """Public listing of offers (R-MAT-1): search, filters, pagination; newest first."""
    found = selectors.listing(
        request.GET,
        selectors.public_offerings().select_related(*selectors.CARD_RELATED).only(*selectors.LIST_FIELDS),
    )
    sorts = [(key, label) for key, (label, _) in selectors.SORTS.items()]
    return listing.listing_page(request, "offerings/list.html", found, sorts, rows=_cards)


def _cards(offerings):
    """The page's offers as the listing's cards, with their service areas and 推荐目录 marks."""
    # The 项目类别 from the reference-data memo, without a query.
    offerings = refdata.attach(selectors.with_area_labels(offerings), *selectors.CARD_MEMO)
    return offering_cards(mark_members(offerings, "organization_id", "is_member"))


def offering_detail(request, pk):
    offering = get_object_or_404(Offering.objects.select_related("organization", "category__parent"), pk=pk)
    mine = permissions.can_edit_offering(request.user, offering)
    in_scope = permissions.is_admin(request.user) and permissions.in_scope(request.user, offering)
    if not (offering.is_public or mine or in_scope):
        if offering.is_withdrawn_once_public:  # an old link: say what became of it (issue 18)
            return render(request, "offerings/withdrawn.html", {"offering": offering})
        raise Http404
    selectors.with_area_labels([offering])
    history = []
    if request.user.is_authenticated:
        history = list(
            offering.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
        )
    return render(
        request,
        "offerings/detail.html",
        {
            "offering": offering,
            "can_edit": mine,
            "history": history,
            "Status": Status,
            "ineligible": mine and not offering.organization.is_eligible,
            "ineligible_message": services.ineligibility_message(offering.organization),
            "completeness_missing": offering.missing_information() if request.user.is_authenticated else [],
        },
    )


def _own(request, pk):
    if not permissions.is_organization_user(request.user):
        raise Http404
    return get_object_or_404(
        Offering.objects.select_related("organization", "category__parent"),
        pk=pk,
        organization_id=request.user.organization_id,
    )


@login_required
@permissions.role_required(permissions.is_organization_user)
def my_offerings(request):
    """我的服务项目: the organization's offers with status and actions."""
    status = request.GET.get("status", "")
    qs = selectors.offerings_of(request.user.organization).select_related(*selectors.LIST_RELATED)
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-updated_at", "-pk"), 20).get_page(listing.page_number(request))
    page.object_list = selectors.with_area_labels(page.object_list)
    organization = request.user.organization
    return render(
        request,
        "offerings/mine.html",
        {
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "organization": organization,
            "ineligible_message": None
            if organization.is_eligible
            else services.ineligibility_message(organization),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.is_organization_user)
def offering_create(request):
    org = request.user.organization
    form = OfferingForm(
        request.POST or None,
        initial={
            "contact_person": org.contact_person,
            "contact_phone": org.contact_phone,
            "contact_email": org.contact_email,
        },
    )
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "publish"
        try:
            offering = services.offering_create(
                offering=form.save(commit=False), by=request.user, publish=publish
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "服务项目已发布。" if publish else "已保存为草稿。")
            return redirect("offerings:detail", pk=offering.pk)
    return render(request, "offerings/form.html", {"form": form, "title": "发布服务项目", "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def offering_edit(request, pk):
    offering = _own(request, pk)
    form = OfferingForm(request.POST or None, instance=offering)
    if request.method == "POST" and form.is_valid():
        try:
            services.offering_update(offering=form.save(commit=False), by=request.user)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "修改已保存，并记入变更记录。")
            return redirect("offerings:detail", pk=pk)
    return render(
        request, "offerings/form.html", {"form": form, "title": "修改服务项目", "offering": offering}
    )


def _transition(request, pk, action, done):
    offering = _own(request, pk)
    try:
        action(offering=offering, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("offerings:detail", pk=pk)


@login_required
@require_http_methods(["POST"])
def offering_publish(request, pk):
    return _transition(request, pk, services.offering_publish, "服务项目已发布。")


@login_required
@require_http_methods(["POST"])
def offering_withdraw(request, pk):
    return _transition(
        request, pk, services.offering_withdraw, "服务项目已下架，公众将看不到它；可随时重新发布。"
    )


# --- Excel 批量上传 (R-OFF-3) ----------------------------------------------------------------


@login_required
@permissions.role_required(permissions.is_organization_user)
def import_template(request):
    content = build_template(importing.columns(), instructions=importing.INSTRUCTIONS)
    return xlsx_response(content, "社会组织服务项目批量上传模板.xlsx")


@login_required
@permissions.role_required(permissions.is_organization_user)
def export_mine(request):
    """The organization's offers in the upload format, with their 编号, to edit and upload again."""
    rows = importing.export_rows(request.user.organization)
    return xlsx_response(
        write_rows(importing.columns(), rows), f"{request.user.organization.name}服务项目.xlsx"
    )


def _refusal(organization):
    organization.refresh_from_db()
    return None if organization.is_eligible else services.ineligibility_message(organization)


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.is_organization_user)
def import_upload(request):
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    return jobs.IMPORT.upload_page(
        request,
        form=form,
        template="offerings/import_upload.html",
        refuse=_refusal(request.user.organization) if request.method == "POST" else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.is_organization_user)
def import_preview(request, batch_id):
    return jobs.IMPORT.preview_page(
        request,
        batch_id,
        template="offerings/import_preview.html",
        refuse=_refusal(request.user.organization) if request.method == "POST" else None,
    )


# --- export of the public listing (R-STA-3) ----------------------------------------------------


offering_list_export = listing.export_view(
    selectors.listing, job="offerings_export", title="导出服务项目列表", response=exports.offerings_response
)
