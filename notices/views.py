from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from portal import antispam, listing, params
from portal.errors import ServiceError
from portal.uploads import CONTENT_TYPES

from . import services
from .forms import ArticleForm, DownloadForm, LinkForm, MessageForm, ModerateForm
from .models import Article, Download, ItemStatus, Link, Message, PublisherKind

KIND_PAGES = {
    Article.Kind.POLICY: ("政策法规", "notices:policies"),
    Article.Kind.NOTICE: ("公示公告", "notices:announcements"),
}


def _published(model):
    return model.objects.filter(status=ItemStatus.PUBLISHED)


def _filter_items(request, qs, text_field="title"):
    text = listing.search_text(request)
    if text:
        qs = qs.filter(**{f"{text_field}__icontains": text})
    publisher = request.GET.get("publisher", "")
    if publisher in PublisherKind.values:
        qs = qs.filter(publisher_kind=publisher)
    year = params.year(request.GET, minimum=1900, maximum=2999, lenient=True)
    if year is not None:
        qs = qs.filter(publish_date__year=year)
    year = "" if year is None else str(year)
    return qs, {"q": text, "publisher": publisher, "year": year, "publishers": PublisherKind.choices}


def article_list(request, kind):
    title, url_name = KIND_PAGES[kind]
    qs, filters = _filter_items(request, _published(Article).filter(kind=kind))
    context = listing.paginate(request, qs.order_by("-publish_date", "-pk"), [], "")
    context.update(filters, title=title, list_url=url_name, kind=kind)
    return render(request, "notices/article_list.html", context)


def _visible_article(request, pk, kind=None):
    article = get_object_or_404(Article, pk=pk, **({"kind": kind} if kind else {}))
    if article.status != ItemStatus.PUBLISHED and not permissions.can_edit_notice_item(request.user, article):
        raise Http404
    return article


def article_detail(request, kind, pk):
    article = _visible_article(request, pk, kind)
    title, url_name = KIND_PAGES[kind]
    return render(
        request,
        "notices/article_detail.html",
        {
            "article": article,
            "module": title,
            "list_url": url_name,
            "attachments": article.attachments.all(),
            "can_edit": permissions.can_edit_notice_item(request.user, article),
        },
    )


def _file_response(field, name, extension):
    response = FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def attachment_file(request, pk):
    """Attachments only for logged-in users (R-ACC-4)."""
    from .models import Attachment

    attachment = get_object_or_404(Attachment.objects.select_related("article"), pk=pk)
    _visible_article(request, attachment.article_id)
    return _file_response(attachment.file, attachment.original_name, attachment.extension)


def download_list(request):
    qs, filters = _filter_items(request, _published(Download))
    category = request.GET.get("category", "")
    if category in Download.Category.values:
        qs = qs.filter(category=category)
    context = listing.paginate(request, qs.order_by("-publish_date", "-pk"), [], "")
    context.update(filters, category=category, categories=Download.Category.choices)
    return render(request, "notices/download_list.html", context)


def download_file(request, pk):
    item = Download.objects.filter(pk=pk).first()
    if item is None or (
        item.status != ItemStatus.PUBLISHED and not permissions.can_edit_notice_item(request.user, item)
    ):
        return render(request, "notices/gone.html", {"what": "该资料"}, status=404)
    return _file_response(item.file, item.original_name, item.extension)


def link_list(request):
    return render(request, "notices/link_list.html", {"links": _published(Link).order_by("sort_order", "pk")})


# --- 留言区 (R-NOT-3) -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def message_board(request):
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if antispam.limited(request, "message", "MESSAGE_RATE_LIMIT"):
            form.add_error(None, "提交过于频繁，请10分钟后再试；也可拨打 962200 咨询。")
        elif form.is_valid():
            message = form.save()
            antispam.counted(request, "message", "MESSAGE_RATE_LIMIT")
            request.session["message_number"] = message.number
            return redirect("notices:message_done")
    page = Paginator(
        Message.objects.select_related("district")
        .filter(status=Message.Status.APPROVED)
        .order_by("-created_at"),
        10,
    ).get_page(listing.page_number(request))
    return render(request, "notices/messages.html", {"form": form, "page": page})


