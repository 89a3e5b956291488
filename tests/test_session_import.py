"""The RADIUS session log import: all or nothing, every bad row named by its line."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from network.models import RadiusSession, SessionImport
from network.services import SessionLogInvalid, session_log_import
from tests.factories import MemberFactory

JST = ZoneInfo("Asia/Tokyo")


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def members(db):
    return MemberFactory(connection_username="okb0000001"), MemberFactory(connection_username="okb0000002")


def test_it_imports_every_row_of_a_good_file(members, staff_user):
    batch = session_log_import(
        data=csv_bytes(
            "User-Name,Framed-IP-Address,Start,Stop",
            "okb0000001,203.0.113.7,2026-11-01 09:00:00,2026-11-01 12:30:00",
            "okb0000002,2001:DB8::1,2026-11-01T10:00:00+09:00,",
        ),
        filename="radacct-20261101.csv",
        by=staff_user,
    )
    assert (batch.rows, batch.created_by) == (2, staff_user)
    first, second = RadiusSession.objects.order_by("started_at")
    assert (first.member, first.address, first.started_at) == (
        members[0],
        "203.0.113.7",
        datetime(2026, 11, 1, 9, tzinfo=JST),
    )
    assert first.stopped_at == datetime(2026, 11, 1, 12, 30, tzinfo=JST)
    assert (second.member, second.address, second.stopped_at) == (members[1], "2001:db8::1", None)


def test_one_bad_row_refuses_the_whole_file_and_names_every_bad_line(members):
    with pytest.raises(SessionLogInvalid) as caught:
        session_log_import(
            data=csv_bytes(
                "username,address,start,stop",
                "okb0000001,203.0.113.7,2026-11-01 09:00:00,2026-11-01 12:30:00",  # good
                "okb0000001,203.0.113.999,2026-11-01 09:00:00,",  # line 3: address
                "okb0000002,203.0.113.8,yesterday,",  # line 4: start
                "okb0000002,203.0.113.8,2026-11-01 09:00:00,2026-11-01 08:00:00",  # line 5: stop before start
                "nobody,203.0.113.9,2026-11-01 09:00:00,",  # line 6: unknown user
                "okb0000001,203.0.113.7,2026-11-01 09:00:00,",  # line 7: duplicate of line 2
                "okb0000002,203.0.113.10",  # line 8: short
            ),
            filename="bad.csv",
        )
    assert [e.line for e in caught.value.errors] == [3, 4, 5, 6, 7, 8]
    assert "203.0.113.999" in caught.value.errors[0].message
    assert "nobody" in caught.value.errors[3].message
    assert not RadiusSession.objects.exists()
    assert not SessionImport.objects.exists()


def test_line_numbers_count_quoted_line_breaks_like_an_editor_does(members):
    with pytest.raises(SessionLogInvalid) as caught:
        session_log_import(
            data=csv_bytes(
                "username,address,start,stop",
                '"okb0000001","203.0.113.7","2026-11-01 09:00:00",""',
                "okb0000001,not-an-ip,2026-11-01 09:00:00,",
            ),
            filename="x.csv",
        )
    assert [e.line for e in caught.value.errors] == [3]


@pytest.mark.parametrize(
    "data",
    [b"", b"user,ip\nokb0000001,203.0.113.1\n", b"username,address,start,stop\n", "日本語".encode("shift_jis")],
)
def test_it_refuses_an_empty_headerless_or_non_utf8_file(members, data):
    with pytest.raises(SessionLogInvalid) as caught:
        session_log_import(data=data, filename="x.csv")
    assert caught.value.errors[0].line == 1
    assert not SessionImport.objects.exists()


def test_reimporting_a_session_closes_it_instead_of_duplicating_it(members):
    session_log_import(
        data=csv_bytes("username,address,start,stop", "okb0000001,203.0.113.7,2026-11-01 09:00:00,"), filename="a.csv"
    )
    session_log_import(
        data=csv_bytes("username,address,start,stop", "okb0000001,203.0.113.7,2026-11-01 09:00:00,2026-11-01 11:00:00"),
        filename="b.csv",
    )
    session = RadiusSession.objects.get()
    assert session.stopped_at == datetime(2026, 11, 1, 11, tzinfo=JST)


def test_sessions_under_a_user_name_retired_by_a_plan_change_belong_to_the_member(members):
    from datetime import date

    from accounts.models import PlanChangeRequest
    from tests.factories import TicketFactory

    member = members[0]
    PlanChangeRequest.objects.create(
        member=member,
        from_plan=member.plan,
        target_plan=member.plan.fixed_variant,
        status="completed",
        old_connection_username="okb-old-0001",
        new_connection_username=member.connection_username,
        effective_date=date(2026, 12, 1),
        ticket=TicketFactory(member=member, category="plan_change"),
        requested_by="test",
    )
    session_log_import(
        data=csv_bytes("username,address,start,stop", "okb-old-0001,203.0.113.7,2026-11-01 09:00:00,"), filename="a.csv"
    )
    session = RadiusSession.objects.get()
    assert (session.member, session.username) == (member, "okb-old-0001")
