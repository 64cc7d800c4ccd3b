from allauth.account.adapter import DefaultAccountAdapter


class ClosedSignupAdapter(DefaultAccountAdapter):
    """No self-registration (R-ACC-1): accounts are opened by administrators or by an approved application."""

    def is_open_for_signup(self, request):
        return False
