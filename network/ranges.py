"""The carriers' list of dynamic ranges as pure functions (no database).

Mobile carriers poll it to decide which sources to treat as "dynamic OKBNET lines"; they
want the shortest list that covers exactly the same addresses, in a stable order.
"""

import ipaddress
from collections.abc import Iterable
from datetime import datetime

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def ranges_collapse(networks: Iterable[str | Network]) -> list[Network]:
    """Merge overlapping and adjacent networks; IPv4 first, then IPv6, each in address order.

    Host bits are tolerated (`192.0.2.1/24` means `192.0.2.0/24`): pools are validated
    elsewhere, and a carrier must never get a line `ipaddress` itself would refuse.
    """
    v4: list[ipaddress.IPv4Network] = []
    v6: list[ipaddress.IPv6Network] = []
    for item in networks:
        net = ipaddress.ip_network(item, strict=False)
        (v4 if net.version == 4 else v6).append(net)  # type: ignore[arg-type]
    return [*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6)]


def ranges_text(networks: list[Network], *, generated_at: datetime) -> str:
    """One CIDR a line under a comment header with the generation time and the count."""
    header = [
        "# OKBNET dynamic IP ranges (OP25B applies to these sources)",
        f"# generated: {generated_at.isoformat(timespec='seconds')}",
        f"# count: {len(networks)}",
    ]
    return "\n".join([*header, *(str(n) for n in networks)]) + "\n"
