"""mailsettings.dnscheck against a real NSD on loopback, and a stand-in that answers badly."""

import re
import time

import pytest

from mailsettings import dnscheck

from .bad_dns import BadDnsServer
from .dns_zones import IDN_DOMAIN, IDN_ZONE

RELAY = "203.0.113.25"


# --------------------------------------------------------------------------- the resolver factory


def test_the_factory_reads_host_and_port_pairs_from_settings(settings):
    settings.OKBNET_DNS_NAMESERVERS = ["127.0.0.1:5353", "[::1]:5354", "127.0.0.2"]
    resolver = dnscheck.make_resolver(timeout=1.5, lifetime=2.5)
    assert [(ns.address, ns.port) for ns in resolver.nameservers] == [
        ("127.0.0.1", 5353),
        ("::1", 5354),
        ("127.0.0.2", 53),
    ]
    assert (resolver.timeout, resolver.lifetime) == (1.5, 2.5)


@pytest.mark.parametrize(
    ("typed", "ascii"),
    [
        ("Example.JP.", "example.jp"),
        ("メール.test", IDN_ZONE),
        ("ＥＸＡＭＰＬＥ.jp", "example.jp"),  # full-width letters map (UTS #46)
        ("_submission._tcp.example.jp", "_submission._tcp.example.jp"),
    ],
)
def test_domains_are_asked_in_their_a_label_form(typed, ascii):
    assert dnscheck.to_ascii(typed) == ascii


@pytest.mark.parametrize("bad", ["", ".", "a..b", "exa mple.jp", "-" * 70 + ".jp"])
def test_it_refuses_what_is_not_a_domain(bad):
    with pytest.raises(dnscheck.InvalidDomain):
        dnscheck.to_ascii(bad)


# --------------------------------------------------------------------------- look-ups


def test_a_cname_chain_across_zones_is_followed_to_the_address(dns):
    result = dnscheck.lookup("a1.cname.test", "A")
    assert result.ok and result.records == ("192.0.2.33",)
    assert result.cname_chain == ("a1.cname.test", "a2.cname2.test", "a3.cname.test")
    assert result.ttl == 300


def test_a_cname_inside_one_zone_is_answered_by_the_server(dns):
    result = dnscheck.lookup("inzone.cname.test", "A")
    assert result.records == ("192.0.2.33",)
    assert result.cname_chain == ("inzone.cname.test", "a3.cname.test")


def test_a_cname_loop_is_reported_not_followed_forever(dns):
    assert dnscheck.lookup("loop1.cname.test", "A").error == dnscheck.CNAME_LOOP


def test_it_tells_a_missing_name_from_a_name_without_that_record(dns):
    assert dnscheck.lookup("missing.cname.test", "A").error == dnscheck.NXDOMAIN
    nodata = dnscheck.lookup("exists.cname.test", "TXT")
    assert nodata.error == dnscheck.NODATA
    assert nodata.ttl == 300  # the negative TTL of the SOA


def test_an_idn_domain_is_looked_up(dns):
    result = dnscheck.lookup(IDN_DOMAIN, "MX")
    assert result.ok and result.name == IDN_ZONE
    assert result.records == (f"10 mx.{IDN_ZONE}.",)


def test_a_server_that_never_answers_gives_a_timeout_within_the_lifetime(settings):
    with BadDnsServer() as bad:
        settings.OKBNET_DNS_NAMESERVERS = [bad.address]
        session = dnscheck.Session(dnscheck.make_resolver(timeout=0.3, lifetime=0.6))
        started = time.monotonic()
        result = session.lookup("silent.example.test", "A")
        elapsed = time.monotonic() - started
    assert result.error == dnscheck.TIMEOUT
    assert elapsed < 1.5
    assert bad.received >= 1


def test_servfail_and_refused_are_server_failures(settings):
    with BadDnsServer() as bad:
        settings.OKBNET_DNS_NAMESERVERS = [bad.address]
        assert dnscheck.lookup("servfail.example.test", "A").error == dnscheck.SERVFAIL
        assert dnscheck.lookup("refused.example.test", "A").error == dnscheck.SERVFAIL


def test_a_session_budget_stops_asking_when_spent(settings):
    with BadDnsServer() as bad:
        settings.OKBNET_DNS_NAMESERVERS = [bad.address]
        session = dnscheck.Session(dnscheck.make_resolver(timeout=0.3, lifetime=0.4), budget=0.5)
        started = time.monotonic()
        results = [session.lookup(f"silent{i}.example.test", "A") for i in range(4)]
        assert time.monotonic() - started < 1.2
    assert {r.error for r in results} == {dnscheck.TIMEOUT}


# --------------------------------------------------------------------------- SRV (RFC 6186 / 8314)

