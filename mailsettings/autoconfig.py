"""Mail-client autoconfig for OKBNET addresses: Thunderbird's config-v1.1.xml and Apple's
.mobileconfig. Outgoing mail always goes to the member's gateway (op25b.gateway_host) on 587
with STARTTLS and SMTP AUTH, the setting OP25B never blocks; 465 (SSL) is offered second.
No password is ever put in either file.
"""

from __future__ import annotations

import plistlib
import uuid
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from . import domains, op25b
from .models import MailSetup

# Incoming servers per mail domain. OKBNET's receiving servers are not part of OP25B; these are
# the provider's published names, kept here so both formats say the same.
IMAP = {"prefix": "imap", "port": 993, "socket": "SSL"}
POP3 = {"prefix": "pop", "port": 995, "socket": "SSL"}
THUNDERBIRD_SOCKET = {op25b.Security.STARTTLS: "STARTTLS", op25b.Security.SSL: "SSL"}  # its socketType words
PROFILE_NAMESPACE = uuid.UUID("5b0c6a52-4f0e-4d7e-9a4c-0b4f8a25b0c1")


def is_okbnet_domain(domain: str) -> bool:
    """okbnet.ne.jp, or an own domain in the registry of domains OKBNET hosts."""
    return domains.is_okbnet_domain(domain)


def domain_of(address: str) -> str | None:
    """The domain of a well-formed address, lower-cased; None otherwise."""
    address = (address or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return None
    return address.rsplit("@", 1)[1]


def thunderbird_config(domain: str) -> bytes:
    """Thunderbird autoconfig (config-v1.1.xml) for one OKBNET mail domain."""
    root = ET.Element("clientConfig", version="1.1")
    provider = ET.SubElement(root, "emailProvider", id=domain)
    ET.SubElement(provider, "domain").text = domain
    ET.SubElement(provider, "displayName").text = f"OKBNET ({domain})"
    ET.SubElement(provider, "displayShortName").text = "OKBNET"

    def server(parent_tag: str, kind: str, host: str, port: int, socket_type: str) -> None:
        element = ET.SubElement(provider, parent_tag, type=kind)
        ET.SubElement(element, "hostname").text = host
        ET.SubElement(element, "port").text = str(port)
        ET.SubElement(element, "socketType").text = socket_type
        ET.SubElement(element, "authentication").text = "password-cleartext"
        ET.SubElement(element, "username").text = "%EMAILADDRESS%"

    for kind, incoming in (("imap", IMAP), ("pop3", POP3)):
        server("incomingServer", kind, f"{incoming['prefix']}.{domain}", incoming["port"], incoming["socket"])
    for outgoing in op25b.okbnet_servers(f"x@{domain}"):
        server("outgoingServer", "smtp", outgoing["host"], outgoing["port"], THUNDERBIRD_SOCKET[outgoing["security"]])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def apple_mobileconfig(setup: MailSetup, *, username: str) -> bytes:
    """An Apple configuration profile with one com.apple.mail.managed payload for the setup's
    OKBNET address. The same setup always yields the same identifiers, so installing it again
    replaces the profile instead of adding a second account."""
    address = setup.okbnet_address or setup.member.mail_address
    domain = address.rsplit("@", 1)[1]
    profile_uuid = uuid.uuid5(PROFILE_NAMESPACE, f"setup:{setup.pk}")
    payload_uuid = uuid.uuid5(PROFILE_NAMESPACE, f"setup:{setup.pk}:mail")
    identifier = f"jp.ne.okbnet.portal.mail.{setup.pk}"
    # The specified setting; never a gateway of a domain that has left the registry.
    outgoing = op25b.okbnet_servers(address if domains.is_okbnet_domain(domain) else "")[0]
    mail = {
        "PayloadType": "com.apple.mail.managed",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{identifier}.account",
        "PayloadUUID": str(payload_uuid).upper(),
        "PayloadDisplayName": f"OKBNET {address}",
        "EmailAccountDescription": f"OKBNET ({setup.label})",
        "EmailAccountType": "EmailTypeIMAP",
        "EmailAddress": address,
        "IncomingMailServerHostName": f"{IMAP['prefix']}.{domain}",
        "IncomingMailServerPortNumber": IMAP["port"],
        "IncomingMailServerUseSSL": True,
        "IncomingMailServerAuthentication": "EmailAuthPassword",
        "IncomingMailServerUsername": username,
        "OutgoingMailServerHostName": outgoing["host"],
        "OutgoingMailServerPortNumber": outgoing["port"],
        "OutgoingMailServerUseSSL": True,
        "OutgoingMailServerAuthentication": "EmailAuthPassword",
        "OutgoingMailServerUsername": username,
        "OutgoingPasswordSameAsIncomingPassword": True,
    }
    profile = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": identifier,
        "PayloadUUID": str(profile_uuid).upper(),
        "PayloadDisplayName": f"OKBNET mail ({address})",
        "PayloadOrganization": "OKBNET",
        "PayloadRemovalDisallowed": False,
        "PayloadContent": [mail],
    }
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML)
