"""The admin site's recovery pages for an account (issue #14): a one-time password, and the reset
of a lost second factor. Both answer 404 for an account outside the administrator's scope, ask
for confirmation on GET, act on POST through accounts.services, and are recorded in the history."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from portal.errors import ServiceError

from . import permissions, services


class UserRecoveryAdminMixin:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/reset-password/",
                wrap(self.reset_password_view),
                name="accounts_user_reset_password",
            ),
            path("<path:object_id>/reset-mfa/", wrap(self.reset_mfa_view), name="accounts_user_reset_mfa"),
        ] + super().get_urls()

    def _target(self, request, object_id, allowed):
        target = self.get_object(request, unquote(object_id))  # scoped by get_queryset
        if target is None or not allowed(request.user, target):
            raise Http404("不存在或无权操作")
        return target

    def _page(self, request, target, template, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": target,
            "target": target,
            "title": extra.pop("title"),
            **extra,
        }
        response = TemplateResponse(request, template, context)
        response["Cache-Control"] = "no-store"
        return response

    def _back(self, target):
        return redirect(reverse("admin:accounts_user_change", args=[target.pk]))

    def reset_password_view(self, request, object_id):
        target = self._target(
            request, object_id, lambda user, t: permissions.can_manage_user(user, t) and t.pk != user.pk
        )
        if request.method == "POST":
            try:
                password = services.admin_reset_password(target=target, by=request.user)
            except ServiceError as exc:
                messages.error(request, exc.message)
                return self._back(target)
            except PermissionDenied as exc:
                raise Http404("不存在或无权操作") from exc
            return self._page(
                request,
                target,
                "admin/accounts/user/reset_password_done.html",
                title="已重置密码",
                password=password,
            )
        return self._page(request, target, "admin/accounts/user/reset_password.html", title="重置密码")

    def reset_mfa_view(self, request, object_id):
        target = self._target(request, object_id, permissions.can_reset_mfa)
        if request.method == "POST":
            try:
                services.admin_reset_mfa(target=target, by=request.user)
            except ServiceError as exc:
                messages.error(request, exc.message)
                return self._back(target)
            messages.success(request, f"已重置 {target} 的第二因素。对方下次登录后须重新设置身份验证器。")
            return self._back(target)
        return self._page(request, target, "admin/accounts/user/reset_mfa.html", title="重置第二因素")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        target = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if target is not None:
            from . import mfa

            extra_context.update(
                can_reset_password=permissions.can_manage_user(request.user, target)
                and target.pk != request.user.pk
                and not target.is_sso_account,
                can_reset_mfa=permissions.can_reset_mfa(request.user, target) and mfa.has_totp(target),
            )
        return super().change_view(request, object_id, form_url, extra_context)
