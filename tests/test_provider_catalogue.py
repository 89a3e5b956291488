"""The provider catalogue (mailsettings/providers.py): every entry well-formed and sourced, and only
confirmed entries decide verdicts; the ones written from memory wait for the probe to confirm them."""

from datetime import date
from urllib.parse import urlsplit

import pytest
from django.core.validators import validate_domain_name

from mailsettings import providers

ENTRIES = [pytest.param(entry, id=entry.name) for entry in providers.CATALOGUE]
# The providers members actually use (issue 13), by a domain of their addresses.
EXPECTED = {
    "gmail.com": "Gmail",
    "yahoo.co.jp": "Yahoo! JAPAN",
    "icloud.com": "iCloud",
    "outlook.jp": "Outlook.com",
    "ocn.ne.jp": "OCN",
    "biglobe.ne.jp": "BIGLOBE",
    "nifty.com": "@nifty",
    "a2.so-net.ne.jp": "So-net",
    "xa2.plala.or.jp": "ぷらら",
    "auone-net.jp": "au one net",
    "docomo.ne.jp": "docomo mail",
    "i.softbank.jp": "SoftBank (i.softbank.jp)",
    "eonet.ne.jp": "eo",
    "jcom.home.ne.jp": "J:COM",
}


@pytest.mark.parametrize("entry", ENTRIES)
def test_every_entry_has_its_host_ports_and_source(entry):
    validate_domain_name(entry.host)
    assert entry.host in entry.hosts and (entry.domains or entry.hosts)
    assert entry.ports and all(port in (587, 465) for port, _s in entry.ports)
    assert all(security == ("ssl" if port == 465 else "starttls") for port, security in entry.ports)
    assert entry.submission in {"587", "465", "both"}
    source = urlsplit(entry.source)
    assert source.scheme == "https" and source.netloc, entry.source
    if entry.confirmed:
        assert date.fromisoformat(entry.checked) <= date.today()
    else:
        assert entry.checked == ""  # from memory: nobody has checked it against the page yet


@pytest.mark.parametrize(("domain", "name"), EXPECTED.items())
def test_the_providers_members_use_are_in_it(domain, name):
    entry = providers.find(domain=domain, unconfirmed=True)
    assert entry is not None and entry.name == name


def test_only_confirmed_entries_decide_verdicts():
    assert providers.find(domain="gmail.com").submission == "both"
    assert providers.find(host="SMTP.GMAIL.COM.").name == "Gmail"
    docomo = providers.find(domain="docomo.ne.jp", unconfirmed=True)
    assert docomo is not None and not docomo.confirmed
    assert providers.find(domain="docomo.ne.jp") is None
    assert docomo in providers.unconfirmed() and all(not p.confirmed for p in providers.unconfirmed())
    # A host that names an unconfirmed entry does not hide the confirmed entry of the address's domain.
    assert providers.find(host="smtp.spmode.ne.jp", domain="gmail.com").name == "Gmail"


def test_sub_domains_belong_to_a_provider_only_when_it_says_so():
    assert providers.find(domain="a2.so-net.ne.jp", unconfirmed=True).name == "So-net"
    assert providers.find(domain="mail.gmail.com") is None
    assert providers.find(domain="ne.jp", unconfirmed=True) is None
    assert providers.find(domain="", host="") is None
