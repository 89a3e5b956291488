"""RFC 5176 Disconnect-Request to the NAS holding a member's session, through pyrad (a worker).

The NAS comes from the accounting data (`radacct`, when FreeRADIUS writes it to the RADIUS
database: the open session's NAS and Acct-Session-Id), else every NAS of the `nas` table (the one
holding the session answers ACK, the others NAK). The secret is the `nas` row's, else
RADIUS_DISCONNECT_SECRET. Each answer (ACK, NAK with its Error-Cause, timeout) is kept
(RadiusDisconnect, the staff member screen) and recorded on the member's ticket.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from pyrad import packet
from pyrad.client import Client, Timeout
from pyrad.dictionary import Dictionary

from support import services as tickets

from .models import Nas, RadiusDisconnect, RadiusOutbox

logger = logging.getLogger("okbnet.radius")
R = RadiusDisconnect.Result
DICTIONARY = Path(__file__).parent / "radius" / "dictionary"


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    return Dictionary(str(DICTIONARY))


@dataclass(frozen=True)
class Target:
    nas: str
    secret: str
    session_id: str = ""
    framed_ip: str = ""


def _alias() -> str:
    return settings.RADIUS_DATABASE_ALIAS


def _open_sessions(username: str) -> list[tuple[str, str, str]]:
    """(NAS address, Acct-Session-Id, Framed-IP-Address) of the user's open sessions in radacct."""
    connection = connections[_alias()]
    if "radacct" not in connection.introspection.table_names():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT host(nasipaddress), acctsessionid, coalesce(host(framedipaddress), '') FROM radacct "
            "WHERE username = %s AND acctstoptime IS NULL ORDER BY acctstarttime DESC",
            [username],
        )
        return list(cursor.fetchall())


def _single_host(nasname: str) -> bool:
    """A `nas` row can name a network (a FreeRADIUS client range): a request needs one host."""
    try:
        return ipaddress.ip_network(nasname, strict=False).num_addresses == 1
    except ValueError:
        return "/" not in nasname  # a host name


def session_targets(*, username: str) -> list[Target]:
    nas_rows = {row.nasname: row.secret for row in Nas.objects.using(_alias()).all() if _single_host(row.nasname)}
    sessions = _open_sessions(username)
    if sessions:
        default = settings.RADIUS_DISCONNECT_SECRET
        return [
            Target(nas=nas, secret=nas_rows.get(nas, default), session_id=session_id, framed_ip=framed_ip)
            for nas, session_id, framed_ip in sessions
            if nas_rows.get(nas, default)
        ]
    return [Target(nas=nas, secret=secret) for nas, secret in sorted(nas_rows.items())]


def disconnect_send(*, target: Target, username: str) -> tuple[str, int | None]:
    """One Disconnect-Request; returns (result, Error-Cause)."""
    client = Client(
        server=target.nas,
        secret=target.secret.encode(),
        dict=dictionary(),
        coaport=settings.RADIUS_DISCONNECT_PORT,
        timeout=settings.RADIUS_DISCONNECT_TIMEOUT,
        retries=settings.RADIUS_DISCONNECT_RETRIES,
    )
    request = client.CreateCoAPacket(code=packet.DisconnectRequest, User_Name=username)
    if target.session_id:
        request["Acct-Session-Id"] = target.session_id
    if target.framed_ip:
        request["Framed-IP-Address"] = target.framed_ip
    try:
        reply = client.SendPacket(request)
    except Timeout:
        return R.TIMEOUT, None
    except OSError:
        logger.warning("Disconnect-Request to %s could not be sent", target.nas, exc_info=True)
        return R.ERROR, None
    if reply.code == packet.DisconnectACK:
        return R.ACK, None
    cause = reply.get("Error-Cause")
    return R.NAK, (cause[0] if cause else None)


def outbox_disconnect(*, entry_id: int) -> list[str]:
    """Send the entry's Disconnect-Requests once (claimed first: a second delivery sends nothing)."""
    if not RadiusOutbox.objects.filter(pk=entry_id, disconnected_at__isnull=True, applied_at__isnull=False).update(
        disconnected_at=timezone.now()
    ):
        return []
    entry = RadiusOutbox.objects.get(pk=entry_id)
    results = []
    for username in entry.disconnect_usernames:
        try:
            targets = session_targets(username=username)
        except DatabaseError:
            logger.warning("RADIUS database unreachable: no NAS for %s", username, exc_info=True)
            targets = []
        answers = [(t.nas, *disconnect_send(target=t, username=username)) for t in targets] or [("", R.NO_NAS, None)]
        with transaction.atomic():
            for nas, result, cause in answers:
                RadiusDisconnect.objects.create(
                    member_id=entry.member_id,
                    username=username,
                    nas=nas,
                    result=result,
                    error_cause=cause,
                    outbox=entry,
                )
                if entry.ticket_id and result != R.NO_NAS:  # nothing was sent: the member screen says so
                    body = f"{username} → {nas}" if nas else username
                    if cause:
                        body += f" (Error-Cause {cause})"
                    tickets.ticket_record_step(ticket=entry.ticket_id, step=f"radius_disconnect_{result}", body=body)
                results.append(result)
    return results
