"""DKIM keys, DMARC (with RFC 7489 §7.1 external report authorisation), MTA-STS and TLS-RPT records,
good and bad, served by the suite's NSD (tests/dns_zones_mail.py, zone records.test)."""

import pytest

from mailsettings import dnscheck

DKIM = [
    # (domain, ok, code, key type, bits)
    ("cname.records.test", True, None, "rsa", 2048),  # a CNAME to OKBNET's key
    ("txt.records.test", True, None, "rsa", 2048),  # the key itself, split over two strings
    ("ed.records.test", True, None, "ed25519", 256),
    ("revoked.records.test", False, "revoked", "rsa", None),
    ("weak.records.test", False, "weak_key", "rsa", 512),
    ("garbage.records.test", False, "bad_key", "rsa", None),
    ("badtags.records.test", False, "bad_key", "", None),
    ("unknownalg.records.test", False, "bad_key", "dsa", None),
    ("two.records.test", False, "multiple_records", "", None),
    ("nothing.records.test", False, "not_published", "", None),
]


@pytest.mark.parametrize(("domain", "ok", "code", "key_type", "bits"), DKIM)
def test_dkim_selectors_are_published_and_their_keys_parse(dns, domain, ok, code, key_type, bits):
    (key,) = dnscheck.dkim_check(domain, ["okbnet"], session=dnscheck.Session())
    assert (key.ok, key.code, key.key_type, key.key_bits) == (ok, code, key_type, bits), key


DMARC = [
    # (domain, ok, code, policy)
    ("good.records.test", True, None, "reject"),  # its report addresses are its own
    ("monitor.records.test", True, None, "none"),  # external rua, authorised by reports.test
    ("extok.records.test", True, None, "quarantine"),  # with a size limit (!10m)
    ("extno.records.test", False, "reports_not_authorised", "quarantine"),
    ("extmixed.records.test", False, "reports_not_authorised", "none"),
    ("nopolicy.records.test", False, "missing_policy", ""),
    ("badpolicy.records.test", False, "bad_policy", "block"),
    ("badpct.records.test", False, "bad_pct", "reject"),
    ("badalign.records.test", False, "bad_alignment", "reject"),
    ("baduri.records.test", False, "bad_report_uri", "none"),
    ("notfirst.records.test", False, "not_published", ""),  # v=DMARC1 must come first
    ("two.records.test", False, "multiple_records", ""),
    ("syntax.records.test", False, "syntax", ""),
    ("nothing.records.test", False, "not_published", ""),
]


@pytest.mark.parametrize(("domain", "ok", "code", "policy"), DMARC)
def test_dmarc_records_are_parsed_and_external_reports_need_authorisation(dns, domain, ok, code, policy):
    result = dnscheck.dmarc_check(domain, session=dnscheck.Session())
    assert (result.ok, result.code, result.policy) == (ok, code, policy), result


def test_dmarc_reports_each_address_and_its_authorisation(dns):
    result = dnscheck.dmarc_check("extmixed.records.test", session=dnscheck.Session())
    assert [(r.domain, r.external, r.authorised) for r in result.rua] == [
        ("reports.test", True, True),
        ("noauth.test", True, False),
    ]
    good = dnscheck.dmarc_check("good.records.test", session=dnscheck.Session())
    assert (good.subdomain_policy, good.pct) == ("quarantine", 50)
    assert [(r.address, r.external) for r in good.ruf] == [("forensic@records.test", False)]


def test_a_subdomain_without_a_record_uses_its_organizational_domains(dns):
    result = dnscheck.dmarc_check("mail.sub.records.test", session=dnscheck.Session())
    assert result.name == "_dmarc.records.test"
    assert result.code == "not_published"  # records.test itself publishes none
    assert dnscheck.organizational_domain("mail.sub.records.test") == "records.test"
    assert dnscheck.organizational_domain("www.example.co.jp") == "example.co.jp"  # the public suffix list


MTA_STS = [
    # (domain, present, ok, code)
    ("good.records.test", True, True, None),
    ("badid.records.test", True, False, "bad_id"),
    ("noid.records.test", True, False, "bad_id"),
    ("badversion.records.test", True, False, "syntax"),
    ("two.records.test", True, False, "multiple_records"),
    ("nothing.records.test", False, None, "not_published"),
]


@pytest.mark.parametrize(("domain", "present", "ok", "code"), MTA_STS)
def test_mta_sts_records_are_parsed_when_present(dns, domain, present, ok, code):
    result = dnscheck.mta_sts_check(domain, session=dnscheck.Session())
    assert (result.present, result.ok, result.code) == (present, ok, code), result


TLS_RPT = [
    ("good.records.test", True, True, None),
    ("norua.records.test", True, False, "missing_rua"),
    ("baduri.records.test", True, False, "bad_report_uri"),
    ("syntax.records.test", True, False, "syntax"),
    ("nothing.records.test", False, None, "not_published"),
]


@pytest.mark.parametrize(("domain", "present", "ok", "code"), TLS_RPT)
def test_tls_rpt_records_are_parsed_when_present(dns, domain, present, ok, code):
    result = dnscheck.tls_rpt_check(domain, session=dnscheck.Session())
    assert (result.present, result.ok, result.code) == (present, ok, code), result


def test_tls_rpt_lists_its_report_addresses(dns):
    result = dnscheck.tls_rpt_check("good.records.test", session=dnscheck.Session())
    assert result.values == ("mailto:tlsrpt@records.test", "https://reports.records.test/tlsrpt")
