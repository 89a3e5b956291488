"""RFC 5176 Disconnect-Request after a status or address change: a pyrad listener on loopback
stands in for the NAS (tests/nas.py); each answer is recorded for the member and on the ticket."""

import pytest

from accounts import services as plan_changes
from network.models import Nas, RadiusDisconnect
from support.abuse.services import member_enforce
from support.models import TicketEvent

from .factories import FixedPoolFactory, MemberFactory, StaffFactory, TicketFactory
from .nas import NasListener
from .waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "nas-shared-secret"


@pytest.fixture
def nas(request, settings, celery_worker):
    """A NAS on 127.0.0.1 in the `nas` table; it answers as the test's parameter says."""
    mode = getattr(request, "param", "ack")
    with NasListener(SECRET, mode=mode) as listener:
        Nas.objects.create(nasname="127.0.0.1", shortname="bras-test", secret=SECRET)
        settings.RADIUS_DISCONNECT_PORT = listener.port
        settings.RADIUS_DISCONNECT_TIMEOUT = 1
        settings.RADIUS_DISCONNECT_RETRIES = 1
        yield listener


@pytest.mark.parametrize(
    ("nas", "result", "step"),
    [
        ("ack", "ack", "radius_disconnect_ack"),
        ("nak", "nak", "radius_disconnect_nak"),
        ("timeout", "timeout", "radius_disconnect_timeout"),
    ],
    indirect=["nas"],
)
def test_a_suspension_disconnects_the_session_and_the_answer_is_recorded(nas, result, step):
    member = MemberFactory()
    evidence = TicketFactory(member=member)
    record = member_enforce(member=member, action="suspend", reason="spam", evidence_ticket=evidence, by=StaffFactory())
    answer = wait_for(lambda: RadiusDisconnect.objects.filter(member=member).first(), what="the answer")
    assert answer.result == result and answer.username == member.connection_username and answer.nas == "127.0.0.1"
    assert answer.error_cause == (503 if result == "nak" else None)
    (seen,) = nas.seen
    assert seen.username == member.connection_username and seen.authentic  # the right secret
    assert seen.code == 40  # Disconnect-Request
    event = wait_for(lambda: TicketEvent.objects.filter(ticket=record.ticket, new_value=step).first())
    assert member.connection_username in event.body


def test_the_staff_member_screen_shows_the_radius_state_and_the_last_answer(nas, client):
    staff = StaffFactory()
    member = MemberFactory()
    member_enforce(
        member=member, action="suspend", reason="spam", evidence_ticket=TicketFactory(member=member), by=staff
    )
    wait_for(lambda: RadiusDisconnect.objects.filter(member=member).exists(), what="the answer")
    client.force_login(staff)
    body = client.get(f"/staff/members/{member.member_number}/?lang=en").content.decode()
    section = body[body.index('id="member-radius"') :]
    assert f'data-username="{member.connection_username}"' in section
    assert "connection refused (suspended)" in section
    assert "Disconnected (ACK)" in section


def test_a_plan_change_disconnects_the_session_of_the_old_user_name(nas):
    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory()
    old = member.connection_username
    request = plan_changes.plan_change_request(member=member, by=member.user)
    answer = wait_for(lambda: RadiusDisconnect.objects.filter(member=member).first(), what="the answer")
    assert (answer.username, answer.result) == (old, "ack")
    assert [s.username for s in nas.seen] == [old]
    wait_for(lambda: TicketEvent.objects.filter(ticket=request.ticket, new_value="radius_disconnect_ack").exists())


def test_a_request_with_the_wrong_secret_is_not_answered(nas):
    Nas.objects.filter(nasname="127.0.0.1").update(secret="not-the-nas-secret")
    member = MemberFactory()
    member_enforce(
        member=member, action="suspend", reason="spam", evidence_ticket=TicketFactory(member=member), by=StaffFactory()
    )
    answer = wait_for(lambda: RadiusDisconnect.objects.filter(member=member).first(), what="the answer")
    assert answer.result == "timeout"
    assert nas.seen and not nas.seen[0].authentic


RADACCT = """CREATE TABLE radacct (
    radacctid bigserial PRIMARY KEY, acctsessionid text NOT NULL, acctuniqueid text NOT NULL UNIQUE,
    username text, nasipaddress inet NOT NULL, acctstarttime timestamp with time zone,
    acctstoptime timestamp with time zone, framedipaddress inet)"""


@pytest.fixture
def radacct():
    """FreeRADIUS's accounting table (the columns the portal reads), as its sql module writes it."""
    from django.db import connection

    from .components import require

    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL): FreeRADIUS's table and SQL")
    with connection.cursor() as cursor:
        cursor.execute(RADACCT)
    yield connection
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE radacct")


def test_the_open_session_in_the_accounting_data_names_the_nas_and_the_session(nas, radacct):
    member = MemberFactory()
    with radacct.cursor() as cursor:
        cursor.execute(
            "INSERT INTO radacct (acctsessionid, acctuniqueid, username, nasipaddress, acctstarttime, framedipaddress) "
            "VALUES ('S-1', 'U-1', %s, '127.0.0.1', now(), '10.1.2.3'), "
            "('S-0', 'U-0', %s, '127.0.0.2', now() - interval '1 day', '10.1.2.4')",
            [member.connection_username, "someone-else"],
        )
    member_enforce(
        member=member, action="suspend", reason="spam", evidence_ticket=TicketFactory(member=member), by=StaffFactory()
    )
    answer = wait_for(lambda: RadiusDisconnect.objects.filter(member=member).first(), what="the answer")
    assert (answer.nas, answer.result) == ("127.0.0.1", "ack")
    (seen,) = nas.seen
    assert (seen.username, seen.session_id, seen.framed_ip) == (member.connection_username, "S-1", "10.1.2.3")
