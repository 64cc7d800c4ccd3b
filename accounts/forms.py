import re

from django import forms
from django.core.exceptions import ValidationError

from portal.antispam import HumanCheckForm
from portal.forms import follow_district, grouped_street_choices, reason_form
from portal.models import District, Street

from .models import AccountApplication, OrgType, UnitLevel, User, clean_unit_location
from .validators import normalize_uscc, validate_social_org_uscc, validate_uscc

USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{3,29}$")
PHONE_RE = re.compile(r"^[0-9+()\- ]{7,20}$")


def street_choices():
    """Streets grouped by district, for a plain <select> that works without JavaScript."""
    return grouped_street_choices("（不属于街镇 / 不选择）")


# Where the application form shows its fields that are not the model's.
_FORM_FIELD_AFTER = {"org_type": "registration", "district": "street_choice"}


class AccountApplicationForm(HumanCheckForm, forms.ModelForm):
    challenge_salt = "account-application"

    REGISTRATION_CHOICES = [("district", "所在区的区民政局"), ("city", "上海市民政局")]

    registration = forms.ChoiceField(
        label="登记管理机关",
        choices=REGISTRATION_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text="社会组织填写：在哪个民政部门登记。",
    )
    street_choice = forms.ChoiceField(label="所在街镇", required=False, help_text="街镇单位必填。")

    class Meta:
        model = AccountApplication
        fields = [
            "kind",
            "unit_name",
            "uscc",
            "unit_level",
            "org_type",
            "district",
            "business_line",
            "contact_person",
            "contact_phone",
            "contact_email",
            "username",
            "note",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "uscc": "18位，见营业执照或登记证书，例如 51310101MJ0000000X。",
            "unit_level": "购买主体填写。",
            "org_type": "社会组织填写。",
            "district": "市级部门可不选；区级部门、街镇和社会组织必选。",
            "username": "4～30位，以字母开头，可含数字、下划线、点和连字符。",
            "contact_phone": "审核结果会通过此电话联系您。",
        }

    # The model's fields, each form-only field after the one it goes with.
    field_order = [f for name in Meta.fields for f in (name, _FORM_FIELD_AFTER.get(name)) if f]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street_choice"].choices = street_choices()
        follow_district(self.fields["street_choice"])
        self.fields["district"].queryset = District.objects.all()
        self.fields["district"].empty_label = "（请选择区）"
        self.fields["unit_level"].choices = [("", "（请选择）")] + list(UnitLevel.choices)
        self.fields["org_type"].choices = [("", "（请选择）")] + list(OrgType.choices)
        self.fields["kind"].choices = list(AccountApplication.Kind.choices)

    def clean_uscc(self):
        code = normalize_uscc(self.cleaned_data.get("uscc"))
        validate_uscc(code)
        return code

    def clean_username(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if not USERNAME_RE.match(username):
            raise ValidationError(
                "用户名须为4～30位，以英文字母开头，只能包含英文字母、数字、下划线、点和连字符。"
            )
        taken = (
            User.objects.filter(username__iexact=username).exists()
            or AccountApplication.objects.filter(
                username__iexact=username, status=AccountApplication.Status.PENDING
            ).exists()
        )
        if taken:
            raise ValidationError("该用户名已被使用，请换一个。")
        return username

    def clean_contact_phone(self):
        phone = (self.cleaned_data.get("contact_phone") or "").strip()
        if not PHONE_RE.match(phone):
            raise ValidationError("请填写有效的电话号码，例如 021-12345678 或 13800000000。")
        return phone

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        district = data.get("district")
        street = None
        if data.get("street_choice"):
            street = Street.objects.filter(pk=data["street_choice"]).select_related("district").first()
            if street is None:
                self.add_error("street_choice", "所选街镇不存在，请重新选择。")
        errors = {}
        if kind == AccountApplication.Kind.PURCHASER:
            level = data.get("unit_level")
            if not level:
                errors["unit_level"] = "请选择单位层级。"
            else:
                clean_unit_location(level, district, street, errors)
                if "street" in errors:
                    errors["street_choice"] = errors.pop("street")
            if data.get("org_type"):
                data["org_type"] = ""
        elif kind == AccountApplication.Kind.ORGANIZATION:
            org_type = data.get("org_type")
            if not org_type:
                errors["org_type"] = "请选择组织类型。"
            if district is None:
                errors["district"] = "请选择社会组织所在区。"
            if not data.get("registration"):
                errors["registration"] = "请选择登记管理机关。"
            code = data.get("uscc")
            if code and org_type:
                try:
                    validate_social_org_uscc(code, org_type)
                except ValidationError as exc:
                    errors["uscc"] = exc.messages
            data["unit_level"] = ""
            street = None
        code = data.get("uscc")
        if (
            kind
            and code
            and AccountApplication.objects.filter(
                uscc=code, kind=kind, status=AccountApplication.Status.PENDING
            ).exists()
        ):
            errors["uscc"] = "该统一社会信用代码已有一份待审核的申请，请勿重复提交；可用申请编号查询进度。"
        for field, message in errors.items():
            self.add_error(field, message)
        data["street"] = street
        return data

    def save(self, commit=True):
        app = super().save(commit=False)
        app.street = self.cleaned_data.get("street")
        app.registered_with_city = (
            app.kind == AccountApplication.Kind.ORGANIZATION
            and self.cleaned_data.get("registration") == "city"
        )
        if app.kind == AccountApplication.Kind.PURCHASER and app.unit_level == UnitLevel.CITY:
            app.district = None
        return app


class ApplicationLookupForm(forms.Form):
    number = forms.CharField(
        label="申请编号", max_length=20, help_text="提交申请时页面上显示的编号，以 SQ 开头。"
    )
    uscc = forms.CharField(label="统一社会信用代码", max_length=30)

    def clean_number(self):
        return (self.cleaned_data.get("number") or "").strip().upper()

    def clean_uscc(self):
        return normalize_uscc(self.cleaned_data.get("uscc"))


class ApproveForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=30, help_text="默认为申请人希望使用的用户名，可修改。"
    )
    confirm_existing = forms.BooleanField(required=False)

    def __init__(self, *args, holder=None, application=None, **kwargs):
        """`holder`: the unit or organization already registered with the code under another name."""
        super().__init__(*args, **kwargs)
        if holder is None:
            del self.fields["confirm_existing"]
        else:
            field = self.fields["confirm_existing"]
            field.required = True
            field.label = (
                f"我已核实：申请人确属已登记的“{holder.name}”，同意以“{application.unit_name}”的申请"
                "为该单位开通新账号"
            )
            field.error_messages["required"] = "该代码已登记为其他名称，请核实后勾选“我已核实……”再通过。"

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not USERNAME_RE.match(username):
            raise ValidationError(
                "用户名须为4～30位，以英文字母开头，只能包含英文字母、数字、下划线、点和连字符。"
            )
        return username


RejectForm = reason_form(
    "不予通过的原因", rows=3, max_length=1000, help_text="申请人查询申请时可以看到这段文字。"
)
