"""Confidentiality checks on free text (第十六条, R-SUP-5).

Text that looks like a 身份证号 (18 characters, the last a valid ISO 7064 MOD 11-2 check
character), a bank card number (16–19 digits passing the Luhn check) or that carries a secrecy
marking (绝密, 机密, 秘密, 内部资料) is refused at save time, with a message naming the field.
Contact fields are exempt from the card rule (a long phone string may pass Luhn by chance) but
not from the ID rule. Used by the models' clean(), so forms and Excel rows get the same checks.
"""

import re

from django.core.exceptions import ValidationError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ -]?\d){15,18}(?!\d)")
MARKINGS = ("绝密", "机密", "秘密", "内部资料")


def _valid_id(candidate):
    body, check = candidate[:17], candidate[17].upper()
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == check


def _luhn(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def contains_id_number(text):
    return any(_valid_id(m.group()) for m in _ID_CANDIDATE.finditer(text or ""))


def contains_card_number(text):
    for match in _DIGIT_RUN.finditer(text or ""):
        digits = re.sub(r"[ -]", "", match.group())
        if 16 <= len(digits) <= 19 and _luhn(digits):
            return True
    return False


def marking_in(text):
    return next((m for m in MARKINGS if m in (text or "")), None)


def problem(text, *, contact=False):
    """The Chinese reason a text may not be published, or None."""
    if not text:
        return None
    if contains_id_number(text):
        return "含有疑似身份证号码，涉及个人隐私，不能发布（第十六条）。请删除后再保存。"
    if not contact and contains_card_number(text):
        return "含有疑似银行卡号，涉及个人隐私，不能发布（第十六条）。请删除后再保存。"
    marking = marking_in(text)
    if marking:
        return f"含有“{marking}”密级或内部标识，涉密和内部工作信息不得在平台发布（第十六条）。"
    return None


def personal_data_problem(text):
    """For supervision's own notes (findings, answers): personal data is refused, but words such
    as 机密 may be quoted, since the note may be about exactly that."""
    if contains_id_number(text):
        return "含有疑似身份证号码，涉及个人隐私，请删除后再提交（第十六条）。"
    if contains_card_number(text):
        return "含有疑似银行卡号，涉及个人隐私，请删除后再提交（第十六条）。"
    return None


def check_fields(instance, fields, contact_fields=()):
    """{field: message} for the text fields of `instance` that may not be published."""
    errors = {}
    for name in (*fields, *contact_fields):
        value = getattr(instance, name, "")
        if not isinstance(value, str):
            continue
        reason = problem(value, contact=name in contact_fields)
        if reason:
            label = instance._meta.get_field(name).verbose_name
            errors[name] = f"“{label}”{reason}"
    return errors


def validate_fields(instance, fields, contact_fields=()):
    errors = check_fields(instance, fields, contact_fields)
    if errors:
        raise ValidationError(errors)
