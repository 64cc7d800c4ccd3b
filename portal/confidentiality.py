"""Confidentiality checks on every free text a user saves (第十六条, R-SUP-5).

Text that looks like a 身份证号 (18 characters with a valid ISO 7064 MOD 11-2 check character, or the
old 15-digit form with a valid birth date), a bank card number (16–19 digits passing the Luhn check)
or that carries a secrecy marking (绝密, 机密, 秘密, 内部资料) is refused at save time, with a message
naming the field. The text is normalized before it is looked at (NFKC width folding, format and
zero-width characters removed, spaces and hyphens between digits ignored, traditional forms of the
marking words folded), so "１１０１…", "1101 0119 …" or "機密" are found too; the saved text itself is
never altered: it is refused. Control and bidirectional-override characters are refused in every
saved text.

`TEXT_FIELDS` below lists every text field of every model and the rule it is held to; `install()`
(called from PortalConfig.ready) turns the list into model-field validators (so forms show the
message at the field) and a pre_save check (so no service, import or data link can save around
them). A text field missing from the list fails tests/portal/test_text_field_screening.py.
"""

import re
import unicodedata

from django.core.exceptions import FieldDoesNotExist, ValidationError

from .errors import ServiceError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_OLD_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[1-8]\d{5}(\d{2})(\d{2})(\d{2})\d{3}(?![0-9A-Za-z])")
_DIGIT_RUN = re.compile(r"(?<!\d)\d{16,19}(?!\d)")
# Spaces, hyphens and dashes between two digits (after NFKC, so full-width forms are already folded).
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[ \t\-‐‑‒–—―−]{1,2}(?=\d)")
MARKINGS = ("绝密", "机密", "秘密", "内部资料")
_TRADITIONAL = str.maketrans({"絕": "绝", "機": "机", "祕": "秘", "內": "内", "資": "资"})
# Separators someone might put inside a marking word to hide it: "机 密", "机-密", "机*密".
_INSIDE_WORD = re.compile(r"[\s\-‐‑‒–—―−_.·*]+")

# C0/C1 controls except tab, newline and carriage return; bidirectional embeddings, overrides,
# isolates and marks; line/paragraph separators; interlinear annotation characters.
CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufff9-\ufffb]"
)
# Excel writes a control character in a cell as _xHHHH_ (ECMA-376 ST_Xstring), e.g. _x0000_.
EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")

CONTROL_MESSAGE = "含有不可见的控制字符或文字方向控制符（如 U+202E），可能用于伪装内容，请删除后再保存。"


def normalize(text):
    """The text as screened: NFKC, format (Cf) characters removed, traditional marking forms folded."""
    text = unicodedata.normalize("NFKC", text or "")
    if not text.isprintable():  # a printable text has no Cf character (str.isprintable: no "Other")
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.translate(_TRADITIONAL)


def _variants(text):
    """The normalized text, and the same with separators between digits removed."""
    return _variants_of(normalize(text))


def _variants_of(folded):
    joined = _BETWEEN_DIGITS.sub("", folded)
    return (folded, joined) if joined != folded else (folded,)


def _valid_id(candidate):
    body, check = candidate[:17], candidate[17].upper()
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == check


def _valid_old_id(match):
    import datetime

    year, month, day = (int(g) for g in match.groups())
    try:
        datetime.date(1900 + year, month, day)
    except ValueError:
        return False
    return True


