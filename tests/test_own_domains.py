"""gw.<domain> only for the domains OKBNET hosts: okbnet.ne.jp and the registry of own domains.

Table-driven over the three interfaces that take an OKBNET address: the check form, the API
and a saved setup. No gateway is ever derived from an unregistered domain.
"""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from mailsettings.models import MailSetup, OwnDomain

from .factories import MailSetupFactory, OwnDomainFactory

pytestmark = pytest.mark.django_db

R11 = {"ip_type": "dynamic", "sending_via": "other_provider", "port": "25", "provider_submission": "none"}
REGISTERED = "info@okabe-shoten.jp"

# (address, registered?, the gateway it gives or None, words the error must contain)
ADDRESSES = [
    ("taro@okbnet.ne.jp", False, "gw.okbnet.ne.jp", None),
    (REGISTERED, True, "gw.okabe-shoten.jp", None),
    ("taro@gmail.com", False, None, "Gmail"),
    ("hanako@yamada-shoten.jp", False, None, "yamada-shoten.jp"),
    ("hanako@docomo.ne.jp", False, None, "ドコモメール"),
]
GATEWAY_NAMES = re.compile(r"gw\.[a-z0-9.-]+[a-z]")


@pytest.fixture(autouse=True)
def registry():
    OwnDomainFactory(domain="okabe-shoten.jp")


@pytest.mark.parametrize(("address", "registered", "gateway", "words"), ADDRESSES)
def test_the_check_form(client, address, registered, gateway, words):
    response = client.get(reverse("check"), {**R11, "okbnet_address": address})
    html = response.content.decode()
    if gateway:
        assert response.status_code == 200
        assert set(GATEWAY_NAMES.findall(html)) == {gateway}
        return
    assert response.status_code == 400
    assert not GATEWAY_NAMES.findall(html), "no gateway may be named for another provider's address"
    field = re.search(r'<div class="field field-error" id="field-okbnet_address".*?</div>', html, re.S).group(0)
    assert words in field and "OKBNET" in field
    # The error once next to the field, once in the summary at the top.
    message = re.search(r'id="id_okbnet_address_errors">.*?</span>(.*?)</p>', field, re.S).group(1).strip()
    assert html.count(message) == 2
    offer = re.search(r'href="([^"]+)" data-offer="other-provider"', field).group(1).replace("&amp;", "&")
    domain = address.split("@")[1]
    assert f"provider_domain={domain}" in offer and "okbnet_address" not in offer
    answer = client.get(offer)
    assert answer.status_code == 200 and 'data-verdict="' in answer.content.decode()


@pytest.mark.parametrize(("address", "registered", "gateway", "words"), ADDRESSES)
def test_the_api(api, address, registered, gateway, words):
    response = api.post("/api/v1/op25b/verdict/", {**R11, "port": 25, "okbnet_address": address}, format="json")
    if gateway:
        assert response.status_code == 200
        body = response.json()
        assert {body["settings"]["host"], *(a["host"] for a in body["alternatives"])} == {gateway}
        return
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["okbnet_address"]
    assert words in body["okbnet_address"][0]


@pytest.mark.parametrize(("address", "registered", "gateway", "words"), ADDRESSES)
def test_a_saved_setup(client, alice, address, registered, gateway, words):
    client.force_login(alice.user)
    form = {
        "label": "自宅のPC",
        "mail_program": "outlook_classic",
        **{k: v for k, v in R11.items() if k != "ip_type"},
        "okbnet_address": address,
    }
    response = client.post(reverse("mail-setup-new"), form)
    if gateway:
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert set(GATEWAY_NAMES.findall(page)) == {gateway}
        return
    assert response.status_code == 400
    assert not MailSetup.objects.exists()
    assert words in response.content.decode()


def test_a_saved_setup_whose_domain_left_the_registry_falls_back_to_okbnets_gateway(client, alice):
    setup = MailSetupFactory(member=alice, sending_via="other_provider", port=25, provider_submission="none")
    MailSetup.objects.filter(pk=setup.pk).update(okbnet_address=REGISTERED)
    OwnDomain.objects.filter(domain="okabe-shoten.jp").delete()
    client.force_login(alice.user)
    page = client.get(reverse("mail-setup", args=[setup.pk])).content.decode()
    assert set(GATEWAY_NAMES.findall(page)) == {"gw.okbnet.ne.jp"}


def test_the_command_adds_lists_and_removes(alice):
    out = StringIO()
    call_command("own_domains", "add", "Yamada-Shoten.JP", "例え.jp", "--member", alice.member_number, stdout=out)
    assert {d.domain: d.member for d in OwnDomain.objects.exclude(domain="okabe-shoten.jp")} == {
        "yamada-shoten.jp": alice,
        "xn--r8jz45g.jp": alice,
    }
    out = StringIO()
    call_command("own_domains", "list", "--member", alice.member_number, stdout=out)
    assert out.getvalue().split() == ["xn--r8jz45g.jp", alice.member_number, "yamada-shoten.jp", alice.member_number]
    call_command("own_domains", "remove", "yamada-shoten.jp", stdout=StringIO())
    assert not OwnDomain.objects.filter(domain="yamada-shoten.jp").exists()
    with pytest.raises(CommandError):
        call_command("own_domains", "add", "okbnet.ne.jp", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("own_domains", "add", "x.jp", "--member", "M0000000", stdout=StringIO())


def test_staff_manage_the_registry_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:mailsettings_owndomain_add"), {"domain": " Sakai-Farm.JP. ", "member": ""})
    assert response.status_code == 302
    assert OwnDomain.objects.filter(domain="sakai-farm.jp").exists()
    response = client.post(reverse("admin:mailsettings_owndomain_add"), {"domain": "okbnet.ne.jp", "member": ""})
    assert response.status_code == 200 and not OwnDomain.objects.filter(domain="okbnet.ne.jp").exists()


def test_the_demo_data_has_a_few_own_domains_tied_to_members():
    call_command("seed_demo", stdout=StringIO())
    rows = dict(OwnDomain.objects.values_list("domain", "member__member_number"))
    assert rows["okabe-shoten.jp"] == "M1000001" and len(rows) >= 3
