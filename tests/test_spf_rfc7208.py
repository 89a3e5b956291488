"""SPF check_host() (pyspf through our session) on RFC 7208's edge cases, served by the suite's NSD.

Each row: the domain of tests/dns_zones_mail.py, the client, the sender and HELO (when they
matter), the result, the reason code, and the offending term or the explanation when RFC 7208
gives one. Section numbers are RFC 7208's.
"""

import pytest

from mailsettings import dnscheck

RELAY = "203.0.113.25"
RELAY6 = "2001:db8:25::25"

PERMERRORS = [
    # (domain, code, offending term)
    ("ctrl-lf", "bad_address", "ip4:203.0.113.25\n-all"),  # §4.6.1: terms are separated by spaces only
    ("ctrl-cr", "bad_address", "ip4:203.0.113.25\r"),
    ("cidr032", "bad_address", "ip4:203.0.113.25/032"),  # §5.6: no leading zeros
    ("cidr33", "bad_cidr", "ip4:203.0.113.25/33"),
    ("cidr6-129", "bad_cidr", "ip6:2001:db8::/129"),
    ("bare-ip4", "bad_address", "ip4"),  # §5.6: ip4 needs an address
    ("bare-ip6", "bad_address", "ip6"),
    ("ip4-port", "bad_address", "ip4:203.0.113.25:8080"),
    ("ip4-short", "bad_address", "ip4:203.0.113"),
    ("ip4-dual", "bad_cidr", "ip4:203.0.113.25//32"),
    ("ip6-bad", "bad_address", "ip6:2001:db8:zzzz::"),
    ("a-empty", "bad_domain", "a:"),  # §5.3: domain-spec may not be empty
    ("a-colon", "bad_domain", "host.rfc.test:25"),
    ("exists-cidr", "bad_cidr", "exists:%{i}/24"),  # §5.7: no CIDR on exists
    ("exists-bare", "bad_domain", "exists"),
    ("include-cidr", "bad_cidr", "include:host.rfc.test/24"),
    ("unknown-mech", "unknown_mechanism", "foo:bar"),
    ("late-error", "bad_address", "ip4:203.0.113"),  # §4.6: errors anywhere, even after a match
    ("unknown-macro", "bad_macro", "%{q}"),  # §7.1
    ("bad-macro-char", "bad_macro", "%x"),
    ("redirect-twice", "duplicate_modifier", "redirect=ok.rfc.test"),  # §6
    ("all-arg", "syntax", "-all:foo"),
]


@pytest.mark.parametrize(("label", "code", "term"), PERMERRORS)
def test_records_rfc_7208_rejects_are_permerrors_with_the_offending_term(dns, label, code, term):
    outcome = dnscheck.check_host(RELAY, f"{label}.rfc.test")
    assert (outcome.result, outcome.code, outcome.term) == ("permerror", code, term), outcome
    assert outcome.record.startswith("v=spf1")  # still shown to the member


RESULTS = [
    # (domain, ip, sender, helo, result, code)
    ("two-spaces", RELAY, "", "", "pass", None),  # §4.6.1: one or more spaces
    ("trailing-space", RELAY, "", "", "fail", None),  # §4.5: trailing spaces are allowed
    ("split", RELAY, "", "", "pass", None),  # §3.3: strings are joined without a space
    ("only-version", RELAY, "", "", "neutral", None),  # §4.7: no match, no redirect
    ("null-mx", RELAY, "", "", "fail", None),  # a null MX matches nothing, without error
    ("unknown-modifier", RELAY, "", "", "pass", None),  # §6: unknown modifiers are ignored
    # Macros (§7): %{i} for IPv4 and IPv6 (nibbles), %{v}, %{l} reversed on "-", %{o}, %{d2}, %{h}, %{p}.
    ("macro-i", RELAY, "", "", "pass", None),
    ("macro-i", RELAY6, "", "", "pass", None),
    ("macro-i", "203.0.113.26", "", "", "fail", None),
    ("macro-l", RELAY, "strong-bad@macro-l.rfc.test", "", "pass", None),
    ("macro-l", RELAY, "weak@macro-l.rfc.test", "", "fail", None),
    ("macro-o", RELAY, "someone@sender.example", "", "pass", None),
    ("macro-d2", RELAY, "", "", "pass", None),
    ("macro-h", RELAY, "", "mta.example", "pass", None),
    ("macro-h", RELAY, "", "other.example", "fail", None),
    ("macro-p", RELAY, "", "", "pass", None),  # PTR host.rfc.test, confirmed by its A record
    ("macro-p", RELAY6, "", "", "pass", None),  # the same through ip6.arpa and AAAA
    ("macro-p", "203.0.113.26", "", "", "fail", None),  # its PTR name has no address: "unknown"
    # IPv4-mapped IPv6 clients are evaluated as IPv4 (§5 ¶9).
    ("mapped", "::ffff:203.0.113.25", "", "", "fail", None),
    ("mapped-a", "::ffff:203.0.113.25", "", "", "pass", None),
    ("ok", "::ffff:203.0.113.25", "", "", "pass", None),
    # Limits (§4.6.4) and loops.
    ("mx11", RELAY, "", "", "permerror", "too_many_mx"),
    ("include-loop", RELAY, "", "", "permerror", "include_loop"),
    ("redirect-loop", RELAY, "", "", "permerror", "include_loop"),
    # ptr (§5.5): a confirmed name matches; a name in a CNAME loop is skipped, not an error.
    ("ptr", RELAY, "", "", "pass", None),
    ("ptr", RELAY6, "", "", "pass", None),
    ("ptr-self", RELAY, "", "", "fail", None),  # bare ptr: the name must end in the domain itself
    ("ptr-loop", "203.0.113.26", "", "", "neutral", None),
]


@pytest.mark.parametrize(("label", "ip", "sender", "helo", "result", "code"), RESULTS)
def test_check_host_gives_rfc_7208s_result(dns, label, ip, sender, helo, result, code):
    outcome = dnscheck.check_host(ip, f"{label}.rfc.test", sender, helo=helo)
    assert (outcome.result, outcome.code) == (result, code), outcome


EXPLANATIONS = [
    # (domain, result, explanation): §6.2, exp= expands macros; a missing or broken one is ignored;
    # an included domain's exp= is not used, and redirect= replaces the first record's.
    ("exp", "fail", "203.0.113.25 is not one of exp.rfc.test's mail servers"),
    ("exp-none", "fail", ""),
    ("exp-bad", "fail", ""),
    ("exp-include", "fail", ""),
    ("exp-redirect", "fail", ""),
]


@pytest.mark.parametrize(("label", "result", "explanation"), EXPLANATIONS)
def test_a_fail_carries_the_domains_own_explanation(dns, label, result, explanation):
    outcome = dnscheck.check_host(RELAY, f"{label}.rfc.test")
    assert (outcome.result, outcome.explanation) == (result, explanation), outcome


def test_void_and_lookup_limits_are_counted(dns):
    assert dnscheck.check_host(RELAY, "void2.spf.test").void_lookups == 2
    assert dnscheck.check_host(RELAY, "void3.spf.test").code == "void_lookup_limit"
    assert dnscheck.check_host(RELAY, "ten.spf.test").result == "fail"
    assert dnscheck.check_host(RELAY, "eleven.spf.test").code == "too_many_lookups"


def test_each_question_goes_to_our_nameserver_through_the_session(dns):
    session = dnscheck.Session()
    dnscheck.check_host(RELAY, "macro-p.rfc.test", session=session)
    # TXT of the domain, PTR of the client, A of the PTR name, A of the exists name.
    assert session.queries == 4
