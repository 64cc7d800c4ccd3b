"""我要提供服务: a social organization's service offer (R-OFF-1…4)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length

from accounts.models import SocialOrganization, eligible_q
from portal import confidentiality, refdata
from portal.models import (
    CONTACT_FIELDS,
    SearchableRecord,
    contact_fields,
    protected_link,
    publishing_fields,
    searchable_history,
    subcategory_errors,
    subcategory_link,
)


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已下架"


CITYWIDE = "全市"


def parse_service_area(text):
    """“全市” or district names separated by 、，, / or spaces → (citywide, [codes]); ValueError if unknown.
    A name (or 区划代码) is matched as every import matches it (`refdata.district_named`)."""
    raw = (text or "").strip()
    if not raw:
        return False, []
    for sep in "、，,/；; \u3000":
        raw = raw.replace(sep, " ")
    names = [n for n in raw.split() if n]
    if CITYWIDE in names:
        if len(names) > 1:
            raise ValueError("填写“全市”时不要再列出具体的区。")
        return True, []
    found = {n: refdata.district_named(n) for n in names}
    unknown = [n for n in names if found[n] is None]
    if unknown:
        raise ValueError(
            "不是上海市的区："
            + "、".join(unknown)
            + "（请写全称，如“黄浦区”，多个区用顿号分隔，或填写“全市”）"
        )
    codes = []
    for n in names:
        if found[n].code not in codes:
            codes.append(found[n].code)
    return False, codes


MIN_SUMMARY_CHARS = 20
# The purchase fields an offer ticked 曾被政府购买 must give (R-OFF-2), with their labels.
PURCHASE_FIELDS = (
    ("purchaser_name", "购买方名称"),
    ("purchase_amount", "购买金额"),
    ("implementation_place", "实施地点"),
    ("implementation_start", "实施开始日期"),
    ("implementation_end", "实施结束日期"),
)


def _incomplete_q():
    purchase_gaps = models.Q()
    for field, _ in PURCHASE_FIELDS:
        empty = "" if field in ("purchaser_name", "implementation_place") else None
        purchase_gaps |= models.Q(**{f"{field}__isnull": True} if empty is None else {field: empty})
    return (
        models.Q(previously_purchased=True) & purchase_gaps
        | models.Q(citywide=False, service_district_codes="")
        | models.Q(summary_length__lt=MIN_SUMMARY_CHARS)
    )


class OfferingQuerySet(models.QuerySet):
    def public(self):
        """Published offers of eligible organizations: an organization on the 严重失信名单 disappears
        from the public while it is listed (R-SUB-3). Twin: `Offering.is_public`."""
        return self.filter(eligible_q("organization__"), status=Status.PUBLISHED)

    def withdrawn_once_public(self):
        """Offers withdrawn (下架) after being published: an old link to one says so with the date
        instead of a bare 404 (issue 18); drafts never show. Twin: `Offering.is_withdrawn_once_public`."""
        return self.filter(status=Status.WITHDRAWN, published_at__isnull=False)

    def incomplete(self):
        """R-SUP-1: published offers lacking required information. Twin: `Offering.missing_information()`."""
        return (
            self.filter(status=Status.PUBLISHED)
            .annotate(summary_length=Length("summary"))
            .filter(_incomplete_q())
        )


class Offering(SearchableRecord):
    organization = protected_link(SocialOrganization, "社会组织", related_name="offerings")
    title = models.CharField("项目名称", max_length=100)
    category = subcategory_link(related_name="offerings")
    summary = models.TextField("项目简介", max_length=2000)
    service_targets = models.CharField("服务对象", max_length=200)
    citywide = models.BooleanField("服务全市", default=False)
    # District codes, comma-separated ("310101,310104"): filterable on both databases, cheap to bulk-write.
    service_district_codes = models.CharField("服务区域（区划代码）", max_length=200, blank=True)
    contact_person, contact_phone, contact_email = contact_fields()
    # R-OFF-2: required when previously purchased.
    previously_purchased = models.BooleanField("曾被政府购买", default=False)
    purchaser_name = models.CharField("购买方名称", max_length=100, blank=True)
    purchase_amount = models.DecimalField(
        "购买金额（元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    implementation_place = models.CharField("实施地点", max_length=200, blank=True)
    implementation_start = models.DateField("实施开始日期", null=True, blank=True)
    implementation_end = models.DateField("实施结束日期", null=True, blank=True)

    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by, created_at, updated_at, published_at = publishing_fields()
    withdrawn_at = models.DateTimeField("下架时间", null=True, blank=True)
    search_tokens = models.TextField(editable=False, blank=True, default="")

    history = searchable_history("服务项目变更记录")

    SEARCH_FIELDS = ("title", "summary", "service_targets", "purchaser_name", "implementation_place")
    SEARCH_NAMES = ("organization__name",)  # an organization is found by its name (issue 13)
    # What the organization fills in (form, Excel row; the Excel row adds its 服务区域 after 服务对象).
    EDITABLE_FIELDS = (
        "title",
        "category",
        "summary",
        "service_targets",
        *CONTACT_FIELDS,
        "previously_purchased",
        "purchaser_name",
        "purchase_amount",
        "implementation_place",
        "implementation_start",
        "implementation_end",
    )

    objects = OfferingQuerySet.as_manager()

    class Meta(SearchableRecord.Meta):
        verbose_name = verbose_name_plural = "社会组织服务项目"
        indexes = [
            *SearchableRecord.Meta.indexes,
            # The statistics' counts of published offers by category and registration authority,
            # from the index alone on PostgreSQL.
            models.Index(
                fields=["status", "category"],
                include=["id", "organization", "previously_purchased"],
                name="offering_status_dashboard",
            ),
            # 可能合适的社会组织 (matching/ranking.py): a category's published offers by organization.
            models.Index(
                fields=["category", "status", "organization", "citywide", "service_district_codes"],
                name="offering_category_status",
            ),
            # /offerings/: the published offers of eligible organizations, counted from the index (issue 15).
            models.Index(fields=["status", "organization"], name="offering_status_organization"),
        ]

    def clean(self):
        errors = {}
        errors.update(subcategory_errors(self))
        if not self.citywide and not self.service_codes:
            errors["service_district_codes"] = "请填写服务区域：一个或多个区，或“全市”。"
        if self.previously_purchased:
            required = {
                "purchaser_name": "曾被政府购买的项目须填写购买方名称。",
                "purchase_amount": "曾被政府购买的项目须填写购买金额。",
                "implementation_place": "曾被政府购买的项目须填写实施地点。",
                "implementation_start": "曾被政府购买的项目须填写实施开始日期。",
                "implementation_end": "曾被政府购买的项目须填写实施结束日期。",
            }
            for name, message in required.items():
                if getattr(self, name) in (None, ""):
                    errors[name] = message
        if self.purchase_amount is not None and self.purchase_amount <= 0:
            errors["purchase_amount"] = "购买金额必须大于 0 元。"
        if (
            self.implementation_start
            and self.implementation_end
            and self.implementation_end < self.implementation_start
        ):
            errors["implementation_end"] = "实施结束日期不能早于开始日期。"
        errors.update(
            confidentiality.check_fields(
                self,
                ("title", "summary", "service_targets", "purchaser_name", "implementation_place"),
                contact_fields=CONTACT_FIELDS,
            )
        )
        if errors:
            raise ValidationError(errors)

    @property
    def service_codes(self):
        return [c for c in (self.service_district_codes or "").split(",") if c]

    def set_service_area(self, citywide, codes):
        self.citywide = citywide
        self.service_district_codes = "" if citywide else ",".join(codes)

    @property
    def service_area_display(self):
        if self.citywide:
            return CITYWIDE
        names = refdata.district_names() if self.service_codes else {}
        return "、".join(names.get(c, c) for c in self.service_codes)

    def missing_information(self):
        """What a published offer still lacks, in Chinese (R-SUP-1). Twin: `Offering.objects.incomplete()`."""
        missing = []
        if self.previously_purchased:
            missing += [
                f"曾被政府购买，缺少{label}" for f, label in PURCHASE_FIELDS if getattr(self, f) in (None, "")
            ]
        if not self.citywide and not self.service_district_codes:
            missing.append("缺少服务区域")
        if len(self.summary or "") < MIN_SUMMARY_CHARS:
            missing.append(f"项目简介少于{MIN_SUMMARY_CHARS}字")
        return missing

    @property
    def is_public(self):
        """Twin: `Offering.objects.public()`."""
        return self.status == Status.PUBLISHED and self.organization.is_eligible

    @property
    def is_withdrawn_once_public(self):
        """Twin: `Offering.objects.withdrawn_once_public()`."""
        return self.status == Status.WITHDRAWN and self.published_at is not None
