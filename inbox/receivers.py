"""Decisions of lower layers told by 站内信 and e-mail (issue 18), connected in InboxConfig.ready."""

from django.dispatch import receiver
from django.urls import reverse

from accounts.signals import account_application_decided

from .models import Kind
from .services import email_address, notify


@receiver(account_application_decided)
def tell_account_application_decided(sender, application, user, **kwargs):
    """Approval reaches the new account (站内信, and e-mail to its address); a rejection, with its
    reason, goes by e-mail to the address the application gave. The password is never sent."""
    app = application
    if user is not None:
        notify(
            users=[user],
            kind=Kind.ACCOUNT,
            title="账号已开通",
            body=f"您的开通账号申请（编号 {app.number}，{app.unit_name}）已审核通过，用户名：{user.username}。"
            "初始密码由审核的管理员另行告知；首次登录后须设置新密码。",
            link=reverse("account_login"),
        )
        return
    email_address(
        address=app.contact_email,
        title="开通账号申请未通过",
        body=f"您的开通账号申请（编号 {app.number}，{app.unit_name}）未通过审核。\n原因：{app.review_reason}\n"
        "可凭申请编号和统一社会信用代码查询进度，按原因修改后重新申请。",
        link=reverse("accounts:apply_status"),
    )
