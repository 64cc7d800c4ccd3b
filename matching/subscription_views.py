"""订阅 pages (issue 13 §4): save a search from the listing, 我的订阅 (rename, change, pause, delete, the
private feed address and its 重新生成), and the one-click unsubscribe of the e-mails (no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from demands.models import Demand
from offerings.models import Offering
from portal.errors import ServiceError

from . import subscriptions
from .models import SubscriptionDelivery, SubscriptionKind

RECENT_LIMIT = 30
PARAMS_MAX = 2000  # the listing's query string carried by the subscribe form


def _kind_or_404(user):
    kind = subscriptions.kind_for(user)
    if kind is None:
        raise Http404  # administrators and the monitor have no subscriptions
    return kind


def _recent(user, kind):
    """The records the digest told this user lately, newest first, public ones only (two queries)."""
    rows = list(
        SubscriptionDelivery.objects.filter(user=user, kind=kind)
        .order_by("-delivered_at", "-pk")
        .values_list("record_id", "delivered_at")[:RECENT_LIMIT]
    )
    model = Demand if kind == SubscriptionKind.DEMANDS else Offering
    records = model.objects.public().in_bulk([pk for pk, _ in rows])
    return [(records[pk], at) for pk, at in rows if pk in records]


@login_required
def subscription_list(request):
    kind = _kind_or_404(request.user)
    subs = list(subscriptions.owned_by(request.user))
    labels = subscriptions.Labels(subs)
    for s in subs:
        s.description = labels.describe(s)
        s.listing = subscriptions.listing_url(s)
        s.feed = request.build_absolute_uri(subscriptions.feed_path(s))
    return render(
        request,
        "matching/subscriptions/list.html",
        {
            "subscriptions": subs,
            "kind": kind,
            "kind_label": SubscriptionKind(kind).label,
            "recent": _recent(request.user, kind),
            "listing": reverse("demands:list" if kind == SubscriptionKind.DEMANDS else "offerings:list"),
            "limit": subscriptions.MAX_PER_USER,
        },
    )


@login_required
@require_POST
def subscription_create(request):
    """From the listing's “订阅此搜索”: the listing's parameters come in `params` (its query string)."""
    kind = _kind_or_404(request.user)
    raw = request.POST.get("params", "")[:PARAMS_MAX]
    back = reverse("demands:list" if kind == SubscriptionKind.DEMANDS else "offerings:list")
    try:
        subscription = subscriptions.create(
            user=request.user, name=request.POST.get("name", ""), params=QueryDict(raw)
        )
    except ServiceError as exc:
        messages.error(request, f"未能保存订阅：{exc.message}")
        return redirect(back + (f"?{QueryDict(raw).urlencode()}" if raw else ""))
    messages.success(
        request, f"已保存订阅“{subscription.name}”。每天会把新发布的匹配信息以站内信和邮件发给您。"
    )
    return redirect("matching:subscriptions")


def _own(request, pk):
    _kind_or_404(request.user)
    return get_object_or_404(subscriptions.owned_by(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request, pk):
    subscription = _own(request, pk)
    params = subscriptions.params_of(subscription)
    name = subscription.name
    error = ""
    if request.method == "POST":
        params, name = request.POST, request.POST.get("name", "")
        try:
            subscriptions.update(subscription, name=name, params=params)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, f"已修改订阅“{subscription.name}”。")
            return redirect("matching:subscriptions")
    fs = subscriptions.filterset(subscription.kind, params)
    return render(
        request,
        "matching/subscriptions/edit.html",
        {
            "subscription": subscription,
            "form": fs.form,
            "name": name,
            "q": params.get("q", ""),
            "error": error,
            "name_max": subscriptions.NAME_MAX,
        },
        status=400 if error else 200,
    )


# action → (what it does, the message)
ACTIONS = {
    "pause": (lambda s: subscriptions.set_active(s, False), "已暂停推送“{}”。订阅地址仍可使用。"),
    "resume": (
        lambda s: subscriptions.set_active(s, True),
        "已恢复推送“{}”，从现在起发布的新信息会推送给您。",
    ),
    "regenerate": (subscriptions.regenerate_token, "已为“{}”生成新的订阅地址，原地址已失效。"),
    "delete": (lambda s: s.delete(), "已删除订阅“{}”。"),
}


@login_required
@require_POST
def subscription_act(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    subscription = _own(request, pk)
    name = subscription.name
    do, message = ACTIONS[action]
    do(subscription)
    messages.success(request, message.format(name))
    return redirect("matching:subscriptions")


@csrf_exempt  # the signed token is the authority; mail clients POST without a form (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page asking to confirm; POST (the page's button, or the mail client's one click): the
    subscriptions named by the token stop sending. Works without login; a bad token answers 404."""
    subs = subscriptions.from_unsubscribe_token(token[:1000])
    if subs is None:
        raise Http404("退订链接无效。")
    context = {"subscriptions": subs, "token": token, "done": False}
    if not subs:
        return render(
            request, "matching/subscriptions/unsubscribe.html", {**context, "gone": True}, status=404
        )
    if request.method == "POST":
        subscriptions.unsubscribe(subs)
        context["done"] = True
    return render(request, "matching/subscriptions/unsubscribe.html", context)
