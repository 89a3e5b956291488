"""The records a domain should publish for OKBNET's mail service, as a BIND zone-file snippet.

The snippet is what the own-domain check expects (tests load it into NSD and run the check), so
the two cannot drift apart: both read OKBNET's names from owndomain.okbnet_names().
"""

from __future__ import annotations

from .owndomain import okbnet_names, relay_addresses
from .resolver import to_ascii

TTL = 3600


def _txt(text: str) -> str:
    """A TXT value in zone-file syntax (strings of at most 255 characters)."""
    chunks = [text[i : i + 255] for i in range(0, len(text), 255)] or [""]
    return " ".join('"' + c.replace("\\", "\\\\").replace('"', '\\"') + '"' for c in chunks)


def _fqdn(name: str) -> str:
    return name.rstrip(".") + "."


def zone_snippet(domain: str) -> str:
    """Every record `domain` should publish (BIND syntax, names relative to the domain)."""
    ascii_domain = to_ascii(domain)
    names = okbnet_names()
    own = ascii_domain != names["mail_domain"]
    include, rua = names["spf_include"], names["dmarc_rua"]
    lines = [f"; {ascii_domain}: OKBNET mail service", f"$ORIGIN {_fqdn(ascii_domain)}", f"$TTL {TTL}"]
    for index, host in enumerate(names["mx_hosts"]):
        lines.append(f"@\tIN\tMX\t{10 * (index + 1)} {_fqdn(host)}")
    if own:
        lines.append("@\tIN\tTXT\t" + _txt(f"v=spf1 include:{include} ~all"))
        lines.append(f"gw\tIN\tCNAME\t{_fqdn(names['gateway'])}")
        for selector in names["dkim_selectors"]:
            target = f"{selector}._domainkey.{names['dkim_key_domain']}"
            lines.append(f"{selector}._domainkey\tIN\tCNAME\t{_fqdn(target)}")
        lines.append(f"autoconfig\tIN\tCNAME\t{_fqdn(names['autoconfig_host'])}")
    else:
        from network.spf import spf_expected_record  # the relays' record is network's to say

        lines.append("@\tIN\tTXT\t" + _txt(f"v=spf1 include:{include} -all"))
        if include.rstrip(".").endswith("." + ascii_domain):
            label = include.rstrip(".")[: -len(ascii_domain) - 1]
            lines.append(f"{label}\tIN\tTXT\t{_txt(spf_expected_record(relay_addresses()))}")
        for address in relay_addresses():
            lines.append(f"gw\tIN\t{'AAAA' if ':' in address else 'A'}\t{address}")
        lines.append("; DKIM: each selector's public key as TXT, from the signing servers:")
        for selector in names["dkim_selectors"]:
            lines.append(f';{selector}._domainkey\tIN\tTXT\t"v=DKIM1; k=rsa; p=..."')
        lines.append("; autoconfig: A/AAAA of the portal (the mail-client autoconfig host)")
        # RFC 7489 §7.1: OKBNET accepts DMARC reports for every domain it hosts.
        lines.append(f"*._report._dmarc\tIN\tTXT\t{_txt('v=DMARC1')}")
    lines.append("_dmarc\tIN\tTXT\t" + _txt(f"v=DMARC1; p=none; rua=mailto:{rua}"))
    lines.append(f"_submission._tcp\tIN\tSRV\t0 1 587 gw.{ascii_domain}.")
    lines.append(f"_submissions._tcp\tIN\tSRV\t0 1 465 gw.{ascii_domain}.")
    return "\n".join(lines) + "\n"
