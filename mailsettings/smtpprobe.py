"""The submission probe: the one place in the portal that opens SMTP connections (DESIGN §7b).

For another provider's outgoing host it finds out what the member cannot know: does the host
accept mail submission on 587 (EHLO, STARTTLS offered, then AUTH offered after TLS) and on 465
(implicit TLS, EHLO, AUTH offered)? It never sends credentials or mail (only EHLO, STARTTLS and
QUIT), and it connects where a member tells it to, so it is safe by construction:

- the name is resolved ONCE, through the DNS checks' resolver (`dnscheck`), and only that
  address is connected to (a name whose answer changes cannot steer a later connection);
- `address_refusal()` (pure) refuses private, loopback, link-local, CGNAT, multicast, reserved
  and OKBNET's own networks unless `OKBNET_SMTP_PROBE_ALLOW` lists them;
- only ports 587 and 465 (`OKBNET_SMTP_PROBE_PORTS` remaps them to free ports for tests);
- explicit timeouts: `OKBNET_SMTP_PROBE_CONNECT_TIMEOUT` per step, `OKBNET_SMTP_PROBE_TIMEOUT`
  for the whole probe, and at most `OKBNET_SMTP_PROBE_CONCURRENCY` probes at once per process.

Results are structured (codes, never text for people); mailsettings.selectors puts them in words.
Runs in a worker only (services.submission_probe_run).
"""

from __future__ import annotations

import ipaddress
import logging
import smtplib
import ssl
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings

from . import dnscheck

logger = logging.getLogger("okbnet.smtpprobe")

SUBMISSION, SUBMISSIONS = 587, 465  # RFC 6409 (STARTTLS) and RFC 8314 (implicit TLS)
PORTS = (SUBMISSION, SUBMISSIONS)

# Why an address is refused (address_refusal).
PRIVATE, LOOPBACK, LINK_LOCAL, CGNAT, MULTICAST, RESERVED, UNSPECIFIED, OKBNET = (
    "private",
    "loopback",
    "link_local",
    "cgnat",
    "multicast",
    "reserved",
    "unspecified",
    "okbnet",
)
CGNAT_NETWORK = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 shared address space

# What one port said (PortResult.outcome) and why (PortResult.error).
OK, NO, UNSURE = "ok", "no", "unsure"  # usable / definitely not offered / could not tell
TIMEOUT, CONNECTION_REFUSED, UNREACHABLE, NOT_SMTP, NO_STARTTLS, NO_AUTH, TLS_FAILED, CERTIFICATE_INVALID = (
    "timeout",
    "connection_refused",
    "unreachable",
    "not_smtp",
    "no_starttls",
    "no_auth",
    "tls_failed",
    "certificate_invalid",
)
# Why a whole probe could not run.
NOT_RESOLVED, ADDRESS_REFUSED, RATE_LIMITED = "not_resolved", "address_refused", "rate_limited"
NOT_ALLOWED = "not_allowed"  # OKBNET_SMTP_PROBE_ONLY_ALLOWED: outside the allow list

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


# --------------------------------------------------------------------------- the address rule (pure)


def address_refusal(address: str, *, allow: Iterable[Network] = (), own: Iterable[Network] = ()) -> str | None:
    """Why the probe must not connect to `address`, or None when it may. Pure: opens no socket.

    `allow` (OKBNET_SMTP_PROBE_ALLOW) wins over every other rule; `own` are OKBNET's networks.
    An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 address it carries.
    """
    ip = ipaddress.ip_address(address)
    if _within(address, allow):
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return address_refusal(str(ip.ipv4_mapped), allow=allow, own=own)
    if _within(address, own):
        return OKBNET
    if ip.is_unspecified:
        return UNSPECIFIED
    if ip.is_loopback:
        return LOOPBACK
    if ip.is_link_local:
        return LINK_LOCAL
    if ip.is_multicast:
        return MULTICAST
    if ip.version == 4 and ip in CGNAT_NETWORK:
        return CGNAT
    if ip.is_reserved:
        return RESERVED
    if ip.is_private:
        return PRIVATE
    if not ip.is_global:
        return RESERVED
    return None


def _within(address: str, networks: Iterable[Network]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in net for net in networks if net.version == ip.version)


def port_map(text: str) -> dict[int, int]:
    """OKBNET_SMTP_PROBE_PORTS ("587=2587,465=2465" or "587:2587,…"): where each submission port
    is really dialled. Only 587 and 465 may be remapped; anything else is a ValueError."""
    mapping = {port: port for port in PORTS}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        sep = "=" if "=" in item else ":"
        logical, _, real = item.partition(sep)
        logical_port, real_port = int(logical), int(real)
        if logical_port not in PORTS or not 0 < real_port < 65536:
            raise ValueError(f"only 587 and 465 can be remapped, to a port 1-65535: {item!r}")
        mapping[logical_port] = real_port
    return mapping


