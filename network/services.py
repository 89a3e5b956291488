"""Writes of the network app: fixed-IP pools and allocation, the inbound refusal list, the RADIUS session log.

Allocation runs inside the caller's transaction and locks one free row (`SKIP LOCKED` on
PostgreSQL), so many workers never hand out one address twice."""

import csv
import io
import ipaddress
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Member, PlanChangeRequest, User
from okbnet_portal.actors import Actor, actor_name, actor_user
from okbnet_portal.emails import email_queue
from okbnet_portal.enqueue import enqueue_on_commit
from okbnet_portal.moments import parse_moment

from .fields import normalise_network
from .models import (
    FixedAddress,
    IpAssignment,
    IpPool,
    RadiusSession,
    RefusedSource,
    SessionImport,
    SessionStage,
    SessionUpload,
    SpfStatus,
    normalise_source,
)
from .refusals import Entry, refusal_tables
from .tasks import export_refusal_tables, import_session_log, refresh_spf_status


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
PROGRESS_EVERY = 10_000  # lines between two progress writes
LOAD_CHUNK = 50_000  # rows per COPY (or batched insert) into the stage table
_SHOWN = 40  # characters of a bad value quoted back in a message

# Every kind of bad line, by code: stored with the import and rendered in the reader's language.
ROW_MESSAGES = {
    "empty_file": _("The file is empty."),
    "not_utf8": _("The file is not UTF-8 text."),
    "no_sessions": _("The file has no sessions."),
    "no_column": _("The header has no “%(column)s” column."),
    "columns": _("Expected %(n)d columns."),
    "bare_cr": _(
        "A line break is a lone carriage return (CR, old Mac style): save the file with LF or CRLF line endings."
    ),
    "field_too_long": _("A field is longer than 128 KiB."),  # the csv module's field limit
    "nul": _("The line contains a NUL character."),
    "bad_csv": _("This line is not valid CSV."),
    "address": _("“%(value)s” is not an IP address."),
    "username_empty": _("The user name is empty."),
    "username_long": _("The user name is longer than 64 characters."),
    "start": _("The start time is missing or not a date and time: %(problem)s"),
    "stop": _("The stop time is not a date and time: %(problem)s"),
    "stop_before_start": _("The stop time is not after the start time."),
    "duplicate": _("The same session is on line %(line)d."),
    "unknown_user": _("No member has the user name “%(name)s”."),
}


@dataclass(frozen=True)
class RowError:
    line: int
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        text = str(ROW_MESSAGES[self.code])
        return text % self.params if self.params else text

    def as_json(self) -> list:
        return [self.line, self.code, self.params]

    @classmethod
    def from_json(cls, item: list) -> "RowError":
        line, code, params = item
        return cls(line, code, params)


