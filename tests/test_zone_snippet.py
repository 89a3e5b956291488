"""The generated zone snippet, loaded into NSD as the zone of a fresh own domain, makes every
own-domain check pass: the snippet is proven by the checker, not by eye."""

import pytest

from mailsettings import dnscheck

from .dns_zones import ZONES
from .nsd import NsdServer


@pytest.fixture
def snippet_server(okbnet_test_names, settings):
    """A second NSD serving OKBNET's test zone and, as its own zone, the snippet of fresh.example."""
    snippet = dnscheck.zone_snippet("fresh.example")
    with NsdServer({"okbnet.test": ZONES["okbnet.test"], "fresh.example": snippet_zone(snippet)}) as server:
        settings.OKBNET_DNS_NAMESERVERS = [server.address]
        yield snippet


def snippet_zone(snippet: str) -> str:
    """The snippet as a whole zone file: it brings its records; the zone adds SOA and NS only."""
    header = "$ORIGIN fresh.example.\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
    return header + snippet


def test_the_snippet_makes_every_own_domain_check_pass(snippet_server):
    result = dnscheck.own_domain_check("fresh.example")
    failing = [name for name in result.CHECKS if not getattr(result, name)]
    assert failing == [] and result.ok, result
    assert result.dmarc.policy == "none" and result.dmarc.rua[0].authorised is True


def test_the_snippet_has_every_record_a_member_publishes(okbnet_test_names):
    snippet = dnscheck.zone_snippet("fresh.example")
    for line in [
        "@\tIN\tMX\t10 mx.okbnet.test.",
        '@\tIN\tTXT\t"v=spf1 include:_spf.okbnet.test ~all"',
        "gw\tIN\tCNAME\tgw.okbnet.test.",
        "okbnet._domainkey\tIN\tCNAME\tokbnet._domainkey.okbnet.test.",
        '_dmarc\tIN\tTXT\t"v=DMARC1; p=none; rua=mailto:dmarc-reports@okbnet.test"',
        "autoconfig\tIN\tCNAME\tautoconfig.okbnet.test.",
        "_submission._tcp\tIN\tSRV\t0 1 587 gw.fresh.example.",
        "_submissions._tcp\tIN\tSRV\t0 1 465 gw.fresh.example.",
    ]:
        assert line in snippet.splitlines()


def test_okbnets_own_snippet_lists_the_relays_and_authorises_reports(okbnet_test_names):
    lines = dnscheck.zone_snippet("okbnet.test").splitlines()
    assert '_spf\tIN\tTXT\t"v=spf1 ip4:203.0.113.25 ip4:203.0.113.26 ip6:2001:db8:25::25 -all"' in lines
    assert "gw\tIN\tA\t203.0.113.25" in lines and "gw\tIN\tAAAA\t2001:db8:25::25" in lines
    assert '*._report._dmarc\tIN\tTXT\t"v=DMARC1"' in lines
    assert "_submission._tcp\tIN\tSRV\t0 1 587 gw.okbnet.test." in lines
