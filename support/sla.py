"""Service levels in business hours: weekdays 9:00–18:00 Japan time, Japanese public holidays off
(the `holidays` library's calendar, which follows the Cabinet Office's list and substitute days).

A ticket gets two deadlines when it is opened (from its category's and priority's `SlaTarget`):
the first reply by OKBNET, and the resolution. While the ticket waits on the member (`pending`)
the clock stops: leaving `pending` moves both deadlines on by the business time spent there.
The deadlines are stored on the ticket, so the list sorts and counts them in the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.utils import timezone

from .models import SlaTarget, Ticket

TZ = ZoneInfo("Asia/Tokyo")
OPENS = datetime.time(9, 0)
CLOSES = datetime.time(18, 0)
DAY_MINUTES = (CLOSES.hour * 60 + CLOSES.minute) - (OPENS.hour * 60 + OPENS.minute)
CLOSED_STATUSES = Ticket.CLOSED_STATUSES


@lru_cache(maxsize=32)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year)


def is_business_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def _local(at: datetime.datetime) -> datetime.datetime:
    return at.astimezone(TZ)


def _opening(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, OPENS, tzinfo=TZ)


def _closing(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, CLOSES, tzinfo=TZ)


def add_business_minutes(start: datetime.datetime, minutes: int) -> datetime.datetime:
    """The moment `minutes` business minutes after `start` (start itself may be after hours)."""
    at = _local(start)
    day = at.date()
    left = datetime.timedelta(minutes=minutes)
    while True:
        if is_business_day(day):
            begin = max(at, _opening(day))
            end = _closing(day)
            if begin < end:
                if begin + left <= end:
                    return begin + left
                left -= end - begin
        day += datetime.timedelta(days=1)
        at = _opening(day)


def business_minutes_between(start: datetime.datetime, end: datetime.datetime) -> int:
    """Business minutes from `start` to `end`; negative when `end` is earlier."""
    if end < start:
        return -business_minutes_between(end, start)
    a, b = _local(start), _local(end)
    total = datetime.timedelta()
    day = a.date()
    while day <= b.date():
        if is_business_day(day):
            begin = max(a, _opening(day))
            finish = min(b, _closing(day))
            if finish > begin:
                total += finish - begin
        day += datetime.timedelta(days=1)
    return int(total.total_seconds() // 60)


# --- Deadlines on a ticket (called by support.services inside their transaction) --------------


def _target(category: str, priority: int) -> SlaTarget | None:
    return SlaTarget.objects.filter(category=category, priority=priority).first()


def set_deadlines(ticket: Ticket) -> None:
    """(Re)compute both deadlines from the opening time, the target and the time paused so far."""
    target = _target(ticket.category, ticket.priority)
    if target is None:
        ticket.first_response_due = ticket.resolution_due = None
        return
    ticket.first_response_due = add_business_minutes(
        ticket.created_at, target.first_response_minutes + ticket.sla_paused_minutes
    )
    ticket.resolution_due = add_business_minutes(
        ticket.created_at, target.resolution_minutes + ticket.sla_paused_minutes
    )


SLA_FIELDS = ["first_response_due", "resolution_due", "first_responded_at", "sla_paused_since", "sla_paused_minutes"]


def on_status_change(ticket: Ticket, *, old: str, new: str, at: datetime.datetime | None = None) -> None:
    """Waiting on the member stops the clock; leaving `pending` starts it again, later."""
    at = at or timezone.now()
    if new == Ticket.Status.PENDING and ticket.sla_paused_since is None:
        ticket.sla_paused_since = at
    elif old == Ticket.Status.PENDING and ticket.sla_paused_since is not None:
        ticket.sla_paused_minutes += max(business_minutes_between(ticket.sla_paused_since, at), 0)
        ticket.sla_paused_since = None
        set_deadlines(ticket)


def on_first_response(ticket: Ticket, *, at: datetime.datetime | None = None) -> None:
    if ticket.first_responded_at is None:
        ticket.first_responded_at = at or timezone.now()


# --- Reading the clock -------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """Where a ticket stands against its next deadline."""

    kind: str  # "first_response" or "resolution"
    due: datetime.datetime
    minutes_left: int  # business minutes; negative when overdue
    paused: bool

    @property
    def overdue(self) -> bool:
        return self.minutes_left < 0

    @property
    def hours_minutes(self) -> tuple[int, int]:
        return divmod(abs(self.minutes_left), 60)


def clock(ticket: Ticket, *, now: datetime.datetime | None = None) -> Clock | None:
    """The running deadline of an unresolved ticket (None when done or without a target)."""
    if ticket.status in CLOSED_STATUSES:
        return None
    if ticket.first_responded_at is None and ticket.first_response_due is not None:
        kind, due = "first_response", ticket.first_response_due
    elif ticket.resolution_due is not None:
        kind, due = "resolution", ticket.resolution_due
    else:
        return None
    reference = ticket.sla_paused_since or now or timezone.now()
    return Clock(
        kind=kind,
        due=due,
        minutes_left=business_minutes_between(reference, due),
        paused=ticket.sla_paused_since is not None,
    )


def next_due_expression():
    """The running deadline as SQL, to sort the list by time left."""
    return Case(
        When(status__in=CLOSED_STATUSES, then=Value(None, output_field=DateTimeField())),
        When(first_responded_at__isnull=True, first_response_due__isnull=False, then=F("first_response_due")),
        default=F("resolution_due"),
        output_field=DateTimeField(),
    )


def breached_filter(now: datetime.datetime) -> Q:
    """Unresolved tickets past their running deadline (a paused one: past it when it was paused)."""
    return (
        Q(sla_next_due__isnull=False)
        & ~Q(status__in=CLOSED_STATUSES)
        & (
            Q(sla_paused_since__isnull=True, sla_next_due__lt=now)
            | Q(sla_paused_since__isnull=False, sla_next_due__lt=F("sla_paused_since"))
        )
    )


def breached_count(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return Ticket.objects.annotate(sla_next_due=next_due_expression()).filter(breached_filter(now)).count()