class SessionLogInvalid(Exception):
    """The file was refused as a whole; nothing was imported."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


Row = tuple[int, str, str, datetime, "datetime | None"]
Progress = Callable[[int], None]


def _shown(value: str) -> str:
    return value if len(value) <= _SHOWN else value[:_SHOWN] + "…"


def _time_problem(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _csv_error(exc: csv.Error) -> str:
    text = str(exc)
    if "new-line character" in text:
        return "bare_cr"
    if "field larger than field limit" in text:
        return "field_too_long"
    if "NUL" in text:
        return "nul"
    return "bad_csv"


def _check_record(
    record: list[str], index: dict[str, int], line: int, tz: tzinfo
) -> tuple[RowError | None, Row | None]:
    if any("\x00" in cell for cell in record):
        return RowError(line, "nul"), None
    username = record[index["username"]].strip()
    raw_address = record[index["address"]].strip()
    try:
        address = str(ipaddress.ip_address(raw_address))
    except ValueError:
        return RowError(line, "address", {"value": _shown(raw_address)}), None
    if not username:
        return RowError(line, "username_empty"), None
    if len(username) > 64:
        return RowError(line, "username_long"), None
    try:
        start = parse_moment(record[index["start"]], default_timezone=tz)
    except ValidationError as exc:
        return RowError(line, "start", {"problem": _time_problem(exc)}), None
    stop = None
    if record[index["stop"]].strip():
        try:
            stop = parse_moment(record[index["stop"]], default_timezone=tz)
        except ValidationError as exc:
            return RowError(line, "stop", {"problem": _time_problem(exc)}), None
        if stop <= start:
            return RowError(line, "stop_before_start"), None
    return None, (line, username, address, start, stop)


def _parse_rows(text: str, progress: Progress | None = None) -> tuple[list[Row], list[RowError]]:
    # Lines end at LF (CRLF too); a lone CR is reported, not guessed at.
    reader = csv.reader(io.StringIO(text))
    errors: list[RowError] = []
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(1, "empty_file")]
    except csv.Error as exc:
        return [], [RowError(1, _csv_error(exc))]
    names = [h.strip().lower().replace(" ", "_") for h in header]
    index = {}
    for column, aliases in COLUMNS.items():
        found = [i for i, name in enumerate(names) if name in aliases]
        if not found:
            errors.append(RowError(1, "no_column", {"column": column}))
        else:
            index[column] = found[0]
    if errors:
        return [], errors
    rows: list[Row] = []
    seen: dict[tuple[str, str, datetime], int] = {}
    done = 0
    tz = timezone.get_current_timezone()  # the log's local time (settings.TIME_ZONE)
    while len(errors) < MAX_ERRORS:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(reader.line_num, _csv_error(exc)))
            continue
        line = reader.line_num
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(done)
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < len(header):
            errors.append(RowError(line, "columns", {"n": len(header)}))
            continue
        error, row = _check_record(record, index, line, tz)
        if error:
            errors.append(error)
        elif (key := (row[1], row[2], row[3])) in seen:
            errors.append(RowError(line, "duplicate", {"line": seen[key]}))
        else:
            seen[key] = line
            rows.append(row)
    return rows, errors


def _members_by_username(usernames: list[str]) -> dict[str, int]:
    members: dict[str, int] = {}
    for i in range(0, len(usernames), 500):
        members.update(
            Member.objects.filter(connection_username__in=usernames[i : i + 500]).values_list(
                "connection_username", "pk"
            )
        )
    unknown = sorted(set(usernames) - members.keys())
    # A plan change issues a new user name; sessions logged under the old one are still the member's.
    for i in range(0, len(unknown), 500):
        members.update(
            PlanChangeRequest.objects.filter(
                old_connection_username__in=unknown[i : i + 500], status=PlanChangeRequest.Status.COMPLETED
            ).values_list("old_connection_username", "member_id")
        )
    return members


def session_log_check(*, data: bytes, progress: Progress | None = None) -> tuple[list[Row], dict[str, int]]:
    """Every row of the file with its member, or SessionLogInvalid listing every bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SessionLogInvalid([RowError(1, "not_utf8")]) from None
    rows, errors = _parse_rows(text, progress)
    members = _members_by_username(sorted({row[1] for row in rows}))
    for line, username, *_rest in rows:
        if username not in members:
            errors.append(RowError(line, "unknown_user", {"name": _shown(username)}))
    if errors:
        raise SessionLogInvalid(sorted(errors, key=lambda e: e.line)[:MAX_ERRORS])
    if not rows:
        raise SessionLogInvalid([RowError(1, "no_sessions")])
    return rows, members


