"""Vietnamese identifiers: personal ID number (CCCD), tax code (mã số thuế), mobile phone number.

Each `validate_*` raises Django's `ValidationError` with a Vietnamese (translated) message, so that model
fields, forms and services share one rule; each `normalize_*` turns what a person types (spaces, dots,
+84) into the stored form. Validate the normalized value.
"""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.provinces import PROVINCE_CODES

_SEPARATORS = re.compile(r"[\s.\-]")
_TWELVE_DIGITS = re.compile(r"^\d{12}$")
_TAX_CODE = re.compile(r"^(?P<main>\d{10})(?:-(?P<branch>\d{3}))?$")
# Vietnamese mobile numbers: 10 digits, 0 then a network digit 3, 5, 7, 8 or 9 (the 2018 renumbering).
_MOBILE = re.compile(r"^0[35789]\d{8}$")
# Weights of the tax code's check digit over its first nine digits (see `tax_code_check_digit`).
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def normalize_personal_id(value: str) -> str:
    return re.sub(r"\s", "", value or "")


def personal_id_birth_year(value: str) -> int:
    """The birth year a valid personal ID number encodes (digits 4 to 6).

    TT 07/2016/TT-BCA art. 7 (carried over by TT 59/2021/TT-BCA): the 4th digit codes century and
    gender (0/1: 20th century, male/female; 2/3: 21st; 4/5: 22nd; 6/7: 23rd; 8/9: 24th); the 5th and 6th
    digits are the last two digits of the birth year.
    """
    century_start = 1900 + 100 * (int(value[3]) // 2)
    return century_start + int(value[4:6])


def validate_personal_id(value: str, *, today: date | None = None) -> None:
    """A 12-digit personal ID number: province code of birth registration and a birth year not to come."""
    if not _TWELVE_DIGITS.match(value or ""):
        raise ValidationError(_("Enter the 12 digits of the personal ID number."), code="personal_id_format")
    if value[:3] not in PROVINCE_CODES:
        raise ValidationError(
            _(
                "The first three digits of a personal ID number are a province code; "
                "%(code)s is not one. Check the number on your citizen ID card."
            ),
            code="personal_id_province",
            params={"code": value[:3]},
        )
    today = today or timezone.localdate()
    if personal_id_birth_year(value) > today.year:
        raise ValidationError(
            _(
                "Digits 4 to 6 of a personal ID number give the century and year of birth; "
                "here they give a year still to come. Check the number on your citizen ID card."
            ),
            code="personal_id_birth_year",
        )


def normalize_tax_code(value: str) -> str:
    """ "0100 233 488" → "0100233488"; "0314409058 - 002" or "0314409058002" → "0314409058-002"."""
    digits = re.sub(r"[\s.]", "", value or "")
    if re.fullmatch(r"\d{13}", digits):
        return f"{digits[:10]}-{digits[10:]}"
    return re.sub(r"\s*-\s*", "-", digits)


def tax_code_check_digit(first_nine: str) -> int | None:
    """The 10th digit of a tax code, from its first nine; None when no digit can satisfy the rule.

    check = 10 − (Σ weight × digit mod 11), weights 31, 29, 23, 19, 17, 13, 7, 5, 3. The rule as
    implemented by python-stdnum (`stdnum/vn/mst.py`, which cites vi.wikipedia "Thuế Việt Nam: Mã số
    thuế") and by the vn-ident package (PyPI), whose worked example 010004751 → 6 is the circular's;
    checked against published codes 0100233488, 0100109106, 0101243150, 0314409058. A remainder of 0
    would need a check "digit" of 10: such sequences are never issued.
    """
    total = sum(weight * int(digit) for weight, digit in zip(TAX_CODE_WEIGHTS, first_nine, strict=True))
    check = 10 - total % 11
    return check if check < 10 else None


def validate_tax_code(value: str) -> None:
    """10 digits with a valid check digit, or those 10 + "-" + 3 digits (001–999) for a dependent unit."""
    match = _TAX_CODE.match(value or "")
    if match is None:
        raise ValidationError(
            _(
                "Enter the tax code as 10 digits, or 10 digits, a hyphen and 3 digits for a branch "
                "or dependent unit (for example 0100233488 or 0100233488-001)."
            ),
            code="tax_code_format",
        )
    main, branch = match["main"], match["branch"]
    if main[2:9] == "0000000" or branch == "000":
        raise ValidationError(
            _("This tax code cannot exist: check it on your business registration certificate."),
            code="tax_code_component",
        )
    if settings.MOTCUA.get("TAX_CODE_CHECKSUM", True) and tax_code_check_digit(main[:9]) != int(main[9]):
        raise ValidationError(
            _(
                "The last digit of this tax code does not match the others: check it on your "
                "business registration certificate."
            ),
            code="tax_code_checksum",
        )


def normalize_phone(value: str) -> str:
    """ "+84 912.345.678", "84912345678" or "0912 345 678" → "0912345678"."""
    digits = _SEPARATORS.sub("", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def validate_phone(value: str) -> None:
    if not _MOBILE.match(value or ""):
        raise ValidationError(
            _("Enter a Vietnamese mobile number of 10 digits, for example 0912 345 678."),
            code="phone_format",
        )
