"""RADIUS provisioning end to end (DESIGN §10): the portal's worker writes FreeRADIUS's tables,
a real FreeRADIUS (its stock `sql` module on the test database) answers Access-Requests."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from pyrad import packet

from accounts import services as plan_changes
from accounts.models import PlanChangeRequest
from network import provisioning
from network.models import RadCheck, RadiusOutbox, RadReply, RadUserGroup
from network.tasks import radius_retire_names
from support.abuse.services import member_enforce

from .factories import CONNECTION_PASSWORD, FixedPoolFactory, MemberFactory, StaffFactory, TicketFactory
from .waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def provisioned(member) -> bool:
    """Every outbox entry of the member has been applied by the worker."""
    entries = RadiusOutbox.objects.filter(member=member)
    return entries.exists() and not entries.filter(applied_at__isnull=True).exists()


def accepted(reply) -> bool:
    return reply.code == packet.AccessAccept


def test_after_a_plan_change_the_new_user_name_gets_the_fixed_address_and_the_old_one_works_until_its_date(
    freeradius,
):
    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory()
    old = member.connection_username
    request = plan_changes.plan_change_request(member=member, by=member.user)
    wait_for(lambda: PlanChangeRequest.objects.filter(pk=request.pk, status="completed").exists(), what="the change")
    wait_for(lambda: provisioned(member), what="the RADIUS rows")
    member.refresh_from_db()
    request.refresh_from_db()

    reply = freeradius.access(member.connection_username, CONNECTION_PASSWORD)
    assert accepted(reply)
    assert reply["Framed-IP-Address"] == [member.fixed_ip]
    assert "Framed-Pool" not in reply
    assert not accepted(freeradius.access(member.connection_username, "WrongPassword1"))

    # The old name keeps working (dynamic, as the member was told) until the effective date.
    reply = freeradius.access(old, CONNECTION_PASSWORD)
    assert accepted(reply) and reply["Framed-Pool"] == ["okbnet-dynamic"]
    day_before = datetime.datetime.combine(request.effective_date - datetime.timedelta(days=1), datetime.time(12))
    with time_machine.travel(day_before.astimezone(), tick=True):
        assert radius_retire_names() == 0
    assert accepted(freeradius.access(old, CONNECTION_PASSWORD))

    # On the date, the beat job removes it; the new name is unaffected.
    on_the_day = datetime.datetime.combine(request.effective_date, datetime.time(0, 5))
    with time_machine.travel(on_the_day.astimezone(), tick=True):
        assert radius_retire_names() == 1
        wait_for(lambda: provisioned(member), what="the old name's removal")
    assert not accepted(freeradius.access(old, CONNECTION_PASSWORD))
    assert not RadCheck.objects.filter(username=old).exists()
    assert accepted(freeradius.access(member.connection_username, CONNECTION_PASSWORD))


def test_a_suspended_member_is_rejected_with_the_support_center_and_accepted_again_once_reinstated(
    freeradius, settings
):
    staff = StaffFactory()
    member = MemberFactory()
    provisioning.member_connection_password_set(member=member, password="Atarashii2026")
    wait_for(lambda: provisioned(member))
    assert accepted(freeradius.access(member.connection_username, "Atarashii2026"))

    evidence = TicketFactory(member=member)
    member_enforce(member=member, action="suspend", reason="spam", evidence_ticket=evidence, by=staff)
    wait_for(lambda: provisioned(member))
    reply = freeradius.access(member.connection_username, "Atarashii2026")
    assert reply.code == packet.AccessReject
    (message,) = reply["Reply-Message"]
    assert settings.OKBNET_SUPPORT_PHONE in message and "support center" in message
    assert "サポートセンター" in message

    member_enforce(member=member, action="reinstate", reason="resolved", by=staff)
    wait_for(lambda: provisioned(member))
    assert accepted(freeradius.access(member.connection_username, "Atarashii2026"))


def test_a_cancelled_member_has_no_rows(freeradius):
    staff = StaffFactory()
    member = MemberFactory()
    provisioning.member_connection_password_set(member=member, password="Atarashii2026")
    wait_for(lambda: provisioned(member))
    member_enforce(
        member=member, action="cancel", reason="moved", evidence_ticket=TicketFactory(member=member), by=staff
    )
    wait_for(lambda: provisioned(member))
    for model in (RadCheck, RadReply, RadUserGroup):
        assert not model.objects.filter(username=member.connection_username).exists()
    assert not accepted(freeradius.access(member.connection_username, "Atarashii2026"))


def test_a_dynamic_member_gets_the_pool_and_only_the_hash_is_stored(freeradius):
    member = MemberFactory()
    provisioning.member_connection_password_set(member=member, password="Atarashii2026")
    wait_for(lambda: provisioned(member))
    reply = freeradius.access(member.connection_username, "Atarashii2026")
    assert accepted(reply) and reply["Framed-Pool"] == ["okbnet-dynamic"] and "Framed-IP-Address" not in reply
    (check,) = RadCheck.objects.filter(username=member.connection_username)
    assert (check.attribute, check.op) == ("SSHA2-512-Password", ":=")
    assert "Atarashii2026" not in check.value
    member.refresh_from_db()
    assert member.connection_password_hash == check.value
    # The old password no longer works.
    assert not accepted(freeradius.access(member.connection_username, CONNECTION_PASSWORD))


def reconcile_total(capsys) -> int:
    call_command("radius_reconcile")
    return int(capsys.readouterr().out.strip().rsplit(" ", 1)[-1])


def test_reconciliation_puts_right_rows_changed_behind_the_portals_back_and_reports_the_count(freeradius, capsys):
    a, b = MemberFactory(), MemberFactory()
    assert reconcile_total(capsys) == 2 + 1  # the factory members (never provisioned) and the `dynamic` group
    assert reconcile_total(capsys) == 0
    assert accepted(freeradius.access(a.connection_username, CONNECTION_PASSWORD))

    RadCheck.objects.filter(username=a.connection_username).update(value="tampered")  # a changed row
    RadReply.objects.create(username=b.connection_username, attribute="Framed-IP-Address", op=":=", value="10.9.9.9")
    RadCheck.objects.create(username="intruder", attribute="Cleartext-Password", op=":=", value="x")  # an orphan
    assert not accepted(freeradius.access(a.connection_username, CONNECTION_PASSWORD))

    assert reconcile_total(capsys) == 3
    assert accepted(freeradius.access(a.connection_username, CONNECTION_PASSWORD))
    reply = freeradius.access(b.connection_username, CONNECTION_PASSWORD)
    assert accepted(reply) and "Framed-IP-Address" not in reply
    assert not RadCheck.objects.filter(username="intruder").exists()
    assert reconcile_total(capsys) == 0


def _running_test_case():
    """The test case class pytest-django set up for this test: Django's guard against unlisted
    aliases (BaseDatabaseWrapper.ensure_connection, patched for the class) reads its `databases`."""
    patched = BaseDatabaseWrapper.ensure_connection
    return next(cell.cell_contents for cell in patched.__closure__ if isinstance(cell.cell_contents, type))


@pytest.fixture
def radius_db_down(settings, transactional_db):
    """The RADIUS tables' database is unreachable: an alias on a closed loopback port."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    connections.settings["radius_down"] = {**connections.settings["default"], "HOST": "127.0.0.1", "PORT": closed}
    case = _running_test_case()
    allowed = case.databases
    case.databases = frozenset(allowed | {"radius_down"})
    settings.RADIUS_DATABASE_ALIAS = "radius_down"
    yield settings
    settings.RADIUS_DATABASE_ALIAS = "default"
    case.databases = allowed
    connections["radius_down"].close()
    del connections.settings["radius_down"]


