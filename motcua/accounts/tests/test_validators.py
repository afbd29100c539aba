"""Personal ID numbers, tax codes and mobile numbers: what passes, what fails, and with which message."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from motcua.accounts.provinces import PROVINCE_CODES
from motcua.accounts.validators import (
    normalize_phone,
    normalize_tax_code,
    personal_id_birth_year,
    tax_code_check_digit,
    validate_personal_id,
    validate_phone,
    validate_tax_code,
)

TODAY = datetime.date(2026, 11, 22)


def error_code(validator, value, **kwargs) -> str | None:  # type: ignore[no-untyped-def]
    try:
        validator(value, **kwargs)
    except ValidationError as error:
        return error.code
    return None


def test_the_province_list_holds_the_63_pre_2025_codes() -> None:
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["079"] == "Thành phố Hồ Chí Minh"
    assert PROVINCE_CODES["025"] == "Phú Thọ"
    assert min(PROVINCE_CODES) == "001"
    assert max(PROVINCE_CODES) == "096"
    assert "003" not in PROVINCE_CODES  # never issued


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("001085001234", None),  # Hà Nội, male, 1985
        ("079192004567", None),  # TP.HCM, female, 1992
        ("025201007890", None),  # Phú Thọ, male, 2001
        ("096326000001", None),  # Cà Mau, female, 2026 (this year)
        ("096327000001", "personal_id_birth_year"),  # female born 2027: not yet
        ("001499000001", "personal_id_birth_year"),  # 22nd century
        ("001900000001", "personal_id_birth_year"),  # 24th century
        ("003085001234", "personal_id_province"),  # 003 was never a province code
        ("097085001234", "personal_id_province"),
        ("000085001234", "personal_id_province"),
        ("00108500123", "personal_id_format"),  # 11 digits
        ("0010850012345", "personal_id_format"),  # 13 digits
        ("00108500123A", "personal_id_format"),
        ("001 085 001 234", "personal_id_format"),  # spaces are removed by normalize, not accepted here
        ("", "personal_id_format"),
    ],
)
def test_personal_id(value: str, expected: str | None) -> None:
    assert error_code(validate_personal_id, value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "year"),
    [("001085001234", 1985), ("001185001234", 1985), ("001201001234", 2001), ("001399001234", 2099)],
)
def test_personal_id_birth_year(value: str, year: int) -> None:
    assert personal_id_birth_year(value) == year


def test_personal_id_messages_are_vietnamese() -> None:
    with translation.override("vi"):
        with pytest.raises(ValidationError) as wrong_length:
            validate_personal_id("12345", today=TODAY)
        with pytest.raises(ValidationError) as wrong_province:
            validate_personal_id("003085001234", today=TODAY)

    assert wrong_length.value.messages == ["Vui lòng nhập đủ 12 chữ số của số định danh cá nhân."]
    assert wrong_province.value.messages == [
        "Ba chữ số đầu của số định danh cá nhân là mã tỉnh; 003 không phải là mã tỉnh. "
        "Vui lòng kiểm tra lại số trên thẻ căn cước của bạn."
    ]


@pytest.mark.parametrize(
    ("first_nine", "check"),
    [
        ("010023348", 8),
        ("010004751", 6),  # the circular's worked example
        ("010124315", 0),  # remainder 10 → check digit 0
        ("031440905", 8),
        ("030058856", 9),
    ],
)
def test_tax_code_check_digit(first_nine: str, check: int) -> None:
    assert tax_code_check_digit(first_nine) == check


def test_a_remainder_of_zero_has_no_check_digit() -> None:
    # The first nine digits whose weighted sum is a multiple of 11 would need a check "digit" of 10.
    prefix = next(
        f"{n:09d}"
        for n in range(1, 10**6)
        if sum(w * int(d) for w, d in zip((31, 29, 23, 19, 17, 13, 7, 5, 3), f"{n:09d}", strict=True)) % 11
        == 0
    )

    assert tax_code_check_digit(prefix) is None
    with pytest.raises(ValidationError):
        validate_tax_code(prefix + "0")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0100233488", None),
        ("0100109106", None),
        ("0101243150", None),
        ("0314409058-002", None),
        ("0100233488-001", None),
        ("0100233480", "tax_code_checksum"),
        ("0100233489", "tax_code_checksum"),
        ("0314409058-000", "tax_code_component"),
        ("0100000000", "tax_code_component"),
        ("010023348", "tax_code_format"),
        ("01002334888", "tax_code_format"),
        ("0100233488-01", "tax_code_format"),
        ("0100233488/001", "tax_code_format"),
        ("01002334AB", "tax_code_format"),
        ("", "tax_code_format"),
    ],
)
def test_tax_code(value: str, expected: str | None) -> None:
    assert error_code(validate_tax_code, value) == expected


def test_the_checksum_can_be_switched_off_by_setting() -> None:
    with override_settings(MOTCUA={**settings.MOTCUA, "TAX_CODE_CHECKSUM": False}):
        assert error_code(validate_tax_code, "0100233480") is None
        assert error_code(validate_tax_code, "0100000000") == "tax_code_component"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0100 233 488", "0100233488"),
        ("0100.233.488", "0100233488"),
        ("0314409058 - 002", "0314409058-002"),
        ("0314409058002", "0314409058-002"),
        ("0314409058-002", "0314409058-002"),
    ],
)
def test_tax_code_normalization(typed: str, stored: str) -> None:
    assert normalize_tax_code(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0386-123-456", "0386123456"),
    ],
)
def test_phone_normalization(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("0912345678", True),
        ("0386123456", True),
        ("0521234567", True),
        ("0701234567", True),
        ("0812345678", True),
        ("0212345678", False),  # 02x: landline area codes
        ("02103000004", False),
        ("0612345678", False),
        ("091234567", False),
        ("09123456789", False),
        ("1912345678", False),
        ("", False),
    ],
)
def test_phone(value: str, valid: bool) -> None:
    assert (error_code(validate_phone, value) is None) is valid
