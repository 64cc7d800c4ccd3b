"""统一社会信用代码 (GB 32100-2015).

18 characters over the alphabet 0-9 A-H J-N P-R T U W-Y (no I, O, Z, S, V):
1 registration department, 2 category, 3-8 area code, 9-17 organization code,
18 check character = alphabet[(31 - Σ value(i) × 3^(i-1) mod 31) mod 31].
"""

import re

from django.core.exceptions import ValidationError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_SHAPE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$")
_FULLWIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {chr(0xFF21 + i): chr(ord("A") + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(ord("a") + i) for i in range(26)}
)

# 登记管理部门代码 5 = 民政; 机构类别 1 社会团体, 2 民办非企业单位/社会服务机构, 3 基金会.
SOCIAL_ORG_CATEGORY = {"social_group": "1", "service_agency": "2", "foundation": "3"}


def normalize_uscc(value):
    """Upper-case, half-width, no spaces: what people paste becomes what we store."""
    if value is None:
        return ""
    return re.sub(r"\s+", "", str(value).translate(_FULLWIDTH)).upper()


def uscc_check_char(first17):
    total = sum(_VALUES[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value):
    code = normalize_uscc(value)
    return bool(_SHAPE.match(code)) and uscc_check_char(code[:17]) == code[17]


def validate_uscc(value):
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            "统一社会信用代码应为18位（当前为%(n)s位），请核对营业执照或登记证书。",
            code="uscc_length",
            params={"n": len(code)},
        )
    if not _SHAPE.match(code):
        raise ValidationError(
            "统一社会信用代码含有不允许的字符：只能由数字和除 I、O、Z、S、V 以外的大写字母组成，第3～8位为数字。",
            code="uscc_chars",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(
            "统一社会信用代码校验位不正确（按 GB 32100-2015 计算第18位应为 %(c)s），请检查是否输错。",
            code="uscc_check",
            params={"c": uscc_check_char(code[:17])},
        )


def validate_social_org_uscc(value, org_type=None):
    """A social organization's code is issued by civil affairs: it begins with 5 and its category digit."""
    validate_uscc(value)
    code = normalize_uscc(value)
    if code[0] != "5":
        raise ValidationError(
            "社会组织的统一社会信用代码应以 5 开头（民政部门登记），请确认是否为社会组织。",
            code="uscc_not_social_org",
        )
    if org_type and SOCIAL_ORG_CATEGORY.get(org_type) and code[1] != SOCIAL_ORG_CATEGORY[org_type]:
        raise ValidationError(
            "统一社会信用代码第2位为 %(got)s，与所选组织类型不符（应为 %(want)s）。",
            code="uscc_org_type",
            params={"got": code[1], "want": SOCIAL_ORG_CATEGORY[org_type]},
        )
