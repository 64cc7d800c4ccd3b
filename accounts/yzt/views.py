import logging

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import Http404
from requests import RequestException

from .provider import YztOAuth2Adapter

logger = logging.getLogger("accounts.sso")


class YztCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.expected_nonce = (state or {}).get("nonce")
        return state, response


def _provider_view(view_class, request, provider_id):
    """allauth's login or callback view for 法人一证通, with a page in Chinese when it is not set up
    or its provider cannot be reached."""
    try:
        adapter = YztOAuth2Adapter(request, provider_id)
        return view_class.adapter_view(adapter)(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404("未启用法人一证通登录") from exc
    except RequestException as exc:
        # The provider's discovery document could not be fetched: it is down or unreachable.
        logger.warning("法人一证通不可用：%s", exc)
        return render_authentication_error(request, adapter.get_provider(), exception=exc)


@login_not_required
def login(request, provider_id):
    return _provider_view(OAuth2LoginView, request, provider_id)


@login_not_required
def callback(request, provider_id):
    return _provider_view(YztCallbackView, request, provider_id)