def _stage_rows(batch: SessionImport, rows: list[Row], members: dict[str, int], progress: Progress | None) -> None:
    """Write the checked rows into the stage table in chunks (COPY on PostgreSQL), committing each."""
    table = SessionStage._meta.db_table
    columns = ("import_id", "member_id", "username", "address", "started_at", "stopped_at")
    for offset in range(0, len(rows), LOAD_CHUNK):
        chunk = rows[offset : offset + LOAD_CHUNK]
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for _line, username, address, start, stop in chunk:
                writer.writerow(
                    [
                        batch.pk,
                        members[username],
                        username,
                        address,
                        start.isoformat(),
                        stop.isoformat() if stop else "",
                    ]
                )
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.copy_expert(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '')",
                    buffer,
                )
        else:
            SessionStage.objects.bulk_create(
                [
                    SessionStage(
                        import_id=batch.pk,
                        member_id=members[username],
                        username=username,
                        address=address,
                        started_at=start,
                        stopped_at=stop,
                    )
                    for _line, username, address, start, stop in chunk
                ],
                batch_size=1000,
            )
        if progress:
            progress(offset + len(chunk))


def _merge_stage(batch: SessionImport) -> None:
    """Move the staged rows into the sessions (one statement, inside the caller's transaction).
    A session already imported (same user name, address and start) is updated, so a later export
    that carries the stop time of a session that was open closes it."""
    sessions, stage = RadiusSession._meta.db_table, SessionStage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {sessions} (member_id, username, address, started_at, stopped_at, imported_id) "  # noqa: S608
            f"SELECT member_id, username, address, started_at, stopped_at, import_id FROM {stage} "
            "WHERE import_id = %s "
            "ON CONFLICT (username, address, started_at) DO UPDATE SET stopped_at = excluded.stopped_at, "
            "member_id = excluded.member_id, imported_id = excluded.imported_id",
            [batch.pk],
        )
        cursor.execute(f"DELETE FROM {stage} WHERE import_id = %s", [batch.pk])  # noqa: S608


def session_log_import(*, data: bytes, filename: str, by: User | None = None) -> SessionImport:
    """Import a RADIUS accounting CSV (user name, address, start, stop) all or nothing, at once.

    Every bad row is reported with its line number (SessionLogInvalid) and then nothing is
    written. Staff pages use session_log_submit (a worker imports); this is the same work inline.
    """
    rows, members = session_log_check(data=data)
    batch = SessionImport.objects.create(
        filename=filename[:200], created_by=by, status=SessionImport.Status.LOADING, total_rows=len(rows)
    )
    try:
        _stage_rows(batch, rows, members, None)
        with transaction.atomic():
            _merge_stage(batch)
            _finish(batch, status=SessionImport.Status.COMPLETED, rows=len(rows))
    except BaseException:
        batch.delete()
        raise
    return batch


def _finish(batch: SessionImport, *, status: str, rows: int = 0, errors: list[RowError] = ()) -> None:
    batch.status, batch.rows, batch.rows_done = status, rows, rows or batch.rows_done
    batch.errors = [e.as_json() for e in errors]
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "rows", "rows_done", "errors", "finished_at"])


def session_log_submit(*, data: bytes, filename: str, by: User | None = None) -> SessionImport:
    """Store an upload (in the database: every worker host reads it) and queue its import."""
    total = max(data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1, 0)
    with transaction.atomic():
        batch = SessionImport.objects.create(
            filename=filename[:200], created_by=by, status=SessionImport.Status.QUEUED, total_rows=total
        )
        SessionUpload.objects.create(session_import=batch, data=data)
        # The saved row is the truth: a broker that is down is logged, and the import waits for the sweep.
        enqueue_on_commit(import_session_log, batch.pk)
    return batch


