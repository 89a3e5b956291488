"""SLA in business hours (weekdays 9–18 Japan time, public holidays off), with a frozen clock.

The calendar: Friday 2026-11-20, the weekend, Monday 2026-11-23 (勤労感謝の日, a public holiday),
then Tuesday 2026-11-24. Normal priority: first response in 240 business minutes, resolution in
1,620 (three business days) — the starting targets of migration support/0003.
"""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from support import services, sla
from support.models import SlaTarget, Ticket

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture(autouse=True)
def _starting_targets(db):
    """Migration 0003's starting targets: a transactional test that ran before this module on the
    same worker flushed them with every other row (the order differs under pytest-xdist)."""
    from django.apps import apps

    importlib.import_module("support.migrations.0003_sla_canned_conversations").add_default_targets(apps, None)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=JST)


@pytest.mark.parametrize(
    "start, minutes, due",
    [
        (at(20, 17), 60, at(20, 18)),
        (at(20, 17), 61, at(24, 9, 1)),  # over the weekend and the holiday
        (at(20, 17), 240, at(24, 12)),
        (at(21, 10), 30, at(24, 9, 30)),  # opened on Saturday: the clock starts on Tuesday
        (at(24, 7), 30, at(24, 9, 30)),  # before opening time
        (at(24, 19), 30, at(25, 9, 30)),  # after closing time
        (at(2, 17), 120, at(4, 10)),  # Tuesday 3 November 2026 is 文化の日
    ],
)
def test_business_minutes_skip_nights_weekends_and_public_holidays(start, minutes, due):
    assert sla.add_business_minutes(start, minutes) == due
    assert sla.business_minutes_between(start, due) == minutes if start.hour in range(9, 18) else True


def test_the_calendar_is_japans():
    assert not sla.is_business_day(datetime.date(2026, 11, 23))  # 勤労感謝の日
    assert not sla.is_business_day(datetime.date(2026, 1, 1))
    assert not sla.is_business_day(datetime.date(2026, 11, 21))  # Saturday
    assert sla.is_business_day(datetime.date(2026, 11, 24))
    assert sla.business_minutes_between(at(20, 12), at(24, 12)) == 6 * 60 + 3 * 60
    assert sla.business_minutes_between(at(24, 12), at(20, 12)) == -(6 * 60 + 3 * 60)


@pytest.fixture
def friday_ticket(alice):
    with time_machine.travel(at(20, 17), tick=False):
        return services.ticket_open(
            member=alice, category="op25b", subject="送信できない", by=alice.user, by_member=True
        )


def test_a_ticket_gets_its_deadlines_when_it_is_opened(friday_ticket):
    friday_ticket.refresh_from_db()
    assert friday_ticket.first_response_due == at(24, 12)
    assert friday_ticket.resolution_due == at(26, 17)


def test_time_left_and_overdue_on_the_list_the_page_and_the_dashboard(client, staff_user, friday_ticket):
    client.force_login(staff_user)
    with time_machine.travel(at(24, 11), tick=False):
        clock = sla.clock(Ticket.objects.get(pk=friday_ticket.pk))
        assert (clock.kind, clock.minutes_left, clock.overdue) == ("first_response", 60, False)
        rows = client.get("/staff/tickets/").context["rows"]
        assert rows[0][1].minutes_left == 60
        page = client.get(reverse("staff-ticket", args=[friday_ticket.number])).content.decode()
        assert 'data-minutes="60"' in page
        assert client.get("/staff/").context["sla_breached"] == 0
    with time_machine.travel(at(24, 13), tick=False):
        clock = sla.clock(Ticket.objects.get(pk=friday_ticket.pk))
        assert (clock.minutes_left, clock.overdue) == (-60, True)
        assert client.get("/staff/").context["sla_breached"] == 1
        body = client.get("/staff/tickets/").content.decode()
        assert "sla-overdue" in body


def test_the_first_reply_moves_the_clock_to_the_resolution(staff_user, friday_ticket):
    with time_machine.travel(at(24, 10), tick=False):
        services.ticket_comment(ticket=friday_ticket, body="確認します", public=True, by=staff_user)
        ticket = Ticket.objects.get(pk=friday_ticket.pk)
        assert ticket.first_responded_at == at(24, 10)
        clock = sla.clock(ticket)
        assert (clock.kind, clock.due) == ("resolution", at(26, 17))


def test_waiting_on_the_member_pauses_the_clock(alice, staff_user, friday_ticket):
    with time_machine.travel(at(24, 10), tick=False):
        services.ticket_comment(ticket=friday_ticket, body="設定を教えてください", public=True, by=staff_user)
        services.ticket_change_status(ticket=friday_ticket, status="pending", by=staff_user)
        left_when_paused = sla.clock(Ticket.objects.get(pk=friday_ticket.pk)).minutes_left
    assert left_when_paused == 480 + 540 + 480  # Tuesday 10–18, Wednesday, Thursday 9–17
    with time_machine.travel(at(27, 10), tick=False):  # Friday, past the original deadline
        ticket = Ticket.objects.get(pk=friday_ticket.pk)
        clock = sla.clock(ticket)
        assert clock.paused and clock.minutes_left == left_when_paused
        assert sla.breached_count() == 0
    with time_machine.travel(at(26, 10), tick=False):  # the member answers on Thursday at 10:00
        services.ticket_member_reply(ticket=friday_ticket, body="こうです", by=alice.user)
        ticket = Ticket.objects.get(pk=friday_ticket.pk)
        assert ticket.status == "open" and ticket.sla_paused_since is None
        assert ticket.sla_paused_minutes == 480 + 540 + 60
        assert ticket.resolution_due == at(30, 17)  # moved on by the business time spent waiting
        assert sla.clock(ticket).minutes_left == left_when_paused


def test_targets_are_per_category_and_priority_and_editable(alice, staff_user, friday_ticket):
    SlaTarget.objects.filter(category="op25b", priority=Ticket.Priority.URGENT).update(
        first_response_minutes=15, resolution_minutes=90
    )
    with time_machine.travel(at(24, 9), tick=False):
        services.ticket_set_priority(ticket=friday_ticket, priority=Ticket.Priority.URGENT, by=staff_user)
    ticket = Ticket.objects.get(pk=friday_ticket.pk)
    assert (ticket.first_response_due, ticket.resolution_due) == (at(20, 17, 15), at(24, 9, 30))
    with time_machine.travel(at(21, 10), tick=False):
        other = services.ticket_open(member=alice, category="spam_report", subject="x", by=staff_user)
    assert other.resolution_due == sla.add_business_minutes(
        at(21, 10), SlaTarget.objects.get(category="spam_report", priority=2).resolution_minutes
    )


def test_the_list_sorts_by_time_left(client, staff_user, alice):
    with time_machine.travel(at(24, 9), tick=False):
        low = services.ticket_open(member=alice, category="other", subject="low", priority=1, by=None)
        urgent = services.ticket_open(member=alice, category="other", subject="urgent", priority=4, by=None)
        normal = services.ticket_open(member=alice, category="other", subject="normal", priority=2, by=None)
        done = services.ticket_open(member=alice, category="other", subject="done", priority=4, by=None)
        services.ticket_change_status(ticket=done, status="resolved", by=staff_user)
        client.force_login(staff_user)
        page = client.get("/staff/tickets/", {"sort": "due"}).context["page"]
    assert [t.subject for t in page] == ["urgent", "normal", "low", "done"]  # done: no clock, last
    assert {low.pk, urgent.pk, normal.pk} < {t.pk for t in page}
