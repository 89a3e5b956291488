"""Writes of the network app: fixed-IP pools and allocation, the inbound refusal list, the RADIUS session log.

Allocation runs inside the caller's transaction and locks one free row (`SKIP LOCKED` on
PostgreSQL), so many workers never hand out one address twice."""

import csv
import io
import ipaddress
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import Member, PlanChangeRequest, User
from okbnet_portal.actors import Actor, actor_name, actor_user
from okbnet_portal.enqueue import enqueue_on_commit

from .fields import normalise_network
from .models import (
    FixedAddress,
    IpAssignment,
    IpPool,
    RadiusSession,
    RefusedSource,
    SessionImport,
    SpfStatus,
    normalise_source,
)
from .refusals import Entry, refusal_tables
from .tasks import export_refusal_tables, refresh_spf_status


class PoolExhausted(Exception):
    """No free fixed address for this line type: a person must add a pool."""


def pool_create(*, name: str, network: str, kind: str, line_type: str) -> IpPool:
    pool = IpPool(name=name, network=normalise_network(network), kind=kind, line_type=line_type)
    pool.full_clean()
    try:
        with transaction.atomic():
            pool.save()
            pool_sync_addresses(pool=pool)
    except IntegrityError:
        # A concurrent pool won the race (PostgreSQL's exclusion constraint): the same message as clean().
        pool.full_clean()
        raise
    return pool


def pool_sync_addresses(*, pool: IpPool) -> int:
    """Create the address rows of a fixed pool (idempotent); returns how many were added."""
    if pool.kind != IpPool.Kind.FIXED:
        return 0
    existing = set(pool.addresses.values_list("address", flat=True))
    rows = [FixedAddress(pool=pool, address=a) for a in pool.usable_addresses() if a not in existing]
    FixedAddress.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def address_allocate(*, member: Member, line_type: str, by: Actor = None) -> FixedAddress:
    """Give `member` a free fixed address of `line_type`. Call inside `transaction.atomic()`.

    A member who already holds an address keeps it (a re-run does nothing twice).
    """
    current = FixedAddress.objects.select_for_update().filter(member=member).first()
    if current is not None:
        return current
    free = FixedAddress.objects.filter(
        member__isnull=True, pool__kind=IpPool.Kind.FIXED, pool__line_type=line_type, pool__active=True
    ).order_by("pool_id", "id")
    # Lock only the address row (`of`): locking the joined pool row would make every other
    # worker skip the whole pool.
    skip = connection.features.has_select_for_update_skip_locked
    now = timezone.now()
    for _attempt in range(20):
        candidate = free.select_for_update(skip_locked=skip, of=("self",)).values_list("pk", flat=True).first()
        if candidate is None:
            raise PoolExhausted(line_type)
        # The conditional update is the claim on back-ends without row locks (SQLite).
        if FixedAddress.objects.filter(pk=candidate, member__isnull=True).update(member=member, assigned_at=now):
            address = FixedAddress.objects.get(pk=candidate)
            IpAssignment.objects.create(
                member=member,
                address=address,
                assigned_from=now,
                created_by=actor_name(by),
                created_by_user=actor_user(by),
            )
            return address
    raise PoolExhausted(line_type)


def address_release(*, member: Member) -> None:
    """Take back the member's fixed address (plan change back to dynamic, cancellation)."""
    now = timezone.now()
    with transaction.atomic():
        IpAssignment.objects.filter(member=member, assigned_until__isnull=True).update(assigned_until=now)
        FixedAddress.objects.filter(member=member).update(member=None, assigned_at=None)
        Member.objects.filter(pk=member.pk).update(fixed_ip=None)


# --- Inbound refusal list ---------------------------------------------------


def refusal_add(
    *, kind: str, value: str, reason: str, expires_at: datetime | None = None, by: User | None = None
) -> RefusedSource:
    """Add a source to the list (validated and normalised); the Postfix tables follow after commit."""
    entry = RefusedSource(kind=kind, value=value, reason=reason, expires_at=expires_at, created_by=by)
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        enqueue_on_commit(export_refusal_tables)
    return entry


def refusal_save(*, entry: RefusedSource) -> RefusedSource:
    """Save an edited entry (the admin's form already validated it) and re-export."""
    with transaction.atomic():
        entry.value = normalise_source(entry.kind, entry.value)
        entry.save()
        enqueue_on_commit(export_refusal_tables)
    return entry


def refusal_remove(*, entry: RefusedSource) -> None:
    with transaction.atomic():
        entry.delete()
        enqueue_on_commit(export_refusal_tables)


def refusal_tables_write(*, directory: Path | None = None, at: datetime | None = None) -> list[str]:
    """Write the Postfix tables of the entries in force at `at`; returns the names of files that changed.

    Each file is replaced atomically (a temporary file in the same directory, then rename), so
    Postfix never reads half a table; an unchanged file is not touched. Safe to run twice.
    """
    directory = Path(directory or settings.OKBNET_POSTFIX_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    entries = [
        Entry(id=pk, kind=kind, value=value)
        for pk, kind, value in RefusedSource.objects.in_force(at).values_list("pk", "kind", "value")
    ]
    changed = []
    for name, text in refusal_tables(entries).items():
        target = directory / name
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, prefix=f".{name}.", delete=False) as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp.name, 0o644)
        os.replace(tmp.name, target)
        changed.append(name)
    return changed


