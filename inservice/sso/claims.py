"""Reading the identity service's claims: eduinfo (school and titles), personid, name, e-mail."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from inservice.core import identity

# MOE unit codes of K-12 schools and kindergartens: six characters, and a
# kindergarten branch campus adds -NN. Universities and agencies use other forms.
K12_UNIT_CODE = re.compile(r"^[0-9]{3}[0-9A-Z]{3}(-[0-9]{2})?$")
STUDENT_MARK = "學生"


@dataclass(frozen=True)
class RoamingClaims:
    """Person data from a roaming sign-in, already normalised."""

    issuer: str
    subject: str
    school_code: str
    # One list per school entry of eduinfo.titles, each starting with the identity (教師, 學生, …).
    titles: tuple[tuple[str, ...], ...]
    # The normalised identity number, or "" when personid is missing or invalid.
    identity_number: str
    name: str
    email: str

    @property
    def is_student(self) -> bool:
        """True when every title entry names a student identity, so no staff identity is left."""
        identities = [entry[0] for entry in self.titles if entry]
        return bool(identities) and all(STUDENT_MARK in value for value in identities)

    @property
    def has_titles(self) -> bool:
        return any(self.titles)

    @property
    def has_k12_code_form(self) -> bool:
        return bool(K12_UNIT_CODE.match(self.school_code))


def roaming_claims_from(*, issuer: str, subject: str, claims: dict) -> RoamingClaims:
    """Build RoamingClaims from verified claims; malformed parts become empty values."""
    eduinfo = claims.get("eduinfo")
    if not isinstance(eduinfo, dict):
        eduinfo = {}
    school_code = eduinfo.get("schoolid")
    school_code = identity.normalise(school_code) if isinstance(school_code, str) else ""

    return RoamingClaims(
        issuer=issuer,
        subject=subject,
        school_code=school_code,
        titles=_title_entries(eduinfo.get("titles"), school_code),
        identity_number=_identity_number(claims.get("personid")),
        name=_text(claims.get("name"), max_length=64),
        email=_email(claims.get("email")),
    )


def _title_entries(raw, school_code: str) -> tuple[tuple[str, ...], ...]:
    """Return the title lists that concern ``school_code``.

    An entry is either a list of strings or an object ``{"schoolid": …,
    "titles": [...]}``. Entries naming another school are left out, so a
    teacher who also studies elsewhere is judged by the reported school.
    """
    if not isinstance(raw, list):
        return ()
    entries = []
    for entry in raw:
        if isinstance(entry, dict):
            entry_school = entry.get("schoolid")
            if isinstance(entry_school, str) and identity.normalise(entry_school) != school_code:
                continue
            entry = entry.get("titles")
        if isinstance(entry, list):
            entries.append(tuple(str(value).strip() for value in entry if isinstance(value, str) and value.strip()))
    return tuple(entries)


def _identity_number(raw) -> str:
    if not isinstance(raw, str):
        return ""
    try:
        return identity.validate(raw)
    except ValidationError:
        return ""


def _text(raw, *, max_length: int) -> str:
    if not isinstance(raw, str):
        return ""
    return raw.strip()[:max_length]


def _email(raw) -> str:
    value = _text(raw, max_length=254)
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value
