"""Password rules beyond Django's own (listed in AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError


class NotCurrentPasswordValidator:
    """The first-login change (and any change) must not keep the password the account has now:
    an initial password handed out by an administrator is known to more people than its owner."""

    def validate(self, password, user=None):
        if user is not None and getattr(user, "pk", None) and user.has_usable_password():
            if user.check_password(password):
                raise ValidationError(
                    "新密码不能与当前密码（包括管理员设置的初始密码）相同，请另设一个。",
                    code="password_unchanged",
                )

    def get_help_text(self):
        return "新密码不能与当前密码或初始密码相同。"


class NotUsernameValidator:
    """The password may not be the username, in any case, forwards or backwards."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").casefold()
        candidate = (password or "").casefold()
        if username and (candidate == username or candidate == username[::-1] or username in candidate):
            raise ValidationError("密码不能包含用户名，请另设一个。", code="password_is_username")

    def get_help_text(self):
        return "密码不能包含用户名。"