def _luhn(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def contains_id_number(text):
    return _id_in(_variants(text))


def _id_in(variants):
    for variant in variants:
        if any(_valid_id(m.group()) for m in _ID_CANDIDATE.finditer(variant)):
            return True
        if any(_valid_old_id(m) for m in _OLD_ID_CANDIDATE.finditer(variant)):
            return True
    return False


def contains_card_number(text):
    return _card_in(_variants(text))


def _card_in(variants):
    return any(_luhn(m.group()) for variant in variants for m in _DIGIT_RUN.finditer(variant))


def marking_in(text):
    return _marking_of(normalize(text))


def _marking_of(folded):
    squeezed = _INSIDE_WORD.sub("", folded)
    return next((m for m in MARKINGS if m in folded or m in squeezed), None)


def control_in(text):
    """The first control or bidi character in `text` (also written as Excel's _xHHHH_), or None."""
    match = CONTROL.search(text or "")
    if match:
        return match.group()
    for escape in EXCEL_ESCAPE.finditer(text or ""):
        char = chr(int(escape.group(1), 16))
        if CONTROL.match(char):
            return char
    return None


def problem(text, *, contact=False):
    """The Chinese reason a text may not be published, or None."""
    if not text:
        return None
    if control_in(text):
        return CONTROL_MESSAGE
    folded = normalize(text)  # once: the three checks below look at the same normalized text
    variants = _variants_of(folded)
    if _id_in(variants):
        return "含有疑似身份证号码，涉及个人隐私，不能发布（第十六条）。请删除后再保存。"
    if not contact and _card_in(variants):
        return "含有疑似银行卡号，涉及个人隐私，不能发布（第十六条）。请删除后再保存。"
    marking = _marking_of(folded)
    if marking:
        return f"含有“{marking}”密级或内部标识，涉密和内部工作信息不得在平台发布（第十六条）。"
    return None


def personal_data_problem(text):
    """For supervision's own notes (findings, answers): personal data is refused, but words such
    as 机密 may be quoted, since the note may be about exactly that."""
    if control_in(text):
        return CONTROL_MESSAGE
    variants = _variants(text)
    if _id_in(variants):
        return "含有疑似身份证号码，涉及个人隐私，请删除后再提交（第十六条）。"
    if _card_in(variants):
        return "含有疑似银行卡号，涉及个人隐私，请删除后再提交（第十六条）。"
    return None


def control_problem(text):
    return CONTROL_MESSAGE if control_in(text) else None


# --- the rules, and which text field is held to which -------------------------------------------

PUBLIC = "public"  # everything: personal data, card numbers, markings, control characters
CONTACT = "contact"  # a contact field: as PUBLIC but not the card rule (a phone string may pass Luhn)
PERSONAL = "personal"  # supervision's notes: personal data and control characters; markings may be quoted
PLAIN = "plain"  # names, codes, file names, generated text: control characters only

RULES = {
    PUBLIC: problem,
    CONTACT: lambda text: problem(text, contact=True),
    PERSONAL: personal_data_problem,
    PLAIN: control_problem,
}

# Every CharField/TextField of the project's models (fields with choices are PLAIN unless listed).
TEXT_FIELDS = {
    # Reference-data names are shown on every public page (an administrator edits them on the admin site).
    "portal.District": {"code": PLAIN, "name": PUBLIC},
    "portal.Street": {"name": PUBLIC},
    "portal.Category": {"code": PLAIN, "name": PUBLIC},
    "portal.PurchaseType": {"code": PLAIN, "name": PUBLIC, "note": PUBLIC},
    "portal.ImportBatch": {"kind": PLAIN, "original_name": PLAIN},
    "portal.Job": {
        "session_key": PLAIN,
        "kind": PLAIN,
        "title": PLAIN,
        "stage": PLAIN,
        "result_url": PLAIN,
        "message": PLAIN,
    },
    "accounts.PurchaserUnit": {
        "name": PUBLIC,
        "uscc": PLAIN,
        "business_line": PUBLIC,
        "contact_person": CONTACT,
        "contact_phone": CONTACT,
    },
    "accounts.SocialOrganization": {
        "name": PUBLIC,
        "uscc": PLAIN,
        "business_scope": PUBLIC,
        "contact_person": CONTACT,
        "contact_phone": CONTACT,
        "contact_email": CONTACT,
        "address": CONTACT,
    },
    "accounts.SeriousDishonestyEntry": {"reason": PERSONAL, "removal_reason": PERSONAL},
    "accounts.User": {
        "password": None,  # a hash written by Django, never typed text
        "username": PLAIN,
        "first_name": CONTACT,
        "last_name": CONTACT,
        "email": CONTACT,
        "full_name": CONTACT,
        "phone": CONTACT,
        "sso_code": PLAIN,  # the 法人一证通 identity, written by the SSO login
    },
    "accounts.LoginEvent": {"method": PLAIN},
    "accounts.AccountApplication": {
        "number": PLAIN,
        "unit_name": PUBLIC,
        "uscc": PLAIN,
        "business_line": PUBLIC,
        "contact_person": CONTACT,
        "contact_phone": CONTACT,
        "contact_email": CONTACT,
        "username": PLAIN,
        "note": PUBLIC,
        "review_reason": PERSONAL,
        "uscc_confirmed_name": PLAIN,  # copied from the registered unit or organization
    },
    "demands.Demand": {
        "title": PUBLIC,
        "service_targets": PUBLIC,
        "contact_person": CONTACT,
        "contact_phone": CONTACT,
        "contact_email": CONTACT,
        "qualification": PUBLIC,
        "other_info": PUBLIC,
        "source": PLAIN,
        "external_id": PLAIN,
        "cancel_reason": PUBLIC,
        "eval_summary": PUBLIC,
        "search_tokens": PLAIN,
    },
    "offerings.Offering": {
        "title": PUBLIC,
        "summary": PUBLIC,
        "service_targets": PUBLIC,
        "service_district_codes": PLAIN,
        "contact_person": CONTACT,
        "contact_phone": CONTACT,
        "contact_email": CONTACT,
        "purchaser_name": PUBLIC,
        "implementation_place": PUBLIC,
        "search_tokens": PLAIN,
    },
    "directory.Edition": {"title": PUBLIC, "requirements": PUBLIC, "notice_url": PLAIN},
    "directory.Application": {
        "statement": PUBLIC,
        "form_original_name": PLAIN,
        "form_extension": PLAIN,
        "removal_reason": PERSONAL,
    },
    "directory.ReviewStep": {"opinion": PERSONAL},
    "directory.PurchaserRecommendation": {"reason": PUBLIC},
    "notices.Article": {"publisher_name": PLAIN, "title": PUBLIC, "body": PUBLIC},
    # A file's name is shown as its title on the public page: held to the public rules.
    "notices.Attachment": {"original_name": PUBLIC, "extension": PLAIN},
    "notices.Download": {
        "publisher_name": PLAIN,
        "title": PUBLIC,
        "description": PUBLIC,
        "original_name": PUBLIC,
        "extension": PLAIN,
    },
    "notices.Link": {"publisher_name": PLAIN, "title": PUBLIC, "url": PLAIN},
    "notices.Message": {
        "number": PLAIN,
        "name": PUBLIC,
        "contact": CONTACT,
        "subject": PUBLIC,
        "body": PUBLIC,
        "reply": PUBLIC,
    },
    "supervision.Finding": {
        "number": PLAIN,
        "target_title": PLAIN,
        "description": PERSONAL,
        "answer": PERSONAL,
        "result_text": PERSONAL,
    },
    "supervision.CreditRecord": {"record": PERSONAL},
    "supervision.ReminderLog": {"key": PLAIN},
    "matching.Interest": {"note": PUBLIC},
    "matching.Subscription": {"kind": PLAIN, "name": PUBLIC, "q": PUBLIC, "feed_token": PLAIN},
    "matching.SubscriptionDelivery": {"kind": PLAIN},
    "matching.Question": {"text": PUBLIC, "answer": PUBLIC, "decline_reason": PUBLIC},
    "matching.OrganizationTally": {"area_codes": PLAIN},  # the offers' district codes, written by triggers
    "inbox.Notification": {"title": PLAIN, "body": PLAIN, "link": PLAIN, "dedupe_key": PLAIN},
    "inbox.OutgoingEmail": {
        "subject": PLAIN,
        "body": PLAIN,
        "html_body": PLAIN,
        "from_email": PLAIN,
        "last_error": None,  # the mail server's own answer, written by the outbox, never typed
    },
}


def _listed(model):
    """The model's entry in TEXT_FIELDS; a history model (django-simple-history) holds copies of
    screened fields, and its own change reason, built from what a user typed, is screened too."""
    if model.__name__.startswith("Historical") and hasattr(model, "instance_type"):
        from django.db import models

        texts = [
            f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
        ]
        return {**dict.fromkeys(texts, PLAIN), "history_change_reason": PERSONAL}
    return TEXT_FIELDS.get(model._meta.label, {})


def rule_for(model, field):
    """The rule a model's text field is held to (None: exempt), or KeyError when it is not listed."""
    listed = _listed(model)
    if field.name in listed:
        return listed[field.name]
    if field.choices:
        return PLAIN
    raise KeyError(f"{model._meta.label}.{field.name}")


def field_problem(rule, label, value):
    """“label”reason, or None."""
    if rule is None or not isinstance(value, str) or not value:
        return None
    reason = RULES[rule](value)
    return f"“{label}”{reason}" if reason else None


class TextRefused(ServiceError, ValidationError):
    """A saved text refused by a rule above: a ServiceError for the services' callers and a
    ValidationError (keyed by field) for forms."""

    def __init__(self, errors):
        ValidationError.__init__(self, errors)
        self.message = "；".join(errors.values())
        self.errors = errors

    def __str__(self):
        return self.message


def check_instance(instance):
    """{field: message} for every listed text field of `instance` that breaks its rule."""
    errors = {}
    for name, rule in _listed(type(instance)).items():
        if rule is None:
            continue
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:  # a field left out of the history model
            continue
        message = field_problem(rule, field.verbose_name, getattr(instance, field.attname, None))
        if message:
            errors[name] = message
    return errors


def check_fields(instance, fields, contact_fields=()):
    """{field: message} for the named text fields of `instance` (the older per-model call). A
    field that `install()` gave a validator is left to it, so a form does not show the message twice."""
    errors = {}
    for name in (*fields, *contact_fields):
        if any(isinstance(v, FieldValidator) for v in instance._meta.get_field(name).validators):
            continue
        label = instance._meta.get_field(name).verbose_name
        message = field_problem(
            CONTACT if name in contact_fields else PUBLIC, label, getattr(instance, name, "")
        )
        if message:
            errors[name] = message
    return errors


def validate_fields(instance, fields, contact_fields=()):
    errors = check_fields(instance, fields, contact_fields)
    if errors:
        raise ValidationError(errors)


class FieldValidator:
    """The model-field validator `install()` adds: forms show the message at the field."""

    def __init__(self, rule, label):
        self.rule, self.label = rule, label

    def __call__(self, value):
        message = field_problem(self.rule, self.label, value)
        if message:
            raise ValidationError(message, code="confidentiality")

    def __eq__(self, other):  # migrations compare validators; this one is never serialized
        return isinstance(other, FieldValidator) and (self.rule, self.label) == (other.rule, other.label)

    def deconstruct(self):
        return ("portal.confidentiality.FieldValidator", (self.rule, str(self.label)), {})


def _refuse_on_save(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata
        return
    errors = check_instance(instance)
    if errors:
        raise TextRefused(errors)


def install():
    from django.apps import apps
    from django.db.models.signals import pre_save

    for model in apps.get_models():
        fields = _listed(model)
        if not fields:
            continue
        if model.__name__.startswith("Historical"):
            pre_save.connect(
                _refuse_on_save, sender=model, dispatch_uid=f"confidentiality-{model._meta.label}"
            )
            continue
        for name, rule in fields.items():
            if rule is None:
                continue
            field = model._meta.get_field(name)
            # Set on the cached `validators` only (not `_validators`), so migrations do not see it.
            field.__dict__.pop("validators", None)
            field.__dict__["validators"] = [*field.validators, FieldValidator(rule, field.verbose_name)]
        pre_save.connect(_refuse_on_save, sender=model, dispatch_uid=f"confidentiality-{model._meta.label}")
