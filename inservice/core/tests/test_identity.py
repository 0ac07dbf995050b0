"""Identity numbers: formats, check digit, normalising, encryption, look-up hash and masking.

The check-digit rule: the first letter becomes its two-digit area number (A=10 … Z=33 with the
historical gaps, I=34, O=35, W=32); the old resident format's second letter counts as the last
digit of its own area number; the eleven digits, weighted 1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1, must
add up to a multiple of ten. Worked examples of the vectors below:

* A123456789 → 1 0 1 2 3 4 5 6 7 8 9 → 1+0+8+14+18+20+20+18+14+8+9 = 130;
* AC01234567 → 1 0 2 0 1 2 3 4 5 6 7 → 1+0+16+0+6+10+12+12+10+6+7 = 80;
* A800000014 → 1 0 8 0 0 0 0 0 0 1 4 → 1+0+64+0+0+0+0+0+0+1+4 = 70.
"""

from __future__ import annotations

import hashlib
import hmac
import string

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from inservice.core import identity
from inservice.core.identity import IdentityKind

VALID = [
    # National IDs (身分證統一編號): the widely published example, then others checked by hand.
    ("A123456789", IdentityKind.NATIONAL),
    ("A223456781", IdentityKind.NATIONAL),
    ("F131104093", IdentityKind.NATIONAL),
    ("I100000003", IdentityKind.NATIONAL),  # I is 34: 3+36+8+3 = 50
    ("O200000006", IdentityKind.NATIONAL),  # O is 35: 3+45+16+6 = 70
    ("W100000001", IdentityKind.NATIONAL),  # W is 32: 3+18+8+1 = 30
    # Old resident certificate numbers (居留證, letter A-D in second place).
    ("AC01234567", IdentityKind.RESIDENT_OLD),
    ("FA12345689", IdentityKind.RESIDENT_OLD),
    ("AA00000009", IdentityKind.RESIDENT_OLD),
    ("HD12345678", IdentityKind.RESIDENT_OLD),
    # New unified certificate numbers (統一證號, 8 or 9 in second place, since 2021).
    ("A800000014", IdentityKind.RESIDENT_NEW),
    ("A900000016", IdentityKind.RESIDENT_NEW),
]

INVALID_CHECK_DIGIT = ["A123456788", "B123456789", "AC01234568", "A810000009", "A900000017", "FA12345680"]

INVALID_FORMAT = [
    "A323456789",  # second character 3 belongs to no format
    "AE12345678",  # only A-D follow the letter in the old resident format
    "1123456789",  # starts with a digit
    "A12345678",  # nine characters
    "A1234567890",  # eleven characters
    "A12345678X",  # letter as the check digit
    "A12345678٩",  # Arabic-Indic digit nine
    "",
]


@pytest.mark.parametrize(("number", "kind"), VALID)
def test_valid_vectors_pass(number, kind):
    assert identity.kind_of(number) == kind
    assert identity.check_digit_ok(number)
    assert identity.validate(number) == number


@pytest.mark.parametrize("number", INVALID_CHECK_DIGIT)
def test_wrong_check_digit_rejected(number):
    assert not identity.is_valid(number)
    with pytest.raises(ValidationError) as caught:
        identity.validate(number)
    assert caught.value.code == "check_digit"


@pytest.mark.parametrize("number", INVALID_FORMAT)
def test_unknown_format_rejected(number):
    assert not identity.is_valid(number)
    with pytest.raises(ValidationError) as caught:
        identity.validate(number)
    assert caught.value.code in {"required", "length", "format"}


def test_validation_message_masks_the_number():
    with pytest.raises(ValidationError) as caught:
        identity.validate("A123456788")
    message = caught.value.messages[0]
    assert "A12345****" in message
    assert "A123456788" not in message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  A123456789  ", "A123456789"),
        ("a123456789", "A123456789"),
        ("A 1234 56789", "A123456789"),
        ("Ａ１２３４５６７８９", "A123456789"),  # full-width letters and digits
        ("ａ１２３４５６７８９", "A123456789"),  # full-width lower case
        ("A123\u200b456789", "A123456789"),  # zero-width space
        ("\ufeffA123456789", "A123456789"),  # byte order mark
        ("A12345\u200d6789\u2060", "A123456789"),  # zero-width joiner, word joiner
        ("A123456789\u3000", "A123456789"),  # ideographic space
        ("\tac01234567\n", "AC01234567"),
        (None, ""),
    ],
)
def test_normalise_cases(raw, expected):
    assert identity.normalise(raw) == expected


def test_validate_returns_normalised_number():
    assert identity.validate(" ａ１２３４５６７８９\u200b") == "A123456789"


def test_compute_check_digit_completes_vectors():
    for number, _kind in VALID:
        assert identity.compute_check_digit(number[:9]) == number[9]


def test_compute_check_digit_rejects_bad_prefix():
    with pytest.raises(ValueError):
        identity.compute_check_digit("A3234567")


# --- Encryption, look-up hash, masking ----------------------------------------------


def test_encrypt_round_trip():
    blob = identity.encrypt("A123456789")
    assert b"A123456789" not in blob
    assert identity.decrypt(blob) == "A123456789"
    assert identity.decrypt(memoryview(blob)) == "A123456789"


def test_encrypt_uses_fresh_nonce():
    assert identity.encrypt("A123456789") != identity.encrypt("A123456789")


