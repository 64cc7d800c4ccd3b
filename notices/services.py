"""Writes on the notices modules: one transaction and one history record each (R-GEN-2)."""

import re

import nh3
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from portal.errors import ServiceError
from portal.uploads import check_attachment

from .models import Attachment, ItemStatus, Message

ALLOWED = {
    ItemStatus.DRAFT: {ItemStatus.PUBLISHED},
    ItemStatus.PUBLISHED: {ItemStatus.WITHDRAWN},
    ItemStatus.WITHDRAWN: {ItemStatus.PUBLISHED},
}

SAFE_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "b",
    "i",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
}
SAFE_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
_DANGEROUS = re.compile(r"<\s*(script|iframe|object|embed|style)\b|\son\w+\s*=|javascript\s*:", re.IGNORECASE)
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def dangerous_markup(text):
    """True when text carries script, event handlers or javascript: links (refused, not silently cut)."""
    return bool(_DANGEROUS.search(text or ""))


def has_markup(text):
    return bool(_TAG.search(text or ""))


def sanitize(html):
    """Keep headings, paragraphs, lists, links and tables; drop everything else."""
    return nh3.clean(
        html or "",
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _history(obj, by, reason):
    obj._history_user = by
    obj._change_reason = reason
    return obj


@transaction.atomic
def item_save(*, item, by, upload=None):
    """Create or edit a module item as its publisher; the city may edit anyone's."""
    if item.pk is None:
        publisher = permissions.publisher_for(by)
        if publisher is None:
            raise PermissionDenied
        for key, value in publisher.items():
            setattr(item, key, value)
        item.created_by = by
        item.status = ItemStatus.DRAFT
    elif not permissions.can_edit_notice_item(by, type(item).objects.get(pk=item.pk)):
        raise PermissionDenied
    if hasattr(item, "body"):
        if dangerous_markup(item.body):
            raise ServiceError(
                "正文含有不允许的脚本、事件属性或 javascript: 链接（如 <script>、onerror），请删除后再保存。"
            )
        from .richtext import body_html

        item.body = body_html(item.body)
    if upload is not None:
        extension = check_attachment(upload)
        if hasattr(item, "attachments"):
            _history(item, by, "保存").save()
            attachment = Attachment(
                article=item, original_name=upload.name[:200], size=upload.size, extension=extension
            )
            attachment.file.save(f"attachment{extension}", upload, save=False)
            attachment.save()
            return item
        item.original_name = upload.name[:200]
        item.size = upload.size
        item.extension = extension
        item.file.save(f"download{extension}", upload, save=False)
    _history(item, by, "保存").save()
    return item


@transaction.atomic
def item_transition(*, item, by, to):
    current = type(item).objects.select_for_update().get(pk=item.pk)
    if not permissions.can_edit_notice_item(by, current):
        raise PermissionDenied
    if to not in ALLOWED[current.status]:
        raise ServiceError(f"“{current.get_status_display()}”的内容不能改为“{ItemStatus(to).label}”。")
    current.status = to
    if to == ItemStatus.PUBLISHED and not current.publish_date:
        current.publish_date = timezone.localdate()
    _history(current, by, "发布" if to == ItemStatus.PUBLISHED else "撤回").save()
    return current


@transaction.atomic
def message_moderate(*, message, by, approve, reply):
    if not permissions.can_moderate_messages(by):
        raise PermissionDenied
    message = Message.objects.select_for_update().get(pk=message.pk)
    reply = (reply or "").strip()
    if approve and not reply:
        raise ServiceError("公开留言时请填写回复。")
    if dangerous_markup(reply) or has_markup(reply):
        raise ServiceError("回复请使用纯文本，不能包含 HTML 标签或脚本。")
    message.status = Message.Status.APPROVED if approve else Message.Status.REJECTED
    message.reply = reply
    message.replied_by = by
    message.replied_at = timezone.now()
    _history(message, by, "公开并回复" if approve else "不予公开").save()
    return message
