"""Mail-client autoconfig: Thunderbird's config-v1.1.xml and Apple's .mobileconfig."""

import plistlib
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse

from .factories import MailSetupFactory, MemberFactory, OwnDomainFactory

pytestmark = pytest.mark.django_db
URL = "/.well-known/autoconfig/mail/config-v1.1.xml"


def _servers(response, tag):
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == "clientConfig" and root.get("version") == "1.1"
    return [
        {child.tag: child.text for child in server} | {"type": server.get("type")}
        for server in root.find("emailProvider").findall(tag)
    ]


def test_thunderbird_gets_the_gateway_on_587_with_starttls_and_authentication(client):
    response = client.get(URL, {"emailaddress": "taro@okbnet.ne.jp"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    outgoing = _servers(response, "outgoingServer")
    assert outgoing[0] == {
        "type": "smtp",
        "hostname": "gw.okbnet.ne.jp",
        "port": "587",
        "socketType": "STARTTLS",
        "authentication": "password-cleartext",
        "username": "%EMAILADDRESS%",
    }
    assert (outgoing[1]["port"], outgoing[1]["socketType"]) == ("465", "SSL")
    incoming = _servers(response, "incomingServer")
    assert {s["type"] for s in incoming} == {"imap", "pop3"}
    assert all(s["socketType"] == "SSL" and s["authentication"] for s in incoming)
    assert b"password>" not in response.content


def test_an_own_domain_hosted_by_okbnet_gets_its_own_gateway(client):
    OwnDomainFactory(domain="okabe-shoten.jp", member=MemberFactory(mail_address="info@okabe-shoten.jp"))
    response = client.get(URL, {"emailaddress": "sales@okabe-shoten.jp"})
    assert _servers(response, "outgoingServer")[0]["hostname"] == "gw.okabe-shoten.jp"


@pytest.mark.parametrize("address", ["someone@gmail.com", "hanako@yamada-shoten.jp", "not-an-address", ""])
def test_other_domains_and_bad_addresses_get_404(client, address):
    assert client.get(URL, {"emailaddress": address}).status_code == 404


def test_the_autoconfig_host_form_works_too(client, settings):
    settings.ALLOWED_HOSTS = ["autoconfig.okbnet.ne.jp", "testserver"]
    response = client.get("/mail/config-v1.1.xml", HTTP_HOST="autoconfig.okbnet.ne.jp")
    assert _servers(response, "outgoingServer")[0]["hostname"] == "gw.okbnet.ne.jp"
    response = client.get("/mail/config-v1.1.xml", {"emailaddress": "taro@okbnet.ne.jp"})
    assert response.status_code == 200


def test_the_mobileconfig_is_a_plist_with_the_mail_payload_and_no_password(client, alice):
    setup = MailSetupFactory(member=alice, okbnet_address="")
    client.force_login(alice.user)
    response = client.get(reverse("mail-setup-mobileconfig", args=[setup.id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-apple-aspen-config"
    assert response["Content-Disposition"].startswith("attachment;")
    profile = plistlib.loads(response.content)
    assert profile["PayloadType"] == "Configuration" and profile["PayloadVersion"] == 1
    (mail,) = profile["PayloadContent"]
    assert mail["PayloadType"] == "com.apple.mail.managed"
    for key in ("PayloadIdentifier", "PayloadUUID", "PayloadVersion", "EmailAccountType"):
        assert mail[key]
    assert mail["EmailAccountType"] in ("EmailTypeIMAP", "EmailTypePOP")
    assert mail["EmailAddress"] == alice.mail_address
    assert mail["OutgoingMailServerHostName"] == "gw.okbnet.ne.jp"
    assert mail["OutgoingMailServerPortNumber"] == 587
    assert mail["OutgoingMailServerAuthentication"] == "EmailAuthPassword"
    assert mail["OutgoingMailServerUsername"] == alice.connection_username
    assert mail["IncomingMailServerHostName"] and mail["IncomingMailServerAuthentication"] == "EmailAuthPassword"
    assert "IncomingPassword" not in mail and "OutgoingPassword" not in mail
    # Downloading again gives the same identifiers: the profile replaces itself.
    again = plistlib.loads(client.get(reverse("mail-setup-mobileconfig", args=[setup.id])).content)
    assert again["PayloadUUID"] == profile["PayloadUUID"]


def test_a_member_without_an_okbnet_address_gets_no_profile_link_and_a_404(client):
    member = MemberFactory(mail_address="")
    setup = MailSetupFactory(member=member, okbnet_address="")
    client.force_login(member.user)
    assert "mobileconfig" not in client.get(reverse("mail-setup", args=[setup.id])).content.decode()
    assert client.get(reverse("mail-setup-mobileconfig", args=[setup.id])).status_code == 404
