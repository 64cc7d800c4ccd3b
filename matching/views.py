from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import PurchaserUnit, SocialOrganization
from demands.models import Demand
from offerings.models import Offering
from portal import params
from portal.errors import ServiceError

from . import profiles, questions, services
from .models import Interest, Question


def organization_profile(request, pk):
    """社会组织主页: public, with contacts, the 严重失信名单 notice and 失信记录 by role."""
    organization = get_object_or_404(
        SocialOrganization.objects.select_related("registration_district", "district"), pk=pk
    )
    return render(
        request, "matching/organization.html", profiles.organization_context(organization, request.user)
    )


def unit_profile(request, pk):
    """购买主体主页: public, contacts for logged-in users."""
    unit = get_object_or_404(PurchaserUnit.objects.select_related("district", "street"), pk=pk)
    return render(request, "matching/unit.html", profiles.unit_context(unit, request.user))


def _organization_demand(request, pk):
    """The public demand `pk`, which an organization's user acts on (anyone else: a 404)."""
    demand = get_object_or_404(Demand.objects.public().select_related("unit"), pk=pk)
    if not permissions.is_organization_user(request.user):
        raise Http404
    return demand


# --- 承接意向 ----------------------------------------------------------------------------------


@login_required
@require_POST
def interest_express(request, pk):
    demand = _organization_demand(request, pk)
    offering = None
    offering_pk = params.optional_id(request.POST, "offering", label="服务项目")
    if request.POST.get("offering"):
        offering = (
            Offering.objects.public()
            .filter(organization_id=request.user.organization_id, pk=offering_pk)
            .first()
        )
        if offering is None:
            messages.error(request, "请选择本组织已发布的服务项目。")
            return redirect("demands:detail", pk=pk)
    try:
        services.express(demand=demand, by=request.user, note=request.POST.get("note", ""), offering=offering)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "已表达承接意向，购买主体会收到站内信；请等待对方线下联系，或主动联系对方。"
        )
    return redirect("demands:detail", pk=pk)


@login_required
@require_POST
def interest_act(request, pk, action):
    interest = get_object_or_404(Interest.objects.select_related("demand__unit", "organization"), pk=pk)
    user = request.user
    # Someone else's interest, or an action that is not this role's: as if it did not exist (R-ACC-5).
    if action not in services.DONE or not services.WHO[action][0](user, interest):
        raise Http404
    try:
        services.act(interest=interest, action=action, by=user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{services.DONE[action]}。")
    return redirect("demands:detail", pk=interest.demand_id)


# --- 公开答疑 (issue 13 §6) ----------------------------------------------------------------------


@login_required
@require_POST
def question_ask(request, pk):
    demand = _organization_demand(request, pk)
    try:
        questions.ask(demand=demand, by=request.user, text=request.POST.get("text", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "问题已提交，购买主体答复后将公开显示（不显示提问组织）。")
    return redirect(questions.demand_link(demand))


@login_required
@require_POST
def question_act(request, pk, action):
    question = get_object_or_404(Question.objects.select_related("demand"), pk=pk)
    # Someone else's question, or an action that is not this role's: as if it did not exist (R-ACC-5).
    if action not in questions.WHO or not questions.WHO[action][0](request.user, question):
        raise Http404
    try:
        questions.act(question=question, action=action, by=request.user, text=request.POST.get("text", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{questions.TABLE.labels[action]}该问题。")
    return redirect(questions.demand_link(question.demand))
