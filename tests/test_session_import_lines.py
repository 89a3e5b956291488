"""Every malformed line of a RADIUS accounting log is a listed bad line, never a crash.

Before the fix each of these was a 500: impossible dates and offsets (ValueError from the date
parser), a lone CR as line break and a field over 128 KiB (csv.Error), a NUL in a user name
(PostgreSQL refuses NUL in text).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from network.models import RadiusSession, SessionImport
from network.services import SessionLogInvalid, session_log_import
from tests.factories import MemberFactory

HEADER = "username,address,start,stop"
GOOD = "okb0000001,203.0.113.7,2026-11-01 09:00:00,2026-11-01 12:30:00"

# (class of malformed line, the line as it appears in the file, the code it must be listed with)
MALFORMED = [
    ("impossible month and day", "okb0000001,203.0.113.8,2026-13-45 09:00:00,", "start"),
    ("impossible day and time", "okb0000001,203.0.113.8,2026-02-30T25:61,", "start"),
    ("offset beyond 24 hours", "okb0000001,203.0.113.8,2026-11-01T09:00:00+25:00,", "start"),
    ("offset PostgreSQL refuses", "okb0000001,203.0.113.8,2026-11-01T09:00:00+18:05,", "start"),
    ("date before 1900 (LMT offset)", "okb0000001,203.0.113.8,1850-01-01 09:00:00,", "start"),
    ("impossible stop time", "okb0000001,203.0.113.8,2026-11-01 09:00:00,2026-11-31 10:00:00", "stop"),
    ("a field over 128 KiB", "okb0000001,203.0.113.8,2026-11-01 09:00:00," + "x" * (128 * 1024 + 1), "field_too_long"),
    ("a user name over 128 KiB", "u" * (200 * 1024) + ",203.0.113.8,2026-11-01 09:00:00,", "field_too_long"),
    ("a NUL in the user name", "okb00\x0000001,203.0.113.8,2026-11-01 09:00:00,", "nul"),
    ("a lone CR as line break", "okb0000001,203.0.113.8,2026-11-01 09:00:00,\rokb0000001,203.0.113.9,x,", "bare_cr"),
    ("a user name longer than the column", "u" * 65 + ",203.0.113.8,2026-11-01 09:00:00,", "username_long"),
    ("not an address", "okb0000001,203.0.113.999,2026-11-01 09:00:00,", "address"),
    ("too few columns", "okb0000001,203.0.113.8", "columns"),
    ("an unknown user name", "ghost,203.0.113.8,2026-11-01 09:00:00,", "unknown_user"),
]


@pytest.fixture
def member(db):
    return MemberFactory(connection_username="okb0000001")


@pytest.mark.parametrize(("kind", "bad", "code"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_each_malformed_line_is_listed_and_nothing_is_imported(member, kind, bad, code):
    data = "\n".join([HEADER, GOOD, bad, ""]).encode()
    with pytest.raises(SessionLogInvalid) as caught:
        session_log_import(data=data, filename="bad.csv")
    assert [(e.line, e.code) for e in caught.value.errors] == [(3, code)], kind
    message = caught.value.errors[0].message
    assert message and len(message) < 400  # a readable message, not the 128 KiB value echoed back
    assert not RadiusSession.objects.exists()
    assert not SessionImport.objects.exists()


def test_a_file_with_only_lone_cr_line_breaks_is_refused_on_its_first_line(member):
    data = "\r".join([HEADER, GOOD, ""]).encode()
    with pytest.raises(SessionLogInvalid) as caught:
        session_log_import(data=data, filename="mac.csv")
    assert [(e.line, e.code) for e in caught.value.errors] == [(1, "bare_cr")]


def test_crlf_line_endings_are_fine(member):
    batch = session_log_import(data="\r\n".join([HEADER, GOOD, ""]).encode(), filename="win.csv")
    assert batch.rows == 1


def test_a_date_of_1900_or_later_keeps_japan_time_and_a_valid_offset(member):
    session_log_import(
        data="\n".join([HEADER, "okb0000001,203.0.113.8,1900-01-01 09:00:00,", ""]).encode(), filename="a"
    )
    started = RadiusSession.objects.get().started_at
    assert started.isoformat() == "1900-01-01T00:00:00+00:00"


cells = st.one_of(
    st.sampled_from(["okb0000001", "203.0.113.8", "2026-11-01 09:00:00", "", "2026-13-45", "+25:00", "\x00", "\r"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.lists(cells, min_size=0, max_size=5).map(",".join), min_size=1, max_size=6))
def test_any_file_is_imported_or_refused_with_listed_lines_never_a_crash(member, lines):
    data = "\n".join([HEADER, *lines]).encode()
    try:
        batch = session_log_import(data=data, filename="fuzz.csv")
    except SessionLogInvalid as exc:
        assert exc.errors and all(e.line >= 1 and e.message for e in exc.errors)
    else:
        assert batch.rows >= 1
        RadiusSession.objects.all().delete()
        SessionImport.objects.all().delete()