def test_writes_wait_in_the_outbox_while_the_radius_database_is_down_and_are_applied_once(freeradius, radius_db_down):
    member = MemberFactory()
    entry = provisioning.member_connection_password_set(member=member, password="Atarashii2026")
    wait_for(lambda: RadiusOutbox.objects.get(pk=entry.pk).attempts >= 1, what="a failed attempt")
    entry.refresh_from_db()
    assert entry.applied_at is None and entry.last_error
    assert not RadCheck.objects.using("default").filter(username=member.connection_username).exists()

    radius_db_down.RADIUS_DATABASE_ALIAS = "default"  # the database is back
    provisioning.outbox_sweep()  # the beat job (or the task's own retry, whichever comes first)
    wait_for(lambda: provisioned(member))
    assert provisioning.outbox_apply(entry_id=entry.pk) is False  # a late re-delivery does nothing
    assert RadCheck.objects.filter(username=member.connection_username).count() == 1
    assert RadUserGroup.objects.filter(username=member.connection_username).count() == 1
    assert accepted(freeradius.access(member.connection_username, "Atarashii2026"))


def test_the_reject_message_fits_one_radius_attribute_in_both_languages():
    message = provisioning.reject_message()
    assert len(message.encode()) <= 253  # RFC 2865 §5: one attribute's value
    assert "サポートセンター" in message and "support center" in message


@pytest.mark.parametrize(
    ("status", "ip_type", "expected"),
    [
        ("active", "dynamic", {"check": "SSHA2-512-Password", "group": "dynamic", "reply": set()}),
        ("active", "fixed", {"check": "SSHA2-512-Password", "group": "fixed", "reply": {"Framed-IP-Address"}}),
        ("suspended", "dynamic", {"check": "Auth-Type", "group": None, "reply": {"Reply-Message"}}),
        ("suspended", "fixed", {"check": "Auth-Type", "group": None, "reply": {"Reply-Message"}}),
    ],
)
def test_each_state_of_the_table_gives_its_rows(status, ip_type, expected):
    rows = provisioning.user_rows(status=status, ip_type=ip_type, password_hash="hash", address="192.0.2.9")
    assert [attribute for attribute, _op, _value in rows.check] == [expected["check"]]
    assert {op for _attribute, op, _value in rows.check + rows.reply} == {":="}
    assert {attribute for attribute, _op, _value in rows.reply} == expected["reply"]
    assert [g for g, _priority in rows.groups] == ([expected["group"]] if expected["group"] else [])


def test_a_cancelled_member_or_one_without_a_password_gets_no_rows():
    assert provisioning.user_rows(status="cancelled", ip_type="dynamic", password_hash="h", address=None) is None
    assert provisioning.user_rows(status="active", ip_type="dynamic", password_hash="", address=None) is None
