"""The one writer of FreeRADIUS's tables (DESIGN §10): the member's state, as rows the stock `sql`
module authenticates with.

Nothing here writes RADIUS rows inside the request: a hook (plan change, enforcement, connection
password) saves an outbox entry in the portal's transaction, and a worker applies it
(`outbox_apply`). Applying rewrites the member's user names from the member's state *at that
moment*, so an entry applied late, twice or out of order writes the same rows; while the RADIUS
database is unreachable the entries wait and the beat sweep applies them. Reconciliation
(`radius_reconcile`) compares every row with the portal's state and rewrites what drifted.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import IpType, Member
from okbnet_portal.enqueue import enqueue_on_commit

from . import passwords
from .models import RadCheck, RadGroupCheck, RadGroupReply, RadiusOutbox, RadiusRetiredName, RadReply, RadUserGroup
from .tasks import radius_disconnect, radius_outbox_apply

logger = logging.getLogger("okbnet.radius")

MS = Member.Status
Row = tuple[str, str, str]  # (attribute, op, value)

# Placeholders of the table below, filled in per member.
PASSWORD, ADDRESS, REJECT_MESSAGE = "<password hash>", "<assigned address>", "<reject message>"

# DESIGN §10's table: what a user name gets in radcheck / radreply / radusergroup. A state that
# is not here (cancelled) gets no rows.
RADIUS_TABLE: dict[tuple[str, str], dict[str, tuple]] = {
    (MS.ACTIVE, IpType.DYNAMIC): {
        "check": ((passwords.HASH_ATTRIBUTE, ":=", PASSWORD),),
        "reply": (),
        "groups": (("dynamic", 1),),
    },
    (MS.ACTIVE, IpType.FIXED): {
        "check": ((passwords.HASH_ATTRIBUTE, ":=", PASSWORD),),
        "reply": (("Framed-IP-Address", ":=", ADDRESS),),
        "groups": (("fixed", 1),),
    },
    (MS.SUSPENDED, IpType.DYNAMIC): {
        "check": (("Auth-Type", ":=", "Reject"),),
        "reply": (("Reply-Message", ":=", REJECT_MESSAGE),),
        "groups": (),
    },
    (MS.SUSPENDED, IpType.FIXED): {
        "check": (("Auth-Type", ":=", "Reject"),),
        "reply": (("Reply-Message", ":=", REJECT_MESSAGE),),
        "groups": (),
    },
}


def group_rows() -> dict[str, dict[str, tuple[Row, ...]]]:
    """The groups' own rows: `dynamic` hands out the pool, `fixed` nothing (radreply has the address)."""
    return {
        "dynamic": {"check": (), "reply": (("Framed-Pool", ":=", settings.RADIUS_DYNAMIC_POOL),)},
        "fixed": {"check": (), "reply": ()},
    }


def reject_message() -> str:
    """Reply-Message of a suspended member: both languages (a router shows it as it comes)."""
    texts = []
    for language in ("ja", "en"):
        with translation.override(language):
            texts.append(
                _("OKBNET: your connection is suspended. Please call the support center: %(phone)s")
                % {"phone": settings.OKBNET_SUPPORT_PHONE}
            )
    return " / ".join(texts)


@dataclass(frozen=True)
class UserRows:
    """One user name's rows, sorted, so two states compare as multisets."""

    check: tuple[Row, ...] = ()
    reply: tuple[Row, ...] = ()
    groups: tuple[tuple[str, int], ...] = ()


def user_rows(*, status: str, ip_type: str, password_hash: str, address: str | None) -> UserRows | None:
    """The rows of one user name in one state, or None: no rows (cancelled, or nothing to check)."""
    shape = RADIUS_TABLE.get((status, ip_type))
    if shape is None:
        return None
    used = {value for _attribute, _op, value in shape["check"] + shape["reply"]}
    values = {PASSWORD: password_hash, ADDRESS: address or ""}
    if any(values.get(value) == "" for value in used):
        return None  # an active member without a password hash (or a fixed one without an address)
    if REJECT_MESSAGE in used:
        values[REJECT_MESSAGE] = reject_message()

    def fill(rows: tuple[Row, ...]) -> tuple[Row, ...]:
        return tuple(sorted((attribute, op, values.get(value, value)) for attribute, op, value in rows))

    return UserRows(check=fill(shape["check"]), reply=fill(shape["reply"]), groups=tuple(sorted(shape["groups"])))


def member_desired(member: Member, retired: Iterable[RadiusRetiredName], today) -> dict[str, UserRows]:
    """Every user name of the member that should have rows, with them: the current name, and old
    names until their end date (with the plan they had, in the member's status)."""
    names = [(member.connection_username, member.plan.ip_type, member.fixed_ip)]
    names += [(r.username, r.ip_type, None) for r in retired if r.until > today]
    desired = {}
    for username, ip_type, address in names:
        rows = user_rows(
            status=member.status, ip_type=ip_type, password_hash=member.connection_password_hash, address=address
        )
        if rows is not None:
            desired[username] = rows
    return desired