# --------------------------------------------------------------------------- results


@dataclass
class PortResult:
    """What one port said (DESIGN §7b names). `port` is the logical port (587 or 465)."""

    port: int
    reachable: bool = False
    starttls: bool | None = None  # 587: offered in EHLO; 465: None (implicit TLS)
    tls_version: str | None = None
    certificate_valid: bool | None = None
    auth_mechanisms: list[str] = field(default_factory=list)
    greeting: str = ""
    elapsed_ms: int = 0
    checked_at: str = ""
    error: str | None = None
    outcome: str = UNSURE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ProbeResult:
    host: str
    address: str = ""
    support: str = "unknown"  # op25b.ProviderSubmission values
    error: str | None = None  # NOT_RESOLVED, ADDRESS_REFUSED, RATE_LIMITED, or None
    refusal: str | None = None  # address_refusal()'s reason
    ports: list[PortResult] = field(default_factory=list)
    connections: int = 0

    @property
    def definitive(self) -> bool:
        """Whether the answer can be kept long: every port gave a clear yes or no."""
        return self.error is None and all(p.outcome != UNSURE for p in self.ports)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ports"] = [p.to_dict() for p in self.ports]
        return data


def support_from(ports: Sequence[PortResult]) -> str:
    """The provider_submission value the ports give: "587", "465", "both", "none" or "unknown"."""
    usable = {p.port for p in ports if p.outcome == OK}
    if usable == {SUBMISSION, SUBMISSIONS}:
        return "both"
    if usable:
        return str(usable.pop())
    if ports and all(p.outcome == NO for p in ports):
        return "none"
    return "unknown"


# --------------------------------------------------------------------------- the probe


def allowed_networks() -> list[Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.OKBNET_SMTP_PROBE_ALLOW]


def okbnet_networks() -> list[Network]:
    """OKBNET's own networks: every IP pool and the outgoing relays."""
    from network.models import IpPool

    nets = [ipaddress.ip_network(n, strict=False) for n in IpPool.objects.values_list("network", flat=True)]
    nets += [ipaddress.ip_network(a) for a in settings.OKBNET_RELAY_ADDRESSES]
    return nets


def resolve(host: str, *, session: dnscheck.Session | None = None) -> str:
    """The host's first address (A, else AAAA), asked once; "" when it has none."""
    session = session or dnscheck.Session(budget=settings.OKBNET_SMTP_PROBE_CONNECT_TIMEOUT)
    for rdtype in ("A", "AAAA"):
        found = session.lookup(host, rdtype)
        if found.ok and found.rdatas:
            return found.rdatas[0].address
    return ""


def _slot() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(settings.OKBNET_SMTP_PROBE_CONCURRENCY)
        return _slots


def probe(host: str, *, address: str | None = None, own: Sequence[Network] | None = None) -> ProbeResult:
    """Probe a host's submission ports. `address`: already resolved (the one answer to use)."""
    host = dnscheck.to_ascii(host)
    result = ProbeResult(host=host)
    address = resolve(host) if address is None else address
    if not address:
        result.error = NOT_RESOLVED
        _log(result)
        return result
    result.address = address
    allow = allowed_networks()
    refusal = address_refusal(address, allow=allow, own=okbnet_networks() if own is None else own)
    if refusal is None and settings.OKBNET_SMTP_PROBE_ONLY_ALLOWED and not _within(address, allow):
        refusal = NOT_ALLOWED
    if refusal:
        result.error, result.refusal = ADDRESS_REFUSED, refusal
        _log(result)
        return result
    ports = port_map(settings.OKBNET_SMTP_PROBE_PORTS)
    deadline = time.monotonic() + settings.OKBNET_SMTP_PROBE_TIMEOUT
    with _slot():
        for logical in PORTS:
            result.ports.append(_probe_port(host, address, logical, ports[logical], deadline))
            result.connections += 1
    result.support = support_from(result.ports)
    _log(result)
    return result


def _log(result: ProbeResult) -> None:
    logger.info(
        "smtp probe host=%s address=%s error=%s refusal=%s support=%s ports=%s",
        result.host,
        result.address or "-",
        result.error or "-",
        result.refusal or "-",
        result.support,
        ",".join(f"{p.port}:{p.outcome}:{p.error or 'ok'}" for p in result.ports) or "-",
    )


