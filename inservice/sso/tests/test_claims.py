from inservice.sso.claims import roaming_claims_from
from inservice.testing import factories


def parse(**claims):
    return roaming_claims_from(issuer="https://sso.example.tw", subject="s", claims=claims)


def test_school_code_normalised():
    claims = parse(eduinfo={"schoolid": " ０７４５０１ ", "titles": [["教師"]]})

    assert claims.school_code == "074501"
    assert claims.has_k12_code_form


def test_titles_as_lists_and_objects():
    claims = parse(
        eduinfo={
            "schoolid": "074501",
            "titles": [["教師", "資訊組長"], {"schoolid": "074501", "titles": ["教師", "導師"]}],
        }
    )

    assert claims.titles == (("教師", "資訊組長"), ("教師", "導師"))


def test_titles_of_other_schools_ignored():
    claims = parse(eduinfo={"schoolid": "074501", "titles": [{"schoolid": "0015", "titles": ["學生"]}]})

    assert claims.titles == ()
    assert not claims.is_student


def test_student_detected():
    claims = parse(eduinfo={"schoolid": "074501", "titles": [["學生"]]})

    assert claims.is_student


def test_teacher_with_student_entry_not_student():
    claims = parse(eduinfo={"schoolid": "074501", "titles": [["學生"], ["教師"]]})

    assert not claims.is_student


def test_malformed_eduinfo_gives_empty_values():
    claims = parse(eduinfo="074501", personid=12345, name=["x"], email="not an address")

    assert claims.school_code == ""
    assert claims.titles == ()
    assert claims.identity_number == ""
    assert claims.name == ""
    assert claims.email == ""


def test_personid_normalised():
    number = factories.make_identity_number()

    claims = parse(personid=f" {number.lower()} ")

    assert claims.identity_number == number


def test_university_code_not_k12_form():
    assert not parse(eduinfo={"schoolid": "0015"}).has_k12_code_form
    assert parse(eduinfo={"schoolid": "074501-01"}).has_k12_code_form
