"""忘记密码 (issue #14): the e-mail reset, for accounts with a verified address only."""

from allauth.account.forms import AddEmailForm, ResetPasswordForm
from allauth.account.models import EmailAddress

from .models import User


class PortalResetPasswordForm(ResetPasswordForm):
    """Only active accounts whose address is verified, and never a 法人一证通 account (it has no local
    password and gets none this way). Whatever the address, the page answers the same."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "电子邮箱"
        self.fields["email"].widget.attrs["placeholder"] = ""

    def clean_email(self):
        email = super().clean_email()
        verified = EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
        self.users = [
            user for user in User.objects.filter(pk__in=verified, is_active=True) if not user.is_sso_account
        ]
        return email


class PortalAddEmailForm(AddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "电子邮箱"
        self.fields["email"].widget.attrs["placeholder"] = ""