class _Client(smtplib.SMTP):
    """smtplib.SMTP bound to one address and one name: the address is dialled, the name is what
    TLS checks the certificate against (SNI). Each step's socket timeout follows the deadline."""

    def __init__(self, host: str, timeout: float):
        super().__init__(local_hostname=settings.OKBNET_SMTP_PROBE_HELO, timeout=timeout)
        self._host = host


class _SSLClient(smtplib.SMTP_SSL):
    def __init__(self, host: str, timeout: float, context: ssl.SSLContext):
        super().__init__(local_hostname=settings.OKBNET_SMTP_PROBE_HELO, timeout=timeout, context=context)
        self._host = host


@lru_cache(maxsize=4)
def _context(cafile: str) -> ssl.SSLContext:
    """The probe's TLS context, made once per CA file (OKBNET_SMTP_PROBE_CAFILE, "" for the system's
    only): loading the system's certificates costs about 25 ms of CPU, before this for every port
    probed. A context is safe to share between threads; its settings are never changed after this."""
    context = ssl.create_default_context()
    if cafile:
        context.load_verify_locations(cafile=cafile)
    return context


def _step_timeout(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the probe's time is up")
    return min(settings.OKBNET_SMTP_PROBE_CONNECT_TIMEOUT, left)


def _probe_port(host: str, address: str, logical: int, real: int, deadline: float) -> PortResult:
    result = PortResult(port=logical)
    started = time.monotonic()
    client: smtplib.SMTP | None = None
    try:
        timeout = _step_timeout(deadline)
        client = (
            _SSLClient(host, timeout, _context(settings.OKBNET_SMTP_PROBE_CAFILE))
            if logical == SUBMISSIONS
            else _Client(host, timeout)
        )
        code, message = client.connect(address, real)
        result.reachable = True
        result.greeting = message.decode("utf-8", "replace")[:200]
        if code != 220:
            result.error, result.outcome = NOT_SMTP, NO
            return result
        if logical == SUBMISSIONS:
            _tls_facts(result, client.sock)
        _ehlo(client, deadline)
        if logical == SUBMISSION:
            result.starttls = client.has_extn("starttls")
            if not result.starttls:
                result.error, result.outcome = NO_STARTTLS, NO
                return result
            client.sock.settimeout(_step_timeout(deadline))
            client.starttls(context=_context(settings.OKBNET_SMTP_PROBE_CAFILE))
            _tls_facts(result, client.sock)
            _ehlo(client, deadline)
        result.auth_mechanisms = sorted(set(client.esmtp_features.get("auth", "").upper().split()))
        if result.auth_mechanisms:
            result.outcome = OK
        else:
            result.error, result.outcome = NO_AUTH, NO
    except ssl.SSLCertVerificationError:
        # The server answered, but its certificate is not valid for this name (or expired):
        # a mail program would refuse it too, so this port is not usable as it is.
        result.reachable, result.certificate_valid, result.error = True, False, CERTIFICATE_INVALID
        client = None  # the handshake failed: nothing more to say on this connection
    except ssl.SSLError:
        result.reachable, result.error = True, TLS_FAILED
        client = None
    except ConnectionRefusedError:
        result.error, result.outcome = CONNECTION_REFUSED, NO
    except TimeoutError:
        result.error = TIMEOUT
    except smtplib.SMTPServerDisconnected as exc:
        # smtplib reports a read that timed out as a disconnection; its cause tells them apart.
        result.error = TIMEOUT if isinstance(exc.__context__, TimeoutError) else NOT_SMTP
    except smtplib.SMTPException:
        result.error = NOT_SMTP
    except OSError:
        result.error = UNREACHABLE
    finally:
        if client is not None and client.sock is not None:
            _quit(client)
        result.elapsed_ms = int((time.monotonic() - started) * 1000)
        result.checked_at = datetime.now(UTC).isoformat()
    return result


def _ehlo(client: smtplib.SMTP, deadline: float) -> None:
    client.sock.settimeout(_step_timeout(deadline))
    code, _message = client.ehlo()
    if code != 250:
        raise smtplib.SMTPResponseException(code, _message)


def _tls_facts(result: PortResult, sock: Any) -> None:
    result.tls_version = sock.version()
    result.certificate_valid = True  # the default context verified the name and the dates


def _quit(client: smtplib.SMTP) -> None:
    """QUIT politely, briefly; a server that does not answer is simply closed."""
    try:
        client.sock.settimeout(1.0)
        client.quit()
    except (OSError, smtplib.SMTPException):
        pass
    finally:
        client.close()