SRV_CASES = [
    ("both.provider.test", "both", "smtp.both.provider.test"),
    ("only587.provider.test", "587", "mail.only587.provider.test"),  # _submissions is "."
    ("only465.provider.test", "465", "smtps.only465.provider.test"),
    ("declined.provider.test", "none", ""),  # both "."
    ("absent.provider.test", "unknown", ""),  # no SRV at all
    ("nowhere.provider.test", "unknown", ""),  # NXDOMAIN
    (IDN_DOMAIN, "587", f"smtp.{IDN_ZONE}"),
]


@pytest.mark.parametrize(("domain", "support", "host"), SRV_CASES)
def test_srv_records_say_which_submission_ports_a_provider_offers(dns, domain, support, host):
    result = dnscheck.submission_support(domain)
    assert (result.support, result.host) == (support, host)
    assert len(result.lookups) == 2


def test_srv_absent_is_unknown_with_the_reason(dns):
    assert dnscheck.submission_support("absent.provider.test").error == dnscheck.NODATA


def test_srv_lookups_that_fail_say_why(settings):
    with BadDnsServer() as bad:
        settings.OKBNET_DNS_NAMESERVERS = [bad.address]
        result = dnscheck.submission_support("servfail.provider.test")
    assert (result.support, result.error) == ("unknown", dnscheck.SERVFAIL)


# --------------------------------------------------------------------------- SPF (RFC 7208)

SPF_CASES = [
    # (domain, ip, result, code)
    ("pass.spf.test", RELAY, "pass", None),
    ("fail.spf.test", RELAY, "fail", None),
    ("softfail.spf.test", RELAY, "softfail", None),
    ("neutral.spf.test", RELAY, "neutral", None),
    ("nospf.spf.test", RELAY, "none", "nodata"),
    ("nothing.spf.test", RELAY, "none", "nxdomain"),
    ("two.spf.test", RELAY, "permerror", "multiple_records"),
    ("eleven.spf.test", RELAY, "permerror", "too_many_lookups"),
    ("ten.spf.test", RELAY, "fail", None),
    ("void3.spf.test", RELAY, "permerror", "void_lookup_limit"),
    ("void2.spf.test", RELAY, "fail", None),
    ("loop1.spf.test", RELAY, "permerror", "include_loop"),
    ("self.spf.test", RELAY, "permerror", "include_loop"),
    ("incpass.spf.test", RELAY, "pass", None),
    ("incfail.spf.test", RELAY, "softfail", None),
    ("incnone.spf.test", RELAY, "permerror", "include_without_spf"),
    ("redirect.spf.test", RELAY, "pass", None),
    ("redirect.spf.test", "198.51.100.1", "fail", None),
    ("redirectnone.spf.test", RELAY, "permerror", "include_without_spf"),
    ("mx.spf.test", RELAY, "pass", None),
    ("mx.spf.test", "203.0.113.26", "fail", None),
    ("acidr.spf.test", RELAY, "pass", None),
    ("exists.spf.test", RELAY, "pass", None),
    ("exists.spf.test", "203.0.113.26", "fail", None),
    ("ip6.spf.test", "2001:db8:25::25", "pass", None),
    ("ip6.spf.test", RELAY, "fail", None),
    ("syntax.spf.test", RELAY, "permerror", "unknown_mechanism"),
    ("upper.spf.test", RELAY, "pass", None),
    # Three MX hosts without AAAA: not void look-ups of the mechanism, so no permerror for IPv6.
    ("mx3.spf.test", "2001:db8:25::25", "fail", None),
]


@pytest.mark.parametrize(("domain", "ip", "result", "code"), SPF_CASES)
def test_spf_is_evaluated_as_rfc_7208_says(dns, domain, ip, result, code):
    outcome = dnscheck.check_host(ip, domain)
    assert (outcome.result, outcome.code) == (result, code), outcome


def test_a_broken_record_is_still_shown(dns):
    outcome = dnscheck.check_host(RELAY, "void3.spf.test")
    assert outcome.record == "v=spf1 a:v1.spf.test a:v2.spf.test a:v3.spf.test -all"


def test_spf_counts_its_dns_lookups(dns):
    assert dnscheck.check_host(RELAY, "ten.spf.test").lookups == 10
    assert dnscheck.check_host(RELAY, "eleven.spf.test").lookups == 11
    assert dnscheck.check_host(RELAY, "void2.spf.test").void_lookups == 2


def test_spf_says_which_term_decided(dns):
    outcome = dnscheck.check_host(RELAY, "incpass.spf.test")
    assert outcome.mechanism == "include:_spf.okbnet.test"
    assert outcome.record == "v=spf1 include:_spf.okbnet.test -all"


def test_spf_is_a_temperror_when_dns_fails(settings):
    with BadDnsServer() as bad:
        settings.OKBNET_DNS_NAMESERVERS = [bad.address]
        outcome = dnscheck.check_host(RELAY, "servfail.example.test")
    assert (outcome.result, outcome.code) == ("temperror", "servfail")