def message_done(request):
    number = request.session.get("message_number")
    if not number:
        return redirect("notices:messages")
    return render(request, "notices/message_done.html", {"number": number})


def message_status(request):
    number = listing.clean_query(request.GET.get("number", ""), limit=12).upper()
    message = Message.objects.filter(number=number).first() if number else None
    return render(request, "notices/message_status.html", {"number": number, "message": message})


# --- publishers' pages ------------------------------------------------------------------------

MODELS = {"article": (Article, ArticleForm), "download": (Download, DownloadForm), "link": (Link, LinkForm)}


@login_required
@permissions.role_required(permissions.can_publish_notices)
def manage(request):
    user = request.user
    return render(
        request,
        "notices/manage.html",
        {
            "articles": permissions.notice_items_editable_by(user, Article.objects.all()).order_by(
                "-updated_at"
            )[:100],
            "downloads": permissions.notice_items_editable_by(user, Download.objects.all()).order_by(
                "-updated_at"
            )[:100],
            "links": permissions.notice_items_editable_by(user, Link.objects.all()).order_by("sort_order")[
                :100
            ],
            "publisher": permissions.publisher_for(user),
            "can_moderate": permissions.can_moderate_messages(user),
            "pending_messages": permissions.messages_moderated_by(user, Message.objects.all())
            .filter(status=Message.Status.PENDING)
            .count()
            if permissions.can_moderate_messages(user)
            else 0,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.can_publish_notices)
def item_edit(request, model, pk=None):
    if model not in MODELS:
        raise Http404
    model_class, form_class = MODELS[model]
    if pk is None:
        item = model_class()
        if model == "article":
            kind = request.GET.get("kind") or request.POST.get("kind")
            if kind not in Article.Kind.values:
                raise Http404
            item.kind = kind
    else:
        item = get_object_or_404(
            permissions.notice_items_editable_by(request.user, model_class.objects.all()), pk=pk
        )
    form = form_class(request.POST or None, request.FILES or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_save(
                item=form.save(commit=False), by=request.user, upload=form.cleaned_data.get("upload")
            )
            if request.POST.get("action") == "publish" and "publish" in services.TABLE.available(item.status):
                services.item_transition(item=item, by=request.user, action="publish")
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("notices:manage")
    label = {
        "article": dict(Article.Kind.choices).get(getattr(item, "kind", ""), "文章"),
        "download": "资料",
        "link": "友情链接",
    }[model]
    return render(
        request, "notices/item_form.html", {"form": form, "item": item, "label": label, "model": model}
    )


@login_required
@require_http_methods(["POST"])
@permissions.role_required(permissions.can_publish_notices)
def item_action(request, model, pk, action):
    if model not in MODELS:
        raise Http404
    model_class, _ = MODELS[model]
    item = get_object_or_404(
        permissions.notice_items_editable_by(request.user, model_class.objects.all()), pk=pk
    )
    if action not in ("publish", "withdraw"):
        raise Http404
    try:
        services.item_transition(item=item, by=request.user, action=action)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已发布。" if action == "publish" else "已撤回，公众将看不到它。")
    return redirect("notices:manage")


@login_required
@permissions.role_required(permissions.can_moderate_messages)
def moderation(request):
    status = request.GET.get("status", Message.Status.PENDING)
    if status not in Message.Status.values:
        status = Message.Status.PENDING
    scoped = permissions.messages_moderated_by(request.user, Message.objects.select_related("district"))
    page = Paginator(scoped.filter(status=status).order_by("-created_at"), 20).get_page(
        listing.page_number(request)
    )
    return render(
        request,
        "notices/moderation.html",
        {"page": page, "status": status, "statuses": Message.Status.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
@permissions.role_required(permissions.can_moderate_messages)
def moderate(request, pk):
    message = get_object_or_404(
        permissions.messages_moderated_by(request.user, Message.objects.select_related("district")), pk=pk
    )
    form = ModerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_moderate(
                message=message,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reply=form.cleaned_data["reply"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"留言 {message.number} 已处理。")
            return redirect("notices:moderation")
    return render(request, "notices/moderate.html", {"message": message, "form": form})