# --- RADIUS session log -----------------------------------------------------

COLUMNS = {
    "username": ("username", "user_name", "user-name"),
    "address": ("address", "framed_ip_address", "framed-ip-address", "ip"),
    "start": ("start", "start_time", "acct_start_time"),
    "stop": ("stop", "stop_time", "acct_stop_time"),
}
MAX_ERRORS = 200


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


class SessionLogInvalid(Exception):
    """The file was refused as a whole; nothing was imported."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def _parse_time(value: str) -> datetime | None:
    value = value.strip()
    parsed = parse_datetime(value.replace("/", "-")) if value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)  # the log's local time (settings.TIME_ZONE)
    return parsed


def _parse_rows(text: str) -> tuple[list[tuple[int, str, str, datetime, datetime | None]], list[RowError]]:
    reader = csv.reader(io.StringIO(text))
    errors: list[RowError] = []
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(1, _("The file is empty."))]
    names = [h.strip().lower().replace(" ", "_") for h in header]
    index = {}
    for column, aliases in COLUMNS.items():
        found = [i for i, name in enumerate(names) if name in aliases]
        if not found:
            errors.append(RowError(1, _("The header has no “%(column)s” column.") % {"column": column}))
        else:
            index[column] = found[0]
    if errors:
        return [], errors
    rows = []
    seen: dict[tuple[str, str, datetime], int] = {}
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < len(header):
            errors.append(RowError(line, _("Expected %(n)d columns.") % {"n": len(header)}))
            continue
        username = record[index["username"]].strip()
        raw_address = record[index["address"]].strip()
        start = _parse_time(record[index["start"]])
        stop_raw = record[index["stop"]].strip()
        stop = _parse_time(stop_raw)
        try:
            address = str(ipaddress.ip_address(raw_address))
        except ValueError:
            errors.append(RowError(line, _("“%(value)s” is not an IP address.") % {"value": raw_address}))
            continue
        if not username:
            errors.append(RowError(line, _("The user name is empty.")))
        elif start is None:
            errors.append(RowError(line, _("The start time is missing or not a date and time.")))
        elif stop_raw and stop is None:
            errors.append(RowError(line, _("The stop time is not a date and time.")))
        elif stop is not None and stop <= start:
            errors.append(RowError(line, _("The stop time is not after the start time.")))
        elif (key := (username, address, start)) in seen:
            errors.append(RowError(line, _("The same session is on line %(line)d.") % {"line": seen[key]}))
        else:
            seen[key] = line
            rows.append((line, username, address, start, stop))
        if len(errors) >= MAX_ERRORS:
            break
    return rows, errors


def session_log_import(*, data: bytes, filename: str, by: User | None = None) -> SessionImport:
    """Import a RADIUS accounting CSV (user name, address, start, stop) all or nothing.

    Every bad row is reported with its line number (SessionLogInvalid) and then nothing is
    written. A session already imported (same user name, address and start) is updated, so a
    later export that carries the stop time of a session that was open closes it.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SessionLogInvalid([RowError(1, _("The file is not UTF-8 text."))]) from None
    rows, errors = _parse_rows(text)
    usernames = sorted({row[1] for row in rows})
    members: dict[str, int] = {}
    for i in range(0, len(usernames), 500):
        members.update(
            Member.objects.filter(connection_username__in=usernames[i : i + 500]).values_list(
                "connection_username", "pk"
            )
        )
    unknown = sorted(set(usernames) - members.keys())
    if unknown:
        # A plan change issues a new user name; sessions logged under the old one are still the member's.
        for i in range(0, len(unknown), 500):
            members.update(
                PlanChangeRequest.objects.filter(
                    old_connection_username__in=unknown[i : i + 500], status=PlanChangeRequest.Status.COMPLETED
                ).values_list("old_connection_username", "member_id")
            )
    for line, username, *_rest in rows:
        if username not in members:
            errors.append(RowError(line, _("No member has the user name “%(name)s”.") % {"name": username}))
    if errors:
        raise SessionLogInvalid(sorted(errors, key=lambda e: e.line)[:MAX_ERRORS])
    if not rows:
        raise SessionLogInvalid([RowError(1, _("The file has no sessions."))])
    with transaction.atomic():
        batch = SessionImport.objects.create(filename=filename[:200], rows=len(rows), created_by=by)
        RadiusSession.objects.bulk_create(
            [
                RadiusSession(
                    member_id=members[username],
                    username=username,
                    address=address,
                    started_at=start,
                    stopped_at=stop,
                    imported=batch,
                )
                for _line, username, address, start, stop in rows
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["username", "address", "started_at"],
            update_fields=["stopped_at", "member", "imported"],
        )
    return batch


# --- SPF of OKBNET's relays -----------------------------------------------------


def spf_status_request_refresh() -> None:
    """Staff's "check now": the DNS work runs in a worker, never in the request."""
    enqueue_on_commit(refresh_spf_status)


def spf_status_refresh() -> dict:
    """Check the published SPF (DNS, through the DNS module) and keep the result for the dashboard.

    Run by a worker (beat, or staff's "check now"): pages never wait for DNS.
    """
    from . import selectors, spf

    status = spf.spf_published_check(dynamic_networks=selectors.dynamic_ranges())
    SpfStatus.objects.update_or_create(
        domain=status["domain"], defaults={"result": status, "checked_at": timezone.now()}
    )
    return status
