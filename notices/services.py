"""Writes on the notices modules: one transaction and one history record each (R-GEN-2)."""

import re

import nh3
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from portal import transitions
from portal.errors import ServiceError
from portal.transitions import NEW
from portal.uploads import check_attachment, store

from .models import Attachment, ItemStatus, Message

# action → (from-states, to-state) of a module item (R-NOT-1): a withdrawn item may be published again.
ACTIONS = {
    "create": ({NEW}, ItemStatus.DRAFT),
    "save": ({ItemStatus.DRAFT, ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN}, None),
    "publish": ({ItemStatus.DRAFT, ItemStatus.WITHDRAWN}, ItemStatus.PUBLISHED),
    "withdraw": ({ItemStatus.PUBLISHED}, ItemStatus.WITHDRAWN),
}
TABLE = transitions.Table(
    states=tuple(ItemStatus),
    noun="内容",
    actions=ACTIONS,
    labels={
        "create": "创建",
        "save": "保存",
        "publish": transitions.moved_to(ItemStatus.PUBLISHED),
        "withdraw": transitions.moved_to(ItemStatus.WITHDRAWN),
    },
    says_already=False,
    validate=False,
)
# A message of the 留言区 (R-NOT-3) is moderated once and may be moderated again.
_ANY_MESSAGE = set(Message.Status)
MESSAGE_ACTIONS = {
    "approve": (_ANY_MESSAGE, Message.Status.APPROVED),
    "reject": (_ANY_MESSAGE, Message.Status.REJECTED),
}
MESSAGE_TABLE = transitions.Table(
    states=tuple(Message.Status),
    noun="留言",
    actions=MESSAGE_ACTIONS,
    labels={"approve": "公开", "reject": "不予公开"},
    validate=False,
)

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
            _save_item(item, by)
            attachment = Attachment(
                article=item, original_name=upload.name[:200], size=upload.size, extension=extension
            )
            attachment.file.save(f"attachment{extension}", upload, save=False)
            attachment.save()
            return item
        item.original_name = upload.name[:200]
        item.size = upload.size
        item.extension = extension
        store(item.file, f"download{extension}", upload)
    return _save_item(item, by)


def _save_item(item, by):
    return transitions.apply(TABLE, item, "create" if item._state.adding else "save", by=by, reason="保存")


@transaction.atomic
def item_transition(*, item, by, action):
    """Publish or withdraw a module item (``action`` is a key of ACTIONS)."""
    current = type(item).objects.select_for_update().get(pk=item.pk)
    if not permissions.can_edit_notice_item(by, current):
        raise PermissionDenied
    transitions.check(TABLE, current, action)
    if action == "publish" and not current.publish_date:
        current.publish_date = timezone.localdate()
    return transitions.apply(TABLE, current, action, by=by, reason="发布" if action == "publish" else "撤回")


@transaction.atomic
def message_moderate(*, message, by, approve, reply):
    message = Message.objects.select_for_update().get(pk=message.pk)
    if not permissions.can_moderate_message(by, message):
        raise PermissionDenied
    reply = (reply or "").strip()
    if approve and not reply:
        raise ServiceError("公开留言时请填写回复。")
    if dangerous_markup(reply) or has_markup(reply):
        raise ServiceError("回复请使用纯文本，不能包含 HTML 标签或脚本。")
    message.reply = reply
    message.replied_by = by
    message.replied_at = timezone.now()
    action, reason = ("approve", "公开并回复") if approve else ("reject", "不予公开")
    transitions.apply(MESSAGE_TABLE, message, action, by=by, reason=reason)
    if reply:
        _tell_reply(message)
    return message


def _tell_reply(message):
    """留言 answered (issue 18): the reply goes by e-mail to the contact address, if one was given."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.urls import reverse

    from inbox.services import email_address

    address = (message.contact or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        return  # a phone number or nothing: the visitor looks the reply up by the message's number
    email_address(
        address=address,
        title=f"您的留言已回复：{message.subject}",
        body=f"您在留言区的留言（编号 {message.number}）“{message.subject}”已由平台管理员回复：\n{message.reply}",
        link=reverse("notices:messages") if message.status == message.Status.APPROVED else "",
    )