@pytest.mark.parametrize(
    ("current", "suggested"),
    [
        (None, "v=spf1 mx include:_spf.okbnet.ne.jp ~all"),
        ("v=spf1 ip4:198.51.100.0/24 -all", "v=spf1 ip4:198.51.100.0/24 include:_spf.okbnet.ne.jp -all"),
        ("v=spf1 redirect=_spf.example.jp", "v=spf1 include:_spf.okbnet.ne.jp redirect=_spf.example.jp"),
        ("v=spf1 include:_spf.okbnet.ne.jp -all", "v=spf1 include:_spf.okbnet.ne.jp -all"),
    ],
)
def test_the_suggested_record_adds_okbnets_include(current, suggested):
    assert dnscheck.spf_suggestion(current) == suggested


# --------------------------------------------------------------------------- own domains


def test_a_well_set_up_own_domain_passes_every_check(okbnet_test_names):
    result = dnscheck.own_domain_check("good.own.test")
    assert result.ok, result
    assert all(getattr(result, name) for name in result.CHECKS)
    assert result.gateway.cname_chain == ("gw.good.own.test", "relay.okbnet.test", "relays.okbnet.test")
    assert {s.result for s in result.spf} == {"pass"}
    assert (result.spf_include, result.spf_all) == (True, "~")
    assert result.dkim[0].cname_chain == ("okbnet._domainkey.good.own.test", "okbnet._domainkey.okbnet.test")
    assert (result.dmarc.policy, result.dmarc.rua[0].external, result.dmarc.rua[0].authorised) == ("none", True, True)
    assert result.mta_sts.present is False and result.mta_sts.ok is None  # optional: not published
    assert result.error is None


def test_a_gateway_pointing_elsewhere_and_a_foreign_spf_are_found(okbnet_test_names):
    result = dnscheck.own_domain_check("half.own.test")
    assert not result.gateway_ok
    assert result.gateway_foreign == ("198.51.100.7",)
    assert not result.mx_ok and result.mx_foreign == ("mx.example",)
    assert not result.spf_ok and {s.result for s in result.spf} == {"fail"}
    assert not result.spf_include and result.spf_all == "-"
    assert not result.ok


def test_a_domain_with_no_mx_and_no_spf(okbnet_test_names):
    result = dnscheck.own_domain_check("bare.own.test")
    assert not result.mx_ok and result.mx.error == dnscheck.NODATA
    assert {(s.result, s.code) for s in result.spf} == {("none", "nodata")}
    assert [d.code for d in result.dkim] == ["not_published"]
    assert result.dmarc.code == "not_published"
    assert not result.submission_ok and not result.autoconfig_ok


def test_two_spf_records_are_a_permerror_for_the_own_domain(okbnet_test_names):
    result = dnscheck.own_domain_check("twospf.own.test")
    assert result.gateway_ok and result.mx_ok
    assert {(s.result, s.code) for s in result.spf} == {("permerror", "multiple_records")}


@pytest.mark.parametrize(
    ("current", "suggested"),
    [
        (None, "v=spf1 mx include:_spf.okbnet.test ~all"),
        ("v=spf1 ip4:198.51.100.0/24 -all", "v=spf1 ip4:198.51.100.0/24 include:_spf.okbnet.test -all"),
        ("v=spf1 ip4:198.51.100.0/24 +all", "v=spf1 ip4:198.51.100.0/24 include:_spf.okbnet.test ~all"),
        ("v=spf1 ip4:198.51.100.0/24", "v=spf1 ip4:198.51.100.0/24 include:_spf.okbnet.test ~all"),
    ],
)
def test_the_own_domain_suggestion_adds_the_include_and_a_strict_end(okbnet_test_names, current, suggested):
    from dataclasses import replace

    check = dnscheck.own_domain_check("bare.own.test")
    check = replace(check, spf=tuple(replace(s, record=current or "") for s in check.spf))
    assert dnscheck.own_domain_spf_suggestion(check) == suggested


def test_no_other_module_of_the_portal_talks_dns():
    from pathlib import Path

    package = Path(dnscheck.__file__).resolve().parent
    root = package.parent.parent
    offenders = []
    for path in root.glob("*/**/*.py"):
        if path.parts[len(root.parts)] in {".venv", "tests", "bench", "node_modules"} or package in path.parents:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(import|from)\s+(dns|socket)\b", text, re.MULTILINE):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_an_own_domain_check_asks_each_question_once(okbnet_test_names):
    session = dnscheck.Session()
    dnscheck.own_domain_check("good.own.test", session=session)
    # gw A + AAAA, MX, TXT of the domain and of the include, the mx mechanism's A/AAAA of
    # mx.okbnet.test, DKIM TXT, _dmarc TXT and the report authorisation TXT, two SRV, autoconfig A,
    # _mta-sts and _smtp._tls TXT (the server follows the CNAMEs into okbnet.test itself).
    assert session.queries == 15
