"""Protection of the public forms (留言区, 申请开通账号) without third parties: a honeypot field, a
small sum signed into the form, and a limit per address (fixed windows, portal.caching)."""

import random

from django import forms
from django.conf import settings
from django.core import signing

from . import caching


def new_challenge(salt):
    a, b = random.randint(1, 9), random.randint(1, 9)
    return f"{a} 加 {b} 等于多少？", signing.dumps(a + b, salt=salt)


class HumanCheckForm(forms.Form):
    """Mixed into a public form: `challenge_salt` names the form's challenge."""

    challenge_salt = "human-check"
    # The honeypot sits off-screen inside aria-hidden: out of the tab order too, so that keyboard
    # users never land in a field they cannot see (axe: aria-hidden-focus).
    website = forms.CharField(
        label="网站（请留空）",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    answer = forms.IntegerField(label="验证问题", help_text="请填写计算结果（阿拉伯数字）。")
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        question, token = new_challenge(self.challenge_salt)
        self.fields["answer"].label = f"验证问题：{question}"
        if not self.is_bound:
            self.initial["token"] = token
        self.new_token = token

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError("提交未成功，请刷新页面后重试。")
        try:
            expected = signing.loads(data.get("token") or "", salt=self.challenge_salt, max_age=3600)
        except signing.BadSignature:
            raise forms.ValidationError("验证问题已过期，请重新计算页面上的新问题。") from None
        if data.get("answer") is not None and data["answer"] != expected:
            self.add_error("answer", "计算结果不正确，请重新计算新的问题。")
        return data


def _key(request, scope):
    from portal.http import client_ip  # the trusted-proxy rule of every rate limit

    return f"{scope}-rate:{client_ip(request) or 'unknown'}"


def limited(request, scope, setting):
    """True once this address has used up the (limit, window seconds) named by `setting`."""
    limit, window = getattr(settings, setting)
    return caching.count(_key(request, scope), window) >= limit


def counted(request, scope, setting):
    _, window = getattr(settings, setting)
    caching.increment(_key(request, scope), window)
