"""Taiwanese identity numbers: normalising, validating, encrypting, masking.

Three formats share one check-digit rule:

* 身分證統一編號 (national ID): a letter, then 1 or 2 (sex), then eight digits;
* 居留證 / 統一證號, old format: a letter, then A-D, then eight digits;
* 居留證 / 統一證號, new format (since 2021): a letter, then 8 or 9, then
  eight digits.

The first letter stands for a two-digit area number (A=10 ... Z=33, with
the historical gaps). The old resident format's second letter counts as the
last digit of its own area number (A=0, B=1, C=2, D=3). The weighted sum of
the eleven digits (weights 1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1) must be a
multiple of ten.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from enum import Enum

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

AREA_CODES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17,
    "I": 34, "J": 18, "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23,
    "Q": 24, "R": 25, "S": 26, "T": 27, "U": 28, "V": 29, "W": 32, "X": 30,
    "Y": 31, "Z": 33,
}
WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
# Invisible characters that copying from web pages and word processors leaves behind:
# zero-width space and joiners, word joiner, byte order mark, soft hyphen, direction marks.
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u180e"), None)

# ASCII digits only: ``\d`` would also accept other scripts' digits, such as Arabic-Indic ones.
NATIONAL_ID_PATTERN = re.compile(r"[A-Z][12][0-9]{8}")
OLD_RESIDENT_PATTERN = re.compile(r"[A-Z][A-D][0-9]{8}")
NEW_RESIDENT_PATTERN = re.compile(r"[A-Z][89][0-9]{8}")


class IdentityKind(str, Enum):
    NATIONAL = "national"
    RESIDENT_OLD = "resident_old"
    RESIDENT_NEW = "resident_new"


def normalise(raw: str | None) -> str:
    """Return ``raw`` trimmed, upper-cased, half-width and free of zero-width characters."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw)).translate(ZERO_WIDTH)
    return "".join(text.split()).upper()


def kind_of(number: str) -> IdentityKind | None:
    """Return the format of an already normalised number, or None if it fits none."""
    if NATIONAL_ID_PATTERN.fullmatch(number):
        return IdentityKind.NATIONAL
    if OLD_RESIDENT_PATTERN.fullmatch(number):
        return IdentityKind.RESIDENT_OLD
    if NEW_RESIDENT_PATTERN.fullmatch(number):
        return IdentityKind.RESIDENT_NEW
    return None


def _digits(number: str) -> list[int]:
    area = AREA_CODES[number[0]]
    second = number[1]
    if second.isalpha():
        second_digit = AREA_CODES[second] % 10
    else:
        second_digit = int(second)
    return [area // 10, area % 10, second_digit, *(int(c) for c in number[2:])]


def check_digit_ok(number: str) -> bool:
    """Tell whether a number of a known format has a correct check digit."""
    total = sum(w * d for w, d in zip(WEIGHTS, _digits(number), strict=True))
    return total % 10 == 0


def compute_check_digit(first_nine: str) -> str:
    """Return the check digit that completes the first nine characters of a number.

    Raises ValueError when ``first_nine`` is not the start of a number of a known format.
    """
    if len(first_nine) != 9 or kind_of(first_nine + "0") is None:
        raise ValueError("expected a letter, 1, 2, 8, 9 or A-D, and seven ASCII digits")
    partial = _digits(first_nine + "0")
    total = sum(w * d for w, d in zip(WEIGHTS, partial, strict=True))
    return str((10 - total % 10) % 10)


def is_valid(raw: str | None) -> bool:
    number = normalise(raw)
    return kind_of(number) is not None and check_digit_ok(number)


def validate(raw: str | None) -> str:
    """Return the normalised number, or raise ValidationError naming the problem and the fix."""
    number = normalise(raw)
    if not number:
        raise ValidationError(
            _("Identity number is required. Enter the 10-character number on the ID or resident card."),
            code="required",
        )
    if len(number) != 10:
        raise ValidationError(
            _(
                "Identity number must be 10 characters; “%(value)s” has %(length)s. "
                "Check the number on the card and enter it again."
            ),
            code="length",
            params={"value": mask(number), "length": len(number)},
        )
    if kind_of(number) is None:
        raise ValidationError(
            _(
                "Identity number “%(value)s” is not in a known format. A national ID is a letter, "
                "1 or 2, and eight digits; a resident certificate number is a letter, A–D or 8–9, "
                "and eight digits."
            ),
            code="format",
            params={"value": mask(number)},
        )
    if not check_digit_ok(number):
        raise ValidationError(
            _(
                "Identity number “%(value)s” has a wrong check digit. One character was probably "
                "mistyped: compare it with the card."
            ),
            code="check_digit",
            params={"value": mask(number)},
        )
    return number


def mask(number: str) -> str:
    """Hide the last four characters, following the government's masking guidance (A12345****)."""
    number = number or ""
    if len(number) <= 4:
        return "*" * len(number)
    return number[:-4] + "****"


# --- Storage ---------------------------------------------------------------------


def _encryption_key() -> bytes:
    key = base64.b64decode(settings.IDENTITY_ENCRYPTION_KEY)
    if len(key) != 32:
        raise ValueError("IDENTITY_ENCRYPTION_KEY must be 32 bytes, base64-encoded.")
    return key


def encrypt(number: str) -> bytes:
    """Encrypt a normalised number with AES-256-GCM; the 12-byte nonce leads the output."""
    nonce = os.urandom(12)
    return nonce + AESGCM(_encryption_key()).encrypt(nonce, number.encode("ascii"), b"identity")


def decrypt(blob: bytes) -> str:
    """Decrypt what ``encrypt`` produced; raises cryptography's InvalidTag if it was altered."""
    blob = bytes(blob)
    return AESGCM(_encryption_key()).decrypt(blob[:12], blob[12:], b"identity").decode("ascii")


def lookup_hash(number: str) -> str:
    """Return the keyed HMAC-SHA256 of a normalised number, for unique look-ups."""
    key = settings.IDENTITY_HASH_KEY.encode("utf-8")
    return hmac.new(key, normalise(number).encode("ascii"), hashlib.sha256).hexdigest()
