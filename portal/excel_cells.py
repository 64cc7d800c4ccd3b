"""Cell parsing for the Excel imports (portal/excel.py re-exports these): every cell read the way
people really type it in Excel or WPS — amounts in 元 with separators, dates in three spellings,
整数, choices by their label, 是/否 — with a Chinese message for anything else."""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from portal.xlsx import FORMULA_START

from . import confidentiality

if TYPE_CHECKING:
    from .excel import Column


# Zero-width characters and odd spaces as patterns: str.translate looks up every character of a
# Chinese text in its table, a pattern scans it in C (same result on every character, a quarter of the time).
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES_RE = re.compile("[\u3000\xa0\u2002\u2003\u2009]")


def _plain_spaces(text):
    """`text` without zero-width characters and with odd spaces as plain ones."""
    return _SPACES_RE.sub(" ", _ZERO_WIDTH_RE.sub("", text))


_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\ufe63": "-", "\uff0d": "-"})
_CJK = re.compile(r"[\u4e00-\u9fff]")
_EXCEL_ERRORS = {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!"}


def _unneutralize(text):
    """Undo `neutralize`: "'=1+1" written by an export reads back as "=1+1"."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START):
        return text[1:]
    return text


def decode_escapes(text):
    """Excel's _xHHHH_ escapes (ECMA-376 ST_Xstring) as the characters Excel shows: _x000D_ is a
    carriage return, _x0000_ a NUL (refused by `parse_cell`, like any control character)."""
    return (
        confidentiality.EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text
    )


def clean_text(value) -> str:
    """Text as the user meant it: trimmed, full-width spaces made normal, inner newlines kept,
    numbers typed into a text column without a stray ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    text = _plain_spaces(decode_escapes(str(value)))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return _unneutralize(text.strip()).strip()


def _fold(value):
    """Full-width digits, letters and punctuation to half-width; odd minus signs to "-"."""
    text = unicodedata.normalize("NFKC", _ZERO_WIDTH_RE.sub("", str(value)).translate(_MINUS))
    return text.translate(_MINUS).strip()


def _is_blank(value):
    if value is None:
        return True
    if isinstance(value, str):
        return not _plain_spaces(value).strip()
    return False


# ---- amount

_AMOUNT_MSG = "金额格式不正确：请填写以元为单位的数字，例如 150000 或 150,000.00"
_AMOUNT_UNIT_MSG = "金额格式不正确：请换算成以元为单位的数字填写，不要使用“万”“千”等单位或中文数字，例如 150000 或 150,000.00"
_AMOUNT_DECIMALS_MSG = "金额最多保留两位小数（到分），例如 150000.50"
_AMOUNT_TOO_BIG_MSG = "金额数值过大，请检查"
_CENT = Decimal("0.01")
_CHINESE_NUMERALS = set("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億")
_AMOUNT_RE = re.compile(
    r"(?P<sign1>[+-]?)\s*(?:RMB|CNY|¥|人民币)?\s*(?P<sign2>[+-]?)\s*(?P<number>[0-9.,]+)\s*(?:元整?)?",
    re.IGNORECASE,
)


def _to_cents(amount):
    try:
        cents = amount.quantize(_CENT)
    except InvalidOperation:
        raise ValueError(_AMOUNT_TOO_BIG_MSG) from None
    if cents != amount:
        raise ValueError(_AMOUNT_DECIMALS_MSG)
    return abs(cents) if cents == 0 else cents


def _grouped(integer_part):
    """Digits with thousands separators: 150,000 (or the Chinese 15,0000).  Returns digits or None."""
    if "," not in integer_part:
        return integer_part if integer_part.isdigit() else None
    first, *rest = integer_part.split(",")
    for size in (3, 4):
        if 1 <= len(first) <= size and first.isdigit() and all(len(g) == size and g.isdigit() for g in rest):
            return first + "".join(rest)
    return None


def parse_amount(value) -> Decimal:
    """An amount in 元 as a Decimal with two places; ValueError (Chinese message) when ambiguous."""
    if isinstance(value, bool) or value is None:
        raise ValueError(_AMOUNT_MSG)
    if isinstance(value, int):
        return _to_cents(Decimal(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_AMOUNT_MSG)
        return _to_cents(Decimal(repr(value)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(_AMOUNT_MSG)
        return _to_cents(value)
    if not isinstance(value, str):
        raise ValueError(_AMOUNT_MSG)

    text = _fold(value).replace("，", ",")
    if any(ch in _CHINESE_NUMERALS for ch in text):
        raise ValueError(_AMOUNT_UNIT_MSG)
    match = _AMOUNT_RE.fullmatch(text)
    if not match or (match["sign1"] and match["sign2"]):
        raise ValueError(_AMOUNT_MSG)
    sign = match["sign1"] or match["sign2"]
    number = match["number"]
    if number.count(".") > 1:
        raise ValueError(_AMOUNT_MSG)
    integer_part, _, fraction = number.partition(".")
    if "," in fraction or ("." in number and not fraction) or (not integer_part and not fraction):
        raise ValueError(_AMOUNT_MSG)
    digits = _grouped(integer_part) if integer_part else "0"
    if digits is None:
        raise ValueError(_AMOUNT_MSG)
    if len(fraction) > 2:
        raise ValueError(_AMOUNT_DECIMALS_MSG)
    return _to_cents(Decimal(f"{'-' if sign == '-' else ''}{digits}.{fraction or '0'}"))


# ---- date

_DATE_MSG = "日期格式不正确：请按 2025-03-01 的格式填写"
_DATE_YEAR_MSG = "日期的年份应在2000年至2100年之间"
_DATE_DASHED_RE = re.compile(
    r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
)
_DATE_CHINESE_RE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})[日号]?")


def _check_year(year):
    if not 2000 <= year <= 2100:
        raise ValueError(_DATE_YEAR_MSG)


def parse_date(value) -> datetime.date:
    """A date from a date cell or from text such as 2025-03-01, 2025/3/1, 2025年3月1日, 2025.3.1."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        _check_year(value.year)
        return value
    if not isinstance(value, str):
        # A bare number (an Excel serial such as 45000 in a cell not formatted as a date) is ambiguous.
        raise ValueError(_DATE_MSG)
    text = re.sub(r"\s+", " ", _fold(value))
    text = re.sub(r"\s*([-/.年月日号])\s*", r"\1", text)
    match = _DATE_DASHED_RE.fullmatch(text)
    if match:
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    else:
        match = _DATE_CHINESE_RE.fullmatch(text)
        if not match:
            raise ValueError(_DATE_MSG)
        year, month, day = (int(g) for g in match.groups())
    _check_year(year)
    if not 1 <= month <= 12:
        raise ValueError("不是有效的日期：月份应为1到12")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
        last_day = (next_month - datetime.timedelta(days=1)).day
        raise ValueError(f"不是有效的日期：{year}年{month}月只有{last_day}天") from None


# ---- int, choice, bool

_INT_MSG = "请填写整数"


def parse_int(value) -> int:
    """An integer from a number cell or from text such as "2026" or "2026年"."""
    if isinstance(value, bool) or value is None:
        raise ValueError(_INT_MSG)
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if (isinstance(value, float) and not math.isfinite(value)) or (
            isinstance(value, Decimal) and not value.is_finite()
        ):
            raise ValueError(_INT_MSG)
        if value != int(value):
            raise ValueError(_INT_MSG)
        return int(value)
    if not isinstance(value, str):
        raise ValueError(_INT_MSG)
    text = re.sub(r"\s+", "", _fold(value)).removesuffix("年")
    match = re.fullmatch(r"([+-]?)([0-9,]+)", text)
    digits = match and _grouped(match[2])
    if not digits:
        raise ValueError(_INT_MSG)
    return int(match[1] + digits)


def _norm_label(text):
    """For matching headers and choices: full-/half-width alike, no spaces, no case."""
    text = unicodedata.normalize("NFKC", clean_text(text))
    return re.sub(r"\s+", "", text).casefold()


def parse_choice(value, choices: Sequence[str]) -> str:
    """One of `choices`, matched after trimming (and with full-/half-width parentheses alike)."""
    text = clean_text(value)
    if text in choices:
        return text
    wanted = _norm_label(text)
    for choice in choices:
        if _norm_label(choice) == wanted:
            return choice
    if not choices:  # e.g. reference data not set up yet: nothing can be accepted
        raise ValueError("目前没有可选的值，请联系管理员")
    if len(choices) > 8:
        raise ValueError("不是可选的值，请从下拉列表中选择")
    raise ValueError("只能填写以下之一：" + "、".join(choices))


_BOOL_MSG = "请填写“是”或“否”"
_TRUE_WORDS = {"是", "y", "yes", "true", "1"}
_FALSE_WORDS = {"否", "n", "no", "false", "0"}


def parse_bool(value) -> bool:
    """是/否, Y/N, yes/no, TRUE/FALSE or 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = _fold(value).casefold()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise ValueError(_BOOL_MSG)


def parse_cell(column: Column, value):
    """The parsed value of one cell (None when empty); ValueError with a Chinese message otherwise."""
    if _is_blank(value):
        return None
    if isinstance(value, str) and value.strip() in _EXCEL_ERRORS:
        raise ValueError(f"单元格是公式错误值（{value.strip()}），请改为实际内容")
    kind = column.kind
    if isinstance(value, str) and confidentiality.control_in(decode_escapes(value)):
        raise ValueError(confidentiality.CONTROL_MESSAGE)
    if kind == "text":
        text = clean_text(value)
        if column.max_length is not None and len(text) > column.max_length:
            raise ValueError(f"不能超过{column.max_length}个字（现在{len(text)}个）")
        return text or None
    if kind == "amount":
        return parse_amount(value)
    if kind == "date":
        return parse_date(value)
    if kind == "int":
        return parse_int(value)
    if kind == "choice":
        return parse_choice(value, column.choices)
    return parse_bool(value)