@pytest.mark.parametrize("position", [0, 5, 12, 20, -1])
def test_decrypt_detects_tampering(position):
    blob = bytearray(identity.encrypt("A123456789"))
    blob[position] ^= 0x01
    with pytest.raises(InvalidTag):
        identity.decrypt(bytes(blob))


def test_decrypt_with_other_key_fails():
    blob = identity.encrypt("A123456789")
    other = "b3RoZXItaWRlbnRpdHkta2V5LTMyLWJ5dGVzLWxvbmc="
    with override_settings(IDENTITY_ENCRYPTION_KEY=other), pytest.raises(InvalidTag):
        identity.decrypt(blob)


def test_encryption_key_must_be_32_bytes():
    with override_settings(IDENTITY_ENCRYPTION_KEY="c2hvcnQ="), pytest.raises(ValueError):
        identity.encrypt("A123456789")


def test_lookup_hash_stable_and_normalising():
    first = identity.lookup_hash("A123456789")
    assert first == identity.lookup_hash("A123456789")
    assert first == identity.lookup_hash(" ａ123456789 ")
    assert len(first) == 64
    assert "A123456789" not in first


@override_settings(IDENTITY_HASH_KEY="pinned-key")
def test_lookup_hash_is_hmac_sha256():
    # Stored hashes must stay valid: the look-up hash is HMAC-SHA256 of the normalised number.
    expected = hmac.new(b"pinned-key", b"A123456789", hashlib.sha256).hexdigest()

    assert identity.lookup_hash("a123456789") == expected


def test_lookup_hash_differs_by_number_and_key():
    assert identity.lookup_hash("A123456789") != identity.lookup_hash("A223456781")
    before = identity.lookup_hash("A123456789")
    with override_settings(IDENTITY_HASH_KEY="another-key"):
        assert identity.lookup_hash("A123456789") != before


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("A123456789", "A12345****"),
        ("AC01234567", "AC0123****"),
        ("A800000014", "A80000****"),
        ("ABCD", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_hides_last_four(number, masked):
    assert identity.mask(number) == masked


# --- Properties ------------------------------------------------------------------------

LETTERS = st.sampled_from(sorted(identity.AREA_CODES))
SECOND = st.sampled_from(list("12ABCD89"))
SERIAL = st.text(alphabet=string.digits, min_size=7, max_size=7)


@st.composite
def valid_numbers(draw):
    first_nine = draw(LETTERS) + draw(SECOND) + draw(SERIAL)
    return first_nine + identity.compute_check_digit(first_nine)


@settings(max_examples=300, deadline=None)
@given(valid_numbers())
def test_every_generated_number_passes(number):
    assert identity.validate(number) == number
    assert identity.kind_of(number) is not None


# Weight of each character position of the 10-character number in the check sum (the first
# letter's two area digits are handled separately).
POSITION_WEIGHTS = {1: 8, 2: 7, 3: 6, 4: 5, 5: 4, 6: 3, 7: 2, 8: 1, 9: 1}


def _change_digit(number: str, position: int, shift: int) -> str:
    digit = (int(number[position]) + shift) % 10
    return number[:position] + str(digit) + number[position + 1 :]


@settings(max_examples=500, deadline=None)
@given(valid_numbers(), st.integers(min_value=1, max_value=9), st.integers(min_value=1, max_value=9))
def test_single_changed_digit_fails(number, position, shift):
    """A changed digit fails unless weight × change is a multiple of ten.

    The rule's weights 2, 4, 5, 6 and 8 share a factor with ten, so some single-digit
    changes keep the sum a multiple of ten. ``test_undetected_changes_exist`` pins that
    weakness down; every other change must fail.
    """
    if not number[position].isdigit():
        return
    changed = _change_digit(number, position, shift)
    if identity.kind_of(changed) is None:
        assert not identity.is_valid(changed)
        return
    undetectable = (POSITION_WEIGHTS[position] * shift) % 10 == 0
    assert identity.is_valid(changed) == undetectable


@pytest.mark.parametrize(
    ("changed", "original"),
    [
        ("A123656789", "A123456789"),  # weight 5, +2
        ("A123406789", "A123456789"),  # weight 4, +5
    ],
)
def test_undetected_changes_exist(changed, original):
    assert identity.is_valid(original)
    assert identity.is_valid(changed)


@settings(max_examples=500, deadline=None)
@given(valid_numbers(), st.sampled_from([2, 6, 8, 9]), st.integers(min_value=1, max_value=9))
def test_changed_digit_fails_at_coprime_weights(number, position, shift):
    """Positions weighted 7, 3, 1 and 1 detect every single-digit change."""
    changed = _change_digit(number, position, shift)
    assert not identity.is_valid(changed)


@settings(max_examples=200, deadline=None)
@given(valid_numbers(), LETTERS)
def test_changed_first_letter_fails_unless_same_area_digit(number, letter):
    changed = letter + number[1:]
    # Letters whose area numbers share both digits' weighted sum mod 10 give the same result.
    same_sum = (identity.AREA_CODES[letter] // 10 + 9 * (identity.AREA_CODES[letter] % 10)) % 10 == (
        identity.AREA_CODES[number[0]] // 10 + 9 * (identity.AREA_CODES[number[0]] % 10)
    ) % 10
    assert identity.is_valid(changed) == same_sum


@settings(max_examples=200, deadline=None)
@given(valid_numbers())
def test_masked_form_keeps_six_characters(number):
    masked = identity.mask(number)
    assert masked[:6] == number[:6]
    assert masked[6:] == "****"