def session_log_process(*, import_id: int) -> None:
    """The worker's part: check every line, load in chunks, then publish all at once (or refuse).

    Safe to run twice: a finished import is left alone, a half-done one starts again from its upload.
    """
    claimed = SessionImport.objects.filter(
        pk=import_id,
        status__in=[SessionImport.Status.QUEUED, SessionImport.Status.CHECKING, SessionImport.Status.LOADING],
    ).update(status=SessionImport.Status.CHECKING, rows_done=0)
    if not claimed:
        return
    batch = SessionImport.objects.get(pk=import_id)
    upload = SessionUpload.objects.filter(session_import=batch).first()
    SessionStage.objects.filter(import_id=batch.pk).delete()

    def progress(done: int) -> None:
        SessionImport.objects.filter(pk=import_id).update(rows_done=min(done, batch.total_rows or done))

    try:
        if upload is None:
            raise SessionLogInvalid([RowError(1, "empty_file")])
        rows, members = session_log_check(data=bytes(upload.data), progress=progress)
    except SessionLogInvalid as exc:
        _finish(batch, status=SessionImport.Status.REFUSED, errors=exc.errors)
        SessionUpload.objects.filter(session_import=batch).delete()
        return
    SessionImport.objects.filter(pk=import_id).update(
        status=SessionImport.Status.LOADING, rows_done=0, total_rows=len(rows)
    )
    batch.total_rows = len(rows)
    _stage_rows(batch, rows, members, progress)
    with transaction.atomic():
        locked = SessionImport.objects.select_for_update().get(pk=import_id)
        if locked.status != SessionImport.Status.LOADING:
            return
        _merge_stage(locked)
        _finish(locked, status=SessionImport.Status.COMPLETED, rows=len(rows))
        SessionUpload.objects.filter(session_import=locked).delete()


def session_imports_sweep(*, older_than_seconds: int = 300) -> list[int]:
    """Re-queue imports still waiting for a worker (the broker was down when they were stored)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        SessionImport.objects.filter(status=SessionImport.Status.QUEUED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        enqueue_on_commit(import_session_log, pk)
    return ids


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


# --- the mail gateway's sending quota (network.policy) ----------------------------------------


def _window_label(window: str) -> str:
    kind, _sep, stamp = window.partition(":")
    if kind == "hour" and len(stamp) == 10:
        return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[8:]}:00–{stamp[8:]}:59"
    return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}"


def sending_quota_breach_record(
    *, member_id: int, window: str, hour_count: int, day_count: int, hour_quota: int, day_quota: int
):
    """Open the `enforcement` ticket for staff with the counts and e-mail the member, once per
    member and window (the policy service reports the first refusal of a window; a retried task
    or a second gateway finds the breach already recorded). Returns None when it was."""
    from support import services as tickets
    from support.models import Ticket

    from .models import SendingQuotaBreach

    with transaction.atomic():
        member = Member.objects.select_for_update().filter(pk=member_id).first()
        if member is None or SendingQuotaBreach.objects.filter(member=member, window=window).exists():
            return None
        kind = window.partition(":")[0]
        when = _window_label(window)
        counts = {
            "hour": hour_count,
            "day": day_count,
            "hour_quota": hour_quota,
            "day_quota": day_quota,
            "when": when,
        }
        subject = (
            _("Sending quota exceeded (per hour) by %(member)s, %(when)s")
            if kind == "hour"
            else _("Sending quota exceeded (per day) by %(member)s, %(when)s")
        ) % {"member": member.member_number, "when": when}
        description = (
            _(
                "The mail gateway deferred mail over the quota.\n"
                "This hour: %(hour)s of %(hour_quota)s recipients.\n"
                "Today: %(day)s of %(day_quota)s recipients.\n"
                "Window: %(when)s."
            )
            % counts
        )
        ticket = tickets.ticket_open(
            member=member,
            category=Ticket.Category.ENFORCEMENT,
            subject=str(subject),
            description=str(description),
            priority=Ticket.Priority.HIGH,
        )
        breach = SendingQuotaBreach.objects.create(
            member=member,
            window=window,
            hour_count=hour_count,
            day_count=day_count,
            hour_quota=hour_quota,
            day_quota=day_quota,
            ticket=ticket,
        )
        email_queue(
            template="network/emails/sending_quota",
            to=[member.email],
            context={"name": member.name, "member_number": member.member_number, "ticket": ticket.number, **counts},
        )
    return breach
