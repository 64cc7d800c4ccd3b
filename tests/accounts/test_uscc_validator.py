"""R-SUB-2: the 统一社会信用代码 validator implements the GB 32100-2015 check character."""

import pytest
from django.core.exceptions import ValidationError

from accounts.validators import (
    is_valid_uscc,
    normalize_uscc,
    uscc_check_char,
    validate_social_org_uscc,
    validate_uscc,
)

# Real-format codes with a correct check character (the first is the example printed in many
# explanations of GB 32100-2015; the others follow the same rule for Shanghai organizations).
VALID = [
    "91350100M000100Y43",
    "11310000002424851" + uscc_check_char("11310000002424851"),
    "52310101MJ4963201" + uscc_check_char("52310101MJ4963201"),
    "53310000MJ4907125" + uscc_check_char("53310000MJ4907125"),
]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    validate_uscc(code)
    assert is_valid_uscc(code)


def test_known_example_check_character_is_3():
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_every_wrong_check_character_is_refused():
    first17 = "91350100M000100Y4"
    for ch in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        assert is_valid_uscc(first17 + ch) is (ch == "3")


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(ValidationError) as exc:
        validate_uscc("91350100M000100Y44")
    assert "校验位不正确" in exc.value.messages[0]
    assert "应为 3" in exc.value.messages[0]


@pytest.mark.parametrize(
    "code, fragment",
    [
        ("", "应为18位"),
        ("91350100M000100Y4", "应为18位"),
        ("91350100M000100Y433", "应为18位"),
        ("91350100M000100I43", "不允许的字符"),  # I is not in the alphabet
        ("91350100M000100O43", "不允许的字符"),  # nor is O
        ("913501A0M000100Y43", "不允许的字符"),  # area code must be digits
    ],
)
def test_malformed_codes_are_refused_with_a_chinese_reason(code, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert fragment in exc.value.messages[0]


def test_lower_case_full_width_and_spaces_are_normalized():
    assert normalize_uscc(" ９１３５０１００ｍ０００１００ｙ４３ ") == "91350100M000100Y43"
    assert is_valid_uscc("91350100m000100y43")


def test_a_social_organization_code_must_begin_with_5_and_match_its_type():
    service_agency = "52310101MJ4963201" + uscc_check_char("52310101MJ4963201")
    validate_social_org_uscc(service_agency, "service_agency")
    with pytest.raises(ValidationError, match="组织类型不符"):
        validate_social_org_uscc(service_agency, "foundation")
    with pytest.raises(ValidationError, match="应以 5 开头"):
        validate_social_org_uscc("91350100M000100Y43", "service_agency")