# --- Hooks: the one call each of plan change, enforcement and connection password ----------


def member_provision(
    *, member: Member, usernames: Iterable[str] = (), disconnect: Iterable[str] = (), ticket=None
) -> RadiusOutbox:
    """Queue a rewrite of the member's RADIUS rows (call inside the transaction that changed them).

    `usernames`: names to clear besides the member's current ones (a name just retired or expired);
    `disconnect`: names whose sessions get a Disconnect-Request once the rows are written.
    """
    names = {member.connection_username, *usernames}
    names |= set(RadiusRetiredName.objects.filter(member=member).values_list("username", flat=True))
    entry = RadiusOutbox.objects.create(
        member=member,
        usernames=sorted(n for n in names if n),
        disconnect_usernames=sorted(set(disconnect)),
        ticket_id=getattr(ticket, "pk", ticket),
    )
    enqueue_on_commit(radius_outbox_apply, entry.pk)
    return entry


def member_plan_changed(*, request, member: Member) -> RadiusOutbox:
    """A completed plan change: the new name and address now; the old name works until the date
    the member was told (`request.effective_date`), and its session is disconnected."""
    old = request.old_connection_username
    if old and old != member.connection_username:
        RadiusRetiredName.objects.update_or_create(
            username=old,
            defaults={"member": member, "until": request.effective_date, "ip_type": request.from_plan.ip_type},
        )
    return member_provision(member=member, usernames=[old], disconnect=[old], ticket=request.ticket_id)


def member_status_changed(*, member: Member, ticket=None) -> RadiusOutbox:
    """Suspension, reinstatement or cancellation: rewrite (or remove) every name, end its sessions."""
    names = [member.connection_username]
    names += RadiusRetiredName.objects.filter(member=member, until__gt=timezone.localdate()).values_list(
        "username", flat=True
    )
    return member_provision(member=member, disconnect=names, ticket=ticket)


def member_connection_password_set(*, member: Member, password: str) -> RadiusOutbox:
    """A new connection password (member's page, staff command): only its hash is kept."""
    passwords.password_validate(password)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        member.connection_password_hash = passwords.password_hash(password)
        member.save(update_fields=["connection_password_hash", "updated_at"])
        return member_provision(member=member)


def retired_names_expire(*, today=None) -> int:
    """The beat job: old user names whose end date has come lose their rows. Returns how many."""
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic():
        expired = list(
            RadiusRetiredName.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(until__lte=today)
            .select_related("member")
        )
        for retired in expired:
            retired.delete()
            member_provision(member=retired.member, usernames=[retired.username])
            count += 1
    return count


# --- Applying ---------------------------------------------------------------------------------


def _alias() -> str:
    return settings.RADIUS_DATABASE_ALIAS


def _lock(alias: str) -> None:
    """One writer of the RADIUS tables at a time (delete-then-insert must not interleave)."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x0B0E7AD1])


def _read_users(alias: str, names: Iterable[str] | None = None) -> dict[str, UserRows]:
    def rows(model, fields):
        qs = model.objects.using(alias)
        if names is not None:
            qs = qs.filter(username__in=list(names))
        return qs.values_list("username", *fields)

    found: dict[str, dict[str, list]] = defaultdict(lambda: {"check": [], "reply": [], "groups": []})
    for username, *row in rows(RadCheck, ("attribute", "op", "value")):
        found[username]["check"].append(tuple(row))
    for username, *row in rows(RadReply, ("attribute", "op", "value")):
        found[username]["reply"].append(tuple(row))
    for username, *row in rows(RadUserGroup, ("groupname", "priority")):
        found[username]["groups"].append(tuple(row))
    return {name: UserRows(**{k: tuple(sorted(v)) for k, v in parts.items()}) for name, parts in found.items()}


def _replace_users(alias: str, names: Iterable[str], desired: dict[str, UserRows]) -> None:
    names = list(names)
    for model in (RadCheck, RadReply, RadUserGroup):
        model.objects.using(alias).filter(username__in=names).delete()
    pairs = [(n, desired[n]) for n in names if n in desired]
    if not pairs:
        return
    RadCheck.objects.using(alias).bulk_create(
        RadCheck(username=n, attribute=a, op=o, value=v) for n, r in pairs for a, o, v in r.check
    )
    RadReply.objects.using(alias).bulk_create(
        RadReply(username=n, attribute=a, op=o, value=v) for n, r in pairs for a, o, v in r.reply
    )
    RadUserGroup.objects.using(alias).bulk_create(
        RadUserGroup(username=n, groupname=g, priority=p) for n, r in pairs for g, p in r.groups
    )


def _write_groups(alias: str) -> int:
    """Put the groups' rows right; returns how many groups were rewritten."""
    fixed = 0
    for groupname, parts in group_rows().items():
        for model, key in ((RadGroupCheck, "check"), (RadGroupReply, "reply")):
            qs = model.objects.using(alias).filter(groupname=groupname)
            if tuple(sorted(qs.values_list("attribute", "op", "value"))) != tuple(sorted(parts[key])):
                qs.delete()
                model.objects.using(alias).bulk_create(
                    model(groupname=groupname, attribute=a, op=o, value=v) for a, o, v in parts[key]
                )
                fixed += 1
    return fixed


