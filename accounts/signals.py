from allauth.account.signals import password_changed
from django.dispatch import Signal, receiver

# Sent inside the decision's transaction with `application` and `user` (the new account, or None when
# rejected); the layers above tell the applicant (inbox/receivers.py).
account_application_decided = Signal()


@receiver(password_changed)
def clear_first_login_flag(sender, request, user, **kwargs):
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
