"""allauth.mfa's forms with the platform's wording (issue #14)."""

from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms

from . import login_limits

CODE_LABEL = "动态验证码"
CODE_HELP = "身份验证器应用显示的6位数字；手机不在身边时可输入一个恢复码。"


def _label(form, help_text=CODE_HELP):
    field = form.fields["code"]
    field.label = CODE_LABEL
    field.help_text = help_text
    field.widget.attrs.update({"autocomplete": "one-time-code", "inputmode": "numeric", "placeholder": ""})


class PortalAuthenticateForm(AuthenticateForm):
    """The code step after a password or 法人一证通 login: wrong codes count with wrong passwords
    (accounts/login_limits.py), and a locked pair, address or username is refused before the code is
    checked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label(self)

    def clean_code(self):
        request = context.request
        message = login_limits.refusal(request, self.user.username)
        if message:
            raise forms.ValidationError(message)
        try:
            return super().clean_code()
        except forms.ValidationError:
            login_limits.failed(request, self.user.username)
            raise


class PortalReauthenticateForm(ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label(self)


class PortalActivateTOTPForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label(self, "扫描二维码后，身份验证器应用显示的6位数字。")
