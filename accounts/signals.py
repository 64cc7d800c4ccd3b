from allauth.account.signals import password_changed
from django.dispatch import receiver


@receiver(password_changed)
def clear_first_login_flag(sender, request, user, **kwargs):
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