def _names_of_others(member_id: int, names: set[str]) -> set[str]:
    taken = set(
        Member.objects.filter(connection_username__in=names)
        .exclude(pk=member_id)
        .values_list("connection_username", flat=True)
    )
    taken |= set(
        RadiusRetiredName.objects.filter(username__in=names)
        .exclude(member_id=member_id)
        .values_list("username", flat=True)
    )
    return taken


def member_apply(*, member_id: int, usernames: Iterable[str] = ()) -> dict[str, UserRows]:
    """Rewrite the rows of the member's user names (and clear `usernames` no longer theirs)."""
    member = Member.objects.select_related("plan").get(pk=member_id)
    retired = list(RadiusRetiredName.objects.filter(member_id=member_id))
    desired = member_desired(member, retired, timezone.localdate())
    names = set(usernames) | set(desired) | {r.username for r in retired} | {member.connection_username}
    names -= _names_of_others(member_id, names)
    alias = _alias()
    with transaction.atomic(using=alias):
        _lock(alias)
        _write_groups(alias)
        _replace_users(alias, sorted(names), desired)
    return desired


def outbox_apply(*, entry_id: int) -> bool:
    """Apply one outbox entry (the worker). False when it was applied already (or is being now)."""
    try:
        with transaction.atomic():
            entry = (
                RadiusOutbox.objects.select_for_update(skip_locked=True)
                .filter(pk=entry_id, applied_at__isnull=True)
                .first()
            )
            if entry is None:
                return False
            member_apply(member_id=entry.member_id, usernames=entry.usernames)
            entry.applied_at = timezone.now()
            entry.attempts += 1
            entry.last_error = ""
            entry.save(update_fields=["applied_at", "attempts", "last_error"])
            if entry.disconnect_usernames:
                enqueue_on_commit(radius_disconnect, entry.pk)
            return True
    except DatabaseError as exc:
        connections[_alias()].close_if_unusable_or_obsolete()
        RadiusOutbox.objects.filter(pk=entry_id, applied_at__isnull=True).update(
            attempts=F("attempts") + 1, last_error=str(exc)[:500]
        )
        raise


def outbox_sweep(*, limit: int = 500) -> int:
    """The beat job: apply what is pending (an outage, a lost message), oldest first. Stops at the
    first database error (the RADIUS database is still down) and leaves the rest for next time."""
    applied = 0
    for entry_id in RadiusOutbox.objects.filter(applied_at__isnull=True).values_list("id", flat=True)[:limit]:
        try:
            applied += outbox_apply(entry_id=entry_id)
        except DatabaseError:
            waiting = RadiusOutbox.objects.filter(applied_at__isnull=True).count()
            logger.warning("RADIUS database unreachable: %d outbox entries wait", waiting, exc_info=True)
            break
    return applied


@dataclass
class ReconcileReport:
    users: int = 0  # user names whose rows were rewritten or removed
    groups: int = 0  # group row sets rewritten

    @property
    def total(self) -> int:
        return self.users + self.groups


def radius_reconcile() -> ReconcileReport:
    """Compare every RADIUS row with the portal's state and rewrite what drifted (the portal wins)."""
    today = timezone.localdate()
    retired = defaultdict(list)
    for row in RadiusRetiredName.objects.all():
        retired[row.member_id].append(row)
    desired: dict[str, UserRows] = {}
    members = Member.objects.exclude(status=MS.CANCELLED).select_related("plan")
    for member in members.iterator(chunk_size=2000):
        desired.update(member_desired(member, retired.get(member.pk, ()), today))
    alias = _alias()
    report = ReconcileReport()
    with transaction.atomic(using=alias):
        _lock(alias)
        report.groups = _write_groups(alias)
        actual = _read_users(alias)
        drifted = sorted(n for n in set(desired) | set(actual) if desired.get(n) != actual.get(n))
        _replace_users(alias, drifted, desired)
        report.users = len(drifted)
    if report.total:
        logger.warning("RADIUS reconciliation rewrote %d user names and %d groups", report.users, report.groups)
    return report
